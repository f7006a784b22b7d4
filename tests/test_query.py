"""``newsgraph query``: SPARQL over a build's graph.ttl, the example queries and their rows."""
from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

import pytest

from newsgraph.errors import InputError
from newsgraph.exports import get_exporter
from newsgraph.exports.rdf_sparql import example_queries, query_graph

from rdf_support import BASE, HOSTILE, hostile_graph, seeds_like_graph

CLI = [sys.executable, "-m", "newsgraph.cli", "query"]


def run(*args):
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, encoding="utf-8",
                          timeout=120, env={**os.environ, "PYTHONIOENCODING": "utf-8"})


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    """A build folder with the seeds-like graph's graph.ttl, as ``newsgraph build`` leaves it."""
    out = tmp_path_factory.mktemp("out")
    get_exporter("turtle").write(seeds_like_graph(), out / "graph.ttl", base_iri=BASE)
    return out


def rows(build, name: str) -> list[list[str]]:
    text = query_graph(build, example_queries()[name].read_text(encoding="utf-8"), "csv")
    return list(csv.reader(io.StringIO(text)))


def test_example_queries_ship_with_the_package():
    assert sorted(example_queries()) == ["deals-over-1-billion-in-2025", "deals-per-country",
                                         "evidence-for-an-edge", "investors-in-south-korea",
                                         "licences-of-korean-drugs", "partners-of-partners"]


def test_licensing_deals_of_korean_companies(build):
    # the seeds-like graph has no licence: its collaborations with a Korean partner answer
    assert rows(build, "licences-of-korean-drugs") == [
        ["type", "korean", "counterparty", "asset", "upfront", "milestones", "total", "announced", "status"],
        ["collaboration", "ABL Bio", "Eli Lilly", "", "40000000", "", "2600000000", "2025-11", "announced"],
        ["collaboration", "ABL Bio", "Sanofi", "", "", "", "1060000000", "2022", "announced"],
        ["collaboration", "Alteogen", "GSK", "", "", "", "300000000", "2025-11", "announced"],
    ]


def test_who_invested_in_south_korea_and_how_much(build):
    assert rows(build, "investors-in-south-korea") == [
        ["investor", "value", "currency", "usd", "date"],
        ["Roche", "710000000000", "KRW", "484000000", "2026-03"],
        ["GSK", "", "", "", ""],
    ]


def test_deals_above_a_billion_in_2025(build):
    # ABL Bio-Sanofi is over $1B but dated 2022; GSK-Alteogen is 2025 but $300M
    assert rows(build, "deals-over-1-billion-in-2025") == [
        ["from", "relation", "to", "usd", "date"],
        ["ABL Bio", "partnersWith", "Eli Lilly", "2600000000", "2025-11"],
    ]


def test_partners_of_partners(build):
    assert rows(build, "partners-of-partners") == [["candidate", "via"], ["Sanofi", "ABL Bio"]]


def test_deals_per_country(build):
    # South Korea: Roche's and GSK's investments, and the deals of ABL Bio (2) and Alteogen;
    # Switzerland: Roche's investment and its agreement with the ministry
    assert rows(build, "deals-per-country") == [["country", "deals"], ["South Korea", "5"],
                                                ["Switzerland", "2"]]


def test_evidence_sentences_of_one_edge(build):
    assert rows(build, "evidence-for-an-edge") == [
        ["article", "title", "start", "end", "sentence"],
        ["d-roche", "Roche to invest in Korea", "0", "78",
         "Roche will invest 710 billion won ($484 million) in South Korea by March 2026."],
        ["d-roche2", "Roche bets on Korea", "0", "73",
         "Swiss drugmaker Roche said it would put 710 billion won into South Korea."],
    ]


def test_cli_prints_a_table_by_default(build):
    proc = run(build, 'SELECT ?name WHERE { ?x ng:partnersWith ?y . ?x rdfs:label ?name } ORDER BY ?name')
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["name", "---------", "ABL Bio", "ABL Bio", "Alteogen",
                                        "Eli Lilly", "GSK", "Sanofi", "(6 rows)"]


