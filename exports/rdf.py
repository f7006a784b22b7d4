"""The graph as RDF: the triples every RDF export (Turtle, N-Triples, JSON-LD, TriG) writes.

Vocabulary: the ontology shipped in ``exports/data/newsgraph.ttl`` (namespace ``ng:``),
aligned to schema.org and PROV-O; ``exports/data/newsgraph-shapes.ttl`` holds the SHACL
shapes the data conforms to. Every edge gives

* a direct triple, ``ent:company:roche ng:investsIn ent:country:south-korea``, so simple
  questions stay simple queries (undirected relations, which the graph stores once, are
  written both ways: ``ng:partnersWith`` is symmetric);
* a statement node (``ng:Statement``, an ``rdf:Statement`` as RDF reification spells it,
  and a ``prov:Entity``) carrying confidence, amounts, date, role, and ``prov:wasDerivedFrom``
  one ``ng:Evidence`` per supporting sentence, itself ``prov:wasQuotedFrom`` the article.

Every deal record (``newsgraph.graph.deals``) is an ``ng:Deal`` node, an n-ary relation:
its parties by role (``ng:acquirer``, ``ng:target``, ``ng:licensee``, ``ng:licensor``,
``ng:investor``, ``ng:leadInvestor``, ``ng:investee``, ``ng:partner``, ``ng:party``),
``ng:asset``, its money as ``ng:MonetaryAmount`` nodes (``ng:total``, ``ng:upfront``,
``ng:milestones``, ...; figures that articles state differently as ``ng:statedFigure``),
``ng:dealType``, ``ng:status``, ``ng:announced``, ``ng:completed``, ``ng:territory``, and
``prov:wasDerivedFrom`` the evidence of the statements it comes from (``ng:fromStatement``).

Every IRI derives from the graph's own ids (node ids, document ids) under a base IRI the
user can choose, percent-encoded so that no name can break out of it; literals are typed
(``xsd:decimal`` money and confidence, ``xsd:date`` / ``xsd:gYearMonth`` / ``xsd:gYear``
dates). Nothing here depends on the order of the graph: subjects and their triples come
out sorted, so the same graph gives the same bytes. Writing and querying use Oxigraph.

>>> entity_iri("company:eli-lilly")
'https://w3id.org/newsgraph/data/entity/company:eli-lilly'
>>> entity_iri("company:삼성 \\"x\\">", base_iri="http://example.org/kg/")
'http://example.org/kg/entity/company:%EC%82%BC%EC%84%B1%20%22x%22%3E'
>>> typed_date("2025-11").datatype.value
'http://www.w3.org/2001/XMLSchema#gYearMonth'
"""
from __future__ import annotations

import datetime
import math
import re
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path
from typing import Iterable, Iterator
from urllib.parse import quote, urlsplit

import networkx as nx
import pyoxigraph as ox

from newsgraph.errors import ExportError, InputError
from newsgraph.graph import RELATION_TYPES, UNDIRECTED
from newsgraph.graph.deals import build_deals, deal_rules

#: the ontology's namespace: fixed, whatever base IRI the data is written under
NG = "https://w3id.org/newsgraph/ontology#"
#: where the data's own IRIs live unless ``base_iri`` says otherwise
DEFAULT_BASE_IRI = "https://w3id.org/newsgraph/data/"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SCHEMA = "https://schema.org/"
PROV = "http://www.w3.org/ns/prov#"
DCTERMS = "http://purl.org/dc/terms/"
OWL = "http://www.w3.org/2002/07/owl#"

#: prefixes every query may use without declaring them (``newsgraph query``, ``serve``)
QUERY_PREFIXES = {"ng": NG, "rdf": RDF, "rdfs": RDFS, "xsd": XSD, "skos": SKOS,
                  "schema": SCHEMA, "prov": PROV, "dcterms": DCTERMS, "owl": OWL}

