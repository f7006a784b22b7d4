"""``graph.ttl``: the graph as Turtle, the RDF file ``newsgraph build`` writes by default.

The triples are ``exports/rdf.py``'s (direct relation triples plus statement nodes with
their PROV-O evidence), grouped by subject and abbreviated with the prefixes ``ng:``,
``ent:``, ``art:``, ``stmt:``, ``schema:``, ``prov:``, ... Oxigraph writes them.

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("company:roche", id="company:roche", label='Roche "AG"', type="Company")
>>> text = "".join(generate_turtle(g, base_iri="http://example.org/kg/"))
>>> print(text[text.index("ent:company:roche"):].strip().replace("\\t", "  "))
ent:company:roche a ng:Company ;
  dcterms:identifier "company:roche" ;
  rdfs:label "Roche \\"AG\\"" ;
  skos:prefLabel "Roche \\"AG\\"" .
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import networkx as nx
import pyoxigraph as ox

from .atomic import atomic_file
from .rdf import DEFAULT_BASE_IRI, serialize

FORMAT = "turtle"
FILENAME = "graph.ttl"
MEDIA_TYPE = "text/turtle"


def generate_turtle(graph: nx.MultiDiGraph, *, base_iri: str = DEFAULT_BASE_IRI) -> Iterator[str]:
    """The Turtle text of ``graph``."""
    yield serialize(graph, ox.RdfFormat.TURTLE, base_iri=base_iri).decode("utf-8")


def write_turtle(graph: nx.MultiDiGraph, path: str | Path, *, base_iri: str = DEFAULT_BASE_IRI) -> Path:
    """Write ``graph`` as Turtle to ``path``, atomically, streaming."""
    with atomic_file(path) as fh:
        serialize(graph, ox.RdfFormat.TURTLE, fh, base_iri=base_iri)
    return Path(path)


generate = generate_turtle
write = write_turtle
