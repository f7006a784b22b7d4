"""``newsgraph deals``: the deal table of a build in the terminal, as CSV or as JSON.

It reads the build's ``graph.json`` (or a ``graph.json`` given directly), derives the
deal records (``newsgraph.graph.deals.build_deals``), keeps the ones the filters ask for
(``select_deals``) and prints them. Names and sentences come from articles, so the table
shows control characters (terminal escape sequences included) as ``\\x..`` escapes.
"""
from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import click

from newsgraph.options import fail, handle_errors, terminal_text

DEALS_EXAMPLE = """\b
Example:
  newsgraph deals out/
  newsgraph deals out/ --type licence --type option --since 2025-01 --min-usd 1e9
  newsgraph deals out/graph.json --format csv > deals.csv
"""
_DATE = re.compile(r"\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?")
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def _printable(text: str) -> str:
    return _UNPRINTABLE.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256
                            else f"\\u{ord(m.group()):04x}", text)


def _money_text(money: dict) -> str:
    def one(figure: dict) -> str:
        if figure.get("currency") == "USD" or figure.get("usd") is None:
            return f"{_short(figure['value'])} {figure.get('currency') or ''}".strip()
        return f"{_short(figure['value'])} {figure.get('currency')} (${_short(figure['usd'])})"
    return "; ".join(f"{field} {one(fig)}" for field, fig in money.items())


def _short(value: float) -> str:
    for size, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(value) >= size:
            return f"{value / size:.3g}{suffix}"
    return f"{value:g}"


def format_table(deals: list[dict], width: int | None = 120) -> str:
    """The deals as an aligned text table, one line a deal; ``width=None`` cuts nothing."""
    header = ("announced", "type", "status", "parties", "money", "sources")
    rows = [header]
    for deal in deals:
        parties = "; ".join(f"{p['label']} ({p['role'].replace('_', ' ')})" for p in deal["parties"])
        if deal.get("asset"):
            parties += " | asset: " + ", ".join(a["label"] for a in deal["asset"])
        rows.append((deal.get("announced") or "", deal["type"], deal["status"], parties,
                     _money_text(deal.get("money") or {}), str(len(deal.get("sources", ())))))
    rows = [tuple(_printable(str(c)) for c in row) for row in rows]
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    # the parties column takes what the others leave of the terminal
    fixed = sum(widths) - widths[3] + 2 * (len(header) - 1)
    if width is not None:
        widths[3] = max(20, min(widths[3], width - fixed))
    lines = []
    for row in rows:
        cells = [c if len(c) <= w else c[:w - 1] + "…" for c, w in zip(row, widths)]
        lines.append("  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip())
    return "\n".join(lines) + "\n"


@click.command("deals", epilog=DEALS_EXAMPLE)
@click.argument("source", metavar="OUT", type=click.Path(path_type=Path))
@click.option("--type", "types", multiple=True, metavar="TYPE",
              help="Only deals of this type (repeatable): acquisition, licence, option, ...")
@click.option("--since", metavar="DATE", help="Only deals announced on or after DATE (2025, 2025-03, 2025-03-05).")
@click.option("--min-usd", type=float, default=None, metavar="X",
              help="Only deals whose stated total (else largest stated term) is at least X US dollars.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True, help="table for people; csv as deals.csv; json as a list of deal records.")
@handle_errors
def deals(source, types, since, min_usd, fmt):
    """Print the deals of OUT (a build folder or a graph.json): parties, money, status, dates."""
    from newsgraph.exports.deals_csv import generate_deals_csv
    from newsgraph.graph.deals import build_deals, deal_rules, select_deals
    from newsgraph.load import read_graph

    known = deal_rules().type_ids
    for t in types:
        if t not in known:
            fail(f"unknown deal type {t!r}; known: {', '.join(sorted(known))}")
    if since is not None and not _DATE.fullmatch(since):
        fail(f"--since {since!r} is not an ISO date (2025, 2025-03 or 2025-03-05)")
    graph = read_graph(source)
    selected = select_deals(build_deals(graph), types=types, since=since, min_usd=min_usd)
    # on a terminal, escape sequences in article text are shown as \x1b, not run
    shown = terminal_text if sys.stdout.isatty() else str
    if fmt == "csv":
        sys.stdout.write(shown("".join(generate_deals_csv(graph, selected)).lstrip("\ufeff")))
    elif fmt == "json":
        click.echo(shown(json.dumps(selected, ensure_ascii=False, indent=1, sort_keys=True)))
    else:
        # cut the parties column to the terminal's width; piped output keeps every character
        width = shutil.get_terminal_size((120, 24)).columns if sys.stdout.isatty() else None
        click.echo(format_table(selected, width), nl=False)
        click.echo(f"{len(selected)} deal(s)", err=True)


COMMANDS = [deals]
