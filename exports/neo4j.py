"""The ``neo4j/`` folder: the graph as a Cypher script and as ``neo4j-admin`` import CSVs.

One model for every Cypher store (see README, "Neo4j"):

- each entity is a node labelled ``:Entity`` plus its type (``:Company``, ...), with
  ``id`` (unique), ``name``, ``aliases`` (list) and ``mentions``;
- each edge has the schema's relationship type, with flat properties only (a Neo4j
  property cannot hold a map): ``amount``, ``currency``, ``amount_usd``, ``upfront``,
  ``upfront_currency``, ``upfront_usd``, ``milestones``, ``milestones_currency``,
  ``milestones_usd``, ``date``, ``role``, ``confidence``, ``evidence`` (the sentences)
  and ``sources`` (the article ids);
- each article is an ``:Article`` node (``id``, ``title``, ``date``, ``url``, ``source``)
  with a ``:MENTIONS`` relationship to every entity it names;
- each deal record (``newsgraph.graph.deals``) is a ``:Deal`` node (``id``, ``type``,
  ``status``, ``announced``, ``completed``, ``territory``, flat money properties ``total``,
  ``total_currency``, ``total_usd``, ``upfront``, ...; ``conflicting_figures``,
  ``statements``, ``confidence``, ``sources``, ``evidence``) with one relationship per role
  to the entity in it: ``[:ACQUIRER]``, ``[:TARGET]``, ``[:LICENSEE]``, ``[:LICENSOR]``,
  ``[:INVESTOR]`` (a lead investor also has ``[:LEAD_INVESTOR]``), ``[:INVESTEE]``,
  ``[:PARTNER]``, ``[:PARTY]``, ``[:ASSET]``.

Labels and relationship types come only from the schema's fixed lists
(``ENTITY_TYPES``, ``RELATION_TYPES``, the deal table's roles), never from article text. ``plan`` gives the
data statements (``UNWIND $rows AS row MERGE ...``) with their rows; ``load.cypher``
inlines the rows as escaped literals and ``newsgraph load`` sends them as parameters,
so both run the very same statements.

>>> from newsgraph.extract.model import Document, Entity, Evidence, Extraction, Relation
>>> from newsgraph.graph import build_graph
>>> doc = Document(id="d1", text="Eli Lilly partners with ABL Bio.")
>>> ev = Evidence("d1", doc.text, 0, len(doc.text))
>>> g = build_graph([Extraction(doc, (Entity("Eli Lilly", "Company"), Entity("ABL Bio", "Company")),
...                             (Relation("Eli Lilly", "PARTNERS_WITH", "ABL Bio", ev),))])
>>> [(step.kind, step.key, len(step.rows)) for step in plan(g)]  # doctest: +NORMALIZE_WHITESPACE
[('nodes', 'Company', 2), ('nodes', 'Article', 1), ('nodes', 'Deal', 1),
 ('relationships', 'PARTNERS_WITH', 1), ('relationships', 'MENTIONS', 2), ('relationships', 'PARTNER', 2)]
>>> expected_counts(g)
{'nodes': 4, 'relationships': 5}
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

import networkx as nx

from newsgraph.errors import ExportError
from newsgraph.graph import ENTITY_TYPES, RELATION_TYPES
from newsgraph.graph.deals import build_deals, deal_rules

from .atomic import atomic_dir, file_mode
from .deals_csv import figure_text
from .cypher import cypher_literal, cypher_name

FORMAT = "neo4j"
FILENAME = "neo4j"
#: rows per UNWIND statement in load.cypher (``newsgraph load --batch-size`` for the loader)
SCRIPT_BATCH_SIZE = 500

ENTITY_LABEL = "Entity"
ARTICLE_LABEL = "Article"
MENTIONS = "MENTIONS"
#: edge property -> (amount attribute, key in it) for the flattened money attributes
_MONEY = {"amount": ("amount", "value"), "currency": ("amount", "currency"),
          "amount_usd": ("amount", "usd"),
          "upfront": ("upfront", "value"), "upfront_currency": ("upfront", "currency"),
          "upfront_usd": ("upfront", "usd"),
          "milestones": ("milestones", "value"), "milestones_currency": ("milestones", "currency"),
          "milestones_usd": ("milestones", "usd")}
#: every relationship property, in column order, with its neo4j-admin type
RELATION_PROPERTIES = (("amount", "double"), ("currency", "string"), ("amount_usd", "double"),
                       ("upfront", "double"), ("upfront_currency", "string"),
                       ("upfront_usd", "double"),
                       ("milestones", "double"), ("milestones_currency", "string"),
                       ("milestones_usd", "double"),
                       ("date", "string"), ("role", "string"), ("confidence", "double"),
                       ("evidence", "string[]"), ("sources", "string[]"))
ARTICLE_PROPERTIES = ("title", "date", "url", "source")
DEAL_LABEL = "Deal"
#: every deal property, in column order, with its neo4j-admin type
DEAL_PROPERTIES = (("type", "string"), ("status", "string"), ("announced", "string"),
                   ("completed", "string"), ("territory", "string[]"),
                   *((f"{field}{suffix}", kind) for field in deal_rules().money_fields
                     for suffix, kind in (("", "double"), ("_currency", "string"), ("_usd", "double"))),
                   ("conflicting_figures", "string[]"), ("statements", "string[]"),
                   ("confidence", "double"), ("sources", "string[]"), ("evidence", "string[]"))
#: deal role -> relationship type, from the deal table's fixed roles
DEAL_ROLES = {role: role.upper() for role in deal_rules().role_order}

#: Neo4j 5 schema: uniqueness of ids (which also indexes them) and an index on names
NEO4J_SCHEMA = (
    f"CREATE CONSTRAINT newsgraph_entity_id IF NOT EXISTS "
    f"FOR (n:{ENTITY_LABEL}) REQUIRE n.id IS UNIQUE",
    f"CREATE CONSTRAINT newsgraph_article_id IF NOT EXISTS "
    f"FOR (n:{ARTICLE_LABEL}) REQUIRE n.id IS UNIQUE",
    f"CREATE INDEX newsgraph_entity_name IF NOT EXISTS FOR (n:{ENTITY_LABEL}) ON (n.name)",
    f"CREATE CONSTRAINT newsgraph_deal_id IF NOT EXISTS "
    f"FOR (n:{DEAL_LABEL}) REQUIRE n.id IS UNIQUE",
)


@dataclass(frozen=True)
class Step:
    """One data statement: ``UNWIND <rows> AS row`` followed by ``body``, for ``rows``."""

    kind: str  # "nodes" or "relationships": what the statement creates
    key: str  # the label or relationship type it writes
    body: str
    rows: list[dict]

    def batches(self, size: int) -> Iterator[list[dict]]:
        for start in range(0, len(self.rows), size):
            yield self.rows[start:start + size]


# ---------------------------------------------------------------- rows


def _entity_type(graph: nx.MultiDiGraph, node: str) -> str:
    etype = graph.nodes[node].get("type")
    if etype not in ENTITY_TYPES:
        raise ExportError(f"node {node!r} has type {etype!r}; known: {', '.join(ENTITY_TYPES)}")
    return etype


def entity_rows(graph: nx.MultiDiGraph) -> dict[str, list[dict]]:
    """Entity rows grouped by type: ``{"Company": [{"id", "props": {...}}, ...], ...}``."""
    groups: dict[str, list[dict]] = {}
    for node in sorted(graph.nodes):
        data = graph.nodes[node]
        groups.setdefault(_entity_type(graph, node), []).append({"id": str(node), "props": {
            "id": str(node), "name": str(data.get("label", node)),
            "aliases": [str(a) for a in data.get("aliases", [])],
            "mentions": int(data.get("mentions", 0))}})
    return {t: groups[t] for t in ENTITY_TYPES if t in groups}


def article_rows(graph: nx.MultiDiGraph) -> list[dict]:
    """One row per article: the graph's documents plus any id a node names in ``documents``."""
    known = {str(d["id"]): d for d in graph.graph.get("documents", []) if d.get("id") is not None}
    ids = set(known)
    for _, docs in graph.nodes(data="documents"):
        ids.update(str(d) for d in docs or ())
    rows = []
    for doc_id in sorted(ids):
        meta = known.get(doc_id, {})
        # explicit nulls, so that a reload clears what an article no longer has
        props = {"id": doc_id}
        props.update({k: (None if meta.get(k) is None else str(meta[k])) for k in ARTICLE_PROPERTIES})
        rows.append({"id": doc_id, "props": props})
    return rows