#: relation name of the schema -> local name of its property in the ontology
RELATION_PROPERTIES = {
    "INVESTS_IN": "investsIn",
    "PARTNERS_WITH": "partnersWith",
    "LICENSES_FROM": "licensesFrom",
    "ACQUIRES": "acquires",
    "SIGNS_AGREEMENT_WITH": "signsAgreementWith",
    "SUBSIDIARY_OF": "subsidiaryOf",
    "LOCATED_IN": "locatedIn",
    "WORKS_FOR": "worksFor",
    "DEVELOPS": "develops",
}
assert set(RELATION_PROPERTIES) == set(RELATION_TYPES)
_MONEY = ("amount", "upfront", "milestones")

ONTOLOGY_FILE = "newsgraph.ttl"
SHAPES_FILE = "newsgraph-shapes.ttl"


def data_path(name: str) -> Path:
    """The path of a file shipped in ``newsgraph/exports/data`` (ontology, shapes)."""
    return Path(str(resources.files("newsgraph.exports") / "data" / name))


def check_base_iri(base_iri: str) -> str:
    """``base_iri`` if data IRIs can hang under it (absolute, ending in / or #); else ExportError.

    >>> check_base_iri("http://example.org/kg/")
    'http://example.org/kg/'
    >>> check_base_iri("example.org")
    Traceback (most recent call last):
    ...
    newsgraph.errors.ExportError: base IRI 'example.org' must be an absolute IRI ending in / or # (e.g. https://example.org/kg/)
    """
    try:
        problem = not base_iri.endswith(("/", "#")) or not urlsplit(base_iri).scheme
    except ValueError:  # 'http://[::1/': an unclosed IPv6 address
        problem = True
    if not problem:
        try:
            ox.NamedNode(base_iri + "x")
        except ValueError:
            problem = True
    if problem:
        raise ExportError(f"base IRI {base_iri!r} must be an absolute IRI ending in / or # "
                          "(e.g. https://example.org/kg/)")
    return base_iri


def _segment(text: str) -> str:
    # every character but letters, digits, '-', '_' and ':' (kept for readable ids) is
    # percent-encoded as UTF-8, '%' included, so the mapping from ids is one-to-one;
    # '.' and '~' too, as Turtle local names may not end in '.' and rdflib misreads "\."
    return quote(text, safe=":").replace(".", "%2E").replace("~", "%7E")


def entity_iri(node_id: str, base_iri: str = DEFAULT_BASE_IRI) -> str:
    """The IRI of a graph node, from its id."""
    return f"{base_iri}entity/{_segment(node_id)}"


def article_iri(doc_id: str, base_iri: str = DEFAULT_BASE_IRI) -> str:
    """The IRI of an article, from its document id."""
    return f"{base_iri}article/{_segment(doc_id)}"


def statement_iri(u: str, relation: str, v: str, base_iri: str = DEFAULT_BASE_IRI) -> str:
    """The IRI of the statement node of edge ``u -relation-> v``."""
    return f"{base_iri}statement/{_segment(u)}/{RELATION_PROPERTIES[relation]}/{_segment(v)}"


def deal_iri(deal_id: str, base_iri: str = DEFAULT_BASE_IRI) -> str:
    """The IRI of a deal record, from its id."""
    return f"{base_iri}deal/{_segment(deal_id)}"


def role_property(role: str) -> str:
    """The local name of a deal role's property: ``lead_investor`` -> ``leadInvestor``.

    >>> role_property("lead_investor"), role_property("milestones_sales")
    ('leadInvestor', 'milestonesSales')
    """
    head, *rest = role.split("_")
    return head + "".join(w.capitalize() for w in rest)


def data_prefixes(base_iri: str = DEFAULT_BASE_IRI) -> dict[str, str]:
    """The prefixes written into Turtle and TriG (and the JSON-LD context)."""
    return {**{k: v for k, v in QUERY_PREFIXES.items() if k != "owl"},
            "ent": f"{base_iri}entity/", "art": f"{base_iri}article/",
            "stmt": f"{base_iri}statement/"}


_N = ox.NamedNode
_TYPE = _N(RDF + "type")
_XSD_DECIMAL = _N(XSD + "decimal")
_XSD_INTEGER = _N(XSD + "integer")
_DATE_TYPES = ((re.compile(r"\d{4}"), _N(XSD + "gYear")),
               (re.compile(r"\d{4}-(0[1-9]|1[0-2])"), _N(XSD + "gYearMonth")),
               (re.compile(r"\d{4}-\d{2}-\d{2}"), _N(XSD + "date")))


