"""``graph.jsonld``: the graph as JSON-LD with an inline ``@context``, for web developers.

The triples are those of ``graph.ttl`` (see ``exports/rdf.py``); the context declares
the same prefixes, so ids read ``ent:company:roche`` and keys ``ng:investsIn``, and a
JSON-LD processor expands them back to the full IRIs. No remote context is referenced:
the file is complete offline. Node objects come in the order of the Turtle file, keys
``@id``, ``@type``, then properties in that order, so the same graph gives the same bytes.

>>> import json, networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("company:roche", id="company:roche", label="Roche", type="Company", mentions=3)
>>> doc = json.loads("".join(generate_jsonld(g)))
>>> doc["@graph"][0]
{'@id': 'ent:company:roche', '@type': 'ng:Company', 'dcterms:identifier': 'company:roche', 'rdfs:label': 'Roche', 'skos:prefLabel': 'Roche', 'ng:mentions': {'@value': '3', '@type': 'xsd:integer'}}
>>> doc["@context"]["ent"]
'https://w3id.org/newsgraph/data/entity/'
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

import networkx as nx
import pyoxigraph as ox

from .atomic import atomic_write
from .rdf import DEFAULT_BASE_IRI, RDF, XSD, data_prefixes, iter_triples

FORMAT = "jsonld"
FILENAME = "graph.jsonld"
MEDIA_TYPE = "application/ld+json"

_TYPE = RDF + "type"
_STRING = XSD + "string"


def _compacter(prefixes: dict[str, str]):
    # longest namespace first, so ent: wins over a shorter prefix of the same IRI
    ordered = sorted(prefixes.items(), key=lambda kv: (-len(kv[1]), kv[0]))

    def compact(iri: str) -> str:
        for prefix, ns in ordered:
            rest = iri[len(ns):]
            # "//" would read as an absolute IRI with the prefix as its scheme
            if iri.startswith(ns) and not rest.startswith("//"):
                return f"{prefix}:{rest}"
        return iri
    return compact


def jsonld_document(graph: nx.MultiDiGraph, *, base_iri: str = DEFAULT_BASE_IRI) -> dict:
    """The JSON-LD document of ``graph``: ``{"@context": ..., "@graph": [node objects]}``."""
    prefixes = data_prefixes(base_iri)
    compact = _compacter(prefixes)
    nodes: dict[str, dict] = {}
    for t in iter_triples(graph, base_iri):
        subject = compact(t.subject.value)
        node = nodes.setdefault(subject, {"@id": subject})
        if t.predicate.value == _TYPE:
            key, value = "@type", compact(t.object.value)
        else:
            key = compact(t.predicate.value)
            obj = t.object
            if isinstance(obj, ox.NamedNode):
                value = {"@id": compact(obj.value)}
            elif obj.datatype.value == _STRING:
                value = obj.value
            else:
                value = {"@value": obj.value, "@type": compact(obj.datatype.value)}
        if key in node:
            if not isinstance(node[key], list):
                node[key] = [node[key]]
            node[key].append(value)
        else:
            node[key] = value
    return {"@context": dict(sorted(prefixes.items())), "@graph": list(nodes.values())}


def generate_jsonld(graph: nx.MultiDiGraph, *, base_iri: str = DEFAULT_BASE_IRI) -> Iterator[str]:
    """The JSON-LD text of ``graph``, in chunks."""
    yield from json.JSONEncoder(ensure_ascii=False, indent=1).iterencode(
        jsonld_document(graph, base_iri=base_iri))
    yield "\n"


def write_jsonld(graph: nx.MultiDiGraph, path: str | Path, *, base_iri: str = DEFAULT_BASE_IRI) -> Path:
    """Write ``graph`` as JSON-LD to ``path``, atomically."""
    return atomic_write(path, generate_jsonld(graph, base_iri=base_iri))


generate = generate_jsonld
write = write_jsonld
