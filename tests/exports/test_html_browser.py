"""graph.html in a real browser: headless Chromium from Debian, driven by Playwright, no network.

The browser is /usr/bin/chromium (the Debian package `chromium`, listed in
tests/system-packages.txt); Playwright's own browser download is never used. Every
request that is not file:// or data: is aborted and recorded, and the tests assert that
none was made. A dialog, a page error or a console error fails the test.
"""
from __future__ import annotations

import io
from pathlib import Path

import pytest

from newsgraph.exports.html import write_html
from test_html import HOSTILE, big_graph, deals_graph, hostile_graph, seeds_like_graph

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync",
                 "--disable-dev-shm-usage"]
STABILIZED = "body[data-stabilized=true]"


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        pytest.fail(f"Playwright is missing ({exc}): `./dev test` installs the test extra")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `./dev test` installs the Debian package chromium "
                    "(tests/system-packages.txt)")
    manager = sync_playwright().start()
    try:
        browser = manager.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=60_000)
    except Exception as exc:  # noqa: BLE001 - any launch failure is the same verdict
        manager.stop()
        pytest.fail(f"headless Chromium ({CHROMIUM}) did not start: {exc}")
    yield browser
    browser.close()
    manager.stop()


class Page:
    """One page opened on a file, with everything that must not happen recorded."""

    def __init__(self, browser, path: Path, width=1280, height=800):
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.page = self.context.new_page()
        self.requests, self.dialogs, self.errors = [], [], []
        self.page.route("**/*", self._route)
        self.page.on("dialog", self._dialog)
        self.page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc} {exc.stack}"))
        self.page.on("console", lambda msg: msg.type == "error" and self.errors.append(
            f"console error: {msg.text}"))
        self.page.goto(path.resolve().as_uri())
        self.page.wait_for_selector(STABILIZED, state="attached", timeout=90_000)

    def _route(self, route):
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            self.requests.append(url)
            route.abort()

    def _dialog(self, dialog):
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def js(self, expression: str):
        return self.page.evaluate(expression)

    def shown(self) -> dict:
        return self.js("window.newsgraph.shown()")

    def node_point(self, node_id: str) -> tuple[float, float]:
        """Where a node is drawn, in page coordinates."""
        x, y = self.js(f"""(() => {{
            const n = window.newsgraph.network, id = {node_id!r};
            const p = n.canvasToDOM(n.getPositions([id])[id]);
            const r = document.getElementById('network').getBoundingClientRect();
            return [p.x + r.left, p.y + r.top];
        }})()""")
        return x, y

    def check_clean(self):
        assert self.requests == [], "the page tried to reach the network"
        assert self.dialogs == [], "the page opened a dialog"
        assert self.errors == []

    def close(self):
        self.context.close()


@pytest.fixture
def open_page(browser, tmp_path):
    pages = []

    def _open(graph, name="graph.html", **options):
        path = write_html(graph, tmp_path / name, **options)
        page = Page(browser, path)
        pages.append(page)
        return page

    yield _open
    for page in pages:
        page.close()


def _distinct_colours(png: bytes) -> int:
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    return len(image.getcolors(maxcolors=1 << 24))


def test_draws_every_node_and_edge_offline_and_stops_physics(open_page):
    view = open_page(seeds_like_graph())
    assert view.shown() == {"nodes": 9, "edges": 5}
    assert view.js("window.newsgraph.nodes.length") == 9 and view.js("window.newsgraph.edges.length") == 5
    assert view.page.text_content("#counts") == "Showing 9 of 9 entities and 5 of 5 relations"
    # physics is off once laid out: nodes stay where they are
    assert view.js("window.newsgraph.network.physics.physicsEnabled") is False
    before = view.js("JSON.stringify(window.newsgraph.network.getPositions())")
    view.page.wait_for_timeout(300)
    assert view.js("JSON.stringify(window.newsgraph.network.getPositions())") == before
    # the legend names each type with its shape colour
    legend = view.page.locator("#type-filter li .name").all_text_contents()
    assert legend == ["Company", "GovernmentAgency", "Person", "Country"]
    colours = view.js("[...document.querySelectorAll('#type-filter .swatch')].map(s => s.style.color)")
    assert colours[0] == "rgb(78, 121, 167)" and len(set(colours)) == 4
    png = view.page.screenshot()
    assert _distinct_colours(png) > 200, "the screenshot is (nearly) blank"
    graph_only = view.page.locator("#network").screenshot()
    assert _distinct_colours(graph_only) > 50, "the graph area is (nearly) blank"
    view.check_clean()