def decimal_literal(number) -> ox.Literal | None:
    """``number`` as an ``xsd:decimal`` in canonical form; None when it is not a finite number.

    >>> decimal_literal(710e9).value, decimal_literal(0.85).value, decimal_literal(1e22).value
    ('710000000000.0', '0.85', '10000000000000000000000.0')
    >>> decimal_literal(float("nan")) is None
    True
    """
    if isinstance(number, bool):
        return None
    try:
        # repr keeps the shortest decimal that round-trips the float: 0.85, not 0.8499999...
        value = Decimal(repr(number)) if isinstance(number, float) else Decimal(str(number))
    except (InvalidOperation, ValueError, TypeError):
        return None
    if not value.is_finite():
        return None
    text = format(value.normalize(), "f")
    if "." not in text:
        text += ".0"
    if text.startswith("-0") and value == 0:
        text = text[1:]
    return ox.Literal(text, datatype=_XSD_DECIMAL)


def integer_literal(number) -> ox.Literal | None:
    if isinstance(number, bool) or not isinstance(number, (int, float)):
        return None
    if isinstance(number, float) and (not math.isfinite(number) or number != int(number)):
        return None
    return ox.Literal(str(int(number)), datatype=_XSD_INTEGER)


def typed_date(text: str) -> ox.Literal | None:
    """An ISO date prefix as ``xsd:gYear``, ``xsd:gYearMonth`` or ``xsd:date``; None if it is none."""
    if not isinstance(text, str):
        return None
    for pattern, datatype in _DATE_TYPES:
        if pattern.fullmatch(text):
            if datatype.value.endswith("#date"):
                try:
                    datetime.date.fromisoformat(text)
                except ValueError:
                    return None
            return ox.Literal(text, datatype=datatype)
    return None


def _string(text) -> ox.Literal | None:
    if not isinstance(text, str):
        return None
    # a lone surrogate cannot be encoded in any RDF syntax; every other character round-trips
    text = re.sub("[\ud800-\udfff]", "\ufffd", text)
    return ox.Literal(text)


def url_iri(url) -> ox.NamedNode | None:
    """An article URL as an IRI, every character a URI may not hold percent-encoded; None unless http(s).

    >>> url_iri('https://example.org/a b?q="삼성"').value
    'https://example.org/a%20b?q=%22%EC%82%BC%EC%84%B1%22'
    >>> url_iri("javascript:alert(1)") is None
    True
    """
    if not isinstance(url, str) or not re.match(r"https?://[^/\s]", url, re.IGNORECASE):
        return None
    # a '%' that starts no escape is a literal percent sign; then encode what a URI cannot hold
    url = re.sub(r"%(?![0-9A-Fa-f]{2})", "%25", url)
    encoded = quote(url, safe=":/?#[]@!$&'()*+,;=%~-._", errors="replace")
    try:
        return _N(encoded)
    except ValueError:
        return None


