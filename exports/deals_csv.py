"""``deals.csv``: one row a deal, ready for a spreadsheet.

The deals are ``newsgraph.graph.deals.build_deals`` of the graph. Columns come in a fixed
order (``COLUMNS``): id, type, status, ISO dates, one column per party role (several
parties of one role, like the investors of a round, ``;``-joined), the asset, the
territory, then value, currency and stated USD of every money field as plain numbers
(``710000000000``, never ``7.1e+11``), and the sources and evidence sentences. Inside a
``;``-joined list a ``;`` or ``\\`` of a name is escaped with ``\\``. A text cell that
starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'``, so
that a spreadsheet shows it as text instead of running it as a formula (OWASP's advice
on CSV injection); so does one that starts with ``'`` itself, so a program reading the
file gets the text back by dropping one leading ``'``. Numbers are written as numbers. UTF-8 with a byte-order mark (so
Excel reads Korean names right), RFC 4180 quoting, CRLF line ends.

>>> safe_cell("=HYPERLINK(\\"http://x\\")"), safe_cell("Roche"), safe_cell(710e9)
('\\'=HYPERLINK("http://x")', 'Roche', '710000000000')
>>> safe_cell("'quoted")
"''quoted"
>>> join_list(["A; B", "C"])
'A\\\\; B; C'
"""
from __future__ import annotations

import csv
import io
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Iterable, Iterator

import networkx as nx

from newsgraph.graph.deals import build_deals, deal_rules

from .atomic import atomic_write

FORMAT = "deals"
FILENAME = "deals.csv"
MEDIA_TYPE = "text/csv"

# a leading "'" is guarded too, so that a reader can always drop exactly one guard quote
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")


def _columns() -> tuple[str, ...]:
    rules = deal_rules()
    roles = tuple(r for r in rules.role_order if r != "asset")
    money = tuple(f"{field}{suffix}" for field in rules.money_fields for suffix in ("", "_currency", "_usd"))
    return (("id", "type", "status", "announced", "completed") + roles + ("asset", "territory") + money
            + ("conflicting_figures", "statements", "confidence", "sources", "evidence"))


#: the header of deals.csv, in order
COLUMNS: tuple[str, ...] = _columns()


def plain_number(value) -> str:
    """A number as plain decimal digits: ``710000000000``, ``0.85``; '' when it is none."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return ""
    try:
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except (InvalidOperation, ValueError):
        return ""
    if not number.is_finite():
        return ""
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "") else text


def safe_cell(value) -> str:
    """A cell's text: numbers plain, text guarded against being read as a formula."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return plain_number(value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def join_list(items: Iterable) -> str:
    """Items ``;``-joined, with ``\\`` and ``;`` inside an item escaped by ``\\``."""
    return "; ".join(str(i).replace("\\", "\\\\").replace(";", "\\;") for i in items)


def figure_text(field: str, figure: dict) -> str:
    """One stated figure with its sources: ``total 710000000000 KRW (484000000 USD) [doc-1, doc-2]``."""
    usd = f" ({plain_number(figure['usd'])} USD)" if figure.get("usd") is not None and figure.get("currency") != "USD" else ""
    return (f"{field} {plain_number(figure['value'])} {figure.get('currency') or ''}{usd} "
            f"[{', '.join(s['doc'] for s in figure.get('sources', ()))}]")


def deal_row(deal: dict) -> dict[str, object]:
    """The cells of one deal, by column name (numbers as numbers, lists joined)."""
    row: dict[str, object] = {k: deal.get(k) for k in ("id", "type", "status", "announced", "completed")}
    by_role: dict[str, list[str]] = {}
    for party in deal.get("parties", ()):
        by_role.setdefault(party["role"], []).append(party["label"])
    for column in COLUMNS:
        if column in deal_rules().roles and column != "asset":
            row[column] = join_list(by_role.get(column, ()))
    row["asset"] = join_list(a["label"] for a in deal.get("asset", ()))
    row["territory"] = join_list(t["value"] for t in deal.get("territory", ()))
    for field in deal_rules().money_fields:
        money = (deal.get("money") or {}).get(field) or {}
        row[field] = money.get("value")
        row[f"{field}_currency"] = money.get("currency")
        row[f"{field}_usd"] = money.get("usd")
    row["conflicting_figures"] = join_list(figure_text(field, f)
                                           for field, figures in sorted((deal.get("conflicts") or {}).items())
                                           for f in figures)
    row["statements"] = join_list(deal.get("statements", ()))
    row["confidence"] = deal.get("confidence")
    row["sources"] = join_list(deal.get("sources", ()))
    row["evidence"] = join_list(ev.get("sentence", "") for ev in deal.get("evidence", ()))
    return row


def generate_deals_csv(graph: nx.MultiDiGraph, deals: list[dict] | None = None) -> Iterator[str]:
    """The text of ``deals.csv`` (header first), a row at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    yield "\ufeff"
    writer.writerow(COLUMNS)
    for deal in build_deals(graph) if deals is None else deals:
        row = deal_row(deal)
        writer.writerow([safe_cell(row.get(c)) for c in COLUMNS])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def write_deals_csv(graph: nx.MultiDiGraph, path: str | Path) -> Path:
    """Write ``deals.csv`` to ``path``, atomically."""
    return atomic_write(path, generate_deals_csv(graph))


generate = generate_deals_csv
write = write_deals_csv