def test_cli_reads_a_query_file_and_prints_json(build, tmp_path):
    query = tmp_path / "q.rq"
    query.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?s a ng:Statement }", encoding="utf-8")
    proc = run(build / "graph.ttl", "--file", query, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["head"]["vars"] == ["n"]
    assert data["results"]["bindings"][0]["n"]["value"] == "10"


def test_ask_and_construct(build):
    assert query_graph(build, 'ASK { ?x rdfs:label "Roche" }') == "true"
    assert query_graph(build, 'ASK { ?x rdfs:label "Novartis" }') == "false"
    text = query_graph(build, 'CONSTRUCT { ?x rdfs:label ?l } WHERE { ?x a ng:Person ; rdfs:label ?l }')
    assert text == f'<{BASE}entity/person:marty-makary> <http://www.w3.org/2000/01/rdf-schema#label> "Marty Makary" .\n'
    with pytest.raises(InputError, match="CONSTRUCT and DESCRIBE print N-Triples"):
        query_graph(build, "CONSTRUCT WHERE { ?s ?p ?o }", "csv")


def test_table_escapes_control_characters_of_hostile_labels(tmp_path):
    get_exporter("turtle").write(hostile_graph(), tmp_path / "graph.ttl")
    table = query_graph(tmp_path, "SELECT ?l WHERE { ?x rdfs:label ?l } ORDER BY ?l")
    assert "\x1b" not in table and "\x00" not in table and "\u202e" not in table
    assert "new\\nline\\r\\nand\\ttab 2" in table
    assert "삼성바이오로직스 6" in table and "💊🧬" in table
    csv_rows = list(csv.reader(io.StringIO(query_graph(tmp_path, "SELECT ?l WHERE { ?x rdfs:label ?l }", "csv"))))
    assert sorted(r[0] for r in csv_rows[1:]) == sorted(f"{t} {i}" for i, t in enumerate(HOSTILE))


@pytest.mark.parametrize("args, message", [
    (["{build}", "SELECT WHERE"], "newsgraph: error: SPARQL syntax error: "),
    (["{build}/nope.ttl", "ASK {}"], "nope.ttl: no such file"),
    (["{empty}", "ASK {}"], "no graph.ttl in this folder"),
    (["{build}"], "give the query inline or with --file, not both or neither"),
    (["{build}", "ASK {}", "--file", "{build}/graph.ttl"], "not both or neither"),
])
def test_bad_queries_and_graphs_are_one_line_errors(build, tmp_path, args, message):
    proc = run(*[a.replace("{build}", str(build)).replace("{empty}", str(tmp_path)) for a in args])
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1 and message in proc.stderr
    assert "Traceback" not in proc.stderr


def test_help_ends_with_an_example():
    proc = run("--help")
    assert proc.returncode == 0 and "Example:" in proc.stdout
    assert proc.stdout.rstrip().splitlines()[-1].strip().startswith("newsgraph query out/graph.ttl")


def test_a_folder_with_only_graph_json_is_queried_through_its_rdf_form(tmp_path):
    get_exporter("json").write(seeds_like_graph(), tmp_path / "graph.json")
    assert query_graph(tmp_path, 'ASK { ?x ng:investsIn ?y . ?y rdfs:label "South Korea" }') == "true"


def test_a_broken_turtle_file_is_a_one_line_error(tmp_path):
    bad = tmp_path / "graph.ttl"
    bad.write_text('<http://a/s> <http://a/p> "unterminated .\n<x> <y> <z> .\n', encoding="utf-8")
    proc = run(bad, "ASK {}")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert proc.stderr.startswith(f"newsgraph: error: {bad}: not valid Turtle: Parser error")


def test_a_trig_only_build_is_queried_through_its_named_graph(tmp_path):
    # TriG keeps the triples in a named graph; on the landed main a query over it gave 0 rows
    get_exporter("trig").write(seeds_like_graph(), tmp_path / "graph.trig", base_iri=BASE)
    get_exporter("turtle").write(seeds_like_graph(), tmp_path / "ttl" / "graph.ttl", base_iri=BASE)
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    trig, turtle = query_graph(tmp_path, count, "csv"), query_graph(tmp_path / "ttl", count, "csv")
    assert trig == turtle and int(trig.split()[1]) > 100
    assert rows(tmp_path, "investors-in-south-korea") == rows(tmp_path / "ttl", "investors-in-south-korea")