def relation_properties(data: dict) -> dict:
    """The flat properties of one edge (missing attributes are left out).

    >>> relation_properties({"amount": {"value": 7.1e11, "currency": "KRW", "usd": 4.84e8},
    ...                      "confidence": 0.9, "date": "2026-03",
    ...                      "evidence": [{"doc": "d1", "sentence": "S.", "start": 0, "end": 2}]})
    ... # doctest: +NORMALIZE_WHITESPACE
    {'amount': 710000000000.0, 'currency': 'KRW', 'amount_usd': 484000000.0, 'date': '2026-03',
     'confidence': 0.9, 'evidence': ['S.'], 'sources': ['d1']}
    """
    props: dict = {}
    for name, kind in RELATION_PROPERTIES:
        if name in _MONEY:
            attr, key = _MONEY[name]
            value = (data.get(attr) or {}).get(key)
        elif name == "evidence":
            value = [str(e["sentence"]) for e in data.get("evidence", [])]
        elif name == "sources":
            value = sorted({str(e["doc"]) for e in data.get("evidence", [])})
        else:
            value = data.get(name)
        if value is None:
            continue
        props[name] = float(value) if kind == "double" else value if kind == "string[]" else str(value)
    return props


def relation_rows(graph: nx.MultiDiGraph) -> dict[str, list[dict]]:
    """Edge rows grouped by relation: ``{"INVESTS_IN": [{"source", "target", "props"}, ...]}``."""
    groups: dict[str, list[dict]] = {}
    for u, v, key, data in graph.edges(keys=True, data=True):
        relation = data.get("relation", key)
        if relation not in RELATION_TYPES:
            raise ExportError(f"edge {u!r} -> {v!r} has relation {relation!r}; "
                              f"known: {', '.join(RELATION_TYPES)}")
        groups.setdefault(relation, []).append(
            {"source": str(u), "target": str(v), "props": relation_properties(data)})
    for rows in groups.values():
        rows.sort(key=lambda r: (r["source"], r["target"]))
    return {r: groups[r] for r in RELATION_TYPES if r in groups}


