"""Deals in RDF: ng:Deal n-ary nodes read back by rdflib and Apache Jena, checked by the shapes."""
from __future__ import annotations

import csv
import io
import subprocess
import sys

import pytest
import rdflib

from newsgraph.exports import get_exporter
from newsgraph.exports.rdf import NG, PROV, SCHEMA, deal_iri, entity_iri
from newsgraph.exports.rdf_sparql import example_queries
from newsgraph.extract.model import Amount, Document, Entity, Evidence, Extraction, Relation
from newsgraph.graph import build_graph, node_id
from newsgraph.graph.deals import build_deals

from rdf_support import BASE, make_jena

ng = rdflib.Namespace(NG)
HOSTILE = 'Evil "Bio" > <http://evil/> . \\ \u2028 }) //'


def _rel(doc, subject, relation, obj, sentence, **attrs):
    start = doc.text.index(sentence)
    return Relation(subject, relation, obj, Evidence(doc.id, sentence, start, start + len(sentence)), **attrs)


def korean_licences_graph(licensee: str = "Merrow Pharma"):
    s1 = (f"{licensee} licensed worldwide rights to KT-88 from Daeil Bio for $40 million upfront "
          "and up to $600 million in milestones.")
    s2 = "Daeil Bio is based in South Korea."
    s3 = f"{licensee} completed the licence of KT-88 from Daeil Bio, now valued at $650 million."
    s4 = "Harbor Ventures led a $90 million round in Daeil Bio, with Pine Capital."
    d1 = Document("k1", f"{s1} {s2}", date="2025-03-25", title="A licence")
    d2 = Document("k2", f"{s3} {s4}", date="2025-07-01", title="It closed")
    usd = lambda v: Amount(v, "USD", v)  # noqa: E731
    ents = (Entity(licensee, "Company"), Entity("Daeil Bio", "Company"), Entity("KT-88", "Drug"),
            Entity("South Korea", "Country"))
    return build_graph([
        Extraction(d1, ents, (_rel(d1, licensee, "LICENSES_FROM", "Daeil Bio", s1, upfront=usd(4e7), milestones=usd(6e8)),
                              _rel(d1, "Daeil Bio", "DEVELOPS", "KT-88", s1),
                              _rel(d1, "Daeil Bio", "LOCATED_IN", "South Korea", s2))),
        Extraction(d2, ents + (Entity("Harbor Ventures", "Company"), Entity("Pine Capital", "Company")),
                   (_rel(d2, licensee, "LICENSES_FROM", "Daeil Bio", s3, amount=usd(6.5e8)),
                    _rel(d2, "Harbor Ventures", "INVESTS_IN", "Daeil Bio", s4, amount=usd(9e7)),
                    _rel(d2, "Pine Capital", "INVESTS_IN", "Daeil Bio", s4))),
    ])


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    root = tmp_path_factory.mktemp("rdf-deals")
    out = {}
    for name, graph in (("plain", korean_licences_graph()), ("hostile", korean_licences_graph(HOSTILE))):
        for fmt in ("turtle", "ntriples"):
            exporter = get_exporter(fmt)
            out[name, fmt] = (graph, exporter.write(graph, root / name / exporter.FILENAME, base_iri=BASE))
    return out


def _rdflib(path, fmt) -> rdflib.Graph:
    return rdflib.Graph().parse(path, format={"turtle": "turtle", "ntriples": "nt"}[fmt])


@pytest.mark.parametrize("fmt", ["turtle", "ntriples"])
def test_a_licence_is_an_n_ary_deal_node_with_roles_money_status_and_evidence(written, fmt):
    graph, path = written["plain", fmt]
    g = _rdflib(path, fmt)
    [deal] = [d for d in build_deals(graph) if d["type"] == "licence"]
    s = rdflib.URIRef(deal_iri(deal["id"], BASE))
    ent = lambda name, t="Company": rdflib.URIRef(entity_iri(node_id(t, name), BASE))  # noqa: E731
    assert (s, rdflib.RDF.type, ng.Deal) in g
    assert g.value(s, ng.dealType) == rdflib.Literal("licence")
    assert g.value(s, ng.status) == rdflib.Literal("completed")
    assert g.value(s, ng.announced) == rdflib.Literal("2025-03-25", datatype=rdflib.XSD.date)
    assert g.value(s, ng.completed) == rdflib.Literal("2025-07-01", datatype=rdflib.XSD.date)
    assert g.value(s, ng.licensee) == ent("Merrow Pharma") and g.value(s, ng.licensor) == ent("Daeil Bio")
    assert g.value(s, ng.asset) == ent("KT-88", "Drug")
    assert [str(t) for t in g.objects(s, ng.territory)] == ["worldwide"]
    money = {p: g.value(s, p) for p in (ng.upfront, ng.milestones, ng.total)}
    for node in money.values():
        assert (node, rdflib.RDF.type, ng.MonetaryAmount) in g
        assert str(g.value(node, rdflib.URIRef(SCHEMA + "currency"))) == "USD"
        # every figure cites the sentence that states it, and that sentence is quoted from an article
        [ev] = list(g.objects(node, rdflib.URIRef(PROV + "wasDerivedFrom")))
        assert g.value(ev, rdflib.URIRef(PROV + "wasQuotedFrom")) is not None
        assert str(g.value(ev, ng.sentence))
    assert g.value(money[ng.upfront], ng.usd).toPython() == 40_000_000
    assert g.value(money[ng.total], ng.usd).toPython() == 650_000_000  # stated, not 40M + 600M
    assert len(list(g.objects(s, rdflib.URIRef(PROV + "wasDerivedFrom")))) == 2
    assert len(list(g.objects(s, ng.fromStatement))) == 1