def test_korean_text_renders_with_a_real_font(open_page):
    view = open_page(seeds_like_graph())
    # the same text drawn twice: Hangul and two unassigned code points. Without a CJK
    # font both come out as the same "missing glyph" boxes.
    same = view.js("""(() => {
        const draw = (text) => {
            const c = document.createElement('canvas'); c.width = 200; c.height = 60;
            const ctx = c.getContext('2d');
            ctx.font = '40px ' + getComputedStyle(document.body).fontFamily;
            ctx.fillText(text, 5, 45);
            return c.toDataURL();
        };
        return draw('대한민국') === draw('\\u0378\\u0379\\u0378\\u0379');
    })()""")
    assert same is False, "Hangul is drawn as missing-glyph boxes: install fonts-noto-cjk"
    view.page.fill("#search-input", "대한민국")
    view.page.press("#search-input", "Enter")
    assert view.js("window.newsgraph.network.getSelectedNodes()") == ["country:south-korea"]
    assert "대한민국" in view.page.text_content("#panel")
    view.check_clean()


def test_search_finds_by_name_and_alias_and_focuses(open_page):
    view = open_page(seeds_like_graph())
    scale = view.js("window.newsgraph.network.getScale()")
    view.page.fill("#search-input", "lilly")
    view.page.click("#search-go")
    assert view.js("window.newsgraph.network.getSelectedNodes()") == ["company:eli-lilly"]
    assert view.page.is_visible("#panel")
    assert view.page.text_content("#panel h3") == "Eli Lilly"
    view.page.wait_for_timeout(500)  # the focus animation
    centre = view.js("window.newsgraph.network.getViewPosition()")
    pos = view.js("window.newsgraph.network.getPositions(['company:eli-lilly'])['company:eli-lilly']")
    assert abs(centre["x"] - pos["x"]) < 5 and abs(centre["y"] - pos["y"]) < 5
    assert view.js("window.newsgraph.network.getScale()") >= max(scale, 1.2) - 1e-6
    view.page.fill("#search-input", "Eli Lily x")
    view.page.press("#search-input", "Enter")
    assert view.page.text_content("#search-status") == "No entity matches \u201cEli Lily x\u201d"
    view.check_clean()


def test_type_and_relation_filters_change_what_is_drawn(open_page):
    view = open_page(seeds_like_graph())
    view.page.locator("#type-filter label", has_text="Company").click()
    # 5 companies gone, and every relation with a company end: only WORKS_FOR is left
    assert view.shown() == {"nodes": 4, "edges": 1}
    assert view.page.text_content("#counts") == "Showing 4 of 9 entities and 1 of 5 relations"
    view.page.locator("#type-filter label", has_text="Company").click()
    assert view.shown() == {"nodes": 9, "edges": 5}
    view.page.locator("#relation-filter label", has_text="PARTNERS_WITH").click()
    assert view.shown() == {"nodes": 9, "edges": 3}
    relations = view.js("window.newsgraph.edgesView.get().map(e => e.relation).sort()")
    assert relations == ["INVESTS_IN", "SIGNS_AGREEMENT_WITH", "WORKS_FOR"]
    view.page.click("#reset")
    assert view.shown() == {"nodes": 9, "edges": 5}
    view.check_clean()


def test_clicking_a_node_and_an_edge_opens_the_panel(open_page):
    view = open_page(seeds_like_graph())
    x, y = view.node_point("company:roche")
    view.page.mouse.click(x, y)
    assert view.page.text_content("#panel h3") == "Roche"
    panel = view.page.text_content("#panel")
    assert "Company" in panel and "Roche Holding AG" in panel and "Roche to invest 710 billion won in Korea" in panel
    # the middle of the Roche -> South Korea edge
    x2, y2 = view.node_point("country:south-korea")
    view.page.mouse.click((x + x2) / 2, (y + y2) / 2)
    assert view.page.text_content("#panel h3").split() == ["Roche", "\u2192", "INVESTS_IN", "\u2192",
                                                          "South", "Korea"]
    panel = view.page.text_content("#panel")
    assert "KRW 710 billion (USD 484 million)" in panel and "2026-03" in panel
    assert "Roche will invest 710 billion won ($484 million) in South Korea." in panel
    assert "Roche to invest 710 billion won in Korea (2026-03-05)" in panel
    # hovering shows the tooltip with the same evidence
    view.page.mouse.move(x2 + 200, y2 + 200)
    view.page.mouse.move((x + x2) / 2, (y + y2) / 2)
    view.page.wait_for_selector(".vis-tooltip", state="visible", timeout=5000)
    assert "Roche will invest" in view.page.text_content(".vis-tooltip")
    view.check_clean()


