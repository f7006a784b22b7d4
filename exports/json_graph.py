"""``graph.json``: the graph as networkx node-link JSON, the machine-readable contract.

The layout is ``shared/spec/schema.md``'s: ``networkx.node_link_data(G, edges="edges")``
with sorted nodes and edges, so the same graph always gives the same bytes. A ``deals``
key next to ``nodes`` and ``edges`` holds the deal records derived from the edges
(``newsgraph.graph.deals``; README, "Deals"); the edges themselves are unchanged, and
reading the file back ignores the key (the deals are derived again from the edges).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

import networkx as nx

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
    """Read a ``graph.json`` back into a ``MultiDiGraph``."""
    with open(path, encoding="utf-8") as fh:
        return nx.node_link_graph(json.load(fh), edges="edges", multigraph=True, directed=True)


generate = generate_json
write = write_json
