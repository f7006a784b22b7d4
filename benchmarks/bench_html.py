"""How fast graph.html is built and how soon it settles in a browser, at 300 and 1,500 entities.

Generates news-like graphs (a few hub companies, about two relations per entity),
times ``generate_html`` (the page build, in Python), then opens each page in headless
Chromium (the Debian ``/usr/bin/chromium``, driven by Playwright, no network) and
reads the page's own clock:

- ready: the page script has run and the layout has started (the bar says "Laying out");
- stabilized: the layout has settled, physics is off and the graph is drawn, fitted.

Prints the median of ``--runs`` runs. Not a test: figures only.

    python benchmarks/bench_html.py --sizes 300 1500 --runs 3
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx

from newsgraph.exports.html import generate_html, write_html

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-dev-shm-usage"]
TYPES = ["Company"] * 4 + ["Country", "Person", "Drug", "Technology", "GovernmentAgency",
                           "Organization", "Location", "MediaOutlet"]
RELATIONS = ["PARTNERS_WITH", "INVESTS_IN", "DEVELOPS", "LICENSES_FROM", "ACQUIRES", "LOCATED_IN",
             "WORKS_FOR", "SIGNS_AGREEMENT_WITH", "SUBSIDIARY_OF"]


def news_graph(n_nodes: int, edges_per_node: float = 2.0, seed: int = 5) -> nx.MultiDiGraph:
    rng = random.Random(seed)
    g = nx.MultiDiGraph(schema="newsgraph/1",
                        documents=[{"id": f"d{i}", "title": f"Article {i}", "date": "2026-01-01"}
                                   for i in range(max(1, n_nodes // 5))])
    for i in range(n_nodes):
        nid = f"entity:{i:06d}"
        g.add_node(nid, id=nid, label=f"Entity {i}", type=TYPES[i % len(TYPES)], aliases=[f"E{i}"],
                   mentions=1 + rng.randrange(9), documents=[f"d{i // 5}"])
    ids = list(g.nodes)
    for j in range(int(n_nodes * edges_per_node)):
        u, v = ids[int(n_nodes * rng.random() ** 2.5)], ids[rng.randrange(n_nodes)]
        rel = RELATIONS[j % len(RELATIONS)]
        if u != v and not g.has_edge(u, v, key=rel):
            g.add_edge(u, v, key=rel, relation=rel, confidence=0.8, date="2026-01",
                       evidence=[{"doc": f"d{j % len(g.graph['documents'])}",
                                  "sentence": f"Entity {u} and entity {v} did something ({j}).",
                                  "start": 0, "end": 40}])
    return g


def browser_times(browser, path: Path) -> tuple[float, float]:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort())
    page.goto(path.resolve().as_uri())
    page.wait_for_selector("body[data-stabilized=true]", state="attached", timeout=300_000)
    ready, settled = page.evaluate("[window.newsgraph.startedAt, window.newsgraph.stabilizedAt]")
    page.close()
    return ready / 1000, settled / 1000


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[300, 1500])
    parser.add_argument("--edges-per-node", type=float, default=2.0)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    print(f"{'entities':>8} {'relations':>9} {'page MB':>7} {'build s':>8} {'ready s':>8} {'stabilized s':>12}")
    with sync_playwright() as pw, tempfile.TemporaryDirectory() as tmp:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for n in args.sizes:
            g = news_graph(n, args.edges_per_node)
            builds = []
            for _ in range(args.runs):
                t = time.perf_counter()
                page = "".join(generate_html(g, max_nodes=n))
                builds.append(time.perf_counter() - t)
            path = write_html(g, Path(tmp) / f"graph{n}.html", max_nodes=n)
            times = [browser_times(browser, path) for _ in range(args.runs)]
            print(f"{n:>8,} {g.number_of_edges():>9,} {len(page.encode()) / 1e6:>7.2f} "
                  f"{statistics.median(builds):>8.3f} {statistics.median(t[0] for t in times):>8.2f} "
                  f"{statistics.median(t[1] for t in times):>12.2f}")
            sys.stdout.flush()
        browser.close()


if __name__ == "__main__":
    main()