def test_hostile_text_shows_as_text_and_runs_nothing(open_page):
    view = open_page(hostile_graph())
    scripts = view.js("document.scripts.length")
    assert scripts == 6
    n = view.shown()
    assert n["nodes"] == len(view.js("window.newsgraph.nodes.getIds()")) >= 2 * len(HOSTILE)
    ids = view.js("window.newsgraph.nodes.getIds()")
    for node_id in ids:
        # every node: tooltip, panel, and through the panel every relation's evidence
        x, y = view.node_point(node_id)
        if view.page.is_visible("#panel"):
            view.page.click("#panel-close")  # the panel may lie over the node
        view.page.mouse.move(x, y)
        view.page.mouse.click(x, y)
        for i in range(view.page.locator("#panel button.link").count()):
            view.page.locator("#panel button.link").nth(i).click()
            view.page.click("#panel-close")
            view.page.wait_for_timeout(350)  # two taps on a node within 300 ms are a double-click
            view.page.mouse.click(x, y)
    for i, text in enumerate(HOSTILE):
        view.page.fill("#search-input", f"Alias {i} {text}")
        view.page.press("#search-input", "Enter")
        assert view.page.text_content("#panel h3") == f"Name {i} {text}"
        assert f"Alias {i} {text}" in view.page.text_content("#panel")
        view.page.locator("#panel button.link").first.click()
        assert f"Sentence {i} {text}" in view.page.text_content("#panel")
        assert f"Title {i} {text}" in view.page.text_content("#panel")
    # every deal row: parties and sentences are text in the table and in the panel
    rows = view.page.locator("#deal-rows tr")
    assert rows.count() == 6
    for i, text in enumerate(HOSTILE):
        view.page.fill("#deal-party", f"Name {i} {text}")
        assert rows.count() == 1
        assert f"Name {i} {text}" in rows.first.text_content()
        rows.first.click()
        assert sorted(view.js("window.newsgraph.network.getSelectedNodes()")) == sorted(
            n for n in ids if n.startswith(("company:", "person:", "organization:"))
            and view.js(f"window.newsgraph.nodes.get({n!r}).name").endswith(f"{i} {text}"))
        panel = view.page.text_content("#panel")
        assert f"Sentence {i} {text}" in panel and f"Title {i} {text}" in panel
    view.page.fill("#deal-party", "")
    assert rows.count() == 6
    assert view.js("typeof window.__pwned") == "undefined"
    assert view.js("document.scripts.length") == scripts
    assert view.js("document.querySelectorAll('img, svg, iframe, object, embed').length") == 0
    assert view.js("[...document.querySelectorAll('*')].filter(e => [...e.attributes].some("
                   "a => a.name.startsWith('on'))).length") == 0
    # a "javascript:" url never becomes a link
    assert view.js("[...document.querySelectorAll('a')].filter(a => !/^https?:/.test(a.href)).length") == 0
    view.check_clean()


def test_big_graph_keeps_the_limit_and_says_what_was_left_out(open_page):
    g = big_graph(2000, 4000)
    view = open_page(g, max_nodes=1500)
    shown = view.shown()
    assert shown["nodes"] == 1500
    assert shown["edges"] == g.subgraph(view.js("window.newsgraph.nodes.getIds()")).number_of_edges()
    note = view.page.text_content("#note")
    assert note.startswith("Showing the 1,500 most connected of 2,000 entities: 500 entities and ")
    assert view.page.is_visible("#note")
    assert _distinct_colours(view.page.locator("#network").screenshot()) > 50
    view.check_clean()


def test_focus_page_selects_the_entity(open_page):
    view = open_page(seeds_like_graph(), focus="korea", depth=1)
    assert view.shown() == {"nodes": 2, "edges": 1}
    assert view.js("window.newsgraph.network.getSelectedNodes()") == ["country:south-korea"]
    assert view.page.text_content("#panel h3") == "South Korea"
    assert view.page.text_content("#note").startswith("The neighbourhood of South Korea within 1 step")
    view.check_clean()


def test_empty_graph_opens_cleanly(open_page):
    import networkx as nx

    view = open_page(nx.MultiDiGraph())
    assert view.shown() == {"nodes": 0, "edges": 0}
    assert view.page.text_content("#counts") == "Showing 0 of 0 entities and 0 of 0 relations"
    view.check_clean()


def _deal_rows(view) -> list[list[str]]:
    return view.js("[...document.querySelectorAll('#deal-rows tr')].map("
                   "tr => [...tr.cells].map(td => td.textContent))")


