"""``graph.html``: the graph as one interactive page that works offline, made with pyvis.

pyvis' ``Network`` holds the vis-network options and renders the page from our template
(``html_assets/graph.html.j2``); vis-network's script comes from the files pyvis ships and
is written into the page, with our small search, filter and panel script
(``html_assets/view.js``). Nothing is fetched at run time. Under the graph the page
lists the deal records (``newsgraph.graph.deals``) of the entities it shows, as a table
to sort, filter and click.

Names, titles and sentences are article text, and article text can be hostile. None of
it is ever written as HTML: the data travel as JSON inside ``<script
type="application/json">`` with ``<``, ``>``, ``&`` and U+2028/U+2029 escaped, and the
page script puts them on screen with ``textContent``.

The page is built in time linear in the graph: nodes and edges are filled into pyvis'
lists directly (its ``add_edge`` scans every edge already added). Above ``max_nodes``
the page keeps the most connected entities and says what it left out.

>>> g = example_graph()
>>> html = "".join(generate_html(g))
>>> html.startswith("<!DOCTYPE html>") and "vis.Network" in html
True
>>> "ABL Bio <b>deal</b>" in html, "ABL Bio \\\\u003cb\\\\u003edeal" in html
(False, True)
"""
from __future__ import annotations

import difflib
import json
from contextlib import nullcontext
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, ContextManager, Iterator

import networkx as nx

from newsgraph.errors import ExportError, InputError
from newsgraph.graph import ENTITY_TYPES, RELATION_TYPES, UNDIRECTED
from newsgraph.graph.deals import build_deals, deal_rules, deal_usd

from .atomic import atomic_write

FORMAT = "html"
FILENAME = "graph.html"
MEDIA_TYPE = "text/html"
#: above this many entities the page keeps the most connected ones (a browser stays smooth)
DEFAULT_MAX_NODES = 1500

ASSETS = Path(__file__).resolve().parent / "html_assets"
TEMPLATE = "graph.html.j2"

#: entity type -> (colour, vis-network shape, the glyph that shows the shape in the legend)
TYPE_STYLE: dict[str, tuple[str, str, str]] = {
    "Company": ("#4e79a7", "dot", "\u25cf"),
    "GovernmentAgency": ("#e15759", "square", "\u25a0"),
    "Organization": ("#f28e2b", "hexagon", "\u2b22"),
    "MediaOutlet": ("#9c755f", "triangleDown", "\u25bc"),
    "Person": ("#59a14f", "star", "\u2605"),
    "Country": ("#76b7b2", "diamond", "\u25c6"),
    "Location": ("#5fa2ce", "triangle", "\u25b2"),
    "Drug": ("#b07aa1", "dot", "\u25cf"),
    "Technology": ("#d4a6c8", "square", "\u25a0"),
}
_OTHER_STYLE = ("#999999", "dot", "\u25cf")
#: relation type -> edge colour (ColorBrewer Dark2 and Paired hues, apart from the entity colours)
RELATION_COLOR: dict[str, str] = {
    "INVESTS_IN": "#1b9e77", "PARTNERS_WITH": "#7570b3", "LICENSES_FROM": "#d95f02",
    "ACQUIRES": "#e7298a", "SIGNS_AGREEMENT_WITH": "#66a61e", "SUBSIDIARY_OF": "#a6761d",
    "LOCATED_IN": "#8f8f8f", "WORKS_FOR": "#e6ab02", "DEVELOPS": "#1f78b4",
}
_OTHER_RELATION_COLOR = "#555555"
_FONT = 'system-ui, "Noto Sans", "Noto Sans CJK KR", "Noto Sans CJK JP", "DejaVu Sans", sans-serif'

# characters that must not appear raw inside a <script> element or a JS string
_SCRIPT_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                                 "\u2028": "\\u2028", "\u2029": "\\u2029"})


