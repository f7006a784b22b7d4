"""``graph.json``: the graph as networkx node-link JSON, the machine-readable contract.

The layout is ``shared/spec/schema.md``'s: ``networkx.node_link_data(G, edges="edges")``
with sorted nodes and edges, so the same graph always gives the same bytes. A ``deals``
key next to ``nodes`` and ``edges`` holds the deal records derived from the edges
(``newsgraph.graph.deals``; README, "Deals"); the edges themselves are unchanged, and
reading the file back ignores the key (the deals are derived again from the edges).
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Iterator, Literal

import networkx as nx
from pydantic import TypeAdapter, ValidationError
from typing_extensions import NotRequired, TypedDict  # pydantic takes typing's TypedDict from 3.12 on

from newsgraph.errors import InputError, SchemaError
from newsgraph.graph import ENTITY_TYPES, RELATION_TYPES
from newsgraph.graph.deals import build_deals

from .atomic import atomic_write

FORMAT = "json"
FILENAME = "graph.json"
MEDIA_TYPE = "application/json"


def graph_to_data(graph: nx.MultiDiGraph) -> dict:
    """The node-link dict of ``graph`` with nodes and edges in a stable order."""
    data = nx.node_link_data(graph, edges="edges")
    data["nodes"].sort(key=lambda n: n["id"])
    data["edges"].sort(key=lambda e: (e["source"], e["target"], e.get("relation", ""), str(e.get("key"))))
    data["deals"] = build_deals(graph)
    return data


def generate_json(graph: nx.MultiDiGraph) -> Iterator[str]:
    """The JSON text of ``graph``, in chunks."""
    yield from json.JSONEncoder(ensure_ascii=False, indent=1, sort_keys=True).iterencode(graph_to_data(graph))
    yield "\n"


def write_json(graph: nx.MultiDiGraph, path: str | Path) -> Path:
    """Write ``graph`` as node-link JSON to ``path``, atomically."""
    return atomic_write(path, generate_json(graph))


def read_json(path: str | Path) -> nx.MultiDiGraph:
    """Read a ``graph.json`` back into a ``MultiDiGraph``.

    The file is checked against the layout above first (``check_graph_data``), so a
    damaged or foreign file is an ``InputError`` naming the file and the field.
    """
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not a newsgraph graph.json (not UTF-8 at byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not a newsgraph graph.json (invalid JSON: {exc.msg} at line "
                         f"{exc.lineno} column {exc.colno})") from None
    except RecursionError:
        raise InputError(f"{path}: not a newsgraph graph.json (JSON nested too deeply)") from None
    try:
        check_graph_data(data)
    except SchemaError as exc:
        raise InputError(f"{path}: not a newsgraph graph.json ({exc})") from None
    return nx.node_link_graph(data, edges="edges", multigraph=True, directed=True)


class _Money(TypedDict):
    value: float
    currency: str
    usd: NotRequired[float | None]


class _Terms(TypedDict):
    # the sentence's own figures and date (graph/build.py), read by the deal layer
    amount: NotRequired[_Money]
    upfront: NotRequired[_Money]
    milestones: NotRequired[_Money]
    date: NotRequired[str]
    status: NotRequired[str]


class _Evidence(TypedDict):
    doc: str
    sentence: str
    start: int
    end: int
    rule: NotRequired[str | None]
    terms: NotRequired[_Terms]


class _Node(TypedDict):
    id: str
    type: Literal[ENTITY_TYPES]
    label: NotRequired[str]
    aliases: NotRequired[list[str]]
    mentions: NotRequired[int]
    documents: NotRequired[list[str]]


class _Edge(TypedDict):
    source: str
    target: str
    relation: Literal[RELATION_TYPES]
    key: NotRequired[str | int]
    confidence: NotRequired[float]
    date: NotRequired[str | None]
    role: NotRequired[str | None]
    amount: NotRequired[_Money | None]
    upfront: NotRequired[_Money | None]
    milestones: NotRequired[_Money | None]
    evidence: NotRequired[list[_Evidence]]


class _DocumentMeta(TypedDict):
    id: str
    title: NotRequired[str | None]
    date: NotRequired[str | None]
    url: NotRequired[str | None]
    source: NotRequired[str | None]
    path: NotRequired[str | None]


class _GraphMeta(TypedDict):
    documents: NotRequired[list[_DocumentMeta]]
    schema: NotRequired[str]


class _GraphFile(TypedDict):
    nodes: list[_Node]
    edges: list[_Edge]
    graph: NotRequired[_GraphMeta]
    directed: NotRequired[bool]
    multigraph: NotRequired[bool]


@lru_cache(maxsize=1)
def _graph_file() -> TypeAdapter:
    return TypeAdapter(_GraphFile)


def check_graph_data(data) -> None:
    """Raise ``SchemaError`` naming the first field of ``data`` that a ``graph.json`` cannot hold.

    Other keys are allowed (they are kept as attributes); ``deals`` is derived again on read.

    >>> check_graph_data({"nodes": [{"id": "company:roche", "type": "Company", "aliases": "Roche AG"}],
    ...                   "edges": []})
    Traceback (most recent call last):
    ...
    newsgraph.errors.SchemaError: nodes.0.aliases: Input should be a valid list (got 'Roche AG')
    >>> check_graph_data({"nodes": [], "edges": [{"source": "a", "target": "b", "relation": "ACQUIRES"}]})
    Traceback (most recent call last):
    ...
    newsgraph.errors.SchemaError: edges.0.source: 'a' is not the id of a node
    """
    try:
        _graph_file().validate_python(data, strict=True)
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        where = ".".join(str(part) for part in error["loc"]) or "the file"
        got = error.get("input")
        shown = f" (got {str(got)[:40]!r})" if isinstance(got, str) else (
            f" (got {got!r})" if isinstance(got, (int, float, bool)) or got is None else "")
        raise SchemaError(f"{where}: {error['msg']}{shown}") from None
    ids = {node["id"] for node in data["nodes"]}
    for number, edge in enumerate(data["edges"]):
        for end in ("source", "target"):
            if edge[end] not in ids:
                raise SchemaError(f"edges.{number}.{end}: {edge[end][:60]!r} is not the id of a node")


generate = generate_json
write = write_json