def mention_rows(graph: nx.MultiDiGraph) -> list[dict]:
    """One ``{"article", "entity"}`` row per (article, entity it mentions)."""
    pairs = {(str(doc), str(node)) for node, docs in graph.nodes(data="documents") for doc in docs or ()}
    return [{"article": doc, "entity": node} for doc, node in sorted(pairs)]


def deal_rows(deals: list[dict]) -> list[dict]:
    """One ``{"id", "props"}`` row per deal record, with flat properties (missing ones left out)."""
    rows = []
    for deal in deals:
        values: dict = {k: deal.get(k) for k in ("type", "status", "announced", "completed",
                                                 "statements", "confidence", "sources")}
        values["territory"] = [t["value"] for t in deal.get("territory", ())]
        for field, figure in (deal.get("money") or {}).items():
            values.update({field: figure.get("value"), f"{field}_currency": figure.get("currency"),
                           f"{field}_usd": figure.get("usd")})
        values["conflicting_figures"] = [figure_text(field, f) for field, figures in
                                         sorted((deal.get("conflicts") or {}).items()) for f in figures]
        values["evidence"] = [str(ev.get("sentence", "")) for ev in deal.get("evidence", ())]
        props: dict = {"id": deal["id"]}
        for name, kind in DEAL_PROPERTIES:
            value = values.get(name)
            if value is None or value == []:
                continue
            props[name] = (float(value) if kind == "double" else [str(v) for v in value]
                           if kind == "string[]" else str(value))
        rows.append({"id": deal["id"], "props": props})
    return rows


def deal_role_rows(deals: list[dict]) -> dict[str, list[dict]]:
    """``{"LICENSEE": [{"deal", "entity"}, ...], ...}``: one row per (deal, role, entity)."""
    groups: dict[str, set] = {}
    for deal in deals:
        for party in deal.get("parties", ()):
            roles = [party["role"]] + (["investor"] if party["role"] == "lead_investor" else [])
            for role in roles:
                groups.setdefault(DEAL_ROLES[role], set()).add((deal["id"], party["id"]))
        for asset in deal.get("asset", ()):
            groups.setdefault(DEAL_ROLES["asset"], set()).add((deal["id"], asset["id"]))
    return {t: [{"deal": d, "entity": e} for d, e in sorted(groups[t])]
            for t in DEAL_ROLES.values() if t in groups}