def script_json(value) -> str:
    """JSON of ``value`` that is safe inside ``<script>``: no ``<``, ``>``, ``&``, U+2028/9.

    These characters only occur inside JSON strings, where ``\\uXXXX`` means the same.

    >>> script_json({"name": "</script><img src=x onerror=alert(1)>"})
    '{"name":"\\\\u003c/script\\\\u003e\\\\u003cimg src=x onerror=alert(1)\\\\u003e"}'
    """
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"),
                      allow_nan=False).translate(_SCRIPT_ESCAPES)


def script_json_text(text: str) -> str:
    """A JSON text made safe inside ``<script>`` the same way (for pyvis' options string)."""
    return text.translate(_SCRIPT_ESCAPES)


def format_money(amount: dict) -> str:
    """An amount attribute as people read it.

    >>> format_money({"value": 710e9, "currency": "KRW", "usd": 484e6})
    'KRW 710 billion (USD 484 million)'
    >>> format_money({"value": 2.6e9, "currency": "USD", "usd": 2.6e9})
    'USD 2.6 billion'
    >>> format_money({"value": 1250, "currency": "EUR"})
    'EUR 1,250'
    """
    def number(x: float) -> str:
        for size, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
            if abs(x) >= size:
                return f"{x / size:,.2f}".rstrip("0").rstrip(".") + f" {word}"
        return f"{x:,.2f}".rstrip("0").rstrip(".")

    try:
        value, currency = float(amount["value"]), str(amount.get("currency", ""))
    except (KeyError, TypeError, ValueError):
        return str(amount)
    text = f"{currency} {number(value)}".strip()
    usd = amount.get("usd")
    if usd is not None and currency != "USD":
        text += f" (USD {number(float(usd))})"
    return text


def find_entity(graph: nx.MultiDiGraph, name: str) -> str:
    """The id of the entity called ``name`` (label, alias or id, any case).

    An unknown name is an ``InputError`` that lists close matches; a name several
    entities share picks the one whose label it is, then the most connected.

    >>> g = example_graph()
    >>> find_entity(g, "lilly")
    'company:eli-lilly'
    >>> find_entity(g, "Roch")
    Traceback (most recent call last):
    ...
    newsgraph.errors.InputError: no entity named 'Roch'; close matches: Roche
    """
    wanted = name.strip().casefold()
    by_label, by_alias = [], []
    for nid, data in graph.nodes(data=True):
        if str(data.get("label", "")).casefold() == wanted or str(nid).casefold() == wanted:
            by_label.append(nid)
        elif any(str(a).casefold() == wanted for a in data.get("aliases", ())):
            by_alias.append(nid)
    found = by_label or by_alias
    if found:
        return max(found, key=lambda n: (graph.degree(n), n))
    names = {}
    for nid, data in graph.nodes(data=True):
        for surface in (data.get("label", nid), *data.get("aliases", ())):
            names.setdefault(str(surface).casefold(), str(data.get("label", nid)))
    close = difflib.get_close_matches(wanted, list(names), n=5, cutoff=0.6)
    labels = list(dict.fromkeys(names[c] for c in close))
    hint = f"; close matches: {', '.join(labels)}" if labels else "; no close match"
    raise InputError(f"no entity named {name!r}{hint}")


@dataclass
class Selection:
    """The part of the graph a page shows, and what it leaves out."""

    graph: nx.MultiDiGraph
    total_nodes: int
    total_edges: int
    note: str = ""
    focus: str | None = None


