"""The ``neo4j/`` folder: load.cypher run for real, the CSVs read back by a database.

``load.cypher`` is split into its statements and run on FalkorDB (and on Neo4j when
``NEO4J_URI`` is set, see ``tests/test_load.py``): counts and hostile strings must come
out as they went in. The neo4j-admin CSVs are read back by FalkorDB's own
``LOAD CSV WITH HEADERS`` (a CSV reader that is not ours) and checked value by value.
"""
from __future__ import annotations

import os
import re
import stat
import subprocess
from pathlib import Path

import pytest

from newsgraph.errors import ExportError
from newsgraph.exports import DEFAULT_FORMATS, EXPORTERS, get_exporter
from newsgraph.exports.cypher import cypher_literal, cypher_string
from newsgraph.exports.neo4j import (CSV_FILES, RELATION_PROPERTIES, expected_counts,
                                     generate_cypher, write_neo4j)
from newsgraph.graph.deals import build_deals
from newsgraph.load import FalkorDBTarget
from test_load_support import (ESCAPED_NAMES, HOSTILE_NAMES, copy_to_import,  # noqa: F401
                               falkordb_graph, falkordb_server, hostile_graph, seeds_like_graph)

TARGETS = ["falkordb"] + (["neo4j"] if os.environ.get("NEO4J_URI") else [])


def statements(script: str) -> list[str]:
    """The statements of a cypher-shell script: each ends with ';' at the end of a line."""
    out, current = [], []
    for line in script.splitlines():
        if not current and (not line.strip() or line.startswith("//")):
            continue
        current.append(line)
        if line.endswith(";"):
            out.append("\n".join(current)[:-1])
            current = []
    assert not current, "the script ends inside a statement"
    return out


def _falkordb_view(text: str) -> str:
    # FalkorDB keeps a \uXXXX escape as the six characters; Neo4j decodes it
    return re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]",
                  lambda m: f"\\u{ord(m.group()):04x}", text)


@pytest.fixture(params=TARGETS)
def script_runner(request):
    """``(run(statement), read(query), decode)`` for a fresh database of each target."""
    if request.param == "falkordb":
        server = request.getfixturevalue("falkordb_server")
        name = request.getfixturevalue("falkordb_graph")
        graph = server.graph(name)
        FalkorDBTarget("127.0.0.1", server.port, name, None, None).schema()

        def run(statement):
            if statement.startswith("CREATE CONSTRAINT") or statement.startswith("CREATE INDEX"):
                return None  # Neo4j's schema syntax; FalkorDB's own was set up above
            return graph.query(statement).nodes_created
        yield run, lambda q: [list(r) for r in graph.query(q).result_set], _falkordb_view
        return
    import neo4j

    auth = (os.environ.get("NEO4J_USER", "neo4j"), os.environ.get("NEO4J_PASSWORD", ""))
    with neo4j.GraphDatabase.driver(os.environ["NEO4J_URI"], auth=auth) as driver:
        def query(q):
            return [r.values() for r in driver.execute_query(q).records]

        def run(statement):
            return driver.execute_query(statement).summary.counters.nodes_created
        query("MATCH (n) DETACH DELETE n")
        yield run, query, lambda text: text
        query("MATCH (n) DETACH DELETE n")


# ---------------------------------------------------------------- escaping


@pytest.mark.parametrize("text, literal", [
    ("plain", "'plain'"),
    ("O'Brien", "'O\\'Brien'"),
    ('say "hi"', "'say \\\"hi\\\"'"),
    ("back\\slash", "'back\\\\slash'"),
    ("a\nb\r\tc", "'a\\nb\\r\\tc'"),
    ("x\u2028y\u2029z\x85", "'x\\u2028y\\u2029z\\u0085'"),
    ("nul\x00bell\x07", "'nul\\u0000bell\\u0007'"),
    ("'}) DETACH DELETE n //", "'\\'}) DETACH DELETE n //'"),
    ("삼성 😀", "'삼성 😀'"),
])
def test_cypher_string_escapes(text, literal):
    assert cypher_string(text) == literal


def test_literal_never_spans_lines():
    literal = cypher_literal({"name": "\n\r\u2028\u2029\x0b\x0c\x1c\x1d\x1e\x85"})
    assert len(literal.splitlines()) == 1


