"""The newsgraph command as a user runs it: a real subprocess, real files."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SEEDS

CLI = [sys.executable, "-m", "newsgraph.cli"]


def run(*args, stdin=None, cwd=None):
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, input=stdin,
                          cwd=cwd, timeout=300, env={**os.environ, "PYTHONHASHSEED": "0"})


@pytest.fixture(scope="module")
def seeds_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    return run("build", SEEDS, "-o", out), out


def test_build_seeds_writes_graph_json_and_summary(seeds_build):
    proc, out = seeds_build
    assert proc.returncode == 0, proc.stderr
    data = json.loads((out / "graph.json").read_text(encoding="utf-8"))
    assert data["directed"] is True and data["multigraph"] is True
    labels = {n["label"] for n in data["nodes"]}
    assert {"Roche", "South Korea", "ABL Bio", "Alteogen"} <= labels
    assert "documents: 2 read, 0 skipped" in proc.stderr
    assert "Company" in proc.stderr and "relations:" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_bad_inputs_warn_and_the_rest_goes_through(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00\x00garbage\x00" * 50)
    good = tmp_path / "good.txt"
    good.write_text("Roche signed an agreement with Novartis.", encoding="utf-8")
    proc = run("build", bad, tmp_path / "missing.md", good, "-o", tmp_path / "out")
    assert proc.returncode == 0, proc.stderr
    warnings = [line for line in proc.stderr.splitlines() if "warning" in line]
    assert len(warnings) == 2
    assert any(str(bad) in w for w in warnings) and any("missing.md: no such file" in w for w in warnings)
    assert "documents: 1 read, 2 skipped" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_nothing_readable_exits_non_zero_without_traceback(tmp_path):
    (tmp_path / "empty").mkdir()
    proc = run("build", tmp_path / "empty", "-o", tmp_path / "out")
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines()[-1].startswith("newsgraph: error: nothing could be read")
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "out" / "graph.json").exists()


def test_stdin_input(tmp_path):
    proc = run("build", "-", "-o", tmp_path, stdin="Novartis agreed to acquire Avidity Biosciences.\n")
    assert proc.returncode == 0, proc.stderr
    labels = {n["label"] for n in json.loads((tmp_path / "graph.json").read_text())["nodes"]}
    assert "Novartis" in labels


def test_unknown_format_and_model_are_one_line_errors(tmp_path):
    proc = run("build", SEEDS, "-o", tmp_path, "--format", "tutle")
    assert proc.returncode == 2
    assert proc.stderr.strip() == "newsgraph: error: unknown format 'tutle'; did you mean 'turtle'? known: " + ", ".join(
        __import__("newsgraph.exports", fromlist=["known_formats"]).known_formats())
    proc = run("build", SEEDS, "-o", tmp_path, "--model", "no_such_pipeline")
    assert proc.returncode == 1
    assert "spaCy pipeline 'no_such_pipeline' is not installed" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_help_ends_with_an_example():
    proc = run("build", "--help")
    assert proc.returncode == 0
    assert proc.stdout.rstrip().splitlines()[-1].strip().startswith(("newsgraph build", "-"))
    assert "Example:" in proc.stdout


def test_python_dash_m_newsgraph_is_the_command():
    proc = subprocess.run([sys.executable, "-m", "newsgraph", "--help"], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("Usage: newsgraph [OPTIONS] COMMAND")
    assert "build" in proc.stdout and "query" in proc.stdout


def test_help_subcommand_shows_the_same_help_as_dash_dash_help():
    assert run("help").stdout == run("--help").stdout
    assert run("help", "build").stdout == run("build", "--help").stdout
    proc = run("help", "biuld")
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "newsgraph: error: unknown command 'biuld'; did you mean 'build'? (known: "
        + ", ".join(sorted(["build", "deals", "eval", "help", "load", "query", "serve", "view"])) + ")"]


def test_format_writes_graph_json_too_and_removes_stale_exports(tmp_path):
    out = tmp_path / "out"
    assert run("build", SEEDS, "-o", out, "-q").returncode == 0
    (out / "mine.txt").write_text("kept", encoding="utf-8")
    assert sorted(p.name for p in out.iterdir()) == [
        ".newsgraph", "deals.csv", "deals.jsonl", "graph.html", "graph.json", "graph.ttl", "mine.txt",
        "neo4j"]
    proc = run("build", SEEDS, "-o", out, "--format", "ntriples,jsonld", "-q")
    assert proc.returncode == 0, proc.stderr
    # graph.json is always written; html, turtle and neo4j of the earlier build are gone
    assert sorted(p.name for p in out.iterdir()) == [
        ".newsgraph", "graph.json", "graph.jsonld", "graph.nt", "mine.txt"]
    view = run("view", out, "--no-open")
    assert view.returncode == 0, view.stderr
    assert view.stdout.strip() == str(out / "graph.html")
    proc = run("build", SEEDS, "-o", out, "--format", "default", "--format", "trig", "-q")
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        ".newsgraph", "deals.csv", "deals.jsonl", "graph.html", "graph.json", "graph.trig", "graph.ttl",
        "mine.txt", "neo4j"]
    assert not any(p.name.startswith(".out.") for p in tmp_path.iterdir())  # no lock file left


def test_format_typo_is_caught_before_reading_with_a_suggestion(tmp_path):
    proc = run("build", tmp_path / "missing", "-o", tmp_path / "out", "--format", "json,ntripels")
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        "newsgraph: error: unknown format 'ntripels'; did you mean 'ntriples'? known: "
        "deals, deals-jsonl, html, json, jsonld, neo4j, ntriples, trig, turtle"]