def select_view(graph: nx.MultiDiGraph, *, max_nodes: int = DEFAULT_MAX_NODES,
                focus: str | None = None, depth: int = 1) -> Selection:
    """The subgraph to draw: the neighbourhood of ``focus`` if given, at most ``max_nodes``.

    Above ``max_nodes`` the most connected entities stay (degree, then mentions).

    >>> g = example_graph()
    >>> s = select_view(g, max_nodes=2)
    >>> sorted(s.graph.nodes)
    ['company:abl-bio', 'company:roche']
    >>> s.note
    'Showing the 2 most connected of 10 entities: 8 entities and 6 of 6 relations are left out. Use --max-nodes to show more, or --focus NAME for one neighbourhood.'
    >>> sorted(select_view(g, focus="marty makary").graph.nodes)
    ['governmentagency:fda', 'person:marty-makary']
    """
    if max_nodes < 1:
        raise ExportError(f"max_nodes must be at least 1, not {max_nodes}")
    total_nodes, total_edges = graph.number_of_nodes(), graph.number_of_edges()
    focus_id = None
    notes = []
    if focus is not None:
        focus_id = find_entity(graph, focus)
        keep = set(nx.single_source_shortest_path_length(graph.to_undirected(as_view=True),
                                                         focus_id, cutoff=depth))
        graph = graph.subgraph(keep)
        notes.append(f"The neighbourhood of {graph.nodes[focus_id].get('label', focus_id)} "
                     f"within {depth} step{'s' if depth != 1 else ''}: {graph.number_of_nodes()} "
                     f"of {total_nodes} entities.")
    if graph.number_of_nodes() > max_nodes:
        ranked = sorted(graph.nodes, key=lambda n: (n != focus_id, -graph.degree(n),
                                                    -int(graph.nodes[n].get("mentions") or 0), n))
        before_nodes, before_edges = graph.number_of_nodes(), graph.number_of_edges()
        graph = graph.subgraph(ranked[:max_nodes])
        left = before_nodes - max_nodes
        dropped = before_edges - graph.number_of_edges()
        notes.append(f"Showing the {max_nodes:,} most connected of {before_nodes:,} entities: "
                     f"{left:,} entities and {dropped:,} of {before_edges:,} relations are left "
                     f"out. Use --max-nodes to show more, or --focus NAME for one neighbourhood.")
    return Selection(graph, total_nodes, total_edges, " ".join(notes), focus_id)


def deal_items(graph: nx.MultiDiGraph, shown: set) -> list[dict]:
    """The rows of the page's deal table: every deal of ``graph`` with a party among ``shown``.

    Money comes as text (``format_money``) field by field, with ``usd`` the figure the table
    sorts by (``deal_usd``: the stated total, else the largest stated term).

    >>> g = example_graph()
    >>> [(d["type"], [p["label"] for p in d["parties"]], d["usd"]) for d in deal_items(g, set(g))][:2]
    [('collaboration', ['ABL Bio', 'Eli Lilly'], 2600000000.0), ('investment', ['Roche', 'South Korea'], 484000000.0)]
    >>> [(d["type"], d["money"]) for d in deal_items(g, {"country:south-korea"})]
    [('investment', [['total', 'KRW 710 billion (USD 484 million)']])]
    """
    rules = deal_rules()
    items = []
    for deal in build_deals(graph):
        if not any(p["id"] in shown for p in deal.get("parties", ())):
            continue
        money = deal.get("money") or {}
        items.append({
            "id": deal["id"], "type": deal["type"], "status": deal["status"],
            "announced": deal.get("announced") or "", "completed": deal.get("completed") or "",
            "parties": [{"id": str(p["id"]), "label": str(p["label"]),
                         "role": rules.roles.get(p["role"], {}).get("label", p["role"])}
                        for p in deal.get("parties", ())],
            "asset": [str(a["label"]) for a in deal.get("asset", ())],
            "territory": [str(t["value"]) for t in deal.get("territory", ())],
            "money": [[field, format_money(money[field])] for field in rules.money_fields if field in money],
            "usd": deal_usd(deal),
            # figures that articles state differently, each with the articles that state it
            "conflicts": [[field, format_money(fig), [str(s["doc"]) for s in fig.get("sources", ())]]
                          for field, figures in sorted((deal.get("conflicts") or {}).items())
                          for fig in figures],
            "evidence": [{"doc": str(ev.get("doc", "")), "sentence": str(ev.get("sentence", ""))}
                         for ev in deal.get("evidence", ())],
        })
    return items


def _first_sentences(graph: nx.MultiDiGraph) -> dict[str, str]:
    """Each article's earliest sentence that the graph keeps, by article id."""
    first: dict[str, tuple] = {}
    for _, _, ev_list in graph.edges(data="evidence"):
        for ev in ev_list or ():
            doc, sentence = str(ev.get("doc", "")), str(ev.get("sentence", "")).strip()
            start = ev.get("start") if isinstance(ev.get("start"), int) else 1 << 60
            if sentence and (doc not in first or (start, sentence) < first[doc]):
                first[doc] = (start, sentence)
    return {doc: sentence for doc, (_, sentence) in first.items()}