def test_deals_table_of_the_seeds_build(open_page, seeds_graph):
    view = open_page(seeds_graph)
    rows = {(r[1], r[2]): r for r in _deal_rows(view)}
    assert view.page.is_visible("#deal-table")
    roche = rows[("investment", "Roche (investor); South Korea (investee)")]
    assert roche[4] == "KRW 710 billion (USD 484 million)" and roche[0] == "2026-03"
    gsk = rows[("collaboration", "Alteogen (partner); GSK (partner)")]
    assert gsk[5:7] == ["USD 20 million", "USD 265 million"] and gsk[4] == ""
    lilly = rows[("collaboration", "ABL Bio (partner); Lilly (partner)")]
    assert lilly[4] == "USD 2.6 billion" and lilly[0] == "2025-11"
    assert view.page.text_content("#deal-count") == f"{len(rows)} deals"
    view.check_clean()


def test_deals_table_sorts_by_amount_and_date(open_page):
    view = open_page(deals_graph())
    parties = lambda: [r[2].split(" (")[0] for r in _deal_rows(view)]  # noqa: E731
    # newest first by default
    assert [r[0] for r in _deal_rows(view)] == ["2026-01", "2025-06", "2025-02", "2024-11"]
    view.page.click("#deal-table button[data-sort=amount]")
    # the stated total in USD, else the largest term (the licence: $900M of milestones);
    # no amount comes last
    assert parties() == ["Calloway Pharma", "Brightwater Therapeutics", "Osgood Capital", "Calloway Pharma"]
    assert [r[1] for r in _deal_rows(view)] == ["acquisition", "licence", "financing round", "collaboration"]
    assert view.js("document.querySelector('button[data-sort=amount]').parentNode.getAttribute('aria-sort')") == "descending"
    view.page.click("#deal-table button[data-sort=amount]")
    assert [r[1] for r in _deal_rows(view)] == ["financing round", "licence", "acquisition", "collaboration"]
    view.page.click("#deal-table button[data-sort=date]")
    assert [r[0] for r in _deal_rows(view)] == ["2026-01", "2025-06", "2025-02", "2024-11"]
    view.page.click("#deal-table button[data-sort=date]")
    assert [r[0] for r in _deal_rows(view)] == ["2024-11", "2025-02", "2025-06", "2026-01"]
    view.check_clean()


def test_deals_table_filters_by_type_status_and_party(open_page):
    view = open_page(deals_graph())
    assert len(_deal_rows(view)) == 4
    view.page.select_option("#deal-type", "licence")
    assert [r[1] for r in _deal_rows(view)] == ["licence"]
    assert view.page.text_content("#deal-count") == "1 of 4 deals"
    view.page.select_option("#deal-type", "")
    view.page.fill("#deal-party", "calloway")
    assert sorted(r[1] for r in _deal_rows(view)) == ["acquisition", "collaboration"]
    view.page.fill("#deal-party", "arden")  # a target and an investee
    assert sorted(r[1] for r in _deal_rows(view)) == ["acquisition", "financing round"]
    view.page.select_option("#deal-status", "announced")
    assert len(_deal_rows(view)) == 2
    view.page.fill("#deal-party", "nobody at all")
    assert _deal_rows(view) == [] and view.page.text_content("#deal-count") == "0 of 4 deals"
    view.page.click("#reset")
    assert len(_deal_rows(view)) == 4 and view.page.input_value("#deal-party") == ""
    view.check_clean()


def test_deal_row_click_selects_the_parties_and_shows_the_evidence(open_page):
    view = open_page(deals_graph())
    # the licensee's type is hidden: selecting the deal shows it again
    view.page.locator("#type-filter label", has_text="Company").click()
    view.page.locator("#deal-rows tr", has_text="Keum Bio").click()
    assert sorted(view.js("window.newsgraph.network.getSelectedNodes()")) == [
        "company:brightwater-therapeutics", "company:keum-bio"]
    assert view.js("window.newsgraph.shown().nodes") == 7  # the companies are back
    assert view.page.get_attribute("#deal-rows tr[aria-selected=true]", "data-deal").startswith("deal:licence:")
    assert view.page.text_content("#panel h3") == "licence: Brightwater Therapeutics \u2013 Keum Bio"
    panel = view.page.text_content("#panel")
    assert "licenseeBrightwater Therapeutics" in panel and "assetKB-17" in panel
    assert "upfrontUSD 40 million" in panel and "milestonesUSD 900 million" in panel
    assert ("Brightwater Therapeutics licensed KB-17 from Keum Bio for $40 million upfront and up to "
            "$900 million in milestones.") in panel
    assert "Brightwater licenses KB-17 (2024-11-20)" in panel
    # the parties are drawn in view after the row click
    view.page.wait_for_timeout(500)
    box = view.page.locator("#network").bounding_box()
    for node in ("company:brightwater-therapeutics", "company:keum-bio"):
        x, y = view.node_point(node)
        assert box["x"] <= x <= box["x"] + box["width"] and box["y"] <= y <= box["y"] + box["height"]
    # a party in the panel leads to its entity
    view.page.locator("#panel button.link", has_text="Keum Bio").click()
    assert view.page.text_content("#panel h3") == "Keum Bio"
    assert view.js("window.newsgraph.network.getSelectedNodes()") == ["company:keum-bio"]
    view.check_clean()