def expected_counts(graph: nx.MultiDiGraph) -> dict[str, int]:
    """How many nodes and relationships loading ``graph`` makes: entities + articles + deals,
    relations + MENTIONS + deal roles."""
    deals = build_deals(graph)
    return {"nodes": graph.number_of_nodes() + len(article_rows(graph)) + len(deals),
            "relationships": graph.number_of_edges() + len(mention_rows(graph))
            + sum(len(rows) for rows in deal_role_rows(deals).values())}


# ---------------------------------------------------------------- statements


def plan(graph: nx.MultiDiGraph) -> list[Step]:
    """The data statements, in the order they must run (nodes before the edges between them)."""
    other_types = {t: ":".join(cypher_name(o) for o in ENTITY_TYPES if o != t) for t in ENTITY_TYPES}
    steps = []
    for etype, rows in entity_rows(graph).items():
        # REMOVE the other type labels: a rebuild may have retyped the entity
        steps.append(Step("nodes", etype, (
            f"MERGE (n:{ENTITY_LABEL} {{id: row.id}})\n"
            f"SET n += row.props, n:{cypher_name(etype, ENTITY_TYPES)}\n"
            f"REMOVE n:{other_types[etype]}"), rows))
    articles = article_rows(graph)
    if articles:
        steps.append(Step("nodes", ARTICLE_LABEL, (
            f"MERGE (n:{ARTICLE_LABEL} {{id: row.id}})\n"
            f"SET n += row.props"), articles))
    deals = build_deals(graph)
    if deals:
        # SET n = ...: a deal's properties are ours as a whole, stale ones go
        steps.append(Step("nodes", DEAL_LABEL, (
            f"MERGE (n:{DEAL_LABEL} {{id: row.id}})\n"
            f"SET n = row.props"), deal_rows(deals)))
    for relation, rows in relation_rows(graph).items():
        # SET r = ...: the edge's properties are ours as a whole, stale ones go
        steps.append(Step("relationships", relation, (
            f"MATCH (a:{ENTITY_LABEL} {{id: row.source}})\n"
            f"MATCH (b:{ENTITY_LABEL} {{id: row.target}})\n"
            f"MERGE (a)-[r:{cypher_name(relation, RELATION_TYPES)}]->(b)\n"
            f"SET r = row.props"), rows))
    mentions = mention_rows(graph)
    if mentions:
        steps.append(Step("relationships", MENTIONS, (
            f"MATCH (a:{ARTICLE_LABEL} {{id: row.article}})\n"
            f"MATCH (b:{ENTITY_LABEL} {{id: row.entity}})\n"
            f"MERGE (a)-[r:{MENTIONS}]->(b)"), mentions))
    for role_type, rows in deal_role_rows(deals).items():
        steps.append(Step("relationships", role_type, (
            f"MATCH (d:{DEAL_LABEL} {{id: row.deal}})\n"
            f"MATCH (e:{ENTITY_LABEL} {{id: row.entity}})\n"
            f"MERGE (d)-[r:{cypher_name(role_type, tuple(DEAL_ROLES.values()))}]->(e)"), rows))
    return steps


def parameterised(step: Step) -> str:
    """The statement of ``step`` taking its rows as the ``$rows`` parameter."""
    return f"UNWIND $rows AS row\n{step.body}"


def generate_cypher(graph: nx.MultiDiGraph, batch_size: int = SCRIPT_BATCH_SIZE) -> Iterator[str]:
    """``load.cypher``: Neo4j constraints, then idempotent ``UNWIND [...] AS row MERGE`` batches.

    Every statement ends with ``;`` at the end of a line, and no literal spans lines
    (newlines in text are escaped), as cypher-shell and Neo4j Browser expect.
    """
    yield ("// newsgraph graph for Neo4j 5: run with\n"
           "//   cypher-shell -u neo4j -p PASSWORD -f load.cypher\n"
           "// or paste into Neo4j Browser (with multi-statement editing on).\n"
           "// Idempotent: running it again changes nothing.\n\n")
    for statement in NEO4J_SCHEMA:
        yield f"{statement};\n"
    for step in plan(graph):
        for batch in step.batches(batch_size):
            yield f"\n// {step.key}: {len(batch)} {step.kind}\nUNWIND [\n"
            yield ",\n".join(cypher_literal(row) for row in batch)
            yield f"\n] AS row\n{step.body};\n"


