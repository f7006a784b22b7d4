"""graph.html without a browser: offline, escaped, truncated and focused as asked, built in linear time.

The graphs built here are shared with test_html_browser.py, which opens the pages.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pytest

from newsgraph.errors import InputError
from newsgraph.exports import DEFAULT_FORMATS, EXPORTERS
from newsgraph.exports import html as html_export
from newsgraph.exports.html import (DEFAULT_MAX_NODES, find_entity, generate_html, select_view,
                                    view_data, view_path, write_html)
from newsgraph.exports.json_graph import write_json
from newsgraph.extract.model import Amount, Document, Entity, Evidence, Extraction, Relation
from newsgraph.graph import build_graph

#: article text that tries to run code or break out of the page
HOSTILE = [
    "<script>window.__pwned = 1; alert('script')</script>",
    '<img src=x onerror="window.__pwned = 1; alert(\'img\')">',
    "</script><script>window.__pwned = 1; alert('close')</script>",
    "\"'}) DETACH DELETE n // <svg onload=alert('svg')>",
    "<!-- <script> {{ 7*7 }} {% raw %} \u2028\u2029 \\u003c",
    "&lt;img src=x onerror=alert('entity')&gt; \u202eevil RTL",
]


def _extraction(doc_id, title, sentence, entities, relations, url=None):
    doc = Document(id=doc_id, text=sentence, title=title, date="2026-03-05", url=url)
    ev = Evidence(doc_id, sentence, 0, len(sentence))
    return Extraction(doc, tuple(entities), tuple(Relation(s, r, o, ev, **kw) for s, r, o, kw in relations))


def seeds_like_graph() -> nx.MultiDiGraph:
    """The seed articles' key facts, by hand: 9 entities, 5 relations."""
    return build_graph([
        _extraction("d1", "Roche to invest 710 billion won in Korea",
                    "Roche will invest 710 billion won ($484 million) in South Korea.",
                    [Entity("Roche", "Company", ("Roche Holding AG",)),
                     Entity("South Korea", "Country", ("Korea", "대한민국")),
                     Entity("Ministry of Health and Welfare", "GovernmentAgency", ("보건복지부",))],
                    [("Roche", "INVESTS_IN", "South Korea",
                      {"amount": Amount(710e9, "KRW", 484e6), "date": "2026-03"}),
                     ("Roche", "SIGNS_AGREEMENT_WITH", "Ministry of Health and Welfare", {})]),
        _extraction("d2", "Lilly bets $2.6B on ABL Bio",
                    "Eli Lilly partners with ABL Bio in a deal worth up to $2.6 billion.",
                    [Entity("Eli Lilly", "Company", ("Lilly",)), Entity("ABL Bio", "Company", ("에이비엘바이오",)),
                     Entity("GSK", "Company"), Entity("Alteogen", "Company", ("알테오젠",))],
                    [("Eli Lilly", "PARTNERS_WITH", "ABL Bio",
                      {"amount": Amount(2.6e9, "USD", 2.6e9), "date": "2025-11"}),
                     ("GSK", "PARTNERS_WITH", "Alteogen", {})],
                    url="https://example.org/lilly-abl"),
        _extraction("d3", "FDA names a commissioner", "FDA commissioner Marty Makary spoke on Monday.",
                    [Entity("Marty Makary", "Person", ("Makary",)), Entity("FDA", "GovernmentAgency")],
                    [("Marty Makary", "WORKS_FOR", "FDA", {"role": "commissioner"})]),
    ])


def hostile_graph() -> nx.MultiDiGraph:
    """Every name, alias, title, sentence, role and url is one of ``HOSTILE``."""
    extractions = []
    for i, text in enumerate(HOSTILE):
        other = f"Target {i} {text}"
        extractions.append(_extraction(
            f"h{i}", f"Title {i} {text}", f"Sentence {i} {text}",
            [Entity(f"Name {i} {text}", "Company", (f"Alias {i} {text}",)),
             Entity(other, "Person" if i % 2 else "Organization")],
            [(f"Name {i} {text}", "WORKS_FOR" if False else "PARTNERS_WITH", other, {"date": "2026"}),
             (other, "WORKS_FOR", f"Name {i} {text}", {"role": f"Role {text}"})],
            url=f"javascript:window.__pwned=1;alert('{i}')"))
    return build_graph(extractions)