def _with_isolated(graph, count: int):
    for i in range(count):
        graph.add_node(f"company:lonely-{i}", id=f"company:lonely-{i}", label=f"Lonely Labs {i}",
                       type="Company", aliases=[], mentions=1, documents=["d1"])
    return graph


def _near(png: bytes, points, colour, radius=3) -> int:
    """How many of ``points`` (page pixels) have ``colour`` within ``radius`` pixels.

    A thin line is drawn anti-aliased: a pixel counts when it is ``colour`` blended with
    the white background, at least half of it ``colour``.
    """
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")

    def blend_of_colour(p) -> bool:
        alpha = sum((255 - a) / max(1, 255 - c) for a, c in zip(p, colour)) / 3
        if not 0.5 <= alpha <= 1.1:
            return False
        alpha = min(alpha, 1.0)
        return all(abs(alpha * c + (1 - alpha) * 255 - a) <= 14 for a, c in zip(p, colour))

    found = 0
    for x, y in points:
        box = [image.getpixel((i, j)) for i in range(int(x) - radius, int(x) + radius + 1)
               for j in range(int(y) - radius, int(y) + radius + 1)
               if 0 <= i < image.width and 0 <= j < image.height]
        found += any(blend_of_colour(p) for p in box)
    return found


def test_first_view_labels_are_legible_and_long_names_shortened(open_page):
    g = big_graph(135, 110)
    long_name = "National Agency for Medical Products and Devices"
    g.nodes["entity:00003"]["label"] = long_name
    view = open_page(g)
    # every drawn label is at least 11 px high on screen at the first view
    sizes_js = """() => {
        const n = window.newsgraph.network, s = n.getScale();
        return n.body.nodeIndices.map(id => n.body.nodes[id].labelModule.fontOptions.size * s);
    }"""
    sizes = view.js(f"({sizes_js})()")
    assert len(sizes) == view.shown()["nodes"] > 50
    assert min(sizes) >= 11 - 1e-6, min(sizes)
    assert max(sizes) > min(sizes)  # hubs get bigger labels
    # a long name is shortened on the canvas and whole in the tooltip and the panel
    label = view.js("window.newsgraph.nodes.get('entity:00003').label")
    assert label == "National Agency for\u2026"
    assert view.js("window.newsgraph.nodes.get('entity:00003').title.textContent").startswith(long_name)
    view.page.fill("#search-input", "national agency")
    view.page.press("#search-input", "Enter")
    assert view.page.text_content("#panel h3") == long_name
    view.page.wait_for_timeout(500)  # the focus animation
    # zoomed in, the labels keep their size on screen instead of swelling
    view.page.wait_for_function("() => window.newsgraph.labelSizes.scale === window.newsgraph.network.getScale()")
    zoomed = view.js(f"({sizes_js})()")
    assert 11 - 1e-6 <= min(zoomed) and max(zoomed) <= 18 + 1e-6, (min(zoomed), max(zoomed))
    x, y = view.node_point("entity:00003")
    view.page.mouse.move(x + 150, y + 150)
    view.page.mouse.move(x, y)
    view.page.wait_for_selector(".vis-tooltip", state="visible", timeout=5000)
    assert long_name in view.page.text_content(".vis-tooltip")
    view.check_clean()