def iter_triples(graph: nx.MultiDiGraph, base_iri: str = DEFAULT_BASE_IRI) -> Iterator[ox.Triple]:
    """Every triple of ``graph``'s RDF form, grouped by subject, in a stable order.

    >>> from newsgraph.extract.model import Document, Entity, Evidence, Extraction, Relation
    >>> from newsgraph.graph import build_graph
    >>> doc = Document(id="d1", text="Roche invests in Korea.", date="2026-03-05")
    >>> ex = Extraction(doc, (Entity("Roche", "Company"), Entity("South Korea", "Country")),
    ...     (Relation("Roche", "INVESTS_IN", "South Korea", Evidence("d1", doc.text, 0, 23)),))
    >>> triples = list(iter_triples(build_graph([ex])))
    >>> [str(t) for t in triples if t.predicate.value.endswith("investsIn")]
    ['<https://w3id.org/newsgraph/data/entity/company:roche> <https://w3id.org/newsgraph/ontology#investsIn> <https://w3id.org/newsgraph/data/entity/country:south-korea>']
    """
    check_base_iri(base_iri)
    ng = {name: _N(NG + name) for name in (
        "Statement", "Evidence", "Article", "MonetaryAmount", "confidence", "date", "role",
        "mentions", "usd", "sentence", "startOffset", "endOffset", "source",
        *RELATION_PROPERTIES.values(), *_MONEY)}
    p = {"label": _N(RDFS + "label"), "pref": _N(SKOS + "prefLabel"), "alt": _N(SKOS + "altLabel"),
         "id": _N(DCTERMS + "identifier"), "title": _N(DCTERMS + "title"),
         "dcdate": _N(DCTERMS + "date"), "url": _N(SCHEMA + "url"),
         "mentions": _N(SCHEMA + "mentions"), "value": _N(SCHEMA + "value"),
         "currency": _N(SCHEMA + "currency"), "derived": _N(PROV + "wasDerivedFrom"),
         "quoted": _N(PROV + "wasQuotedFrom"), "subject": _N(RDF + "subject"),
         "predicate": _N(RDF + "predicate"), "object": _N(RDF + "object")}

    def out(s, items):
        for pred, obj in items:
            if obj is not None:
                yield ox.Triple(s, pred, obj)

    # articles: every listed document, and any document only evidence names
    docs = {d["id"]: d for d in graph.graph.get("documents", []) if isinstance(d.get("id"), str)}
    mentioned: dict[str, set[str]] = {}
    for nid, data in graph.nodes(data=True):
        for doc in data.get("documents") or ():
            mentioned.setdefault(doc, set()).add(nid)
    for _, _, evidence in graph.edges(data="evidence"):
        for ev in evidence or ():
            docs.setdefault(ev["doc"], {"id": ev["doc"]})
    for doc_id in mentioned:
        docs.setdefault(doc_id, {"id": doc_id})
    for doc_id in sorted(docs):
        doc = docs[doc_id]
        s = _N(article_iri(doc_id, base_iri))
        yield from out(s, [(_TYPE, ng["Article"]), (p["id"], _string(doc_id)),
                           (p["title"], _string(doc.get("title"))),
                           (p["dcdate"], typed_date(doc.get("date"))),
                           (p["url"], url_iri(doc.get("url"))),
                           (ng["source"], _string(doc.get("source")))])
        yield from out(s, [(p["mentions"], _N(entity_iri(n, base_iri)))
                           for n in sorted(mentioned.get(doc_id, ()))])

    # entities and their direct relation triples
    outgoing: dict[str, list[tuple[str, str]]] = {}
    for u, v, relation in graph.edges(data="relation"):
        if relation not in RELATION_PROPERTIES:
            continue
        outgoing.setdefault(u, []).append((RELATION_PROPERTIES[relation], v))
        if relation in UNDIRECTED:
            outgoing.setdefault(v, []).append((RELATION_PROPERTIES[relation], u))
    for nid in sorted(graph.nodes):
        data = graph.nodes[nid]
        s = _N(entity_iri(nid, base_iri))
        etype = data.get("type")
        yield from out(s, [(_TYPE, _N(NG + etype) if _is_name(etype) else None),
                           (p["id"], _string(nid)),
                           (p["label"], _string(data.get("label"))),
                           (p["pref"], _string(data.get("label"))),
                           (ng["mentions"], integer_literal(data.get("mentions")))])
        yield from out(s, [(p["alt"], _string(a)) for a in sorted(set(data.get("aliases") or ()))
                           if a != data.get("label")])
        yield from out(s, [(ng[prop], _N(entity_iri(v, base_iri)))
                           for prop, v in sorted(set(outgoing.get(nid, ())))])

    # statements, their amounts and evidence
    for u, v, data in sorted(graph.edges(data=True), key=lambda e: (e[0], e[2].get("relation", ""), e[1])):
        relation = data.get("relation")
        if relation not in RELATION_PROPERTIES:
            continue
        iri = statement_iri(u, relation, v, base_iri)
        s = _N(iri)
        amounts = [(m, data[m]) for m in _MONEY if isinstance(data.get(m), dict)]
        evidence = {}
        for ev in data.get("evidence") or ():
            key = f"{iri}/evidence/{_segment(str(ev['doc']))}/{int(ev['start'])}-{int(ev['end'])}"
            evidence.setdefault(key, ev)
        yield from out(s, [(_TYPE, ng["Statement"]), (p["subject"], _N(entity_iri(u, base_iri))),
                           (p["predicate"], ng[RELATION_PROPERTIES[relation]]),
                           (p["object"], _N(entity_iri(v, base_iri))),
                           (ng["confidence"], decimal_literal(data.get("confidence"))),
                           (ng["date"], typed_date(data.get("date"))),
                           (ng["role"], _string(data.get("role")))])
        yield from out(s, [(ng[m], _N(f"{iri}/{m}")) for m, _ in amounts])
        yield from out(s, [(p["derived"], _N(key)) for key in sorted(evidence)])
        for m, money in amounts:
            yield from out(_N(f"{iri}/{m}"), [
                (_TYPE, ng["MonetaryAmount"]), (p["value"], decimal_literal(money.get("value"))),
                (p["currency"], _string(money.get("currency"))),
                (ng["usd"], decimal_literal(money.get("usd")))])
        for key in sorted(evidence):
            ev = evidence[key]
            yield from out(_N(key), [
                (_TYPE, ng["Evidence"]), (p["quoted"], _N(article_iri(str(ev["doc"]), base_iri))),
                (ng["sentence"], _string(ev.get("sentence"))),
                (ng["startOffset"], integer_literal(ev.get("start"))),
                (ng["endOffset"], integer_literal(ev.get("end")))])

    yield from _deal_triples(graph, base_iri, out, p)


