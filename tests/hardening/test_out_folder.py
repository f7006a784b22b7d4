"""The build folder holds one build's files: ``view`` takes the build lock, OUT is never read as input.

Each test reproduces what broke on the landed main: ``newsgraph view`` racing a build
wrote the old build's page into the new OUT; an OUT inside an input folder had its own
``graph.html`` read back as an article on the next build.
"""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from hardening_support import assert_one_line_error, newsgraph_cmd
from newsgraph.errors import ExportError
from newsgraph.pipeline import write_all
from test_load_support import seeds_like_graph

HOLD_LOCK = ("import sys, time; from newsgraph.outputs import output_lock\n"
             "with output_lock(sys.argv[1], sys.argv[2]):\n    print('held', flush=True); time.sleep(60)")


def _hold_lock(out, command="build") -> subprocess.Popen:
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(out), command],
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_view_does_not_write_a_page_while_a_build_holds_the_lock(tmp_path):
    out = tmp_path / "out"
    write_all(seeds_like_graph(), out, ["json"])
    holder = _hold_lock(out)
    try:
        result = newsgraph_cmd("view", out, "--no-open")
        assert_one_line_error(result, str(out), "another newsgraph build is writing here",
                              f"pid {holder.pid}")
        assert not (out / "graph.html").exists()
        focus = newsgraph_cmd("view", out, "--no-open", "--focus", "Roche")
        assert_one_line_error(focus, "another newsgraph build is writing here")
        assert sorted(p.name for p in out.iterdir()) == ["graph.json"]
    finally:
        holder.kill()
        holder.wait()
    done = newsgraph_cmd("view", out, "--no-open")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(out / "graph.html")
    assert (out / "graph.html").stat().st_size > 0
    assert not any(p.name.startswith(".out.") for p in tmp_path.iterdir())  # lock file removed


def test_a_fresh_page_needs_no_lock(tmp_path):
    out = tmp_path / "out"
    write_all(seeds_like_graph(), out, ["json", "html"])
    holder = _hold_lock(out)
    try:
        result = newsgraph_cmd("view", out, "--no-open")
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == str(out / "graph.html")
    finally:
        holder.kill()
        holder.wait()


def test_a_build_finding_a_view_at_work_says_so(tmp_path):
    out = tmp_path / "out"
    holder = _hold_lock(out, "view")
    try:
        with pytest.raises(ExportError, match=r"another newsgraph view is writing here \(pid \d+\)"):
            write_all(seeds_like_graph(), out, ["json"])
    finally:
        holder.kill()
        holder.wait()
    assert not out.exists()


ARTICLE = ("Calloway Pharma agreed to acquire Arden Bio for $40 million, the companies said on "
           "Monday.\n")


def _documents_read(result: subprocess.CompletedProcess) -> str:
    return next(line for line in result.stderr.splitlines() if line.startswith("documents:"))


@pytest.mark.slow
def test_out_inside_an_input_folder_is_not_read_back_as_articles(tmp_path):
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "a.txt").write_text(ARTICLE, encoding="utf-8")
    out = articles / "out"
    first = newsgraph_cmd("build", articles, "-o", out)
    assert first.returncode == 0, first.stderr
    assert _documents_read(first) == "documents: 1 read, 0 skipped"
    assert (out / "graph.html").exists() and (out / "deals.jsonl").exists()
    again = newsgraph_cmd("build", articles, "-o", out)
    assert again.returncode == 0, again.stderr
    assert _documents_read(again) == "documents: 1 read, 0 skipped"
    assert (f"newsgraph: warning: {out}: the output folder is inside the input folder {articles}; "
            "its files are not read as articles") in again.stderr.splitlines()
    into = newsgraph_cmd("build", articles, "--into", out)
    assert into.returncode == 0, into.stderr
    assert _documents_read(into) == "documents: 0 read, 0 skipped, 1 already in the build"
    graph = json.loads((out / "graph.json").read_text(encoding="utf-8"))
    assert len(graph["graph"]["documents"]) == 1
    assert "JavaScript" not in {node["label"] for node in graph["nodes"]}


def test_out_that_is_the_input_folder_is_a_one_line_error(tmp_path):
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "a.txt").write_text(ARTICLE, encoding="utf-8")
    result = newsgraph_cmd("build", articles, "-o", articles, "-q")
    assert_one_line_error(result, "nothing could be read", "the output folder is inside the input folder")
    assert sorted(p.name for p in articles.iterdir()) == ["a.txt"]


UMASK_WRITER = ("import os, pickle, sys; os.umask(int(sys.argv[3], 8))\n"
                "from newsgraph.pipeline import write_all\n"
                "write_all(pickle.load(open(sys.argv[1], 'rb')), sys.argv[2], ['all'])")


@pytest.mark.parametrize("mask, folder, file, script", [("077", 0o700, 0o600, 0o700),
                                                         ("022", 0o755, 0o644, 0o755),
                                                         ("002", 0o775, 0o664, 0o775)])
def test_out_and_every_export_follow_the_umask(tmp_path, mask, folder, file, script):
    # on the landed main OUT was 0755 and the exports 0644 under umask 077 (os.chmod ignores it)
    import pickle

    (tmp_path / "g.pickle").write_bytes(pickle.dumps(seeds_like_graph()))
    out = tmp_path / "out"
    subprocess.run([sys.executable, "-c", UMASK_WRITER, str(tmp_path / "g.pickle"), str(out), mask],
                   check=True, timeout=120)
    modes = {str(p.relative_to(out)): p.stat().st_mode & 0o777 for p in [out, *out.rglob("*")]}
    expected = {name: folder if (out / name).is_dir() else script if name.endswith(".sh") else file
                for name in modes}
    assert modes == expected and modes["."] == folder and modes["neo4j/import.sh"] == script
