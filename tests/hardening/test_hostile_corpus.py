"""The whole pipeline over a hostile corpus, and hand-built hostile graphs through every exporter.

The corpus (made in a fixture: one file is 1 MB) holds what scraped pages and feeds
really contain: a binary file renamed .txt, invalid UTF-8, UTF-16 with a BOM,
zero-width and right-to-left characters, emoji, a megabyte with no full stop, HTML
nested 5,000 deep, HTML full of scripts and inline event handlers, a JSONL feed with
broken lines, a raw U+2028, a 300 KB field and impossible dates, a deal worth more than a float holds, and deal sentences whose company names
are made of quotes, backslashes, ``</script>`` and Cypher. The build must go through,
warn about each bad file by name, and every export must stay valid for a parser that is
not ours (json, csv, FalkorDB, Chromium) with nothing injected run or restructured.
"""
from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import networkx as nx
import pytest

from hardening_support import newsgraph_cmd, snapshot
from newsgraph.exports import DEFAULT_FORMATS, EXPORTERS, get_exporter
from newsgraph.exports.json_graph import read_json
from newsgraph.exports.neo4j import expected_counts
from newsgraph.extract.model import Document, Entity, Evidence, Extraction, Relation
from newsgraph.graph import build_graph
from newsgraph.load import FalkorDBTarget
from test_html_browser import Page, browser  # noqa: F401  (fixture)
from test_load_support import falkordb_graph, falkordb_server  # noqa: F401  (fixtures)
from test_neo4j import _falkordb_view, statements

#: names no export may let out of its string: markup, Cypher, Turtle, JSON and shell breakers
HOSTILE = (
    "</script><script>window.__pwned=1</script>",
    "<img src=x onerror=\"window.__pwned=1\">",
    "'}) DETACH DELETE n //",
    "\"}) MATCH (m) DETACH DELETE m //",
    "> <http://evil/> .",
    "\"\"\" ; <http://evil/> <http://evil/> \"x\" .",
    "Back\\slash \\' \\\" \\u0041 \\n",
    "Line\nbreak\r\nand\ttab",
    "Zero\u200bwidth\u200d and \u202eRTL\u202c \u2066isolate\u2069",
    "😀🧬 삼성바이오로직스 العربية",
    "{{ 7*7 }} {% raw %} ${x} `x` $(rm -rf /)",
    "&lt;b&gt; &amp; &#x3c;",
    "Unicode\u2028line\u2029separators\x85",
)

DEAL_LINES = [
    "Merck partners with Evil'})DETACH Bio Inc. in a $400 million deal.",
    "Merck partners with O'Neil\\\"Bio Inc. in a $300 million deal.",
    "Pfizer acquired Evil</script>Bio Inc. for $1 billion.",
    "Merck partners with Evil\\Bio Inc. in a $200 million deal.",
    "Evil '}) DETACH DELETE n // Inc. partners with Roche in a $500 million deal.",
    "Pfizer acquired \"Quote\" Biotech Inc. for $1 billion.",
    # past float range: once became an infinite amount that no export could write
    "Amgen acquired Huge Number Bio Inc. for $" + "9" * 400 + " trillion.",
]


