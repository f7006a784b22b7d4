"""``graph.nt``: the graph as N-Triples, one triple a line, for line-oriented tools and bulk loaders.

The same triples as ``graph.ttl`` (see ``exports/rdf.py``), in the same order, without
prefixes: every line stands alone, so ``sort``, ``grep`` and ``split`` work on it.

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("country:south-korea", id="country:south-korea", label="South Korea",
...            type="Country", aliases=["Korea", "대한민국"])
>>> print("".join(generate_ntriples(g, base_iri="http://example.org/kg/")).splitlines()[-1])
<http://example.org/kg/entity/country:south-korea> <http://www.w3.org/2004/02/skos/core#altLabel> "대한민국" .
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import networkx as nx
import pyoxigraph as ox

from .atomic import atomic_file
from .rdf import DEFAULT_BASE_IRI, serialize

FORMAT = "ntriples"
FILENAME = "graph.nt"
MEDIA_TYPE = "application/n-triples"


def generate_ntriples(graph: nx.MultiDiGraph, *, base_iri: str = DEFAULT_BASE_IRI) -> Iterator[str]:
    """The N-Triples text of ``graph``."""
    yield serialize(graph, ox.RdfFormat.N_TRIPLES, base_iri=base_iri).decode("utf-8")


def write_ntriples(graph: nx.MultiDiGraph, path: str | Path, *, base_iri: str = DEFAULT_BASE_IRI) -> Path:
    """Write ``graph`` as N-Triples to ``path``, atomically, streaming."""
    with atomic_file(path) as fh:
        serialize(graph, ox.RdfFormat.N_TRIPLES, fh, base_iri=base_iri)
    return Path(path)


generate = generate_ntriples
write = write_ntriples
