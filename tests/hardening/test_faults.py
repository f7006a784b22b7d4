"""Faults: builds killed with SIGKILL mid-run, two builds at once, a full disk, unwritable folders.

Every kill is real (a child process, ``SIGKILL``, no clean-up code runs) and lands at a
moment spread over the run; afterwards OUT must hold, byte for byte, either every file
of the previous build or every file of the new one.
"""
from __future__ import annotations

import os
import pickle
import resource
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from hardening_support import (NEWSGRAPH, assert_one_line_error, leftovers, newsgraph_cmd,  # noqa: F401
                                snapshot, small_corpora)
from newsgraph.exports import DEFAULT_FORMATS, get_exporter
from newsgraph.outputs import commit_outputs, output_lock, recover
from newsgraph.pipeline import write_all

#: a child that writes graph B into OUT: says "ready" once imports are done, "done" at the end
WRITER = textwrap.dedent("""
    import pickle, sys
    from newsgraph import outputs
    from newsgraph.pipeline import write_all
    graph = pickle.load(open(sys.argv[1], "rb"))
    if sys.argv[3] == "fallback":
        outputs._exchange = lambda a, b: False  # the path taken where RENAME_EXCHANGE is missing
    print("ready", flush=True)
    write_all(graph, sys.argv[2])
    print("done", flush=True)
""")


def _graphs():
    from test_html import big_graph
    from test_load_support import seeds_like_graph

    # B is big enough that writing it takes a measurable time to kill into
    return seeds_like_graph(), big_graph(600, 1200, seed=3)