# ---------------------------------------------------------------- neo4j-admin CSV

#: candidates for the array delimiter, the first one that no value contains is used
_ARRAY_DELIMITERS = ("|", "\x1f", "\x1e", "\x1d", "\x1c", "\ue000")
CSV_FILES = ("entities.csv", "articles.csv", "deal_nodes.csv", "relations.csv", "mentions.csv",
             "deal_roles.csv")
_NODE_FILES = ("entities.csv", "articles.csv", "deal_nodes.csv")


def _csv_field(value) -> str:
    # Every value quoted, quotes doubled (RFC 4180, neo4j-admin's default); a missing
    # value is an unquoted empty field, which neo4j-admin reads as "no property".
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return repr(value)
    return '"' + str(value).replace('"', '""') + '"'


def _csv(header: list[str], rows: Iterable[list]) -> Iterator[str]:
    yield ",".join(header) + "\n"
    for row in rows:
        yield ",".join(_csv_field(v) for v in row) + "\n"


def array_delimiter(graph: nx.MultiDiGraph) -> str:
    """A character that appears in no list element (aliases, evidence, sources) of ``graph``.

    The usual candidates first, then every private-use character of the Basic Multilingual
    Plane (neo4j-admin reads the delimiter as one Java ``char``). Where text holds all of
    them, the first candidate is used and ``_join`` replaces it inside values with U+FFFD:
    one odd character in one hostile value, instead of no export at all.

    >>> import networkx as nx
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("company:x", aliases=["A|B", "\x1f\x1e\x1d\x1c\ue000"])
    >>> hex(ord(array_delimiter(g)))
    '0xe001'
    """
    used: set[str] = set()
    for _, aliases in graph.nodes(data="aliases"):
        for alias in aliases or ():
            used.update(str(alias))
    for _, _, data in graph.edges(data=True):
        for evidence in data.get("evidence", []):
            used.update(str(evidence["sentence"]))
            used.update(str(evidence["doc"]))
    for row in deal_rows(build_deals(graph)):
        for name, kind in DEAL_PROPERTIES:
            if kind == "string[]":
                for text in row["props"].get(name, ()):
                    used.update(str(text))
    for char in _candidates():
        if char not in used:
            return char
    return _ARRAY_DELIMITERS[0]


def _candidates() -> Iterator[str]:
    yield from _ARRAY_DELIMITERS
    yield from (chr(code) for code in range(0xE001, 0xF900))


def _join(values: list | None, delimiter: str) -> str | None:
    # the delimiter inside a value would split it in two: only when no character was free
    return delimiter.join(str(v).replace(delimiter, "\ufffd") for v in values) if values else None


