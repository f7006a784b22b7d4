"""How long deriving the deal records and writing the deal exports takes on a large graph.

Reuses ``bench_neo4j.make_graph`` (a schema-shaped graph: entities of every type,
relations with evidence, amounts on a fifth of them), adds per-sentence ``terms`` to the
evidence of the money edges as the graph stage writes them, and gives one edge in ten a
hundred supporting sentences (a deal every article repeats). Then it times
``build_deals`` and the writers of ``deals.csv``, ``deals.jsonl`` and ``graph.json``
(which carries the deals), and prints deals per second and the peak memory.

    .venv/bin/python benchmarks/bench_deals.py [--edges 100000]
"""
from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_neo4j import make_graph  # noqa: E402

from newsgraph.exports import get_exporter  # noqa: E402
from newsgraph.graph.deals import build_deals  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edges", type=int, default=100_000)
    args = parser.parse_args()
    graph = make_graph(args.edges)
    for i, (_, _, data) in enumerate(graph.edges(data=True)):
        evidence = data.get("evidence") or []
        for ev in evidence:
            if data.get("amount"):
                ev["terms"] = {"amount": data["amount"]}
        if i % 10 == 0 and evidence:
            first = evidence[0]
            data["evidence"] = evidence + [{**first, "start": first["start"] + 1000 * k,
                                            "end": first["end"] + 1000 * k} for k in range(1, 100)]
    print(f"graph: {graph.number_of_nodes():,} nodes, {graph.number_of_edges():,} edges")
    started = time.perf_counter()
    deals = build_deals(graph)
    seconds = time.perf_counter() - started
    print(f"build_deals: {len(deals):,} deals in {seconds:.2f} s ({len(deals) / seconds:,.0f} deals/s)")
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("deals", "deals-jsonl", "json"):
            exporter = get_exporter(name)
            started = time.perf_counter()
            path = exporter.write(graph, Path(tmp) / exporter.FILENAME)
            print(f"{exporter.FILENAME}: {time.perf_counter() - started:.2f} s, {path.stat().st_size / 1e6:.1f} MB")
    print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
