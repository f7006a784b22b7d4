"""Apache Jena, an independent RDF toolkit, reads every RDF export and answers our queries alike.

Jena is Debian's libapache-jena-java, installed by ``./dev test`` from
tests/system-packages.txt; when it cannot run the tests fail, saying why.
"""
from __future__ import annotations

import csv
import io
import subprocess
import sys
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox
import pytest

from newsgraph.exports import get_exporter
from newsgraph.exports.rdf import data_path, iter_triples
from newsgraph.exports.rdf_sparql import example_queries

from rdf_support import BASE, hostile_graph, make_jena, seeds_like_graph

GRAPHS = {"seeds-like": seeds_like_graph, "hostile": hostile_graph}
FORMATS = ["turtle", "ntriples", "jsonld", "trig"]


@pytest.fixture(scope="session")
def jena(tmp_path_factory):
    return make_jena(tmp_path_factory.mktemp("jena"))


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    root = tmp_path_factory.mktemp("rdf")
    written = {}
    for name, make in GRAPHS.items():
        graph = make()
        for fmt in FORMATS:
            exporter = get_exporter(fmt)
            written[name, fmt] = (graph, exporter.write(graph, root / name / exporter.FILENAME,
                                                        base_iri=BASE))
    return written


def _syntax(fmt: str) -> list[str]:
    # Debian ships Jena's JSON-LD 1.1 reader (titanium) without a JSON-P implementation,
    # so it cannot load any document; its JSON-LD 1.0 reader (jsonld-java) works, and our
    # files use nothing beyond JSON-LD 1.0
    return ["--syntax=jsonld10"] if fmt == "jsonld" else []


@pytest.mark.parametrize("graph", sorted(GRAPHS))
@pytest.mark.parametrize("fmt", FORMATS)
def test_jena_validates_every_format_strictly(jena, exports, graph, fmt):
    _, path = exports[graph, fmt]
    proc = jena.run("riotcmd.riot", *_syntax(fmt), "--validate", "--strict", path)
    assert proc.returncode == 0, proc.stderr
    assert "WARN" not in proc.stderr and "ERROR" not in proc.stderr, proc.stderr


@pytest.mark.parametrize("graph", sorted(GRAPHS))
@pytest.mark.parametrize("fmt", FORMATS)
def test_jena_reads_exactly_our_triples(jena, exports, graph, fmt):
    g, path = exports[graph, fmt]
    proc = jena.run("riotcmd.riot", *_syntax(fmt), "--output=nq", path)
    assert proc.returncode == 0, proc.stderr
    read = {(q.subject, q.predicate, q.object)
            for q in ox.parse(proc.stdout.encode("utf-8"), format=ox.RdfFormat.N_QUADS)}
    expected = {(t.subject, t.predicate, t.object) for t in iter_triples(g, BASE)}
    # same literals character for character (quotes, newlines, Hangul, emoji), nothing added
    assert read == expected


@pytest.mark.parametrize("name", ["newsgraph.ttl", "newsgraph-shapes.ttl"])
def test_jena_validates_the_shipped_ontology_and_shapes(jena, name):
    proc = jena.validate(data_path(name))
    assert proc.returncode == 0 and "WARN" not in proc.stderr, proc.stderr


def _rows(text: str) -> list[tuple]:
    """CSV results as comparable rows: numbers by value (Jena writes 2.6E9 as 2600000000.0)."""
    def value(cell: str):
        try:
            return Decimal(cell).normalize()
        except InvalidOperation:
            return cell
    return [tuple(value(c) for c in row) for row in csv.reader(io.StringIO(text))]


@pytest.mark.parametrize("query", sorted(example_queries()))
def test_jena_answers_the_example_queries_with_our_rows(jena, exports, query):
    _, path = exports["seeds-like", "turtle"]
    text = example_queries()[query].read_text(encoding="utf-8")
    theirs = jena.select_csv(path, text)
    assert theirs.returncode == 0, theirs.stderr
    ours = subprocess.run([sys.executable, "-m", "newsgraph.cli", "query", str(path), "--file",
                           str(example_queries()[query]), "--format", "csv"],
                          capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert ours.returncode == 0, ours.stderr
    assert len(_rows(ours.stdout)) > 1  # a header and at least one row
    assert _rows(ours.stdout) == _rows(theirs.stdout)


def test_jena_and_newsgraph_agree_on_hostile_labels(jena, exports):
    _, path = exports["hostile", "turtle"]
    query = ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
             "SELECT ?x ?label WHERE { ?x rdfs:label ?label } ORDER BY ?label")
    theirs = jena.select_csv(path, query)
    ours = subprocess.run([sys.executable, "-m", "newsgraph.cli", "query", str(path), query,
                           "--format", "csv"], capture_output=True, text=True, encoding="utf-8",
                          timeout=120)
    assert theirs.returncode == 0 and ours.returncode == 0, theirs.stderr + ours.stderr
    assert _rows(ours.stdout) == _rows(theirs.stdout)
    assert len(_rows(ours.stdout)) == 1 + hostile_graph().number_of_nodes()