def deals_graph() -> nx.MultiDiGraph:
    """Four made-up deals of four types, with money stated in different ways and dates."""
    def one(doc_id, title, date, sentence, entities, relations):
        doc = Document(id=doc_id, text=sentence, title=title, date=date)
        ev = Evidence(doc_id, sentence, 0, len(sentence))
        return Extraction(doc, tuple(entities), tuple(Relation(s, r, o, ev, **kw) for s, r, o, kw in relations))

    usd = lambda x: Amount(x, "USD", x)  # noqa: E731
    return build_graph([
        one("k1", "Calloway Pharma buys Arden Bio", "2025-06-02",
            "Calloway Pharma agreed to acquire Arden Bio for $1.2 billion.",
            [Entity("Calloway Pharma", "Company"), Entity("Arden Bio", "Company")],
            [("Calloway Pharma", "ACQUIRES", "Arden Bio", {"amount": usd(1.2e9), "date": "2025-06"})]),
        one("k2", "Brightwater licenses KB-17", "2024-11-20",
            "Brightwater Therapeutics licensed KB-17 from Keum Bio for $40 million upfront and up to "
            "$900 million in milestones.",
            [Entity("Brightwater Therapeutics", "Company"), Entity("Keum Bio", "Company"),
             Entity("KB-17", "Drug")],
            [("Brightwater Therapeutics", "LICENSES_FROM", "Keum Bio",
              {"upfront": usd(40e6), "milestones": usd(900e6), "date": "2024-11"}),
             ("Keum Bio", "DEVELOPS", "KB-17", {})]),
        one("k3", "Osgood Capital leads a round", "2026-01-15",
            "Osgood Capital led a EUR 50 million Series B round in Arden Bio.",
            [Entity("Osgood Capital", "Company"), Entity("Arden Bio", "Company")],
            [("Osgood Capital", "INVESTS_IN", "Arden Bio", {"amount": Amount(50e6, "EUR", 54e6),
                                                             "date": "2026-01"})]),
        one("k4", "Calloway and Lumen team up", "2025-02-01",
            "Calloway Pharma and the Lumen Institute will work together on cell therapies.",
            [Entity("Calloway Pharma", "Company"), Entity("Lumen Institute", "Organization")],
            [("Calloway Pharma", "PARTNERS_WITH", "Lumen Institute", {"date": "2025-02"})]),
    ])


def big_graph(n_nodes: int, n_edges: int, seed: int = 1) -> nx.MultiDiGraph:
    """A synthetic graph of the export's shape with a few hubs, built without the merge step."""
    import random

    rng = random.Random(seed)
    types = ["Company", "Company", "Company", "Country", "Person", "Drug", "Technology",
             "GovernmentAgency", "Organization", "Location", "MediaOutlet"]
    relations = ["PARTNERS_WITH", "INVESTS_IN", "DEVELOPS", "LICENSES_FROM", "ACQUIRES", "LOCATED_IN"]
    g = nx.MultiDiGraph(schema="newsgraph/1",
                        documents=[{"id": f"doc{i}", "title": f"Article {i}"} for i in range(50)])
    ids = []
    for i in range(n_nodes):
        nid = f"entity:{i:05d}"
        ids.append(nid)
        g.add_node(nid, id=nid, label=f"Entity {i}", type=types[i % len(types)], aliases=[f"E{i}"],
                   mentions=1 + i % 7, documents=[f"doc{i % 50}"])
    for j in range(n_edges):
        # preferential: low ids are hubs, as big companies are in news
        u = ids[int(n_nodes * rng.random() ** 3)]
        v = ids[rng.randrange(n_nodes)]
        if u == v:
            continue
        rel = relations[j % len(relations)]
        g.add_edge(u, v, key=rel, relation=rel, confidence=0.8,
                   # each edge from its own sentence, as in articles (deals group edges by sentence)
                   evidence=[{"doc": f"doc{j % 50}", "sentence": f"Sentence {j}.",
                              "start": 20 * j, "end": 20 * j + 12}])
    return g