def test_script_starts_with_constraints_and_every_statement_merges():
    script = "".join(generate_cypher(seeds_like_graph(), batch_size=2))
    parts = statements(script)
    assert parts[0] == ("CREATE CONSTRAINT newsgraph_entity_id IF NOT EXISTS "
                        "FOR (n:Entity) REQUIRE n.id IS UNIQUE")
    assert parts[1].startswith("CREATE CONSTRAINT newsgraph_article_id IF NOT EXISTS")
    assert parts[3].startswith("CREATE CONSTRAINT newsgraph_deal_id IF NOT EXISTS")
    data = parts[4:]
    assert len(data) == 7 + 2 + 9 + 5  # as tests/test_load.py counts batches of 2
    assert all(p.startswith("UNWIND [\n") and "MERGE (" in p for p in data)
    assert not any(" CREATE " in p for p in data)


# ---------------------------------------------------------------- load.cypher, run for real


def _run_script(folder: Path, run) -> int:
    created = 0
    for statement in statements((folder / "load.cypher").read_text(encoding="utf-8")):
        created += run(statement) or 0
    return created


def test_load_cypher_builds_the_graph_and_is_idempotent(script_runner, tmp_path):
    run, read, _ = script_runner
    graph = seeds_like_graph()
    write_neo4j(graph, tmp_path / "neo4j", batch_size=3)
    assert _run_script(tmp_path / "neo4j", run) == 15  # 9 entities, 2 articles, 4 deals
    counts = {"nodes": read("MATCH (n) RETURN count(n)")[0][0],
              "relationships": read("MATCH ()-[r]->() RETURN count(r)")[0][0]}
    assert counts == expected_counts(graph) == {"nodes": 15, "relationships": 22}
    assert read("MATCH (d:Deal)-[:PARTNER]->(:Entity {id: 'company:abl-bio'}) "
                "MATCH (d)-[:PARTNER]->(o:Entity) WHERE o.id <> 'company:abl-bio' "
                "RETURN d.type, d.total, d.total_currency, d.announced, o.name") == [
        ["collaboration", 2.6e9, "USD", "2025-11", "Eli Lilly"]]
    assert read("MATCH (:Entity {id: 'company:roche'})-[r:INVESTS_IN]->(b) "
                "RETURN b.name, r.amount, r.currency, r.amount_usd, r.date") == [
        ["South Korea", 710e9, "KRW", 484e6, "2026-03"]]
    assert _run_script(tmp_path / "neo4j", run) == 0  # a second run creates nothing
    assert read("MATCH (n) RETURN count(n)") == [[15]]
    assert read("MATCH ()-[r]->() RETURN count(r)") == [[22]]


def test_load_cypher_round_trips_hostile_strings(script_runner, tmp_path):
    run, read, decode = script_runner
    graph = hostile_graph()
    write_neo4j(graph, tmp_path / "neo4j")
    _run_script(tmp_path / "neo4j", run)
    assert read("MATCH (n) RETURN count(n)") == [[11 + 9]]  # each investment is a deal
    assert read("MATCH ()-[r]->() RETURN count(r)") == [[19 + 18]]
    deal_evidence = sorted(sentence for r in read("MATCH (d:Deal) RETURN d.evidence") for sentence in r[0])
    assert deal_evidence == sorted(decode(e["sentence"]) for _, _, d in graph.edges(data=True)
                                   for e in d["evidence"])
    stored = {r[0]: (r[1], sorted(r[2])) for r in
              read("MATCH (n:Entity:Company) RETURN n.id, n.name, n.aliases")}
    assert stored == {n: (decode(d["label"]), sorted(decode(a) for a in d["aliases"]))
                      for n, d in graph.nodes(data=True)}
    names = {name for name, _ in stored.values()}
    assert set(HOSTILE_NAMES) <= names  # exactly, on every target
    assert {decode(n) for n in ESCAPED_NAMES} <= names
    edges = sorted(read("MATCH (a)-[r:INVESTS_IN]->(b) RETURN a.id, b.id, r.role, r.evidence"))
    assert edges == sorted([u, v, decode(d["role"]), [decode(e["sentence"]) for e in d["evidence"]]]
                           for u, v, d in graph.edges(data=True))
    doc = graph.graph["documents"][0]
    assert read("MATCH (a:Article)-[:MENTIONS]->(e) RETURN a.id, a.title, a.url, count(e)") == [
        [doc["id"], doc["title"], doc["url"], 10]]


