"""The RDF exports: the data model, IRIs, typed literals, hostile strings, ontology and SHACL shapes."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from urllib.parse import unquote

import pyoxigraph as ox
import pytest
import rdflib

from newsgraph.errors import ExportError
from newsgraph.exports import DEFAULT_FORMATS, get_exporter
from newsgraph.exports.rdf import (DCTERMS, NG, PROV, RDF, RDFS, SCHEMA, SKOS, XSD,
                                   RELATION_PROPERTIES, check_base_iri, data_path, entity_iri,
                                   iter_triples)
from newsgraph.graph import ENTITY_TYPES, RELATION_TYPES, UNDIRECTED

from conftest import SEEDS
from rdf_support import BASE, HOSTILE, ROCHE_TEXT, hostile_graph, seeds_like_graph

RDF_FORMATS = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld", "trig": "trig"}
N = ox.NamedNode


def ent(name: str) -> ox.NamedNode:
    return N(entity_iri(name, BASE))


def lit(value: str, datatype: str = XSD + "string") -> ox.Literal:
    return ox.Literal(value, datatype=N(datatype))


class Triples(list):
    """The triples as written (no store normalises the literals' lexical forms)."""

    def __iter__(self):
        return (ox.Quad(t.subject, t.predicate, t.object) for t in list.__iter__(self))

    def quads_for_pattern(self, s, p, o):
        return [q for q in self if (s is None or q.subject == s) and (p is None or q.predicate == p)
                and (o is None or q.object == o)]


@pytest.fixture(scope="module")
def seeds_like():
    graph = seeds_like_graph()
    return graph, Triples(iter_triples(graph, BASE))


def objects(store, subject, predicate: str) -> set:
    return {q.object for q in store.quads_for_pattern(subject, N(predicate), None)}


def statement(store, s: str, prop: str, o: str) -> ox.NamedNode:
    found = [q.subject for q in store.quads_for_pattern(None, N(RDF + "subject"), ent(s))
             if objects(store, q.subject, RDF + "predicate") == {N(NG + prop)}
             and objects(store, q.subject, RDF + "object") == {ent(o)}]
    assert len(found) == 1, (s, prop, o, found)
    return found[0]


# ---------------------------------------------------------------- data model

def test_every_edge_is_a_direct_triple_and_undirected_ones_go_both_ways(seeds_like):
    graph, store = seeds_like
    direct = {(q.subject, q.predicate, q.object) for q in store
              if q.predicate.value in {NG + p for p in RELATION_PROPERTIES.values()}}
    expected = set()
    for u, v, rel in graph.edges(data="relation"):
        expected.add((ent(u), N(NG + RELATION_PROPERTIES[rel]), ent(v)))
        if rel in UNDIRECTED:
            expected.add((ent(v), N(NG + RELATION_PROPERTIES[rel]), ent(u)))
    assert direct == expected
    assert (ent("company:roche"), N(NG + "investsIn"), ent("country:south-korea")) in direct
    assert (ent("company:eli-lilly"), N(NG + "partnersWith"), ent("company:abl-bio")) in direct
    assert (ent("company:abl-bio"), N(NG + "partnersWith"), ent("company:eli-lilly")) in direct
    assert len(direct) == 10 + 4  # 10 edges, 4 of them undirected


def test_statement_carries_amount_date_confidence_and_prov_evidence(seeds_like):
    _, store = seeds_like
    st = statement(store, "company:roche", "investsIn", "country:south-korea")
    assert objects(store, st, RDF + "type") == {N(NG + "Statement")}
    assert objects(store, st, NG + "date") == {lit("2026-03", XSD + "gYearMonth")}
    # two supporting mentions: noisy-or of 0.9 and 0.6
    assert objects(store, st, NG + "confidence") == {lit("0.96", XSD + "decimal")}
    (amount,) = objects(store, st, NG + "amount")
    assert objects(store, amount, RDF + "type") == {N(NG + "MonetaryAmount")}
    assert objects(store, amount, SCHEMA + "value") == {lit("710000000000.0", XSD + "decimal")}
    assert objects(store, amount, SCHEMA + "currency") == {lit("KRW")}
    assert objects(store, amount, NG + "usd") == {lit("484000000.0", XSD + "decimal")}
    evidence = objects(store, st, PROV + "wasDerivedFrom")
    assert len(evidence) == 2
    first = next(e for e in evidence if objects(store, e, PROV + "wasQuotedFrom")
                 == {N(BASE + "article/d-roche")})
    sentence = "Roche will invest 710 billion won ($484 million) in South Korea by March 2026."
    assert objects(store, first, NG + "sentence") == {lit(sentence)}
    assert objects(store, first, NG + "startOffset") == {lit("0", XSD + "integer")}
    assert objects(store, first, NG + "endOffset") == {lit(str(len(sentence)), XSD + "integer")}
    assert ROCHE_TEXT[0:len(sentence)] == sentence


def test_deal_terms_role_and_year_dates(seeds_like):
    _, store = seeds_like
    lilly = statement(store, "company:abl-bio", "partnersWith", "company:eli-lilly")
    (upfront,) = objects(store, lilly, NG + "upfront")
    assert objects(store, upfront, NG + "usd") == {lit("40000000.0", XSD + "decimal")}
    sanofi = statement(store, "company:abl-bio", "partnersWith", "company:sanofi")
    assert objects(store, sanofi, NG + "date") == {lit("2022", XSD + "gYear")}
    works = statement(store, "person:marty-makary", "worksFor", "governmentagency:fda")
    assert objects(store, works, NG + "role") == {lit("commissioner")}
    assert objects(store, works, NG + "amount") == set()


def test_entities_have_labels_aliases_ids_and_articles(seeds_like):
    _, store = seeds_like
    korea = ent("country:south-korea")
    assert objects(store, korea, RDF + "type") == {N(NG + "Country")}
    assert objects(store, korea, RDFS + "label") == {lit("South Korea")}
    assert objects(store, korea, SKOS + "prefLabel") == {lit("South Korea")}
    assert objects(store, korea, SKOS + "altLabel") == {lit("Korea")}
    assert objects(store, korea, DCTERMS + "identifier") == {lit("country:south-korea")}
    article = N(BASE + "article/d-roche")
    assert objects(store, article, RDF + "type") == {N(NG + "Article")}
    assert objects(store, article, DCTERMS + "title") == {lit("Roche to invest in Korea")}
    assert objects(store, article, DCTERMS + "date") == {lit("2026-03-05", XSD + "date")}
    assert objects(store, article, SCHEMA + "url") == {N("https://news.example.com/roche-korea")}
    assert korea in objects(store, article, SCHEMA + "mentions")


@pytest.mark.parametrize("date, datatype", [("2025", "gYear"), ("2025-11", "gYearMonth"),
                                             ("2026-03-05", "date"), ("2026-02-30", None),
                                             ("last year", None), ("2025-13", None)])
def test_dates_are_typed_by_precision_and_invalid_ones_left_out(date, datatype):
    graph = seeds_like_graph()
    graph.edges["company:roche", "country:south-korea", "INVESTS_IN"]["date"] = date
    dates = [t.object for t in iter_triples(graph, BASE) if t.predicate == N(NG + "date")
             and "company:roche/investsIn" in t.subject.value]
    assert dates == ([lit(date, XSD + datatype)] if datatype else [])


def test_base_iri_is_used_and_checked(seeds_like):
    graph, _ = seeds_like
    iris = {t.subject.value for t in iter_triples(graph, "https://data.example.net/kg#")
            if not t.subject.value.startswith(("https://w3id.org/newsgraph/ontology#"))}
    assert iris and all(i.startswith("https://data.example.net/kg#") for i in iris)
    for bad in ("example.org/kg/", "http://example.org/kg", "http://exa mple.org/", ""):
        with pytest.raises(ExportError, match="base IRI"):
            check_base_iri(bad)


def test_iris_are_percent_encoded_and_map_back_to_the_node_ids():
    graph = hostile_graph()
    iris = set()
    for t in iter_triples(graph, BASE):
        iris |= {x.value for x in (t.subject, t.predicate, t.object) if isinstance(x, ox.NamedNode)}
    data_iris = {i for i in iris if i.startswith(BASE)}
    # nothing but URI characters: no space, quote, angle bracket, backslash or non-ASCII
    assert all(re.fullmatch(r"[A-Za-z0-9:/?#\[\]@!$&'()*+,;=%._~-]+", i) for i in data_iris)
    entity_ids = {unquote(i[len(BASE + "entity/"):]) for i in data_iris if i.startswith(BASE + "entity/")}
    assert entity_ids == set(graph.nodes)
    assert len({entity_iri(n, BASE) for n in graph.nodes}) == graph.number_of_nodes()


# ---------------------------------------------------------------- formats

def _parse_rdflib(data: bytes, fmt: str) -> set:
    ds = rdflib.Dataset()
    ds.parse(data=data, format=RDF_FORMATS[fmt])
    nq = ds.serialize(format="nquads", encoding="utf-8")
    return {(q.subject, q.predicate, q.object) for q in ox.parse(nq, format=ox.RdfFormat.N_QUADS)}


@pytest.mark.parametrize("fmt", sorted(RDF_FORMATS))
def test_hostile_strings_round_trip_exactly_through_rdflib(fmt, tmp_path):
    graph = hostile_graph()
    path = get_exporter(fmt).write(graph, tmp_path / get_exporter(fmt).FILENAME, base_iri=BASE)
    expected = {(t.subject, t.predicate, t.object) for t in iter_triples(graph, BASE)}
    parsed = _parse_rdflib(path.read_bytes(), fmt)
    assert parsed == expected  # no triple lost, none injected
    assert not any(x.value.startswith("http://evil") for q in parsed for x in q
                   if isinstance(x, ox.NamedNode))
    labels = {q[2].value for q in parsed if q[1] == N(RDFS + "label")}
    assert labels == {f"{text} {i}" for i, text in enumerate(HOSTILE)}
    aliases = {q[2].value for q in parsed if q[1] == N(SKOS + "altLabel")}
    assert set(HOSTILE) <= aliases
    roles = {q[2].value for q in parsed if q[1] == N(NG + "role")}
    assert roles == {HOSTILE[i] for i in range(1, len(HOSTILE) - 1, 2)}


def test_turtle_is_the_default_export_and_formats_are_registered():
    assert "turtle" in DEFAULT_FORMATS
    for fmt, filename in [("turtle", "graph.ttl"), ("ntriples", "graph.nt"),
                          ("jsonld", "graph.jsonld"), ("trig", "graph.trig")]:
        assert get_exporter(fmt).FILENAME == filename


@pytest.mark.parametrize("fmt", sorted(RDF_FORMATS))
def test_same_graph_same_bytes_whatever_the_insertion_order(fmt):
    graph = seeds_like_graph()
    shuffled = type(graph)()
    shuffled.graph.update(graph.graph)
    shuffled.add_nodes_from(reversed(list(graph.nodes(data=True))))
    shuffled.add_edges_from(reversed(list(graph.edges(keys=True, data=True))))
    exporter = get_exporter(fmt)
    assert "".join(exporter.generate(graph)) == "".join(exporter.generate(shuffled))


def test_jsonld_has_an_inline_context_and_means_the_same_triples():
    graph = seeds_like_graph()
    text = "".join(get_exporter("jsonld").generate(graph, base_iri=BASE))
    doc = json.loads(text)
    assert doc["@context"]["ng"] == NG and doc["@context"]["ent"] == BASE + "entity/"
    roche = next(n for n in doc["@graph"] if n["@id"] == "ent:company:roche")
    assert roche["@type"] == "ng:Company" and roche["ng:investsIn"] == {"@id": "ent:country:south-korea"}
    expected = {(t.subject, t.predicate, t.object) for t in iter_triples(graph, BASE)}
    assert {(t.subject, t.predicate, t.object)
            for t in ox.parse(text.encode(), format=ox.RdfFormat.JSON_LD)} == expected


def test_trig_puts_every_triple_in_the_build_graph():
    graph = seeds_like_graph()
    text = "".join(get_exporter("trig").generate(graph, base_iri=BASE))
    quads = list(ox.parse(text.encode(), format=ox.RdfFormat.TRIG))
    assert {q.graph_name for q in quads} == {N(BASE + "graph")}
    assert len(quads) == sum(1 for _ in iter_triples(graph, BASE))


def test_seeds_build_exports_one_entity_per_node_and_one_statement_per_edge(seeds_graph):
    triples = list(iter_triples(seeds_graph))
    typed = {t.subject for t in triples if t.predicate == N(RDF + "type")
             and t.object.value in {NG + e for e in ENTITY_TYPES}}
    statements = {t.subject for t in triples if t.object == N(NG + "Statement")}
    assert len(typed) == seeds_graph.number_of_nodes()
    assert len(statements) == seeds_graph.number_of_edges()
    evidence = {t.subject for t in triples if t.object == N(NG + "Evidence")}
    assert len(evidence) == sum(len({(e["doc"], e["start"], e["end"]) for e in ev})
                                for _, _, ev in seeds_graph.edges(data="evidence"))


# ---------------------------------------------------------------- ontology and shapes

@pytest.fixture(scope="module")
def ontology():
    return rdflib.Graph().parse(data_path("newsgraph.ttl"))


SCHEMA_ORG = {"Company": "Corporation", "GovernmentAgency": "GovernmentOrganization",
              "Organization": "Organization", "MediaOutlet": "NewsMediaOrganization",
              "Person": "Person", "Country": "Country", "Location": "Place", "Drug": "Drug"}


@pytest.mark.parametrize("etype", ENTITY_TYPES)
def test_ontology_has_a_documented_class_per_entity_type(ontology, etype):
    cls = rdflib.URIRef(NG + etype)
    assert (cls, rdflib.RDF.type, rdflib.OWL.Class) in ontology
    assert ontology.value(cls, rdflib.RDFS.label) and ontology.value(cls, rdflib.RDFS.comment)
    if etype in SCHEMA_ORG:
        assert (cls, rdflib.RDFS.subClassOf, rdflib.URIRef(SCHEMA + SCHEMA_ORG[etype])) in ontology


@pytest.mark.parametrize("relation", RELATION_TYPES)
def test_ontology_has_a_property_per_relation_with_domain_and_range(ontology, relation):
    prop = rdflib.URIRef(NG + RELATION_PROPERTIES[relation])
    assert (prop, rdflib.RDF.type, rdflib.OWL.ObjectProperty) in ontology
    for attr in (rdflib.RDFS.label, rdflib.RDFS.comment, rdflib.RDFS.domain, rdflib.RDFS.range):
        assert ontology.value(prop, attr) is not None, attr
    assert ((prop, rdflib.RDF.type, rdflib.OWL.SymmetricProperty) in ontology) == (relation in UNDIRECTED)
    assert relation in str(ontology.value(prop, rdflib.RDFS.comment))


def test_every_ng_term_the_data_uses_is_declared_in_the_ontology(ontology):
    used = set()
    for t in iter_triples(hostile_graph()):
        used |= {x.value for x in (t.predicate, t.object) if isinstance(x, ox.NamedNode)
                 and x.value.startswith(NG)}
    for t in iter_triples(seeds_like_graph()):
        used |= {x.value for x in (t.predicate, t.object) if isinstance(x, ox.NamedNode)
                 and x.value.startswith(NG)}
    declared = {str(s) for s in ontology.subjects(rdflib.RDFS.label, None)}
    assert used and used <= declared, used - declared
    assert (rdflib.URIRef(NG + "Statement"), rdflib.RDFS.subClassOf,
            rdflib.URIRef(PROV + "Entity")) in ontology


def _shacl(graph_data: bytes):
    import pyshacl

    data = rdflib.Graph().parse(data=graph_data, format="turtle")
    shapes = rdflib.Graph().parse(data_path("newsgraph-shapes.ttl"))
    # meta_shacl: the shapes graph is itself checked against SHACL's own shapes first
    conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes, advanced=True, meta_shacl=True)
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    severities = [(str(report.value(r, sh.resultSeverity)).rsplit("#", 1)[1],
                   str(report.value(r, sh.resultPath)), str(report.value(r, sh.resultMessage)))
                  for r in report.subjects(rdflib.RDF.type, sh.ValidationResult)]
    return conforms, severities