def test_edges_take_their_relation_colour_from_the_legend(open_page):
    view = open_page(seeds_like_graph())
    legend = dict(zip(view.page.locator("#relation-filter .name").all_text_contents(),
                      view.js("[...document.querySelectorAll('#relation-filter .swatch')].map(s => s.style.color)")))
    assert legend["INVESTS_IN"] == "rgb(27, 158, 119)" and legend["PARTNERS_WITH"] == "rgb(117, 112, 179)"
    assert len(set(legend.values())) == len(legend)
    png = view.page.screenshot()
    box = view.page.locator("#network").bounding_box()

    def along(a, b):
        (x1, y1), (x2, y2) = view.node_point(a), view.node_point(b)
        # points along the edge: some fall on nodes or on the edge's label, the others on the line
        return [(x1 + (x2 - x1) * t / 20, y1 + (y2 - y1) * t / 20) for t in range(1, 20)]

    assert box["width"] > 0
    invest = along("company:roche", "country:south-korea")
    partner = along("company:eli-lilly", "company:abl-bio")
    assert _near(png, invest, (27, 158, 119)) >= 3
    assert _near(png, partner, (117, 112, 179)) >= 3
    # not one colour for every edge: each line mostly in its own colour (a point near a
    # crossing or a node may pick up another)
    assert _near(png, invest, (117, 112, 179)) < _near(png, invest, (27, 158, 119)) / 2
    assert _near(png, partner, (27, 158, 119)) < _near(png, partner, (117, 112, 179)) / 2
    view.check_clean()


def test_entities_without_relations_are_hidden_when_they_are_many(open_page):
    view = open_page(_with_isolated(seeds_like_graph(), 6))  # 6 of 15: more than a third
    assert view.page.is_checked("#hide-isolated")
    assert view.shown() == {"nodes": 9, "edges": 5}
    assert view.page.text_content("#counts") == "Showing 9 of 15 entities and 5 of 5 relations"
    assert "(6)" in view.page.text_content("#isolated")
    view.page.uncheck("#hide-isolated")
    assert view.shown() == {"nodes": 15, "edges": 5}
    view.page.check("#hide-isolated")
    assert view.shown()["nodes"] == 9
    # finding one of them shows it
    view.page.fill("#search-input", "Lonely Labs 4")
    view.page.press("#search-input", "Enter")
    assert view.js("window.newsgraph.network.getSelectedNodes()") == ["company:lonely-4"]
    assert view.shown()["nodes"] == 15 and not view.page.is_checked("#hide-isolated")
    view.check_clean()
    few = open_page(_with_isolated(seeds_like_graph(), 2), name="few.html")  # 2 of 11
    assert not few.page.is_checked("#hide-isolated") and few.shown()["nodes"] == 11
    few.check_clean()


def test_focus_view_is_fitted_to_its_content(open_page):
    view = open_page(seeds_like_graph(), focus="korea", depth=1)
    left, top, right, bottom = view.js("""(() => {
        const n = window.newsgraph.network;
        const boxes = n.body.nodeIndices.map(id => n.getBoundingBox(id));
        const a = n.canvasToDOM({x: Math.min(...boxes.map(b => b.left)), y: Math.min(...boxes.map(b => b.top))});
        const b = n.canvasToDOM({x: Math.max(...boxes.map(b => b.right)), y: Math.max(...boxes.map(b => b.bottom))});
        return [a.x, a.y, b.x, b.y];
    })()""")
    box = view.page.locator("#network").bounding_box()
    # the two entities fill the canvas one way or the other, not a speck in the middle
    assert (right - left) / box["width"] > 0.4 or (bottom - top) / box["height"] > 0.4
    assert left >= -1 and top >= -1 and right <= box["width"] + 1 and bottom <= box["height"] + 1
    view.check_clean()


def test_article_without_headline_goes_by_its_first_words(open_page):
    from test_html import _extraction
    from newsgraph.extract.model import Entity
    from newsgraph.graph import build_graph

    g = build_graph([_extraction(
        "doc-0123456789abcdef", None,
        "Zephyr Labs said on Monday that it will partner with Orrin Biologics on antibodies.",
        [Entity("Zephyr Labs", "Company"), Entity("Orrin Biologics", "Company")],
        [("Zephyr Labs", "PARTNERS_WITH", "Orrin Biologics", {})])])
    view = open_page(g)
    view.page.fill("#search-input", "Zephyr Labs")
    view.page.press("#search-input", "Enter")
    articles = view.page.locator("#panel h4:text('Articles') + ul li").all_text_contents()
    assert articles == ["\u201cZephyr Labs said on Monday that it will\u2026\u201d (2026-03-05)"]
    view.page.locator("#deal-rows tr").first.click()
    assert "\u2014 \u201cZephyr Labs said on Monday" in view.page.text_content("#panel blockquote")
    assert "doc-0123456789abcdef" not in view.page.text_content("#panel")
    view.check_clean()