class _References(HTMLParser):
    """Every URL the page would fetch: script/img/iframe src, link href, CSS url() and @import."""

    def __init__(self):
        super().__init__()
        self.refs, self.scripts, self._in = [], [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("src", "srcset", "data", "poster", "background"):
            if attrs.get(name):
                self.refs.append((tag, attrs[name]))
        if tag == "link" and attrs.get("href"):
            self.refs.append((tag, attrs["href"]))
        if tag == "meta" and (attrs.get("http-equiv") or "").lower() == "refresh":
            self.refs.append((tag, attrs.get("content", "")))
        self._in = tag
        if tag == "script":
            self.scripts.append(attrs)

    def handle_data(self, data):
        if self._in == "style":
            self.refs += [("css", u) for u in re.findall(r"url\(\s*['\"]?([^'\")]+)", data)]
            self.refs += [("css", u) for u in re.findall(r"@import\s+['\"]([^'\"]+)", data)]

    def handle_endtag(self, tag):
        self._in = None


def _json_blocks(page: str) -> dict:
    return {m.group(1): json.loads(m.group(2)) for m in re.finditer(
        r'<script type="application/json" id="newsgraph-(\w+)">(.*?)</script>', page, re.S)}


@pytest.fixture(scope="module")
def seeds_like_page():
    return "".join(generate_html(seeds_like_graph()))


def test_registered_and_written_by_default():
    assert EXPORTERS["html"] == "html" and "html" in DEFAULT_FORMATS
    assert html_export.FILENAME == "graph.html"


def test_page_fetches_nothing_from_the_network(seeds_like_page):
    parser = _References()
    parser.feed(re.sub(r"<!--.*?-->", "", seeds_like_page, flags=re.S))
    remote = [(tag, url) for tag, url in parser.refs if re.match(r"\s*(https?:)?//", url, re.I)]
    assert remote == []
    assert all("src" not in attrs for attrs in parser.scripts)  # every script is inline
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", seeds_like_page, re.I)
    # vis-network itself is in the page (from pyvis' files), not linked
    assert "vis-network" in seeds_like_page and len(seeds_like_page) > 400_000


def test_page_data_round_trips_with_counts_styles_and_evidence(seeds_like_page):
    blocks = _json_blocks(seeds_like_page)
    nodes, edges, meta = blocks["nodes"], blocks["edges"], blocks["meta"]
    assert len(nodes) == 9 and len(edges) == 5
    by_label = {n["label"]: n for n in nodes}
    assert by_label["South Korea"]["aliases"] == ["Korea", "대한민국"]
    assert by_label["Roche"]["shape"] == "dot" and by_label["FDA"]["shape"] == "square"
    assert by_label["Roche"]["value"] == 2 and by_label["FDA"]["value"] == 1  # sized by degree
    invest = next(e for e in edges if e["relation"] == "INVESTS_IN")
    assert invest["arrows"] == "to" and invest["label"] == "INVESTS_IN"
    assert ["amount", "KRW 710 billion (USD 484 million)"] in invest["facts"]
    assert ["date", "2026-03"] in invest["facts"]
    assert invest["evidence"] == [{"doc": "d1", "sentence":
                                   "Roche will invest 710 billion won ($484 million) in South Korea."}]
    assert invest["color"]["color"] == "#1b9e77"  # the relation's colour, as in the legend
    assert {r["name"]: r["color"] for r in meta["relations"]}["INVESTS_IN"] == "#1b9e77"
    assert meta["isolated"] == 0 and meta["hide_isolated"] is False
    assert {e["relation"]: e["arrows"] for e in edges}["PARTNERS_WITH"] == ""
    assert {e["relation"]: e["arrows"] for e in edges}["SIGNS_AGREEMENT_WITH"] == ""
    assert {d["id"]: d["title"] for d in meta["documents"]}["d2"] == "Lilly bets $2.6B on ABL Bio"
    assert [t["name"] for t in meta["types"]] == ["Company", "GovernmentAgency", "Person", "Country"]
    assert blocks["options"]["physics"]["stabilization"]["enabled"] is True


def test_hostile_text_is_never_markup():
    page = "".join(generate_html(hostile_graph()))
    outside_json = re.sub(r'<script type="application/json" id="newsgraph-\w+">.*?</script>', "",
                          page, flags=re.S)
    for asset in (html_export._vis_js_path(), html_export.ASSETS / "view.js"):
        outside_json = outside_json.replace(asset.read_text(encoding="utf-8"), "")
    for text in HOSTILE:
        assert text not in page
    for needle in ("__pwned", "onerror", "alert('", "DETACH DELETE", "\u2028", "\u2029"):
        assert needle not in outside_json, needle
    # the page has exactly its own elements: 4 data blocks (removed above) and 2 scripts
    assert outside_json.count("<script") == 2 and outside_json.count("</script>") == 2
    assert page.count("<script") == 6 + html_export._vis_js_path().read_text(encoding="utf-8").count("<script")
    blocks = _json_blocks(page)
    labels = {n["label"] for n in blocks["nodes"]}
    assert {f"Name {i} {text}" for i, text in enumerate(HOSTILE)} <= labels  # decoded exactly
    titles = {d["title"] for d in blocks["meta"]["documents"]}
    assert {f"Title {i} {text}" for i, text in enumerate(HOSTILE)} == titles


def test_empty_graph_and_focus_cite_only_their_articles():
    blocks = _json_blocks("".join(generate_html(nx.MultiDiGraph())))
    assert blocks["nodes"] == [] and blocks["edges"] == [] and blocks["meta"]["documents"] == []
    _, _, meta = view_data(seeds_like_graph(), focus="FDA")
    assert [d["id"] for d in meta["documents"]] == ["d3"]


def test_same_graph_same_bytes():
    assert "".join(generate_html(seeds_like_graph())) == "".join(generate_html(seeds_like_graph()))


def test_above_max_nodes_keeps_the_most_connected_and_says_so():
    g = big_graph(400, 900)
    nodes, edges, meta = view_data(g, max_nodes=100)
    assert len(nodes) == 100
    degree = dict(g.degree())
    kept = {n["id"] for n in nodes}
    assert min(degree[n] for n in kept) >= max(degree[n] for n in set(g) - kept)
    assert len(edges) == g.subgraph(kept).number_of_edges()
    assert meta["total_nodes"] == 400 and meta["total_edges"] == g.number_of_edges()
    assert meta["note"].startswith("Showing the 100 most connected of 400 entities: 300 entities and ")
    assert view_data(g)[2]["note"] == ""  # under the default limit nothing is left out
    assert DEFAULT_MAX_NODES == 1500


def test_focus_draws_the_neighbourhood():
    g = seeds_like_graph()
    nodes, edges, meta = view_data(g, focus="korea")  # an alias, any case
    assert sorted(n["label"] for n in nodes) == ["Roche", "South Korea"]
    assert meta["focus"] == find_entity(g, "South Korea")
    nodes, _, meta = view_data(g, focus="KOREA", depth=2)
    assert sorted(n["label"] for n in nodes) == ["Ministry of Health and Welfare", "Roche", "South Korea"]
    assert meta["note"].startswith("The neighbourhood of South Korea within 2 steps: 3 of 9 entities.")


def test_unknown_focus_lists_close_matches():
    with pytest.raises(InputError, match=r"^no entity named 'Eli Lily'; close matches: Eli Lilly$"):
        find_entity(seeds_like_graph(), "Eli Lily")
    with pytest.raises(InputError, match="no close match"):
        select_view(seeds_like_graph(), focus="zzzzzz")


def test_build_time_is_linear_in_graph_size():
    def seconds(n):
        g = big_graph(n, 3 * n)
        t = time.perf_counter()
        "".join(generate_html(g, max_nodes=n))
        return time.perf_counter() - t

    seconds(200)  # warm the asset cache
    small, large = min(seconds(1000) for _ in range(2)), min(seconds(8000) for _ in range(2))
    # 8x the graph: linear is ~8x; pyvis' add_edge loop would be ~64x
    assert large < 20 * small + 0.5, (small, large)
    # most of it is deriving the deal records (16,000 of them here) that the page lists
    assert large < 30, large


def test_write_html_and_view_path(tmp_path):
    g = seeds_like_graph()
    write_json(g, tmp_path / "graph.json")
    first = view_path(tmp_path)
    assert first == tmp_path / "graph.html" and first.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    stamp = first.stat().st_mtime_ns
    assert view_path(tmp_path) == first and first.stat().st_mtime_ns == stamp  # up to date: not rewritten
    focused = view_path(tmp_path / "graph.json", focus="lilly", depth=2)
    assert focused.name == "graph.company-eli-lilly-d2.html"
    assert _json_blocks(focused.read_text(encoding="utf-8"))["meta"]["focus"] == "company:eli-lilly"
    assert view_path(tmp_path, max_nodes=3).name == "graph.max3.html"
    with pytest.raises(InputError, match="no graph.json here"):
        view_path(tmp_path / "graph.json" / ".." / "..")


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "newsgraph.cli", *map(str, args)],
                          capture_output=True, text=True, timeout=120)


