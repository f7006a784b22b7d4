"""Every registered exporter: deterministic, keeps counts, writes atomically."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from newsgraph.exports import EXPORTERS, get_exporter
from newsgraph.exports.atomic import atomic_write
from newsgraph.errors import ExportError


def _read_all(path: Path) -> bytes:
    if path.is_dir():
        return b"".join(p.relative_to(path).as_posix().encode() + p.read_bytes()
                        for p in sorted(path.rglob("*")) if p.is_file())
    return path.read_bytes()


@pytest.mark.parametrize("name", sorted(EXPORTERS))
def test_exporter_is_deterministic(name, seeds_graph, tmp_path):
    exporter = get_exporter(name)
    a = exporter.write(seeds_graph, tmp_path / "a" / exporter.FILENAME)
    b = exporter.write(seeds_graph.copy(), tmp_path / "b" / exporter.FILENAME)
    assert _read_all(Path(a)) == _read_all(Path(b))


@pytest.mark.parametrize("name", sorted(EXPORTERS))
def test_exporter_leaves_no_temporary_files(name, seeds_graph, tmp_path):
    exporter = get_exporter(name)
    exporter.write(seeds_graph, tmp_path / exporter.FILENAME)
    exporter.write(seeds_graph, tmp_path / exporter.FILENAME)  # over an existing output
    assert [p.name for p in tmp_path.iterdir()] == [exporter.FILENAME]


def test_atomic_write_keeps_the_old_file_when_writing_fails(tmp_path):
    target = tmp_path / "graph.json"
    target.write_text("old complete content")

    def chunks():
        yield "new partial "
        raise RuntimeError("killed mid-write")

    with pytest.raises(RuntimeError):
        atomic_write(target, chunks())
    assert target.read_text() == "old complete content"
    assert os.listdir(tmp_path) == ["graph.json"]


def test_unwritable_folder_is_an_export_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ExportError, match="cannot write"):
        atomic_write(blocker / "sub" / "graph.json", ["{}"])