def _evidence_iri(statement: str, ev: dict) -> str:
    return f"{statement}/evidence/{_segment(str(ev['doc']))}/{int(ev['start'])}-{int(ev['end'])}"


def _deal_triples(graph: nx.MultiDiGraph, base_iri: str, out, p: dict) -> Iterator[ox.Triple]:
    """The ``ng:Deal`` nodes: parties by role, asset, money, status, dates, territory, evidence."""
    rules = deal_rules()
    ng = {name: _N(NG + name) for name in (
        "Deal", "MonetaryAmount", "dealType", "status", "announced", "completed", "territory",
        "confidence", "usd", "fromStatement", "statedFigure", "moneyField", "asset", "investor")}
    for deal in build_deals(graph):
        s = _N(deal_iri(deal["id"], base_iri))
        iri = s.value
        # the evidence IRI of each sentence: the one of the first statement of the deal that holds it
        ev_iris: dict[tuple, str] = {}
        statements = []
        for rel in deal["relations"]:
            u, v, relation = rel["source"], rel["target"], rel["relation"]
            if relation not in RELATION_PROPERTIES or not graph.has_edge(u, v, key=relation):
                continue
            statement = statement_iri(u, relation, v, base_iri)
            statements.append(statement)
            for ev in graph.edges[u, v, relation].get("evidence") or ():
                ev_iris.setdefault((str(ev["doc"]), int(ev["start"]), int(ev["end"])), _evidence_iri(statement, ev))

        def refs(sources) -> list[ox.NamedNode]:
            keys = {(str(r["doc"]), r["start"], r["end"]) for r in sources or () if r}
            return [_N(ev_iris[k]) for k in sorted(keys, key=str) if k in ev_iris]

        # no rdfs:label: a deal is named by its parties, and rdfs:label stays the entities' names
        yield from out(s, [(_TYPE, ng["Deal"]), (p["id"], _string(deal["id"])),
                           (ng["dealType"], _string(deal["type"])), (ng["status"], _string(deal["status"])),
                           (ng["announced"], typed_date(deal.get("announced"))),
                           (ng["completed"], typed_date(deal.get("completed"))),
                           (ng["confidence"], decimal_literal(deal.get("confidence")))])
        roles = set()
        for party in deal["parties"]:
            roles.add((role_property(party["role"]), party["id"]))
            if party["role"] == "lead_investor":
                roles.add(("investor", party["id"]))  # a lead investor is an investor, without inference
        roles |= {("asset", a["id"]) for a in deal["asset"]}
        yield from out(s, [(_N(NG + prop), _N(entity_iri(nid, base_iri))) for prop, nid in sorted(roles)])
        yield from out(s, [(ng["territory"], _string(t["value"])) for t in deal["territory"]])
        money_nodes = []
        for field in rules.money_fields:
            if field in deal["money"]:
                money_nodes.append((_N(NG + role_property(field)), _N(f"{iri}/{_segment(field)}"),
                                    field, deal["money"][field]))
        for field, figures in sorted((deal.get("conflicts") or {}).items()):
            for n, figure in enumerate(figures[1:], 1):
                money_nodes.append((ng["statedFigure"], _N(f"{iri}/figure/{_segment(field)}/{n}"), field, figure))
        yield from out(s, [(pred, node) for pred, node, _, _ in money_nodes])
        yield from out(s, [(ng["fromStatement"], _N(st)) for st in sorted(set(statements))])
        yield from out(s, [(p["derived"], _N(key)) for key in sorted(set(ev_iris.values()))])
        for pred, node, field, figure in money_nodes:
            yield from out(node, [(_TYPE, ng["MonetaryAmount"]),
                                  (p["value"], decimal_literal(figure.get("value"))),
                                  (p["currency"], _string(figure.get("currency"))),
                                  (ng["usd"], decimal_literal(figure.get("usd"))),
                                  (ng["moneyField"], _string(field) if pred == ng["statedFigure"] else None)])
            yield from out(node, [(p["derived"], r) for r in refs(figure.get("sources"))])