def test_view_command_writes_and_reports_the_page(tmp_path):
    write_json(seeds_like_graph(), tmp_path / "graph.json")
    proc = _cli("view", tmp_path, "--no-open")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == str(tmp_path / "graph.html") and (tmp_path / "graph.html").is_file()
    proc = _cli("view", tmp_path, "--focus", "Eli Lily", "--no-open")
    assert proc.returncode == 2
    assert proc.stderr.strip() == "newsgraph: error: no entity named 'Eli Lily'; close matches: Eli Lilly"
    proc = _cli("view", tmp_path, "--focus", "abl bio", "--depth", "1", "--no-open")
    assert proc.returncode == 0 and Path(proc.stdout.strip()).name == "graph.company-abl-bio-d1.html"


def test_seeds_build_page_counts(seeds_graph, tmp_path):
    path = write_html(seeds_graph, tmp_path / "graph.html")
    blocks = _json_blocks(path.read_text(encoding="utf-8"))
    assert len(blocks["nodes"]) == seeds_graph.number_of_nodes()
    assert len(blocks["edges"]) == seeds_graph.number_of_edges()
    assert {n["id"] for n in blocks["nodes"]} == set(seeds_graph.nodes)


def test_page_carries_the_deal_records_of_its_entities():
    blocks = _json_blocks("".join(generate_html(deals_graph())))
    deals = {d["type"]: d for d in blocks["meta"]["deals"]}
    assert sorted(deals) == ["acquisition", "collaboration", "financing_round", "licence"]
    licence = deals["licence"]
    assert [(p["label"], p["role"]) for p in licence["parties"]] == [
        ("Brightwater Therapeutics", "licensee"), ("Keum Bio", "licensor")]
    assert licence["asset"] == ["KB-17"] and licence["announced"] == "2024-11"
    assert licence["money"] == [["upfront", "USD 40 million"], ["milestones", "USD 900 million"]]
    assert licence["usd"] == 900e6  # no total is stated: the largest term, never a sum
    assert deals["financing_round"]["money"] == [["total", "EUR 50 million (USD 54 million)"]]
    assert deals["financing_round"]["parties"][0]["role"] == "lead investor"
    assert deals["collaboration"]["usd"] is None
    assert [t["name"] for t in blocks["meta"]["deal_types"]] == [
        "acquisition", "licence", "collaboration", "financing_round"]
    assert {d["id"] for d in blocks["meta"]["documents"]} == {"k1", "k2", "k3", "k4"}
    # a focused view lists the deals of the entities it shows, and only those
    _, _, meta = view_data(deals_graph(), focus="Osgood Capital")
    assert [d["type"] for d in meta["deals"]] == ["acquisition", "financing_round"]
    _, _, meta = view_data(deals_graph(), focus="Keum Bio")
    assert [d["type"] for d in meta["deals"]] == ["licence"]
