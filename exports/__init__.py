"""The exports stage: the merged graph out to files, one module per format.

Formats are registered by name in ``EXPORTERS`` and imported only when used (as
rdflib's plugin table does). Each module has ``FILENAME`` (its name inside a build
folder), ``generate(graph, **options)`` yielding the output in chunks where that makes
sense, and ``write(graph, path, **options)`` writing it atomically.

>>> get_exporter("tutle")
Traceback (most recent call last):
...
newsgraph.errors.ExportError: unknown format 'tutle'; known: deals, deals-jsonl, html, json, jsonld, neo4j, ntriples, trig, turtle
"""
from __future__ import annotations

from importlib import import_module
from pathlib import Path
from types import ModuleType

import networkx as nx

from newsgraph.errors import ExportError

#: format name -> module under newsgraph.exports
EXPORTERS: dict[str, str] = {
    "json": "json_graph",
    "neo4j": "neo4j",
    "html": "html",
    "turtle": "rdf_turtle",
    "ntriples": "rdf_ntriples",
    "jsonld": "rdf_jsonld",
    "trig": "rdf_trig",
    "deals": "deals_csv",
    "deals-jsonl": "deals_jsonl",
}
#: the formats ``newsgraph build`` writes when no ``--format`` is given
DEFAULT_FORMATS: tuple[str, ...] = ("json", "neo4j", "html", "turtle", "deals", "deals-jsonl")


def known_formats() -> list[str]:
    return sorted(EXPORTERS)


def get_exporter(name: str) -> ModuleType:
    """The exporter module registered as ``name``; an unknown name lists the known ones."""
    module = EXPORTERS.get(name)
    if module is None:
        raise ExportError(f"unknown format {name!r}; known: {', '.join(known_formats())}")
    return import_module(f"{__name__}.{module}")


def write(graph: nx.MultiDiGraph, format: str, path: str | Path, **options) -> Path:
    """Write ``graph`` in ``format`` to ``path`` (a file, or a folder for folder formats)."""
    return get_exporter(format).write(graph, path, **options)