# ---------------------------------------------------------------- the CSVs, read back


def _typed(header: str, text: str | None, delimiter: str):
    name, _, kind = header.partition(":")
    if text is None:
        return None
    if kind.endswith("[]") or kind == "LABEL":
        return text.split(delimiter)
    if kind in ("double", "float"):
        return float(text)
    if kind in ("long", "int"):
        return int(text)
    return text


def read_back(server, folder: Path, prefix: str, graph_name: str) -> dict[str, list[dict]]:
    """Every CSV of ``folder`` as FalkorDB's LOAD CSV reads it, typed by its header."""
    copy_to_import(server, folder, prefix)
    delimiter = chr(int(re.search(r"--array-delimiter='U\+([0-9A-F]{4})'",
                                  (folder / "import.sh").read_text()).group(1), 16))
    graph = server.graph(graph_name)
    tables = {}
    for name in CSV_FILES:
        header = (folder / name).read_text(encoding="utf-8").split("\n", 1)[0].split(",")
        rows = graph.query(f"LOAD CSV WITH HEADERS FROM 'file://{prefix}{name}' AS row "
                           "RETURN row").result_set
        tables[name] = [{h.split(":")[0] if not h.startswith(":") else h:
                         _typed(h, row[0].get(h), delimiter) for h in header} for row in rows]
    return tables


@pytest.mark.parametrize("make_graph", [seeds_like_graph, hostile_graph])
def test_csv_files_read_back_by_falkordb_match_the_graph(make_graph, falkordb_server,
                                                         falkordb_graph, tmp_path):
    graph = make_graph()
    write_neo4j(graph, tmp_path / "neo4j")
    tables = read_back(falkordb_server, tmp_path / "neo4j", f"{make_graph.__name__}_",
                       falkordb_graph)
    entities = {r["id"]: r for r in tables["entities.csv"]}
    assert len(tables["entities.csv"]) == len(entities) == graph.number_of_nodes()
    for node, data in graph.nodes(data=True):
        row = entities[node]
        assert row[":LABEL"] == ["Entity", data["type"]]
        assert row["name"] == data["label"]
        assert (row["aliases"] or []) == data["aliases"]
        assert row["mentions"] == data["mentions"]
    articles = {r["id"]: r for r in tables["articles.csv"]}
    assert articles.keys() == {d["id"] for d in graph.graph["documents"]}
    for doc in graph.graph["documents"]:
        assert [articles[doc["id"]][k] for k in ("title", "date", "url")] == [
            doc.get("title"), doc.get("date"), doc.get("url")]
    relations = {(r[":START_ID(Entity)"], r[":END_ID(Entity)"], r[":TYPE"]): r
                 for r in tables["relations.csv"]}
    assert len(relations) == len(tables["relations.csv"]) == graph.number_of_edges()
    for u, v, data in graph.edges(data=True):
        row = relations[(u, v, data["relation"])]
        assert row["evidence"] == [e["sentence"] for e in data["evidence"]]
        assert row["sources"] == sorted({e["doc"] for e in data["evidence"]})
        assert row["confidence"] == data["confidence"]
        assert row["amount"] == (data.get("amount") or {}).get("value")
        assert row["amount_usd"] == (data.get("amount") or {}).get("usd")
        assert row["role"] == data.get("role") and row["date"] == data.get("date")
    mentions = {(r[":START_ID(Article)"], r[":END_ID(Entity)"]) for r in tables["mentions.csv"]}
    assert mentions == {(doc, n) for n, docs in graph.nodes(data="documents") for doc in docs}
    assert {r[":TYPE"] for r in tables["mentions.csv"]} == {"MENTIONS"}
    deals = {r["id"]: r for r in tables["deal_nodes.csv"]}
    expected_deals = {d["id"]: d for d in build_deals(graph)}
    assert deals.keys() == expected_deals.keys()
    for deal_id, deal in expected_deals.items():
        row = deals[deal_id]
        assert (row[":LABEL"], row["type"], row["status"], row["announced"]) == (
            ["Deal"], deal["type"], deal["status"], deal["announced"])
        assert row["total"] == (deal["money"].get("total") or {}).get("value")
        assert row["evidence"] == [e["sentence"] for e in deal["evidence"]]
    roles = {(r[":START_ID(Deal)"], r[":TYPE"], r[":END_ID(Entity)"]) for r in tables["deal_roles.csv"]}
    assert roles == {(d["id"], p["role"].upper(), p["id"]) for d in expected_deals.values() for p in d["parties"]}
    counts = expected_counts(graph)
    assert len(entities) + len(articles) + len(deals) == counts["nodes"]
    assert len(relations) + len(mentions) + len(roles) == counts["relationships"]


