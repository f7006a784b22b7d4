"""``deals.jsonl``: the deal records, one JSON object a line, everything ``deals.csv`` flattens.

Each line is one record of ``newsgraph.graph.deals.build_deals`` (see the README's
"Deals" section for the fields): parties with roles and ids, asset, money field by field
with the sources of each figure, conflicting figures, territory, status and its source,
dates and the evidence sentences. Keys are sorted and the records come in the order of
``build_deals``, so the same graph gives the same bytes. Characters that some readers
take for a line end (U+2028, U+2029, U+0085 and the like) are written as ``\\u`` escapes,
so that every line is exactly one record for any line splitter.

>>> import networkx as nx
>>> "".join(generate_deals_jsonl(nx.MultiDiGraph()))
''
>>> one_line({"name": "A\\u2028B"})
'{"name": "A\\\\u2028B"}'
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Iterator

import networkx as nx

from newsgraph.graph.deals import build_deals

from .atomic import atomic_write

FORMAT = "deals-jsonl"
FILENAME = "deals.jsonl"
MEDIA_TYPE = "application/jsonl"

_LINE_BREAKS = re.compile("[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def one_line(record: dict) -> str:
    """``record`` as one line of JSON (non-ASCII kept, line-breaking characters escaped)."""
    text = json.dumps(record, ensure_ascii=False, sort_keys=True)
    return _LINE_BREAKS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def generate_deals_jsonl(graph: nx.MultiDiGraph, deals: list[dict] | None = None) -> Iterator[str]:
    """The lines of ``deals.jsonl``."""
    for deal in build_deals(graph) if deals is None else deals:
        yield one_line(deal) + "\n"


def write_deals_jsonl(graph: nx.MultiDiGraph, path: str | Path) -> Path:
    """Write ``deals.jsonl`` to ``path``, atomically."""
    return atomic_write(path, generate_deals_jsonl(graph))


generate = generate_deals_jsonl
write = write_deals_jsonl
