"""Speed of the RDF export and of SPARQL queries on a generated graph, next to plain rdflib.

Builds a synthetic newsgraph graph of at least 1M RDF triples (companies, countries,
people; deals with amounts, dates and evidence), then times in the same run:

* writing Turtle: newsgraph's exporter (networkx graph -> graph.ttl, Oxigraph) against
  rdflib's Turtle serializer on an ``rdflib.Graph`` already holding the same triples;
* a GROUP BY query (deals and total US dollars per relation): Oxigraph against
  ``rdflib.Graph.query`` on the same triples.

Not a test: run it by hand, ``.venv/bin/python benchmarks/bench_rdf.py [--edges N]``.
"""
from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import rdflib

from newsgraph.exports import rdf_turtle
from newsgraph.exports.rdf import DEFAULT_BASE_IRI, iter_triples
from newsgraph.graph import RELATION_TYPES, UNDIRECTED

PREFIXES = """PREFIX ng: <https://w3id.org/newsgraph/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
"""
#: GROUP BY queries both engines finish on 1M triples: a two-join aggregate, a dataset
#: statistic (a full scan), an aggregate with a per-row function. rdflib takes minutes
#: on 10k edges for the UNION of queries/deals-per-country.rq, so that one is left out.
QUERIES = {
    "deals and US$ per relation": PREFIXES + """
SELECT ?p (COUNT(?deal) AS ?deals) (SUM(?usd) AS ?total) WHERE {
  ?deal rdf:predicate ?p ; ng:amount ?amount .
  ?amount ng:usd ?usd .
} GROUP BY ?p ORDER BY ?p""",
    "triples per predicate": """
SELECT ?p (COUNT(*) AS ?triples) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY ?p""",
    "deals and US$ per year": PREFIXES + """
SELECT ?year (COUNT(?deal) AS ?deals) (SUM(?usd) AS ?total) WHERE {
  ?deal ng:date ?date ; ng:amount ?amount .
  ?amount ng:usd ?usd .
  BIND (SUBSTR(STR(?date), 1, 4) AS ?year)
} GROUP BY ?year ORDER BY ?year""",
}
QUERY = QUERIES["deals and US$ per relation"]


def synthetic_graph(edges: int, seed: int = 7) -> nx.MultiDiGraph:
    """A graph shaped like newsgraph's: ``edges`` relations among ``edges // 2`` entities."""
    rng = random.Random(seed)
    graph = nx.MultiDiGraph()
    nodes = []
    types = ["Company"] * 6 + ["Country", "Person", "Organization", "Drug"]
    docs = [f"doc{i:06d}" for i in range(max(1, edges // 10))]
    graph.graph.update({"schema": "newsgraph/1", "documents": [
        {"id": d, "title": f"Article {d}", "date": f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
         "url": f"https://news.example.com/{d}"} for d in docs]})
    for i in range(max(2, edges // 2)):
        etype = rng.choice(types)
        nid = f"{etype.lower()}:entity-{i}"
        graph.add_node(nid, id=nid, label=f"Entity {i}", type=etype, aliases=[f"E{i}"],
                       mentions=rng.randint(1, 20), documents=sorted(rng.sample(docs, min(2, len(docs)))))
        nodes.append(nid)
    added = 0
    while added < edges:
        u, v = rng.sample(nodes, 2)
        relation = rng.choice(RELATION_TYPES)
        if relation in UNDIRECTED and v < u:
            u, v = v, u
        if graph.has_edge(u, v, key=relation):
            continue
        doc = rng.choice(docs)
        sentence = f"{graph.nodes[u]['label']} and {graph.nodes[v]['label']} did something."
        start = rng.randint(0, 5000)
        attrs = {"relation": relation, "confidence": round(rng.uniform(0.5, 1), 2),
                 "evidence": [{"doc": doc, "sentence": sentence, "start": start, "end": start + len(sentence)}]}
        if rng.random() < 0.6:
            value = rng.randint(1, 5000) * 1e6
            attrs["amount"] = {"value": value, "currency": "USD", "usd": value}
            attrs["date"] = f"{rng.randint(2015, 2026)}-{rng.randint(1, 12):02d}"
        graph.add_edge(u, v, key=relation, **attrs)
        added += 1
    return graph


def _rdflib_term(term):
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.Literal):
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))
    return rdflib.BNode(term.value)


def timed(label: str, func, repeat: int = 1):
    """Run ``func`` ``repeat`` times; print and return the best time."""
    best = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        seconds = time.perf_counter() - start
        best = seconds if best is None else min(best, seconds)
    print(f"  {label:<52} {best:8.3f} s", flush=True)
    return result, best


def _oxigraph_rows(store: ox.Store, query: str) -> list[tuple]:
    results = store.query(query)
    names = [v.value for v in results.variables]
    return _rows([tuple(solution[n].value for n in names) for solution in results])


def _rows(results) -> list[tuple]:
    return [tuple(float(x) if i else x for i, x in enumerate(row)) for row in results]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edges", type=int, default=50_000, help="relations to generate [50,000]")
    args = parser.parse_args()

    print(f"generating a graph with {args.edges:,} edges ...", flush=True)
    graph = synthetic_graph(args.edges)
    ours, theirs = {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        ttl = Path(tmp) / "graph.ttl"
        print("newsgraph (Oxigraph):")
        _, ours["write"] = timed("export networkx -> graph.ttl", lambda: rdf_turtle.write_turtle(graph, ttl))
        store = ox.Store()
        _, load = timed("load graph.ttl into a store", lambda: store.bulk_load(
            path=str(ttl), format=ox.RdfFormat.TURTLE))
        triples = len(store)
        our_rows = {}
        for name, query in QUERIES.items():
            our_rows[name], ours[name] = timed(f"GROUP BY: {name} (best of 3)",
                                               lambda: _oxigraph_rows(store, query), repeat=3)
        print(f"  triples: {triples:,}; size of graph.ttl: {ttl.stat().st_size / 1e6:.1f} MB")

        print("rdflib:")
        rgraph = rdflib.Graph()
        timed("fill an rdflib.Graph with the same triples", lambda: [
            rgraph.add((_rdflib_term(t.subject), _rdflib_term(t.predicate), _rdflib_term(t.object)))
            for t in iter_triples(graph, DEFAULT_BASE_IRI)])
        assert len(rgraph) == triples, (len(rgraph), triples)
        _, theirs["write"] = timed("serialize Turtle (graph already built)", lambda: rgraph.serialize(
            destination=str(Path(tmp) / "rdflib.ttl"), format="turtle"))
        for name, query in QUERIES.items():
            rows, theirs[name] = timed(f"GROUP BY: {name} (best of 3)", lambda: _rows(
                [tuple(str(x) for x in row) for row in rgraph.query(query)]), repeat=3)
            assert rows == our_rows[name], (name, rows[:3], our_rows[name][:3])

    print(f"\n{triples:,} triples (same query rows from both engines)")
    for key, label in [("write", "Turtle export"), *((n, f"GROUP BY {n}") for n in QUERIES)]:
        print(f"  {label:<40} newsgraph {ours[key]:8.3f} s   rdflib {theirs[key]:8.3f} s   "
              f"{theirs[key] / ours[key]:5.0f}x")
    print(f"  (Oxigraph bulk load of graph.ttl: {load:.2f} s)")


if __name__ == "__main__":
    main()
