"""deals.csv, deals.jsonl, graph.json's deals key and ``newsgraph deals``, read back by other readers."""
from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys

import networkx as nx
import pytest

from newsgraph.exports import DEFAULT_FORMATS, get_exporter
from newsgraph.exports.deals_csv import COLUMNS
from newsgraph.exports.json_graph import graph_to_data, read_json, write_json
from newsgraph.extract.model import Amount, Document, Entity, Evidence, Extraction, Relation
from newsgraph.graph import build_graph
from newsgraph.graph.deals import build_deals

HOSTILE = "=cmd|' /C calc'!A0; \"Evil\" Co\u2028'}) DETACH DELETE n // <script>"


def _graph(buyer: str = "Calloway Pharma", sentence_tail: str = "") -> nx.MultiDiGraph:
    text1 = f"{buyer} licensed KT-88 from Sable Pharma for $40 million upfront and $600 million in milestones.{sentence_tail}"
    text2 = "Harbor Ventures led a $90 million round in Quill Therapeutics; Pine Capital joined."
    text3 = "Talbot Systems completed its $1.2 billion acquisition of Ormond Labs."
    d1 = Document("doc-1", text1, date="2025-03-25")
    d2 = Document("doc-2", text2, date="2025-06-01")
    d3 = Document("doc-3", text3, date="2024-09-09")
    ev = lambda d: Evidence(d.id, d.text, 0, len(d.text))  # noqa: E731
    usd = lambda v: Amount(v, "USD", v)  # noqa: E731
    return build_graph([
        Extraction(d1, (Entity(buyer, "Company"), Entity("Sable Pharma", "Company"), Entity("KT-88", "Drug")),
                   (Relation(buyer, "LICENSES_FROM", "Sable Pharma", ev(d1), upfront=usd(4e7), milestones=usd(6e8)),
                    Relation("Sable Pharma", "DEVELOPS", "KT-88", ev(d1)))),
        Extraction(d2, (Entity("Harbor Ventures", "Company"), Entity("Pine Capital", "Company"),
                        Entity("Quill Therapeutics", "Company")),
                   (Relation("Harbor Ventures", "INVESTS_IN", "Quill Therapeutics", ev(d2), amount=usd(9e7)),
                    Relation("Pine Capital", "INVESTS_IN", "Quill Therapeutics", ev(d2)))),
        Extraction(d3, (Entity("Talbot Systems", "Company"), Entity("Ormond Labs", "Company")),
                   (Relation("Talbot Systems", "ACQUIRES", "Ormond Labs", ev(d3), amount=usd(1.2e9)),)),
    ])


def _unjoin(cell: str) -> list[str]:
    """The items of a ';'-joined cell, undoing the backslash escapes (an independent reader)."""
    if not cell:
        return []
    items, current, chars = [], "", iter(cell)
    for ch in chars:
        if ch == "\\":
            current += next(chars)
        elif ch == ";":
            items.append(current)
            current = ""
        else:
            current += ch
    items.append(current)
    return [i[1:] if i.startswith(" ") else i for i in items]


def _unguard(cell: str) -> str:
    return cell[1:] if cell.startswith("'") else cell