def _is_name(text) -> bool:
    return isinstance(text, str) and re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", text) is not None


def serialize(graph: nx.MultiDiGraph, format: ox.RdfFormat, output=None, *,
              base_iri: str = DEFAULT_BASE_IRI, graph_name: str | None = None):
    """Write ``graph``'s triples in ``format`` to ``output`` (a binary file), or return the bytes.

    ``graph_name`` puts every triple in that named graph (for quad formats: TriG).
    """
    triples: Iterable = iter_triples(graph, base_iri)
    if graph_name is not None:
        name = _N(graph_name)
        triples = (ox.Quad(t.subject, t.predicate, t.object, name) for t in triples)
    prefixes = None
    if format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG):
        # statement IRIs have slashes, which a Turtle local name must escape (stmt:a\/b):
        # written in full they read better
        prefixes = {k: v for k, v in data_prefixes(base_iri).items() if k != "stmt"}
    return ox.serialize(triples, output, format, prefixes=prefixes)


def load_store(path: str | Path) -> ox.Store:
    """An in-memory Oxigraph store with the graph at ``path``.

    ``path`` is an RDF file (.ttl, .nt, .trig, .jsonld), a ``graph.json`` (turned into RDF
    on the way in, under the default base IRI) or a build folder holding one of them.
    """
    path = Path(path)
    if path.is_dir():
        names = ("graph.ttl", "graph.nt", "graph.trig", "graph.jsonld", "graph.json")
        found = next((path / n for n in names if (path / n).is_file()), None)
        if found is None:
            raise InputError(f"{path}: no graph.ttl in this folder (run: newsgraph build ... -o {path})")
        path = found
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    store = ox.Store()
    if path.suffix == ".json":
        from .json_graph import read_json

        try:
            graph = read_json(path)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise InputError(f"{path}: not a newsgraph graph.json ({exc})") from exc
        store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in iter_triples(graph))
        return store
    fmt = ox.RdfFormat.from_extension(path.suffix.lstrip(".")) if path.suffix else None
    if fmt is None:
        raise InputError(f"{path}: not an RDF file (expected .ttl, .nt, .trig, .jsonld or graph.json)")
    try:
        store.bulk_load(path=str(path), format=fmt)
    except (SyntaxError, ValueError) as exc:
        raise InputError(f"{path}: not valid {fmt.name}: {_one_line(str(exc))}") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason})") from exc
    return store


def _one_line(text: str) -> str:
    return " ".join(text.split())[:300]