def _jsonl(record) -> str:
    return json.dumps(record, ensure_ascii=False)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile") / "corpus"
    root.mkdir()
    (root / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64)
    (root / "invalid-utf8.txt").write_bytes(b"Pfizer acquired Zeta Bio Inc. \xc3\x28 for $1 billion.\n")
    (root / "utf16.txt").write_bytes(
        "Amgen acquired Utf Sixteen Bio Inc. for $1.5 billion.\n".encode("utf-16"))
    (root / "zero-width.txt").write_text(
        "Merck partners with Zero\u200bWidth\u200d Bio Inc. in a $400 million deal. "
        "\u202eSome RTL\u202c text \u2066isolated\u2069 and \ufeff a BOM inside.\n", encoding="utf-8")
    (root / "emoji.md").write_text(
        "---\ntitle: \"😀 </script><script>window.__pwned=1</script>\"\nurl: \"javascript:alert(1)\"\n---\n"
        "# Emoji headline 🧬\n\nMerck partners with Emoji😀Bio Inc. in a $40 million deal. 🚀🚀\n",
        encoding="utf-8")
    filler = ("the market for biologic drugs keeps growing and analysts expect more deals "
              "between large drugmakers and small biotech firms ")
    (root / "run-on.txt").write_text((filler * (1_000_000 // len(filler) + 1))[:1_000_000])
    (root / "empty.txt").write_text("   \n")
    # front matter that expands to 9**8 strings when printed ("billion laughs"), and one nested
    # deeper than Python's recursion limit; Markdown markup that made the old regexes quadratic
    laughs = ["---", 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefg", "bcdefgh"):
        laughs.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    laughs += ["title: [" + ",".join(["*h"] * 9) + "]", "---",
               "Pfizer acquired Laughs Bio Inc. for $43 billion."]
    (root / "laughs.md").write_text("\n".join(laughs) + "\n")
    (root / "deep-front-matter.md").write_text(
        "---\ntitle: " + "[" * 6000 + "]" * 6000 + "\n---\nPfizer acquired Deep Bio Inc. for $1 billion.\n")
    (root / "markup.md").write_text(
        "Pfizer acquired Markup Bio Inc. for $2 billion.\n\n" + "*a " * 3_000 + "\n\n" + "[" * 10_000 + "\n")
    (root / "nested.html").write_text(
        "<html><body>" + "<div>" * 5000 + "<p>Roche acquired Nest Bio Inc. for $2 billion. "
        "The deal closes this year, the companies said.</p>" + "</div>" * 5000 + "</body></html>")
    (root / "scripts.html").write_text(
        "<html><head><title>Scripts &lt;/script&gt;</title>"
        "<script>window.__pwned = 1</script></head>"
        "<body onload=\"window.__pwned=1\"><article>"
        "<h1 onclick=\"window.__pwned=1\">Pfizer buys a biotech</h1>"
        "<p onmouseover=\"alert(1)\">Pfizer acquired Evil&lt;/script&gt;Bio Inc. for $1 billion, "
        "the companies said on Monday in a statement.</p>"
        "<img src=x onerror=\"window.__pwned=1\"><script>document.write('pwned')</script>"
        "<p>The deal is expected to close in the second quarter, Pfizer said.</p>"
        "</article></body></html>")
    lines = [
        _jsonl({"id": "j1", "title": "</script><script>window.__pwned=1</script>",
                "url": "javascript:window.__pwned=1", "source": "> <http://evil/> .",
                "text": DEAL_LINES[0]}),
        _jsonl({"id": "j2", "title": "Deals 'quoted' \\ \"double\"", "text": " ".join(DEAL_LINES[1:])}),
        _jsonl({"id": "j3", "title": "T" * 300_000, "source": "x" * 1000,
                "text": "Novartis acquired Zeta Therapeutics for $2 billion."}),
        # json.dumps keeps U+2028 raw with ensure_ascii=False: one record, one line
        _jsonl({"id": "j4", "title": "line\u2028separator\x85next",
                "text": "Sanofi partners with Line\u2028Sep Bio Inc. in a $90 million deal."}),
        # impossible and earliest dates: a weekday in the text is resolved against them
        _jsonl({"id": "j5", "date": "2026-02-30",
                "text": "Merck partners with Weekday Bio Inc. in a $10 million deal announced on Wednesday."}),
        _jsonl({"id": "j6", "date": "0001-01-01",
                "text": "Merck partners with Ancient Bio Inc. in a $10 million deal announced on Wednesday."}),
        '{"id": "deep", "text": "x", "title": ' + "[" * 50_000 + "]" * 50_000 + "}",
        '{"id": "broken", "text": "unterminated',
        "[1, 2, 3]",
        '{"text": 42}',
        "not json at all",
        "\x00\x01\x02",
    ]
    (root / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def built(corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("hostile-out") / "out"
    result = newsgraph_cmd("build", corpus, "-o", out, "--max-doc-chars", "100000")
    return result, out


def test_build_goes_through_and_names_every_bad_file(built, corpus):
    result, out = built
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("newsgraph: warning:")]
    text = "\n".join(warnings)
    assert f"{corpus / 'binary.txt'}: binary file" in text
    assert f"{corpus / 'invalid-utf8.txt'}: not valid UTF-8" in text
    assert f"{corpus / 'empty.txt'}: empty document" in text
    assert f"{corpus / 'run-on.txt'}: document longer than 100,000 characters" in text
    assert re.search(re.escape(str(corpus / "run-on.txt")) + r": \d+ passage\(s\) of over 20,000 characters", text)
    for line in (7, 8, 9, 10, 11, 12):
        assert f"{corpus / 'feed.jsonl'}:{line}: " in text
    assert f"{corpus / 'feed.jsonl'}:7: invalid JSON (nested too deeply)" in text
    assert f"{corpus / 'feed.jsonl'}:4:" not in text  # the raw U+2028 record is read whole
    # lxml stops at 256 levels of nesting: the article inside 5,000 divs is a warning, not a crash
    assert f"{corpus / 'nested.html'}: no article text found in the HTML" in text
    assert "documents: 14 read, 10 skipped" in result.stderr


def test_every_good_article_is_read(built):
    _, out = built
    graph = read_json(out / "graph.json")
    ids = {d["id"] for d in graph.graph["documents"]}
    assert {"j1", "j2", "j3", "j4", "j5", "j6"} <= ids
    dates = {d["id"]: d.get("date") for d in graph.graph["documents"]}
    assert dates["j5"] is None and dates["j6"] == "0001-01-01"  # no 30 February
    labels = {d["label"] for _, d in graph.nodes(data=True)}
    assert any("Utf Sixteen" in label for label in labels)  # the UTF-16 file
    assert any("Zeta Therapeutics" in label for label in labels)  # beside a 300 KB title
    for name in ("Laughs Bio", "Deep Bio", "Markup Bio"):  # the hostile Markdown files
        assert any(name in label for label in labels), name
    titles = {d.get("title") for d in graph.graph["documents"]}
    assert "line separator next" in titles  # titles are whitespace-normalised


def test_extractor_made_hostile_entity_names(built):
    _, out = built
    labels = {d["label"] for _, d in read_json(out / "graph.json").nodes(data=True)}
    for needle in ("</script>", "'})", "\\", '"'):
        assert any(needle in label for label in labels), (needle, sorted(labels))


def test_graph_json_is_valid_json_with_the_same_counts_as_every_export(built):
    _, out = built
    data = json.loads((out / "graph.json").read_text(encoding="utf-8"))
    graph = read_json(out / "graph.json")
    assert len(data["nodes"]) == graph.number_of_nodes() > 10
    nodes, edges, meta = _page_data(out / "graph.html")
    assert (meta["total_nodes"], meta["total_edges"]) == (graph.number_of_nodes(), graph.number_of_edges())
    assert {n["id"]: n["label"] for n in nodes} == {n: d["label"] for n, d in graph.nodes(data=True)}


def test_neo4j_csvs_read_back_by_the_csv_module(built):
    _, out = built
    graph = read_json(out / "graph.json")
    with open(out / "neo4j" / "entities.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["id:ID(Entity)"]: r["name"] for r in rows} == {
        n: d["label"] for n, d in graph.nodes(data=True)}


def test_load_cypher_of_the_hostile_build_runs_on_falkordb(built, falkordb_server, falkordb_graph):
    _, out = built
    graph = read_json(out / "graph.json")
    stored = _run_on_falkordb(out / "neo4j" / "load.cypher", falkordb_server, falkordb_graph)
    assert stored["counts"] == expected_counts(graph)
    assert stored["names"] == {n: _falkordb_view(d["label"]) for n, d in graph.nodes(data=True)}


def test_page_of_the_hostile_build_runs_nothing(built, browser):  # noqa: F811
    _, out = built
    view = Page(browser, out / "graph.html")
    try:
        assert view.js("document.scripts.length") == 6
        assert view.js("typeof window.__pwned") == "undefined"
        assert view.js("[...document.querySelectorAll('*')].filter(e => [...e.attributes].some("
                       "a => a.name.startsWith('on'))).length") == 0
        assert view.js("document.querySelectorAll('img, svg, iframe, object, embed').length") == 0
        view.check_clean()
    finally:
        view.close()


# ---------------------------------------------------------------- hand-built hostile graphs


def hostile_names_graph(names=HOSTILE) -> nx.MultiDiGraph:
    """Every name, alias, title, url, source, sentence and role is a hostile string."""
    extractions = []
    for i, text in enumerate(names):
        sentence = f"Sentence {i} {text}"
        doc = Document(id=f"doc {i} {text}", text=sentence, title=f"Title {i} {text}",
                       date="2026-03-05", url=f"http://x/{i}?{text}", source=f"Source {text}")
        ev = Evidence(doc.id, sentence, 0, len(sentence))
        a, b = f"Name {i} {text}", f"Other {i} {text}"
        extractions.append(Extraction(doc, (Entity(a, "Company", (f"Alias {i} {text}",)),
                                            Entity(b, "Person")),
                                      (Relation(a, "PARTNERS_WITH", b, ev, 0.9),
                                       Relation(b, "WORKS_FOR", a, ev, 0.9, role=f"Role {text}"))))
    return build_graph(extractions)


def test_hostile_graph_round_trips_through_graph_json_exactly(tmp_path):
    graph = hostile_names_graph()
    get_exporter("json").write(graph, tmp_path / "graph.json")
    back = read_json(tmp_path / "graph.json")
    # graph.json keeps a node's id as its key, not again among its attributes
    assert {n: dict(d, id=n) for n, d in back.nodes(data=True)} == dict(graph.nodes(data=True))
    assert sorted(back.edges(keys=True, data=True), key=repr) == sorted(
        graph.edges(keys=True, data=True), key=repr)
    assert back.graph == graph.graph


def test_hostile_graph_round_trips_through_the_page_data_exactly(tmp_path):
    graph = hostile_names_graph()
    get_exporter("html").write(graph, tmp_path / "graph.html")
    nodes, edges, meta = _page_data(tmp_path / "graph.html")
    assert {n["id"]: (n["label"], n["aliases"]) for n in nodes} == {
        n: (d["label"], d["aliases"]) for n, d in graph.nodes(data=True)}
    assert {e["evidence"][0]["sentence"] for e in edges} == {
        d["evidence"][0]["sentence"] for _, _, d in graph.edges(data=True)}
    assert {d["title"] for d in meta["documents"]} == {d["title"] for d in graph.graph["documents"]}


def test_hostile_graph_load_cypher_round_trips_on_falkordb(tmp_path, falkordb_server, falkordb_graph):
    graph = hostile_names_graph()
    get_exporter("neo4j").write(graph, tmp_path / "neo4j")
    stored = _run_on_falkordb(tmp_path / "neo4j" / "load.cypher", falkordb_server, falkordb_graph)
    assert stored["counts"] == expected_counts(graph)
    assert stored["names"] == {n: _falkordb_view(d["label"]) for n, d in graph.nodes(data=True)}
    clean = [t for t in HOSTILE if _falkordb_view(t) == t]
    assert {f"Name {i} {t}" for i, t in enumerate(HOSTILE) if t in clean} <= set(stored["names"].values())


def test_hostile_graph_page_runs_nothing_in_a_browser(tmp_path, browser):  # noqa: F811
    graph = hostile_names_graph()
    path = get_exporter("html").write(graph, tmp_path / "graph.html")
    view = Page(browser, path)
    try:
        assert view.js("document.scripts.length") == 6
        for i, text in enumerate(HOSTILE[:4]):
            view.page.fill("#search-input", f"Alias {i} {text}")
            view.page.press("#search-input", "Enter")
            assert view.page.text_content("#panel h3") == f"Name {i} {text}"
        assert view.js("typeof window.__pwned") == "undefined"
        assert view.js("document.scripts.length") == 6
        view.check_clean()
    finally:
        view.close()


def test_every_registered_exporter_writes_the_hostile_graph(tmp_path):
    # a format added later is held to the same standard: it writes, and its output is stable
    graph = hostile_names_graph()
    for name in sorted(EXPORTERS):
        exporter = get_exporter(name)
        first = exporter.write(graph, tmp_path / "a" / exporter.FILENAME)
        second = exporter.write(graph, tmp_path / "b" / exporter.FILENAME)
        assert first.exists()
    assert snapshot(tmp_path / "a") == snapshot(tmp_path / "b")
    assert set(DEFAULT_FORMATS) <= set(EXPORTERS)


# ---------------------------------------------------------------- helpers


def _page_data(path: Path):
    """The JSON the page embeds, read back by the json module (what view.js parses)."""
    page = path.read_text(encoding="utf-8")
    blocks = {}
    for name in ("nodes", "edges", "meta"):
        match = re.search(rf'<script type="application/json" id="newsgraph-{name}">(.*?)</script>',
                          page, re.DOTALL)
        assert match, name
        blocks[name] = json.loads(match.group(1))
    # nothing from the data can close the element early: the only "</script" are the real ends
    assert page.count("</script>") == page.lower().count("</script")
    return blocks["nodes"], blocks["edges"], blocks["meta"]


def _run_on_falkordb(script: Path, server, name: str) -> dict:
    FalkorDBTarget("127.0.0.1", server.port, name, None, None).schema()
    graph = server.graph(name)
    for statement in statements(script.read_text(encoding="utf-8")):
        if not statement.startswith(("CREATE CONSTRAINT", "CREATE INDEX")):
            graph.query(statement)
    counts = {"nodes": graph.query("MATCH (n) RETURN count(n)").result_set[0][0],
              "relationships": graph.query("MATCH ()-[r]->() RETURN count(r)").result_set[0][0]}
    names = {r[0]: r[1] for r in graph.query("MATCH (n:Entity) RETURN n.id, n.name").result_set}
    return {"counts": counts, "names": names}