def test_seeds_like_export_conforms_to_the_shapes():
    conforms, results = _shacl("".join(get_exporter("turtle").generate(seeds_like_graph())).encode())
    assert results == [] and conforms


def test_hostile_export_has_no_violation_only_range_warnings():
    _, results = _shacl("".join(get_exporter("turtle").generate(hostile_graph())).encode())
    # companies "work for" companies in this graph: the schema's domain, a warning
    assert results and all(sev == "Warning" for sev, _, _ in results)
    assert all("ng:Person" in msg for _, _, msg in results)


def test_shapes_catch_a_broken_export():
    graph = seeds_like_graph()
    graph.edges["company:roche", "country:south-korea", "INVESTS_IN"]["confidence"] = 1.5
    text = "".join(get_exporter("ntriples").generate(graph))  # N-Triples is Turtle too
    direct = (f"<{entity_iri('company:roche')}> <{NG}investsIn> "
              f"<{entity_iri('country:south-korea')}> .\n")
    assert direct in text
    text = text.replace(direct, "")  # a statement without its direct triple
    _, results = _shacl(text.encode())
    violations = [r for r in results if r[0] == "Violation"]
    assert any(path == NG + "confidence" and "<=" in m for _, path, m in violations), violations
    assert any("no direct triple" in m for _, _, m in violations), violations


def test_real_seeds_export_has_no_shape_violation(seeds_graph):
    _, results = _shacl("".join(get_exporter("turtle").generate(seeds_graph)).encode())
    assert [r for r in results if r[0] == "Violation"] == []


def test_build_base_iri_option_reaches_the_turtle(tmp_path):
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "newsgraph.cli", "build", str(SEEDS), "-o", str(out),
                           "--format", "turtle", "--format", "json", "--base-iri", "http://example.org/kg/",
                           "-q"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    text = (out / "graph.ttl").read_text(encoding="utf-8")
    assert "@prefix ent: <http://example.org/kg/entity/> ." in text
    assert "w3id.org/newsgraph/data" not in text
    proc = subprocess.run([sys.executable, "-m", "newsgraph.cli", "build", str(SEEDS), "-o", str(out),
                           "--base-iri", "not an iri"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.strip().startswith("newsgraph: error: base IRI 'not an iri' must be")