def _document(doc: dict, leads: dict[str, str], words: int = 8) -> dict:
    """An article as the page shows it; without a headline, by its first words.

    >>> _document({"id": "d9", "date": "2025-06-02"}, {"d9": "Calloway Pharma agreed to acquire Arden Bio for $1.2 billion on Monday."})
    {'id': 'd9', 'date': '2025-06-02', 'lead': 'Calloway Pharma agreed to acquire Arden Bio for…'}
    """
    item = {k: str(doc[k]) for k in ("id", "title", "date", "url", "source") if doc.get(k) is not None}
    if not item.get("title", "").strip() and str(doc.get("id")) in leads:
        cut = leads[str(doc.get("id"))].split()
        item["lead"] = " ".join(cut[:words]) + ("\u2026" if len(cut) > words else "")
    return item


def _counted(order, values: list[str]) -> list[dict]:
    counts: dict[str, int] = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    names = list(dict.fromkeys(order)) + sorted(set(counts) - set(order))
    return [{"name": n, "count": counts[n]} for n in names if n in counts]


def view_data(graph: nx.MultiDiGraph, *, max_nodes: int = DEFAULT_MAX_NODES,
              focus: str | None = None, depth: int = 1) -> tuple[list, list, dict]:
    """The vis-network node and edge items and the page's other data, as plain JSON values.

    >>> nodes, edges, meta = view_data(example_graph())
    >>> len(nodes), len(edges), meta["total_nodes"]
    (10, 6, 10)
    >>> [(e["relation"], e["arrows"]) for e in edges if e["relation"] == "PARTNERS_WITH"][0]
    ('PARTNERS_WITH', '')
    """
    sel = select_view(graph, max_nodes=max_nodes, focus=focus, depth=depth)
    g = sel.graph
    type_counts: dict[str, int] = {}
    nodes = []
    for nid in sorted(g.nodes, key=str):
        data = g.nodes[nid]
        etype = str(data.get("type", ""))
        color, shape, _ = TYPE_STYLE.get(etype, _OTHER_STYLE)
        degree = g.degree(nid)
        type_counts[etype] = type_counts.get(etype, 0) + 1
        nodes.append({
            "id": str(nid), "label": str(data.get("label", nid)), "type": etype,
            "aliases": [str(a) for a in data.get("aliases", ())],
            "mentions": int(data.get("mentions") or 0),
            "documents": [str(d) for d in data.get("documents", ())],
            # vis-network sizes a node and its label by "value" (scaling options, view.js)
            "degree": degree, "shape": shape, "color": color, "value": degree,
        })

    relation_counts: dict[str, int] = {}
    raw = sorted(((str(u), str(v), str(d.get("relation", k)), d) for u, v, k, d in g.edges(keys=True, data=True)),
                 key=lambda e: e[:3])
    parallel: dict[frozenset, int] = {}
    edges = []
    for i, (u, v, relation, data) in enumerate(raw):
        relation_counts[relation] = relation_counts.get(relation, 0) + 1
        directed = relation not in UNDIRECTED
        facts = []
        for field in ("amount", "upfront", "milestones"):
            if isinstance(data.get(field), dict):
                facts.append([field, format_money(data[field])])
        for field in ("date", "role"):
            if data.get(field) not in (None, ""):
                facts.append([field, str(data[field])])
        if data.get("confidence") is not None:
            facts.append(["confidence", f"{float(data['confidence']):.2f}"])
        colour = RELATION_COLOR.get(relation, _OTHER_RELATION_COLOR)
        item = {
            "id": f"e{i}", "from": u, "to": v, "relation": relation, "label": relation,
            "color": {"color": colour, "highlight": colour, "hover": colour},
            "date": str(data.get("date") or ""),
            "directed": directed, "arrows": "to" if directed else "", "facts": facts,
            "evidence": [{"doc": str(ev.get("doc", "")), "sentence": str(ev.get("sentence", ""))}
                         for ev in data.get("evidence", ())],
        }
        # several relations between one pair: bend all but the first so each stays visible
        pair = frozenset((u, v))
        k = parallel.get(pair, 0)
        parallel[pair] = k + 1
        if k:
            item["smooth"] = {"enabled": True, "type": "curvedCW" if k % 2 else "curvedCCW",
                              "roundness": 0.2 * ((k + 1) // 2)}
        edges.append(item)

    deals = deal_items(graph, set(g))
    leads = _first_sentences(g)
    cited = ({d for n in nodes for d in n["documents"]} | {ev["doc"] for e in edges for ev in e["evidence"]}
             | {ev["doc"] for d in deals for ev in d["evidence"]})
    types_order = list(ENTITY_TYPES) + sorted(set(type_counts) - set(ENTITY_TYPES))
    relations_order = list(RELATION_TYPES) + sorted(set(relation_counts) - set(RELATION_TYPES))
    meta = {
        "total_nodes": sel.total_nodes, "total_edges": sel.total_edges, "note": sel.note,
        "focus": sel.focus,
        "types": [{"name": t, "count": type_counts[t], "color": TYPE_STYLE.get(t, _OTHER_STYLE)[0],
                   "shape": TYPE_STYLE.get(t, _OTHER_STYLE)[1], "glyph": TYPE_STYLE.get(t, _OTHER_STYLE)[2]}
                  for t in types_order if t in type_counts],
        "relations": [{"name": r, "count": relation_counts[r], "directed": r not in UNDIRECTED,
                       "color": RELATION_COLOR.get(r, _OTHER_RELATION_COLOR)}
                      for r in relations_order if r in relation_counts],
        # entities without a relation: hidden at first when they are more than a third
        "isolated": sum(1 for n in nodes if n["degree"] == 0),
        "hide_isolated": 3 * sum(1 for n in nodes if n["degree"] == 0) > len(nodes),
        "deals": deals,
        # the filter's choices in the table's order (graph/data/deals.json), with counts
        "deal_types": _counted(deal_rules().type_ids, [d["type"] for d in deals]),
        "deal_statuses": _counted((deal_rules().default_status, *(s for s, _ in deal_rules().statuses)),
                                  [d["status"] for d in deals]),
        # only the articles this page cites: a focused view of a big corpus stays small
        "documents": [_document(d, leads) for d in graph.graph.get("documents", ())
                      if isinstance(d, dict) and str(d.get("id")) in cited],
    }
    return nodes, edges, meta


def vis_options(n_nodes: int, n_edges: int) -> dict:
    """vis-network options: physics that settles and then stops, lighter drawing for big graphs.

    The iteration budget falls with size (benchmarks/bench_html.py): a small graph gets
    enough steps to untangle, a big one is drawn within a few seconds.

    >>> vis_options(1500, 3000)["physics"]["stabilization"]["iterations"]
    200
    """
    big = n_nodes + n_edges > 1500
    iterations = 1000 if n_nodes <= 100 else 300 if n_nodes <= 500 else 200
    return {
        "autoResize": True,
        # vis' improved layout is quick for small graphs and gives up (slowly) on big ones
        "layout": {"randomSeed": 7, "improvedLayout": n_nodes <= 100},
        # sizes follow the degree; view.js sets the label sizes once the first view is fitted
        "nodes": {"borderWidth": 1, "font": {"size": 14, "face": _FONT, "strokeWidth": 3,
                                              "strokeColor": "#ffffff"},
                  "scaling": {"min": 10, "max": 48,
                              "label": {"enabled": True, "min": 14, "max": 22, "maxVisible": 30,
                                        "drawThreshold": 6}}},
        "edges": {"smooth": False, "width": 1.5, "selectionWidth": 2,
                  "arrows": {"to": {"scaleFactor": 0.6}},
                  "font": {"size": 10, "face": _FONT, "color": "#555555", "strokeWidth": 3,
                           "align": "middle"}},
        "physics": {
            "enabled": True, "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -120 if n_nodes <= 300 else -60, "centralGravity": 0.008,
                                 "springLength": 140 if n_nodes <= 300 else 110, "springConstant": 0.06, "damping": 0.5,
                                 # overlap checks double the cost of a step: small graphs only
                                 "avoidOverlap": 0.3 if n_nodes <= 300 else 0},
            "minVelocity": 1.0, "timestep": 0.5,
            "stabilization": {"enabled": True, "iterations": iterations, "updateInterval": 50,
                              "fit": True},
        },
        "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": big,
                        "hideEdgesOnZoom": big, "keyboard": False, "navigationButtons": False},
    }