def test_csv_exact_values_of_the_investment(tmp_path):
    write_neo4j(seeds_like_graph(), tmp_path / "neo4j")
    lines = (tmp_path / "neo4j" / "relations.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == (":START_ID(Entity),:END_ID(Entity),:TYPE," + ",".join(
        n if k == "string" else f"{n}:{k}" for n, k in RELATION_PROPERTIES))
    assert "amount:double" in lines[0] and "evidence:string[]" in lines[0]
    assert lines[1].startswith('"company:roche","country:south-korea","INVESTS_IN",'
                               '710000000000.0,"KRW",484000000.0,')


def test_array_delimiter_avoids_characters_in_the_text(tmp_path):
    write_neo4j(hostile_graph(), tmp_path / "neo4j")  # an alias holds "|"
    script = (tmp_path / "neo4j" / "import.sh").read_text()
    assert "--array-delimiter='U+001F'" in script


# ---------------------------------------------------------------- import.sh


def test_import_sh_runs_the_exact_neo4j_admin_command(tmp_path):
    write_neo4j(seeds_like_graph(), tmp_path / "out dir" / "neo4j")
    folder = tmp_path / "out dir" / "neo4j"
    script = folder / "import.sh"
    assert script.stat().st_mode & stat.S_IXUSR
    # a stand-in neo4j-admin that prints where it ran and its arguments, one a line
    fake = tmp_path / "neo4j-admin"
    fake.write_text('#!/bin/sh\npwd\nfor a in "$@"; do printf "%s\\n" "$a"; done\n')
    fake.chmod(0o755)
    proc = subprocess.run([str(script), "news db", "--overwrite-destination=true"],
                          capture_output=True, text=True, cwd=tmp_path,
                          env={**os.environ, "NEO4J_ADMIN": str(fake)})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        str(folder), "database", "import", "full", "news db",
        "--nodes=entities.csv", "--nodes=articles.csv", "--nodes=deal_nodes.csv",
        "--relationships=relations.csv", "--relationships=mentions.csv", "--relationships=deal_roles.csv",
        "--delimiter=,", "--array-delimiter=U+007C", '--quote="', "--multiline-fields=true",
        "--id-type=string", "--skip-bad-relationships=false", "--overwrite-destination=true"]


# ---------------------------------------------------------------- the folder


def test_registered_and_built_by_default():
    assert EXPORTERS["neo4j"] == "neo4j" and "neo4j" in DEFAULT_FORMATS
    assert get_exporter("neo4j").FILENAME == "neo4j"


def test_folder_holds_every_file(tmp_path):
    path = get_exporter("neo4j").write(seeds_like_graph(), tmp_path / "neo4j")
    assert sorted(p.name for p in path.iterdir()) == sorted(
        ["load.cypher", "import.sh", *CSV_FILES])


def test_seeds_build_counts(seeds_graph, tmp_path):
    folder = get_exporter("neo4j").write(seeds_graph, tmp_path / "neo4j")
    counts = expected_counts(seeds_graph)

    def rows(name):
        # records, not lines: a quoted field may hold a newline
        text = (folder / name).read_text(encoding="utf-8")
        return len(re.findall(r'\n(?=(?:[^"]*"[^"]*")*[^"]*\Z)', text)) - 1
    assert rows("entities.csv") + rows("articles.csv") + rows("deal_nodes.csv") == counts["nodes"]
    assert rows("relations.csv") + rows("mentions.csv") + rows("deal_roles.csv") == counts["relationships"]
    assert rows("deal_nodes.csv") == len(build_deals(seeds_graph)) > 0
    assert rows("entities.csv") == seeds_graph.number_of_nodes()
    assert rows("relations.csv") == seeds_graph.number_of_edges()


def test_unknown_entity_type_is_refused(tmp_path):
    graph = seeds_like_graph()
    graph.nodes["company:gsk"]["type"] = "Company) DETACH DELETE n //"
    with pytest.raises(ExportError, match="has type"):
        write_neo4j(graph, tmp_path / "neo4j")
    assert not (tmp_path / "neo4j").exists()