def generate_csv(graph: nx.MultiDiGraph, delimiter: str | None = None) -> dict[str, Iterator[str]]:
    """The neo4j-admin CSV files, by name: entity, article and deal nodes; relations, mentions, deal roles."""
    sep = delimiter or array_delimiter(graph)
    entities = [[row["id"], sep.join([ENTITY_LABEL, etype]), row["props"]["name"],
                 _join(row["props"]["aliases"], sep), row["props"]["mentions"]]
                for etype, rows in entity_rows(graph).items() for row in rows]
    entities.sort(key=lambda r: r[0])
    relations = []
    for relation, rows in relation_rows(graph).items():
        for row in rows:
            props = row["props"]
            relations.append([row["source"], row["target"], relation] + [
                _join(props.get(name), sep) if kind == "string[]" else props.get(name)
                for name, kind in RELATION_PROPERTIES])
    deals = build_deals(graph)
    deal_nodes = [[row["id"], DEAL_LABEL] + [
        _join(row["props"].get(name), sep) if kind == "string[]" else row["props"].get(name)
        for name, kind in DEAL_PROPERTIES] for row in deal_rows(deals)]
    roles = [[r["deal"], r["entity"], role_type]
             for role_type, rows in deal_role_rows(deals).items() for r in rows]
    return {
        "entities.csv": _csv([f"id:ID({ENTITY_LABEL})", ":LABEL", "name", "aliases:string[]",
                              "mentions:long"], entities),
        "deal_nodes.csv": _csv([f"id:ID({DEAL_LABEL})", ":LABEL"]
                               + [name if kind == "string" else f"{name}:{kind}" for name, kind in DEAL_PROPERTIES],
                               deal_nodes),
        "deal_roles.csv": _csv([f":START_ID({DEAL_LABEL})", f":END_ID({ENTITY_LABEL})", ":TYPE"], roles),
        "articles.csv": _csv([f"id:ID({ARTICLE_LABEL})", ":LABEL", *ARTICLE_PROPERTIES],
                             ([r["id"], ARTICLE_LABEL, *(r["props"][k] for k in ARTICLE_PROPERTIES)]
                              for r in article_rows(graph))),
        "relations.csv": _csv([f":START_ID({ENTITY_LABEL})", f":END_ID({ENTITY_LABEL})", ":TYPE"]
                              + [name if kind == "string" else f"{name}:{kind}"
                                 for name, kind in RELATION_PROPERTIES], relations),
        "mentions.csv": _csv([f":START_ID({ARTICLE_LABEL})", f":END_ID({ENTITY_LABEL})", ":TYPE"],
                             ([r["article"], r["entity"], MENTIONS] for r in mention_rows(graph))),
    }


def generate_import_sh(delimiter: str) -> str:
    """``import.sh``: the ``neo4j-admin database import full`` command for the CSV files.

    >>> print(generate_import_sh("|").splitlines()[-6])
        --array-delimiter='U+007C' \\
    """
    files = " \\\n".join(
        f"    --{'nodes' if name in _NODE_FILES else 'relationships'}='{name}'"
        for name in CSV_FILES)
    return (
        "#!/bin/sh\n"
        "# Import the CSV files next to this script into a new Neo4j database (Neo4j 5.19 or later).\n"
        "#   ./import.sh [DATABASE [OPTION...]]\n"
        "# DATABASE defaults to neo4j and must not exist yet; OPTIONs go to neo4j-admin as they\n"
        "# are (e.g. --overwrite-destination=true to replace a stopped database).\n"
        "# Set NEO4J_ADMIN to the neo4j-admin to use (default: the one on PATH).\n"
        "# Written by newsgraph: the array delimiter is a character no value contains.\n"
        "set -eu\n"
        'cd "$(dirname "$0")"\n'
        'database="${1:-neo4j}"\n'
        'if [ "$#" -gt 0 ]; then shift; fi\n'
        'exec "${NEO4J_ADMIN:-neo4j-admin}" database import full "$database" \\\n'
        f"{files} \\\n"
        "    --delimiter=',' \\\n"
        f"    --array-delimiter='U+{ord(delimiter):04X}' \\\n"
        "    --quote='\"' \\\n"
        "    --multiline-fields=true \\\n"
        "    --id-type='string' \\\n"
        "    --skip-bad-relationships=false \\\n"
        '    "$@"\n')


# ---------------------------------------------------------------- the folder


def generate_neo4j(graph: nx.MultiDiGraph, batch_size: int = SCRIPT_BATCH_SIZE
                   ) -> dict[str, Iterator[str]]:
    """Every file of the ``neo4j/`` folder, by name, as chunks of text."""
    delimiter = array_delimiter(graph)
    files = {"load.cypher": generate_cypher(graph, batch_size)}
    files.update(generate_csv(graph, delimiter))
    files["import.sh"] = iter([generate_import_sh(delimiter)])
    return files


def write_neo4j(graph: nx.MultiDiGraph, path: str | Path, batch_size: int = SCRIPT_BATCH_SIZE
                ) -> Path:
    """Write the ``neo4j/`` folder at ``path``, replacing it as a whole (atomically)."""
    path = Path(path)
    files = generate_neo4j(graph, batch_size)
    with atomic_dir(path) as tmp:
        for name, chunks in files.items():
            with open(tmp / name, "w", encoding="utf-8", newline="\n") as fh:
                fh.writelines(chunks)
            os.chmod(tmp / name, file_mode(name.endswith(".sh")))
    return path


generate = generate_neo4j
write = write_neo4j
