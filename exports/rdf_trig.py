"""``graph.trig``: the graph as TriG, every triple in one named graph, for quad stores.

The named graph is ``<BASE>graph`` (``BASE`` the base IRI of the build), so several
builds loaded into one store stay apart and ``GRAPH ?g { ... }`` tells which build
said what. The triples are those of ``graph.ttl`` (see ``exports/rdf.py``).

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("drug:keytruda", id="drug:keytruda", label="Keytruda", type="Drug")
>>> text = "".join(generate_trig(g, base_iri="http://example.org/kg/"))
>>> text[text.index("<http://example.org/kg/graph>"):].splitlines()[:2]
['<http://example.org/kg/graph> {', '\\tent:drug:keytruda a ng:Drug ;']
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import networkx as nx
import pyoxigraph as ox

from .atomic import atomic_file
from .rdf import DEFAULT_BASE_IRI, check_base_iri, serialize

FORMAT = "trig"
FILENAME = "graph.trig"
MEDIA_TYPE = "application/trig"


def graph_name(base_iri: str = DEFAULT_BASE_IRI) -> str:
    """The IRI of the named graph holding a build's triples."""
    return check_base_iri(base_iri) + "graph"


def generate_trig(graph: nx.MultiDiGraph, *, base_iri: str = DEFAULT_BASE_IRI) -> Iterator[str]:
    """The TriG text of ``graph``."""
    yield serialize(graph, ox.RdfFormat.TRIG, base_iri=base_iri,
                    graph_name=graph_name(base_iri)).decode("utf-8")


def write_trig(graph: nx.MultiDiGraph, path: str | Path, *, base_iri: str = DEFAULT_BASE_IRI) -> Path:
    """Write ``graph`` as TriG to ``path``, atomically, streaming."""
    with atomic_file(path) as fh:
        serialize(graph, ox.RdfFormat.TRIG, fh, base_iri=base_iri, graph_name=graph_name(base_iri))
    return Path(path)


generate = generate_trig
write = write_trig