def test_entity_panel_reads_like_a_profile(open_page):
    view = open_page(deals_graph())
    view.page.fill("#search-input", "Arden Bio")
    view.page.press("#search-input", "Enter")
    groups = view.page.locator("#panel h4.relation").all_text_contents()
    assert groups == ["INVESTS_IN (1)", "ACQUIRES (1)"]  # in the legend's order
    lines = view.page.locator("#panel ul.relations li").all_text_contents()
    assert lines == ["\u2190 Osgood Capital \u00b7 EUR 50 million (USD 54 million) \u00b7 2026-01",
                     "\u2190 Calloway Pharma \u00b7 USD 1.2 billion \u00b7 2025-06"]
    assert view.page.locator("#panel ul.articles li").all_text_contents() == [
        "Osgood Capital leads a round (2026-01-15)", "Calloway Pharma buys Arden Bio (2025-06-02)"]
    quotes = view.page.locator("#panel blockquote").all_text_contents()
    assert len(quotes) == 2 and any(q.startswith("Osgood Capital led a EUR 50 million") for q in quotes)
    # a line that wraps keeps its bullet on its first line: the button is a block
    view.page.fill("#search-input", "Keum Bio")
    view.page.press("#search-input", "Enter")
    button = view.page.locator("#panel ul.relations li button").first
    assert button.evaluate("b => getComputedStyle(b).display") == "block"
    assert button.text_content() == "\u2190 Brightwater Therapeutics \u00b7 USD 40 million \u00b7 USD 900 million \u00b7 2024-11"
    li, b = (view.page.locator("#panel ul.relations li").first.bounding_box(), button.bounding_box())
    assert b["height"] > 1.5 * 18 and abs(li["y"] - b["y"]) < 1  # wrapped, and starts with its item
    button.click()
    assert view.page.text_content("#panel h3").split() == [
        "Brightwater", "Therapeutics", "\u2192", "LICENSES_FROM", "\u2192", "Keum", "Bio"]
    view.check_clean()


def test_date_range_filters_edges_and_deals(open_page):
    view = open_page(deals_graph())
    assert view.page.is_visible("#dates")
    assert view.page.get_attribute("#date-from", "min") == "2024-11"
    assert view.page.get_attribute("#date-to", "max") == "2026-01"
    assert "(1)" in view.page.text_content("#dates")  # DEVELOPS has no date
    view.page.fill("#date-from", "2025-01")
    view.page.fill("#date-to", "2025-12")
    # ACQUIRES 2025-06 and PARTNERS_WITH 2025-02 are in the range, DEVELOPS is undated
    relations = view.js("window.newsgraph.edgesView.get().map(e => e.relation).sort()")
    assert relations == ["ACQUIRES", "DEVELOPS", "PARTNERS_WITH"]
    assert view.page.text_content("#counts") == "Showing 7 of 7 entities and 3 of 5 relations"
    assert sorted(r[1] for r in _deal_rows(view)) == ["acquisition", "collaboration"]
    assert view.page.text_content("#deal-count") == "2 of 4 deals"
    view.page.uncheck("#date-undated")
    assert view.js("window.newsgraph.edgesView.get().map(e => e.relation).sort()") == ["ACQUIRES", "PARTNERS_WITH"]
    view.page.fill("#date-from", "2026-01")
    view.page.fill("#date-to", "")
    assert view.js("window.newsgraph.edgesView.get().map(e => e.relation)") == ["INVESTS_IN"]
    assert [r[1] for r in _deal_rows(view)] == ["financing round"]
    # a relation picked in a panel is shown again even when the dates hide it
    view.page.fill("#search-input", "Keum Bio")
    view.page.press("#search-input", "Enter")
    view.page.locator("#panel ul.relations button", has_text="Brightwater").click()
    assert view.js("window.newsgraph.network.getSelectedEdges()") == view.js(
        "window.newsgraph.edges.get().filter(e => e.relation === 'LICENSES_FROM').map(e => e.id)")
    assert view.shown()["edges"] == 5 and view.page.input_value("#date-from") == ""
    view.page.click("#reset")
    assert view.shown()["edges"] == 5 and len(_deal_rows(view)) == 4
    view.check_clean()


