"""The RDF exports under hostile input: Turtle, N-Triples, JSON-LD and TriG read back by rdflib and Jena.

Properties (hypothesis, same profile as ``test_properties.py``): any Unicode string as
a name, alias, title or evidence sentence comes back exactly from Turtle parsed by
rdflib; entity IRIs of distinct node ids are distinct, valid IRIs. The hostile build of
``test_hostile_corpus.py`` and its hand-built hostile graph stay valid for rdflib and for
Jena's ``riot --validate --strict``, and a hostile name adds no triple: the hostile graph
has exactly as many triples per predicate as the same graph with plain names.
"""
from __future__ import annotations

import json
import re
from collections import Counter

import pytest
import rdflib
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from newsgraph.exports import DEFAULT_FORMATS, get_exporter
from newsgraph.exports.json_graph import read_json
from newsgraph.exports.rdf import RDFS, entity_iri
from newsgraph.exports.rdf_turtle import generate_turtle
from newsgraph.extract.model import Document, Entity, Evidence, Extraction, Relation
from newsgraph.graph import build_graph, node_id
from rdf_support import make_jena
from test_hostile_corpus import HOSTILE, built, corpus, hostile_names_graph  # noqa: F401  (fixtures)
import test_properties  # noqa: F401,E402  (registers and loads the hypothesis profile)

# rdflib's own TriG and JSON-LD parsers use its deprecated ConjunctiveGraph
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

RDF_FORMATS = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld", "trig": "trig"}
LABEL = rdflib.URIRef(RDFS + "label")
# RDF cannot hold a lone surrogate (the exporter writes U+FFFD); every other character round-trips
rdf_texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)))


@pytest.fixture(scope="module")
def jena(tmp_path_factory):
    return make_jena(tmp_path_factory.mktemp("jena"))


def _parse(path, fmt: str) -> rdflib.Dataset:
    data = rdflib.Dataset()
    data.parse(path, format=RDF_FORMATS[fmt])
    return data


def _one_entity(name: str, title: str, sentence: str) -> tuple:
    doc = Document(id="d1", text=sentence or "x", title=title or None)
    ev = Evidence("d1", sentence or "x", 0, len(sentence or "x"))
    graph = build_graph([Extraction(doc, (Entity(name, "Company", (name + " alias",)),
                                          Entity("Other", "Company")),
                                    (Relation(name, "PARTNERS_WITH", "Other", ev, 0.9),))])
    return graph, next((n for n, d in graph.nodes(data=True) if d["label"] != "Other"), None)


@settings(max_examples=80)
@given(rdf_texts.filter(lambda s: s.strip() and s != "Other"), rdf_texts, rdf_texts)
@example("> <http://evil/> .", '"""\\" ; <x> <y> "z" .', "\\u0041 \\n \u2028 </script>")
def test_any_text_round_trips_exactly_through_turtle(name, title, sentence):
    graph, nid = _one_entity(name, title, sentence)
    assume(nid is not None)  # a name with no letter or digit at all is no entity
    parsed = rdflib.Graph().parse(data="".join(generate_turtle(graph)), format="turtle")
    label = graph.nodes[nid]["label"]
    assert {str(o) for o in parsed.objects(rdflib.URIRef(entity_iri(nid)), LABEL)} == {label}
    literals = {str(o) for o in parsed.objects() if isinstance(o, rdflib.Literal)}
    assert set(graph.nodes[nid]["aliases"]) <= literals
    if title.strip():
        assert " ".join(title.split()) in literals or title in literals
    if sentence:
        assert sentence in literals


@given(st.sampled_from(["Company", "Person", "Country"]), rdf_texts, rdf_texts)
@example("Company", "AT&T", "AT T bdc7e742")
@example("Company", "a/b", "a%2Fb")
def test_entity_iris_are_valid_and_distinct_for_distinct_ids(entity_type, a, b):
    import pyoxigraph

    id_a, id_b = node_id(entity_type, a), node_id(entity_type, b)
    iri_a, iri_b = entity_iri(id_a), entity_iri(id_b)
    for iri in (iri_a, iri_b):
        pyoxigraph.NamedNode(iri)  # raises on an invalid IRI
        assert not re.search(r'[\s<>"{}|^`\\]', iri)
    assert (iri_a == iri_b) == (id_a == id_b)
    # and raw ids the graph never makes, too: the encoding is one-to-one
    assert (entity_iri(a) == entity_iri(b)) == (a == b)


