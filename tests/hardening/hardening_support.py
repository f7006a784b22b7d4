"""Helpers shared by the hardening tests: running the real command in a child process, folder snapshots."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent.parent
ROOT = TESTS.parent
# the hand-built graphs and the browser helpers live beside the export tests
for folder in (TESTS, TESTS / "exports"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

#: how the tests start ``newsgraph`` as a user would: a separate process
NEWSGRAPH = [sys.executable, "-c", "from newsgraph.cli import main; main()"]


def newsgraph_cmd(*args, env=None, **kwargs) -> subprocess.CompletedProcess:
    environment = dict(os.environ, **(env or {}))
    return subprocess.run([*NEWSGRAPH, *map(str, args)], capture_output=True, text=True,
                          env=environment, timeout=kwargs.pop("timeout", 300), **kwargs)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (hidden ones too) by relative path, with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(out: Path) -> list[str]:
    """Lock files, staging or moved-aside folders of ``out`` that a finished build must not leave."""
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


def assert_one_line_error(result: subprocess.CompletedProcess, *needles: str) -> str:
    """A failed run: non-zero exit, exactly one error line on stderr, no traceback."""
    assert result.returncode != 0, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    errors = [line for line in result.stderr.splitlines() if not line.startswith("newsgraph: warning:")]
    assert len(errors) == 1 and errors[0].startswith("newsgraph: error: "), result.stderr
    for needle in needles:
        assert needle in errors[0], errors[0]
    return errors[0]


@pytest.fixture(scope="session")
def small_corpora(tmp_path_factory):
    """Two small article folders (A: one seed article; B: both seed articles plus a short one)."""
    base = tmp_path_factory.mktemp("corpora")
    seeds = sorted((ROOT / "seeds").iterdir())
    a, b = base / "a", base / "b"
    a.mkdir()
    b.mkdir()
    (a / seeds[0].name).write_bytes(seeds[0].read_bytes())
    for seed in seeds:
        (b / seed.name).write_bytes(seed.read_bytes())
    (b / "extra.txt").write_text("Eli Lilly partners with ABL Bio in a $2.6 billion deal.\n")
    return a, b