def _start_writer(pickled: Path, out: Path, mode: str) -> subprocess.Popen:
    child = subprocess.Popen([sys.executable, "-c", WRITER, str(pickled), str(out), mode],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "ready", child.stderr.read()
    return child


@pytest.mark.parametrize("mode", ["exchange", "fallback"])
def test_writer_killed_at_8_moments_leaves_old_or_new_outputs_never_a_mix(tmp_path, mode):
    graph_a, graph_b = _graphs()
    pickled = tmp_path / "b.pickle"
    pickled.write_bytes(pickle.dumps(graph_b))
    ref_a, ref_b = tmp_path / "ref-a", tmp_path / "ref-b"
    write_all(graph_a, ref_a)
    write_all(graph_b, ref_b)
    old, new = snapshot(ref_a), snapshot(ref_b)
    assert old != new
    # how long the write itself takes, from "ready" to "done"
    child = _start_writer(pickled, tmp_path / "timing", mode)
    began = time.monotonic()
    assert child.stdout.readline().strip() == "done"
    duration = time.monotonic() - began
    child.wait()

    out = tmp_path / "out"
    outcomes = []
    kill_points = 8
    for i in range(kill_points):
        write_all(graph_a, out)  # back to the previous build (and recovers what a kill left)
        assert snapshot(out) == old and leftovers(out) == []
        child = _start_writer(pickled, out, mode)
        if i < kill_points - 1:
            time.sleep(duration * i / (kill_points - 2))  # from the first write to just past the end
        else:
            assert child.stdout.readline().strip() == "done"  # and once surely after the commit
        child.send_signal(signal.SIGKILL)
        child.wait()
        state = snapshot(out)
        assert state in (old, new), f"kill {i}: a mix of two builds"
        outcomes.append("new" if state == new else "old")
    print(f"{mode}: write takes {duration:.2f} s; outcomes of the kills: {outcomes}")
    assert outcomes[0] == "old" and outcomes[-1] == "new", outcomes
    write_all(graph_b, out)
    assert snapshot(out) == new and leftovers(out) == []


def test_cli_build_killed_at_6_moments_leaves_old_or_new_outputs(tmp_path, small_corpora):
    corpus_a, corpus_b = small_corpora
    ref_a, ref_b = tmp_path / "ref-a", tmp_path / "ref-b"
    began = time.monotonic()
    assert newsgraph_cmd("build", corpus_a, "-o", ref_a, "-q").returncode == 0
    run_time = time.monotonic() - began
    assert newsgraph_cmd("build", corpus_b, "-o", ref_b, "-q").returncode == 0
    old, new = snapshot(ref_a), snapshot(ref_b)
    assert old != new

    out = tmp_path / "out"
    outcomes = []
    # spread over the run (model loading, extraction, writing), the last ones near the commit
    for fraction in (0.25, 0.5, 0.8, 0.95, None, None):
        # back to the previous build, by copy (the same bytes a build of A writes)
        shutil.rmtree(out, ignore_errors=True)
        for leftover in leftovers(out) if out.parent.exists() else ():
            path = tmp_path / leftover  # a killed build's lock file too
            shutil.rmtree(path) if path.is_dir() else path.unlink()
        shutil.copytree(ref_a, out)
        child = subprocess.Popen([*NEWSGRAPH, "build", str(corpus_b), "-o", str(out), "-q"])
        if fraction is None:
            # wait for the staging folder to appear: the kill lands while exports are written
            deadline = time.monotonic() + 60
            while not any(p.name.startswith(".out.staging-") for p in tmp_path.iterdir()):
                assert child.poll() is None and time.monotonic() < deadline
                time.sleep(0.002)
            time.sleep(0.01 * len(outcomes))
        else:
            time.sleep(run_time * fraction)
        child.send_signal(signal.SIGKILL)
        child.wait()
        state = snapshot(out)
        assert state in (old, new)
        outcomes.append("new" if state == new else "old")
    print(f"build takes {run_time:.2f} s; outcomes of the kills: {outcomes}")
    assert outcomes[0] == "old"
    assert newsgraph_cmd("build", corpus_b, "-o", out, "-q").returncode == 0
    assert snapshot(out) == new and leftovers(out) == []


def test_recover_puts_back_a_previous_build_moved_aside_before_a_kill(tmp_path):
    # the one window of the fallback path: OUT renamed aside, the new folder not yet in place
    out = tmp_path / "out"
    write_all(_graphs()[0], out)
    before = snapshot(out)
    os.rename(out, tmp_path / ".out.previous")
    (tmp_path / ".out.staging-x1").mkdir()
    recover(out)
    assert snapshot(out) == before and leftovers(out) == []


def test_a_failing_export_changes_nothing_in_out(tmp_path):
    out = tmp_path / "out"
    graph_a, graph_b = _graphs()
    write_all(graph_a, out)
    before = snapshot(out)
    with pytest.raises(RuntimeError):
        with commit_outputs(out) as staging:
            (staging / "graph.json").write_text("half")
            raise RuntimeError("exporter bug")
    assert snapshot(out) == before and leftovers(out) == []


def test_files_the_build_does_not_write_are_kept_but_stale_exports_go(tmp_path):
    out = tmp_path / "out"
    graph_a, graph_b = _graphs()
    write_all(graph_a, out)
    (out / "notes.txt").write_text("mine")
    assert (out / "graph.html").exists()
    write_all(graph_b, out, ["json"])
    assert (out / "notes.txt").read_text() == "mine"
    # the other formats' files would describe graph_a: a build of graph_b removes them
    assert sorted(p.name for p in out.iterdir()) == ["graph.json", "notes.txt"]
    write_all(graph_b, out)
    assert sorted(p.name for p in out.iterdir()) == sorted(
        {get_exporter(f).FILENAME for f in DEFAULT_FORMATS} | {"notes.txt"})


def test_second_build_into_the_same_out_fails_with_one_line_and_first_completes(tmp_path, small_corpora):
    _, corpus_b = small_corpora
    out = tmp_path / "out"
    ref = tmp_path / "ref"
    assert newsgraph_cmd("build", corpus_b, "-o", ref, "-q").returncode == 0
    first = subprocess.Popen([*NEWSGRAPH, "build", str(corpus_b), "-o", str(out), "-q"],
                             stderr=subprocess.PIPE, text=True)
    lock = tmp_path / ".out.lock"
    deadline = time.monotonic() + 60
    while not (lock.exists() and lock.read_text().split()[:1] == [str(first.pid)]):
        assert first.poll() is None and time.monotonic() < deadline
        time.sleep(0.005)
    second = newsgraph_cmd("build", corpus_b, "-o", out, "-q")
    assert_one_line_error(second, "another newsgraph build is writing here", f"pid {first.pid}")
    assert second.returncode == 2
    assert first.wait(120) == 0, first.stderr.read()
    assert snapshot(out) == snapshot(ref)
    with output_lock(out):  # the lock died with its holder
        pass
    assert not lock.exists()  # and a build that ends removes its lock file


def test_lock_held_in_another_process_stops_write_all(tmp_path):
    out = tmp_path / "out"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from newsgraph.outputs import output_lock\n"
         "with output_lock(sys.argv[1]):\n    print('held', flush=True); time.sleep(60)", str(out)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        from newsgraph.errors import ExportError

        with pytest.raises(ExportError, match="another newsgraph build is writing here"):
            write_all(_graphs()[0], out)
        assert not out.exists()
    finally:
        holder.kill()
        holder.wait()
    with output_lock(out), output_lock(out):  # re-entrant in one process
        write_all(_graphs()[0], out)
    assert (out / "graph.json").exists()


def _limit_file_size():
    resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))


