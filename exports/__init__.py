"""The exports stage: the merged graph out to files, one module per format.

Formats are registered by name in ``EXPORTERS`` and imported only when used (as
rdflib's plugin table does). Each module has ``FILENAME`` (its name inside a build
folder), ``generate(graph, **options)`` yielding the output in chunks where that makes
sense, and ``write(graph, path, **options)`` writing it atomically.

A build writes the formats that ``resolve_formats`` makes of ``--format`` (format names,
comma lists, ``default``, ``all``), always with ``graph.json``: it is the build's record,
read by ``view``, ``load`` and ``eval``. Export files of the formats not written this time
are removed from the build folder, so it never holds a ``graph.nt`` of an older graph.

>>> resolve_formats(["ntriples,jsonld"])
('json', 'ntriples', 'jsonld')
>>> get_exporter("tutle")
Traceback (most recent call last):
...
newsgraph.errors.ExportError: unknown format 'tutle'; did you mean 'turtle'? known: deals, deals-jsonl, html, json, jsonld, neo4j, ntriples, trig, turtle
"""
from __future__ import annotations

import difflib
from importlib import import_module
from pathlib import Path
from types import ModuleType
from typing import Iterable

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
#: written by every build, whatever ``--format`` says: the graph itself
ALWAYS_WRITTEN = "json"
#: names that stand for a set of formats in ``--format``
FORMAT_SETS: dict[str, tuple[str, ...]] = {"default": DEFAULT_FORMATS, "all": tuple(EXPORTERS)}


def known_formats() -> list[str]:
    return sorted(EXPORTERS)


def _unknown(name: str) -> ExportError:
    close = difflib.get_close_matches(name.lower(), [*EXPORTERS, *FORMAT_SETS], n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return ExportError(f"unknown format {name!r}; {hint}known: {', '.join(known_formats())}")


def get_exporter(name: str) -> ModuleType:
    """The exporter module registered as ``name``; an unknown name lists the known ones."""
    module = EXPORTERS.get(name)
    if module is None:
        raise _unknown(name)
    return import_module(f"{__name__}.{module}")


def resolve_formats(names: Iterable[str] | str | None = None) -> tuple[str, ...]:
    """The formats a build writes for ``names``: json first, then the others in registry order.

    Each name is a format, ``default`` (the formats written without ``--format``), ``all``,
    or a comma-separated list of them; ``None`` or nothing means ``default``.

    >>> resolve_formats(None)
    ('json', 'neo4j', 'html', 'turtle', 'deals', 'deals-jsonl')
    >>> resolve_formats(["turtle", "trig"])
    ('json', 'turtle', 'trig')
    """
    if isinstance(names, str):
        names = [names]
    wanted = {ALWAYS_WRITTEN}
    given = [n.strip() for item in (names or ()) for n in item.split(",") if n.strip()]
    for name in given or ["default"]:
        if name in FORMAT_SETS:
            wanted.update(FORMAT_SETS[name])
        elif name in EXPORTERS:
            wanted.add(name)
        else:
            raise _unknown(name)
    return tuple(n for n in EXPORTERS if n in wanted)


def output_names() -> dict[str, str]:
    """Format name -> the file or folder it writes inside a build folder."""
    return {name: get_exporter(name).FILENAME for name in EXPORTERS}


def write(graph: nx.MultiDiGraph, format: str, path: str | Path, **options) -> Path:
    """Write ``graph`` in ``format`` to ``path`` (a file, or a folder for folder formats)."""
    return get_exporter(format).write(graph, path, **options)