def test_a_lead_investor_is_also_an_investor(written):
    graph, path = written["plain", "turtle"]
    g = _rdflib(path, "turtle")
    [deal] = [d for d in build_deals(graph) if d["type"] == "financing_round"]
    s = rdflib.URIRef(deal_iri(deal["id"], BASE))
    lead = rdflib.URIRef(entity_iri("company:harbor-ventures", BASE))
    assert g.value(s, ng.leadInvestor) == lead
    assert set(g.objects(s, ng.investor)) == {lead, rdflib.URIRef(entity_iri("company:pine-capital", BASE))}


def test_hostile_party_names_give_the_same_shape_of_triples(written):
    counts = {}
    for name in ("plain", "hostile"):
        g = _rdflib(written[name, "turtle"][1], "turtle")
        counts[name] = sorted((str(p), sum(1 for _ in g.triples((None, p, None)))) for p in set(g.predicates()))
        licensees = {str(g.value(o, rdflib.RDFS.label)) for o in g.objects(None, ng.licensee)}
        assert licensees == {HOSTILE if name == "hostile" else "Merrow Pharma"}
    assert counts["plain"] == counts["hostile"]


def test_deal_export_conforms_to_the_shapes_and_the_shapes_catch_a_stray_party(written):
    import pyshacl

    from newsgraph.exports.rdf import data_path

    shapes = rdflib.Graph().parse(data_path("newsgraph-shapes.ttl"))
    for name in ("plain", "hostile"):
        data = _rdflib(written[name, "turtle"][1], "turtle")
        conforms, report, text = pyshacl.validate(data, shacl_graph=shapes, advanced=True)
        assert conforms, text
    data = _rdflib(written["plain", "turtle"][1], "turtle")
    deal = next(data.subjects(ng.dealType, rdflib.Literal("licence")))
    data.add((deal, ng.acquirer, rdflib.URIRef(entity_iri("company:pine-capital", BASE))))
    data.set((deal, ng.status, rdflib.Literal("maybe")))
    conforms, _, text = pyshacl.validate(data, shacl_graph=shapes, advanced=True)
    assert not conforms and "is in none of its statements" in text and "maybe" in text


@pytest.fixture(scope="module")
def jena(tmp_path_factory):
    return make_jena(tmp_path_factory.mktemp("jena"))


@pytest.mark.parametrize("name", ["plain", "hostile"])
def test_jena_validates_the_deal_exports_strictly(jena, written, name):
    for fmt in ("turtle", "ntriples"):
        proc = jena.validate(written[name, fmt][1])
        assert proc.returncode == 0, proc.stderr


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_the_korean_licences_query_gives_its_rows_in_newsgraph_and_in_jena(jena, written):
    path = written["plain", "turtle"][1]
    query = example_queries()["licences-of-korean-drugs"]
    ours = subprocess.run([sys.executable, "-m", "newsgraph.cli", "query", str(path), "--file", str(query),
                           "--format", "csv"], capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert ours.returncode == 0, ours.stderr
    assert _rows(ours.stdout) == [
        ["type", "korean", "counterparty", "asset", "upfront", "milestones", "total", "announced", "status"],
        ["licence", "Daeil Bio", "Merrow Pharma", "KT-88", "40000000", "600000000", "650000000", "2025-03-25",
         "completed"]]
    theirs = jena.select_csv(path, query.read_text(encoding="utf-8"))
    assert theirs.returncode == 0, theirs.stderr
    [row] = _rows(theirs.stdout)[1:]
    assert row[:4] == ["licence", "Daeil Bio", "Merrow Pharma", "KT-88"]
    assert [float(x) for x in row[4:7]] == [4e7, 6e8, 6.5e8] and row[7:] == ["2025-03-25", "completed"]
