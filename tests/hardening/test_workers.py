"""A ``--workers 2`` build killed, interrupted or losing a worker: no orphans, no stale lock, one line.

Every signal is real and goes to a real ``newsgraph build`` process. Before the fix, a
parent killed with SIGTERM or SIGKILL left both workers running (still alive minutes
later), and they held the lock they inherited, so the next build into OUT failed.
"""
from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from hardening_support import NEWSGRAPH, assert_one_line_error, newsgraph_cmd


def _corpus(folder: Path, articles: int = 400) -> Path:
    folder.mkdir()
    for i in range(articles):
        (folder / f"a{i:04d}.txt").write_text(
            f"Calloway Pharma {i} agreed to acquire Arden Bio {i} for ${i + 3} million in March 2025.\n\n"
            f"Arden Bio {i} signed a licensing agreement with Korea Drug Lab {i}, the companies said.\n"
            f"Seoul-based Korea Drug Lab {i} will invest 50 billion won in Japan.\n" * 3)
    return folder


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(entry))
    return found


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _start_build(corpus: Path, out: Path) -> tuple[subprocess.Popen, list[int]]:
    proc = subprocess.Popen([*NEWSGRAPH, "build", str(corpus), "-o", str(out), "--workers", "2", "-q"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        workers = _children(proc.pid)
        if len(workers) >= 2:
            time.sleep(2)  # the workers are parsing now
            return proc, _children(proc.pid)
        assert proc.poll() is None, proc.stderr.read()
        time.sleep(0.2)
    proc.kill()
    pytest.fail("the build never started its two workers")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return _corpus(tmp_path_factory.mktemp("dense") / "corpus")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_killed_parent_takes_its_workers_and_its_lock_along(tmp_path, corpus, sig):
    out = tmp_path / "out"
    proc, workers = _start_build(corpus, out)
    assert len(workers) >= 2
    os.kill(proc.pid, sig)
    proc.wait(timeout=30)
    deadline = time.monotonic() + 10
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert [w for w in workers if _alive(w)] == [], "workers outlived their parent"
    # the next build gets the lock at once: a small corpus, done in seconds after the model loads
    small = tmp_path / "small"
    small.mkdir()
    (small / "one.txt").write_text("Eli Lilly partners with ABL Bio in a $2.6 billion deal.\n")
    began = time.monotonic()
    result = newsgraph_cmd("build", small, "-o", out, "-q", timeout=120)
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - began < 60
    assert (out / "graph.json").is_file()


def test_ctrl_c_is_one_line_and_stops_the_workers(tmp_path, corpus):
    proc, workers = _start_build(corpus, tmp_path / "out")
    os.killpg(proc.pid, signal.SIGINT)  # what the terminal does: the whole process group
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and err.strip() == "newsgraph: interrupted", err
    time.sleep(1)
    assert [w for w in workers if _alive(w)] == []


def test_a_worker_killed_by_the_system_is_a_one_line_error(tmp_path, corpus):
    proc, workers = _start_build(corpus, tmp_path / "out")
    os.kill(workers[0], signal.SIGKILL)  # as the OOM killer does
    out, err = proc.communicate(timeout=120)
    result = subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
    assert_one_line_error(result, "worker process died")
    assert [w for w in workers if _alive(w)] == []
