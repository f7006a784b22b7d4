"""A folder mounted inside OUT (a bind mount, a container volume) survives every build.

The mounts are real: ``mount --bind`` and tmpfs, where root may mount (the tests skip
with the reason where the sandbox forbids it). Before the fix, the swap carried the
mount into the old build's folder and deleted through it: the volume came back empty.
"""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from hardening_support import newsgraph_cmd, snapshot, small_corpora  # noqa: F401
from newsgraph.outputs import mounts_within
from newsgraph.pipeline import write_all


def _mount(args: list[str]) -> None:
    if os.geteuid() != 0:
        pytest.skip("mounting needs root")
    done = subprocess.run(["mount", *map(str, args)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"this machine does not allow the mount ({done.stderr.strip()})")


def _umount(folder: Path) -> None:
    # every mount under the test's folder, wherever a broken build may have carried it
    for point in sorted(mounts_within(folder.resolve()), reverse=True):
        subprocess.run(["umount", "-l", str(point)], check=False)


def _graphs():
    from test_html import big_graph
    from test_load_support import seeds_like_graph

    return seeds_like_graph(), big_graph(60, 90, seed=5)


def test_bind_mount_inside_out_keeps_its_files_through_a_cli_build(tmp_path, small_corpora):
    corpus_a, corpus_b = small_corpora
    volume, out = tmp_path / "volume", tmp_path / "out"
    volume.mkdir()
    assert newsgraph_cmd("build", corpus_a, "-o", out, "-q").returncode == 0
    (out / "archive").mkdir()
    _mount(["--bind", volume, out / "archive"])
    try:
        (out / "archive" / "precious.txt").write_text("x\n")
        assert mounts_within(out.resolve()) == [(out / "archive").resolve()]
        result = newsgraph_cmd("build", corpus_b, "-o", out, "-q")
        assert result.returncode == 0, result.stderr
        assert (volume / "precious.txt").read_text() == "x\n"
        assert (out / "archive" / "precious.txt").read_text() == "x\n"
        ref = tmp_path / "ref"
        assert newsgraph_cmd("build", corpus_b, "-o", ref, "-q").returncode == 0
        assert (out / "graph.json").read_bytes() == (ref / "graph.json").read_bytes()
    finally:
        _umount(tmp_path)
    assert (volume / "precious.txt").read_text() == "x\n"


def test_tmpfs_inside_a_folder_the_build_rewrites_is_kept(tmp_path):
    # the mount sits in neo4j/, which every build replaces: its files are moved in one by one
    graph_a, graph_b = _graphs()
    out = tmp_path / "out"
    write_all(graph_a, out)
    (out / "neo4j" / "backup").mkdir()
    _mount(["-t", "tmpfs", "-o", "size=1m", "tmpfs", out / "neo4j" / "backup"])
    try:
        (out / "neo4j" / "backup" / "dump.csv").write_text("keep me\n")
        write_all(graph_b, out)
        assert (out / "neo4j" / "backup" / "dump.csv").read_text() == "keep me\n"
        ref = tmp_path / "ref"
        write_all(graph_b, ref)
        state = snapshot(out)
        assert state.pop("neo4j/backup/dump.csv") == b"keep me\n"
        assert {k: v for k, v in state.items() if "lock" not in k} == snapshot(ref)
        assert [p.name for p in tmp_path.iterdir() if ".staging-" in p.name or "previous" in p.name] == []
    finally:
        _umount(tmp_path)


def test_mount_points_are_found_with_spaces_in_their_names(tmp_path):
    volume, target = tmp_path / "vol", tmp_path / "out" / "a dir\twith tab"
    volume.mkdir()
    target.mkdir(parents=True)
    _mount(["--bind", volume, target])
    try:
        assert mounts_within((tmp_path / "out").resolve()) == [target.resolve()]
    finally:
        _umount(tmp_path)