def _plain(graph):
    """The same graph with every string replaced by a harmless one of the same role."""
    names = {n: f"N{i}" for i, n in enumerate(sorted(graph.nodes))}
    out = build_graph([])
    out.graph.update(graph.graph)
    out.graph["documents"] = [dict(d, title="t" if d.get("title") else None, source="s" if d.get("source") else None,
                                   url="http://x/" if d.get("url") else None)
                              for d in graph.graph["documents"]]
    for n, d in graph.nodes(data=True):
        out.add_node(n, **dict(d, label=names[n], aliases=[f"{names[n]}a{i}" for i in range(len(d["aliases"]))]))
    for u, v, k, d in graph.edges(keys=True, data=True):
        out.add_edge(u, v, key=k, **dict(d, role="r" if d.get("role") else None,
                                         evidence=[dict(e, sentence="s") for e in d["evidence"]]))
    for d in out.graph["documents"]:
        for key in [k for k, v in d.items() if v is None]:
            del d[key]
    for _, _, d in out.edges(data=True):
        if d.get("role") is None:
            d.pop("role", None)
    return out


@pytest.mark.parametrize("fmt", sorted(RDF_FORMATS))
def test_hostile_graph_adds_no_triple_and_reads_back_exactly(fmt, tmp_path):
    graph = hostile_names_graph()
    exporter = get_exporter(fmt)
    hostile = _parse(exporter.write(graph, tmp_path / "hostile" / exporter.FILENAME), fmt)
    plain = _parse(exporter.write(_plain(graph), tmp_path / "plain" / exporter.FILENAME), fmt)
    assert Counter(p for _, p, _, _ in hostile.quads()) == Counter(p for _, p, _, _ in plain.quads())
    labels = {str(o) for _, p, o, _ in hostile.quads() if p == LABEL}
    assert {d["label"] for _, d in graph.nodes(data=True)} <= labels
    assert {f"Name {i} {t}" for i, t in enumerate(HOSTILE)} <= labels


def test_hostile_build_rdf_is_valid_for_rdflib_and_jena(built, jena, tmp_path):  # noqa: F811
    result, out = built
    assert result.returncode == 0, result.stderr
    graph = read_json(out / "graph.json")
    counts = {}
    for fmt in RDF_FORMATS:
        path = out / get_exporter(fmt).FILENAME
        if fmt not in DEFAULT_FORMATS:  # not built by default: written from the build's graph.json
            path = get_exporter(fmt).write(graph, tmp_path / get_exporter(fmt).FILENAME)
        assert path.exists(), path
        data = _parse(path, fmt)
        counts[fmt] = len(data)
        labels = {str(o) for _, p, o, _ in data.quads() if p == LABEL}
        assert {d["label"] for _, d in graph.nodes(data=True)} <= labels
        if fmt in ("turtle", "ntriples", "trig"):
            check = jena.validate(path)
            assert check.returncode == 0, check.stderr[-2000:]
    assert len(set(counts.values())) == 1, counts
    json.loads((tmp_path / get_exporter("jsonld").FILENAME).read_text(encoding="utf-8"))


LABELS = "SELECT ?id ?label WHERE { ?e dcterms:identifier ?id ; rdfs:label ?label } ORDER BY ?id"


def test_query_over_the_hostile_build_reads_every_label_back(built):  # noqa: F811
    from hardening_support import newsgraph_cmd

    _, out = built
    graph = read_json(out / "graph.json")
    labels = {n: d["label"] for n, d in graph.nodes(data=True)}
    result = newsgraph_cmd("query", out, LABELS, "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)["results"]["bindings"]
    assert {r["id"]["value"]: r["label"]["value"] for r in rows} == labels
    table = newsgraph_cmd("query", out, LABELS)
    assert table.returncode == 0, table.stderr
    # one line per row whatever the names hold: no line break or bidi control reaches the terminal
    body = [line for line in table.stdout.splitlines() if "company:" in line]
    assert len(body) == sum(1 for n in labels if n.startswith("company:"))
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]", table.stdout)


def test_serve_over_the_hostile_build_answers_with_exact_labels(built):  # noqa: F811
    import os
    import subprocess
    import sys
    import time
    import urllib.parse
    import urllib.request

    _, out = built
    labels = {n: d["label"] for n, d in read_json(out / "graph.json").nodes(data=True)}
    proc = subprocess.Popen([sys.executable, "-m", "newsgraph.cli", "serve", str(out), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        match = re.search(r"at (http://127\.0\.0\.1:\d+/sparql)", proc.stderr.readline())
        assert match
        query = ("PREFIX dcterms: <http://purl.org/dc/terms/> "
                 "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> " + LABELS)
        request = urllib.request.Request(match.group(1) + "?" + urllib.parse.urlencode({"query": query}),
                                         headers={"Accept": "application/sparql-results+json"})
        deadline = time.monotonic() + 30
        while True:
            try:
                answer = json.loads(urllib.request.urlopen(request, timeout=5).read())
                break
            except OSError:
                assert time.monotonic() < deadline and proc.poll() is None
                time.sleep(0.1)
        rows = answer["results"]["bindings"]
        assert {r["id"]["value"]: r["label"]["value"] for r in rows} == labels
    finally:
        proc.terminate()
        proc.wait(timeout=10)