def test_file_size_limit_is_a_one_line_error_and_keeps_the_previous_build(tmp_path, small_corpora):
    corpus_a, corpus_b = small_corpora
    out = tmp_path / "out"
    assert newsgraph_cmd("build", corpus_a, "-o", out, "-q", "--format", "json").returncode == 0
    before = snapshot(out)
    # graph.html is ~500 KB: the write fails with EFBIG part-way through
    result = newsgraph_cmd("build", corpus_b, "-o", out, "-q", preexec_fn=_limit_file_size)
    assert_one_line_error(result, "graph.html", "File too large")
    assert result.returncode == 2
    assert snapshot(out) == before and leftovers(out) == []


@pytest.fixture
def tiny_tmpfs(tmp_path):
    """A real 300 KB file system (tmpfs), where the sandbox lets root mount one."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root; the RLIMIT_FSIZE test covers a failed write")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=300k", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"this machine does not allow a tmpfs mount ({done.stderr.strip()}); "
                    "the RLIMIT_FSIZE test covers a failed write")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_disk_full_is_a_one_line_error_and_keeps_the_previous_build(tiny_tmpfs, small_corpora):
    corpus_a, corpus_b = small_corpora
    out = tiny_tmpfs / "out"
    assert newsgraph_cmd("build", corpus_a, "-o", out, "-q", "--format", "json").returncode == 0
    before = snapshot(out)
    result = newsgraph_cmd("build", corpus_b, "-o", out, "-q")
    assert_one_line_error(result, "No space left on device")
    assert snapshot(out) == before and leftovers(out) == []


def test_read_only_output_folder_is_a_one_line_error(tmp_path, small_corpora):
    corpus_a, _ = small_corpora
    parent = tmp_path / "ro"
    parent.mkdir()
    if os.geteuid() == 0:
        # root writes through file modes: a read-only file system is the real thing
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(parent)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            pytest.skip(f"cannot mount a read-only tmpfs here ({done.stderr.strip()})")
    else:
        parent.chmod(0o555)
    try:
        result = newsgraph_cmd("build", corpus_a, "-o", parent / "out", "-q")
        assert_one_line_error(result, str(parent / "out"))
        assert result.returncode == 2
        assert "Read-only file system" in result.stderr or "Permission denied" in result.stderr
    finally:
        if os.geteuid() == 0:
            subprocess.run(["umount", "-l", str(parent)], check=False)
        else:
            parent.chmod(0o755)


def test_output_path_under_a_file_is_a_one_line_error(tmp_path, small_corpora):
    corpus_a, _ = small_corpora
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    result = newsgraph_cmd("build", corpus_a, "-o", blocker / "out", "-q")
    assert_one_line_error(result, "is a file, not a folder")
    out_is_file = newsgraph_cmd("build", corpus_a, "-o", blocker, "-q")
    assert out_is_file.returncode != 0 and "Traceback" not in out_is_file.stderr
    assert blocker.read_text() == "x"


def _mount_tmpfs(path: Path, options: str = "size=16m") -> None:
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"this machine does not allow a tmpfs mount ({done.stderr.strip()})")


def test_out_that_is_a_mount_point_is_written_in_place(tmp_path):
    # a container volume: OUT itself cannot be renamed, each export is replaced on its own
    out = tmp_path / "volume"
    out.mkdir()
    _mount_tmpfs(out)
    try:
        graph_a, graph_b = _graphs()
        write_all(graph_a, out)
        (out / "mine.txt").write_text("kept")
        write_all(graph_b, out)
        ref = tmp_path / "ref"
        write_all(graph_b, ref)
        state = snapshot(out)
        assert state.pop("mine.txt") == b"kept"
        assert state == snapshot(ref)
        assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == []  # no lock left
        assert leftovers(out) == []
    finally:
        subprocess.run(["umount", "-l", str(out)], check=False)


def test_out_in_a_read_only_parent_is_written_in_place(tmp_path, small_corpora):
    corpus_a, corpus_b = small_corpora
    parent = tmp_path / "ro"
    parent.mkdir()
    _mount_tmpfs(parent, "size=1m")
    try:
        (parent / "out").mkdir()
        subprocess.run(["mount", "-o", "remount,ro", str(parent)], check=True)
        _mount_tmpfs(parent / "out")
        ref = tmp_path / "ref"
        assert newsgraph_cmd("build", corpus_b, "-o", ref, "-q").returncode == 0
        assert newsgraph_cmd("build", corpus_a, "-o", parent / "out", "-q").returncode == 0
        result = newsgraph_cmd("build", corpus_b, "-o", parent / "out", "-q")
        assert result.returncode == 0, result.stderr
        assert snapshot(parent / "out") == snapshot(ref)
    finally:
        subprocess.run(["umount", "-l", str(parent / "out")], check=False)
        subprocess.run(["umount", "-l", str(parent)], check=False)