def test_double_click_collapses_and_expands_neighbours(open_page):
    view = open_page(deals_graph())
    assert view.shown()["nodes"] == 7
    x, y = view.node_point("company:calloway-pharma")
    view.page.mouse.dblclick(x, y)
    # the Lumen Institute hangs on Calloway alone; Arden Bio is tied to Osgood Capital too
    ids = view.js("window.newsgraph.nodesView.getIds()")
    assert "organization:lumen-institute" not in ids and "company:arden-bio" in ids and len(ids) == 6
    view.page.mouse.dblclick(x, y)
    assert view.shown()["nodes"] == 7
    # expanding shows a neighbour that a filter hides
    view.page.locator("#type-filter label", has_text="Organization").click()
    assert view.shown()["nodes"] == 6
    view.page.mouse.dblclick(x, y)
    assert "organization:lumen-institute" in view.js("window.newsgraph.nodesView.getIds()")
    view.page.click("#reset")
    assert view.shown()["nodes"] == 7
    view.check_clean()


def test_path_between_two_entities(open_page):
    view = open_page(deals_graph())
    view.page.fill("#path-from", "Osgood Capital")
    view.page.fill("#path-to", "lumen")
    view.page.click("#path-go")
    assert view.page.text_content("#path-status") == "3 steps"
    assert view.js("window.newsgraph.network.getSelectedNodes()") == [
        "company:osgood-capital", "company:arden-bio", "company:calloway-pharma", "organization:lumen-institute"]
    selected = view.js("window.newsgraph.network.getSelectedEdges().map(id => window.newsgraph.edges.get(id).relation)")
    assert sorted(selected) == ["ACQUIRES", "INVESTS_IN", "PARTNERS_WITH"]
    steps = view.page.locator("#panel ol.path li").all_text_contents()
    assert steps == ["\u2192 Arden Bio \u00b7 EUR 50 million (USD 54 million) \u00b7 2026-01",
                     "\u2190 Calloway Pharma \u00b7 USD 1.2 billion \u00b7 2025-06",
                     "\u2014 Lumen Institute \u00b7 2025-02"]
    # over the shown edges only: without ACQUIRES there is no way through
    view.page.locator("#relation-filter label", has_text="ACQUIRES").click()
    view.page.click("#path-go")
    assert view.page.text_content("#path-status") == (
        "No path between Osgood Capital and Lumen Institute over the shown relations")
    view.page.fill("#path-to", "Nobody Inc")
    view.page.click("#path-go")
    assert view.page.text_content("#path-status") == "No entity matches \u201cNobody Inc\u201d"
    view.check_clean()


def test_saves_the_view_as_png_and_csv(open_page):
    import csv

    g = deals_graph()
    formula = '=HYPERLINK("http://evil.example","x")'
    g.add_node("company:formula", id="company:formula", label=formula, type="Company",
               aliases=["@SUM(1)"], mentions=1, documents=["k1"])
    g.add_edge("company:formula", "company:arden-bio", key="PARTNERS_WITH", relation="PARTNERS_WITH",
               evidence=[{"doc": "k1", "sentence": '-1+1 "quoted", <b>bold</b>', "start": 0, "end": 9}])
    view = open_page(g)
    view.page.locator("#type-filter label", has_text="Drug").click()  # KB-17 and DEVELOPS leave the view

    def saved(button):
        with view.page.expect_download() as info:
            view.page.click(button)
        return info.value.suggested_filename, Path(info.value.path()).read_bytes()

    name, data = saved("#save-entities")
    assert name == "newsgraph-entities.csv" and data.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert sorted(r["id"] for r in rows) == sorted(view.js("window.newsgraph.nodesView.getIds()"))
    assert len(rows) == 7
    evil = next(r for r in rows if r["id"] == "company:formula")
    assert evil["name"] == "'" + formula and evil["aliases"] == "'@SUM(1)"  # never run as a formula
    name, data = saved("#save-relations")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert sorted(r["relation"] for r in rows) == ["ACQUIRES", "INVESTS_IN", "LICENSES_FROM", "PARTNERS_WITH",
                                                   "PARTNERS_WITH"]
    licence = next(r for r in rows if r["relation"] == "LICENSES_FROM")
    assert licence["source_name"] == "Brightwater Therapeutics" and licence["date"] == "2024-11"
    assert licence["facts"].startswith("upfront: USD 40 million; milestones: USD 900 million")
    assert next(r for r in rows if r["source"] == "company:formula")["evidence"] == "'-1+1 \"quoted\", <b>bold</b>"
    name, data = saved("#save-png")
    from PIL import Image

    image = Image.open(io.BytesIO(data))
    assert name == "newsgraph-view.png" and image.format == "PNG"
    assert image.size == tuple(view.js("[...['width', 'height']].map(k => document.querySelector('#network canvas')[k])"))
    assert _distinct_colours(data) > 50 and image.convert("RGB").getpixel((0, 0)) == (255, 255, 255)
    assert view.js("document.querySelectorAll('a[download]').length") == 0
    view.check_clean()