def _read_csv(path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        assert tuple(reader.fieldnames) == COLUMNS
        return list(reader)


def test_deals_csv_reads_back_with_the_csv_module(tmp_path):
    path = get_exporter("deals").write(_graph(), tmp_path / "deals.csv")
    assert path.read_bytes().startswith("\ufeff".encode())
    rows = {r["type"]: r for r in _read_csv(path)}
    assert set(rows) == {"licence", "financing_round", "acquisition"}
    lic = rows["licence"]
    assert (lic["licensee"], lic["licensor"], lic["asset"]) == ("Calloway Pharma", "Sable Pharma", "KT-88")
    assert (lic["upfront"], lic["upfront_currency"], lic["milestones"], lic["total"]) == ("40000000", "USD", "600000000", "")
    assert lic["announced"] == "2025-03-25" and lic["sources"] == "doc-1"
    rnd = rows["financing_round"]
    assert (rnd["lead_investor"], rnd["investor"], rnd["investee"], rnd["total"]) == (
        "Harbor Ventures", "Pine Capital", "Quill Therapeutics", "90000000")
    acq = rows["acquisition"]
    assert (acq["status"], acq["completed"], acq["total_usd"]) == ("completed", "2024-09-09", "1200000000")
    # ordered by announcement date
    assert [r["type"] for r in _read_csv(path)] == ["acquisition", "licence", "financing_round"]


def test_hostile_names_cannot_become_formulas_and_lists_split_back(tmp_path):
    graph = _graph(buyer=HOSTILE, sentence_tail=" =1+1")
    rows = _read_csv(get_exporter("deals").write(graph, tmp_path / "deals.csv"))
    [lic] = [r for r in rows if r["type"] == "licence"]
    assert lic["licensee"].startswith("'=")
    assert _unjoin(lic["licensee"][1:]) == [HOSTILE]
    for row in rows:
        for column, cell in row.items():
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (column, cell)
    [deal] = [d for d in build_deals(graph) if d["type"] == "licence"]
    assert _unjoin(_unguard(lic["evidence"])) == [deal["evidence"][0]["sentence"]]
    assert _unjoin(_unguard(lic["licensor"])) == ["Sable Pharma"]


def test_deals_jsonl_is_one_record_a_line_for_any_line_splitter(tmp_path):
    graph = _graph(buyer=HOSTILE)
    path = get_exporter("deals-jsonl").write(graph, tmp_path / "deals.jsonl")
    text = path.read_text(encoding="utf-8")
    assert "\u2028" not in text
    records = [json.loads(line) for line in text.splitlines()]
    assert records == build_deals(graph)
    assert any(p["label"] == HOSTILE for r in records for p in r["parties"])


def test_graph_json_gets_a_deals_key_and_keeps_its_edges(tmp_path):
    graph = _graph()
    path = write_json(graph, tmp_path / "graph.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["deals"] == build_deals(graph)
    plain = nx.node_link_data(graph, edges="edges")
    dump = lambda e: json.dumps(e, sort_keys=True)  # noqa: E731
    assert sorted(map(dump, data["edges"])) == sorted(map(dump, plain["edges"]))
    assert {k for k in data} == {"directed", "multigraph", "graph", "nodes", "edges", "deals"}
    # read back, the deals are derived again from the edges: the same records
    assert build_deals(read_json(path)) == data["deals"]
    assert graph_to_data(read_json(path)) == data


def test_deal_exports_are_written_by_default():
    assert {"deals", "deals-jsonl"} <= set(DEFAULT_FORMATS)
    assert get_exporter("deals").FILENAME == "deals.csv" and get_exporter("deals-jsonl").FILENAME == "deals.jsonl"


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "newsgraph.cli", *args], capture_output=True, text=True)


@pytest.fixture()
def build_dir(tmp_path):
    write_json(_graph(buyer="Calloway\x1b[31m Pharma"), tmp_path / "graph.json")
    return tmp_path


def test_newsgraph_deals_prints_a_table_and_filters(build_dir):
    proc = _cli("deals", str(build_dir))
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].split() == ["announced", "type", "status", "parties", "money", "sources"]
    assert len(lines) == 4 and "3 deal(s)" in proc.stderr
    assert "\x1b" not in proc.stdout and "Calloway\\x1b[31m Pharma (licensee)" in proc.stdout
    proc = _cli("deals", str(build_dir), "--type", "licence", "--type", "acquisition", "--since", "2025-01")
    assert [line.split()[1] for line in proc.stdout.splitlines()[1:]] == ["licence"]
    proc = _cli("deals", str(build_dir / "graph.json"), "--min-usd", "5e8", "--format", "json")
    assert sorted(d["type"] for d in json.loads(proc.stdout)) == ["acquisition", "licence"]
    proc = _cli("deals", str(build_dir), "--format", "csv", "--min-usd", "1e9")
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert [(r["type"], r["acquirer"], r["target"]) for r in rows] == [("acquisition", "Talbot Systems", "Ormond Labs")]


@pytest.mark.parametrize("args, message", [
    (["--type", "licnce"], r"unknown deal type 'licnce'; known: acquisition, .*licence"),
    (["--since", "March"], r"--since 'March' is not an ISO date"),
])
def test_newsgraph_deals_bad_options_are_one_line(build_dir, args, message):
    proc = _cli("deals", str(build_dir), *args)
    assert proc.returncode == 2 and proc.stdout == ""
    assert len(proc.stderr.splitlines()) == 1 and re.search(message, proc.stderr)


def test_newsgraph_deals_on_a_folder_without_a_graph_is_one_line(tmp_path):
    proc = _cli("deals", str(tmp_path))
    assert proc.returncode == 2 and len(proc.stderr.splitlines()) == 1 and "graph.json" in proc.stderr