@lru_cache(maxsize=None)
def _script_asset(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    # a script's text ends at the first "</script"; "<!--" changes how it is parsed
    lowered = text.lower()
    if "</script" in lowered or "<!--" in lowered:
        raise ExportError(f"{path}: cannot be written inside <script>")
    return text


def _vis_js_path() -> Path:
    import pyvis

    lib = Path(pyvis.__file__).resolve().parent / "templates" / "lib"
    candidates = sorted(lib.glob("vis-*/vis-network.min.js"),
                        key=lambda p: [int(x) for x in p.parent.name[4:].split(".") if x.isdigit()])
    if not candidates:
        raise ExportError(f"{lib}: pyvis ships no vis-network.min.js here")
    return candidates[-1]


def _network(nodes: list, edges: list, meta: dict, title: str):
    from jinja2 import Environment, FileSystemLoader
    from pyvis.network import Network

    net = Network(height="100%", width="100%", directed=True, cdn_resources="in_line", heading=title)
    net.path = TEMPLATE
    # autoescape stays off: nothing from the graph is a template value except through
    # script_json, and HTML-escaping would corrupt the JSON and the inlined scripts
    net.templateEnv = Environment(loader=FileSystemLoader(str(ASSETS)), autoescape=False,
                                  keep_trailing_newline=True)
    net.templateEnv.filters["script_json"] = script_json
    net.templateEnv.filters["script_json_text"] = script_json_text
    net.templateEnv.globals.update(
        meta=meta, page_title=_html_text(title),
        vis_js=_script_asset(_vis_js_path()), view_js=_script_asset(ASSETS / "view.js"),
        view_css=_script_asset(ASSETS / "view.css"))
    # filled directly: pyvis' add_node/add_edge look through every item already added
    net.nodes, net.edges = nodes, edges
    net.options = vis_options(len(nodes), len(edges))
    return net


def _html_text(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&#39;"))


def generate_html(graph: nx.MultiDiGraph, *, max_nodes: int = DEFAULT_MAX_NODES,
                  focus: str | None = None, depth: int = 1) -> Iterator[str]:
    """The page for ``graph`` (or the neighbourhood of ``focus``), in one chunk."""
    nodes, edges, meta = view_data(graph, max_nodes=max_nodes, focus=focus, depth=depth)
    title = f"newsgraph: {len(nodes):,} entities, {len(edges):,} relations"
    if meta["focus"]:
        title = f"newsgraph: around {next(n['label'] for n in nodes if n['id'] == meta['focus'])}"
    net = _network(nodes, edges, meta, title)
    yield net.generate_html(name=FILENAME)


def write_html(graph: nx.MultiDiGraph, path: str | Path, *, max_nodes: int = DEFAULT_MAX_NODES,
               focus: str | None = None, depth: int = 1) -> Path:
    """Write the page to ``path``, atomically."""
    return atomic_write(path, generate_html(graph, max_nodes=max_nodes, focus=focus, depth=depth))


def view_path(out: str | Path, *, max_nodes: int = DEFAULT_MAX_NODES, focus: str | None = None,
              depth: int = 1, lock: Callable[[Path], ContextManager] | None = None) -> Path:
    """The page for a build folder ``OUT`` (or its ``graph.json``), written when needed.

    The default view is ``OUT/graph.html``, rewritten only when ``graph.json`` is newer.
    Other views get their own file, named after the options, so they never replace it.
    ``lock`` (``newsgraph view`` passes ``newsgraph.outputs.output_lock``) is held on the
    folder while ``graph.json`` is read and the page written, so that a build committing
    a new graph meanwhile cannot end up next to a page of the old one.
    """
    from .json_graph import FILENAME as JSON_FILENAME

    out = Path(out)
    source = out if out.is_file() else out / JSON_FILENAME
    if not source.is_file():
        raise InputError(f"{out}: no {JSON_FILENAME} here; run 'newsgraph build INPUT... -o {out}' first")
    folder = source.parent
    default = focus is None and max_nodes == DEFAULT_MAX_NODES
    target = folder / FILENAME
    if default and _newer(target, source):
        return target
    with lock(folder) if lock is not None else nullcontext():
        if default and _newer(target, source):  # written by whoever held the lock before
            return target
        graph = _read_graph(source)
        if default:
            return write_html(graph, target)
        parts = []
        if focus is not None:
            focus_id = find_entity(graph, focus)
            parts.append("".join(c if c.isalnum() or c in "-_" else "-" for c in focus_id)[:60] + f"-d{depth}")
        if max_nodes != DEFAULT_MAX_NODES:
            parts.append(f"max{max_nodes}")
        return write_html(graph, folder / f"graph.{'.'.join(parts)}.html", max_nodes=max_nodes,
                          focus=focus, depth=depth)


def _newer(target: Path, source: Path) -> bool:
    return target.is_file() and target.stat().st_mtime >= source.stat().st_mtime


def _read_graph(source: Path) -> nx.MultiDiGraph:
    from .json_graph import read_json

    try:
        return read_json(source)
    except (OSError, ValueError, KeyError, nx.NetworkXError) as exc:
        raise InputError(f"{source}: not a newsgraph graph.json ({exc})") from exc


def example_graph() -> nx.MultiDiGraph:
    """A small seeds-like graph with one hostile name, for examples and tests."""
    from newsgraph.extract.model import Amount, Document, Entity, Evidence, Extraction, Relation
    from newsgraph.graph import build_graph

    def ex(doc_id, title, text, entities, relations):
        doc = Document(id=doc_id, text=text, title=title, date="2026-03-05")
        ev = Evidence(doc_id, text, 0, len(text))
        return Extraction(doc, tuple(entities),
                          tuple(Relation(s, r, o, ev, **kw) for s, r, o, kw in relations))

    return build_graph([
        ex("d1", "Roche to invest in Korea", "Roche will invest 710 billion won in South Korea.",
           [Entity("Roche", "Company"), Entity("South Korea", "Country", ("Korea", "대한민국")),
            Entity("Ministry of Health and Welfare", "GovernmentAgency")],
           [("Roche", "INVESTS_IN", "South Korea",
             {"amount": Amount(710e9, "KRW", 484e6), "date": "2026-03"}),
            ("Roche", "SIGNS_AGREEMENT_WITH", "Ministry of Health and Welfare", {})]),
        ex("d2", "Lilly and ABL Bio <b>deal</b>", "Eli Lilly partners with ABL Bio for $2.6B.",
           [Entity("Eli Lilly", "Company", ("Lilly",)), Entity("ABL Bio", "Company"),
            Entity("GSK", "Company"), Entity("Alteogen", "Company")],
           [("Eli Lilly", "PARTNERS_WITH", "ABL Bio",
             {"amount": Amount(2.6e9, "USD", 2.6e9), "date": "2025-11"}),
            ("GSK", "PARTNERS_WITH", "Alteogen", {})]),
        ex("d3", "FDA", "FDA commissioner Marty Makary spoke.",
           [Entity("Marty Makary", "Person"), Entity("FDA", "GovernmentAgency"),
            Entity("Seoul", "Location")],
           [("Marty Makary", "WORKS_FOR", "FDA", {"role": "commissioner"}),
            ("Roche", "LOCATED_IN", "Seoul", {})]),
    ])


generate = generate_html
write = write_html
