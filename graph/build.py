"""Merging extractions into one graph: one node per real entity, one edge per (source, relation, target).

``build_graph`` takes the per-document ``Extraction`` records of the extract stage and
returns a ``networkx.MultiDiGraph`` laid out as ``shared/spec/schema.md`` says. The
result does not depend on the order of the documents: they are merged sorted by id,
and every list in the graph is sorted.

>>> from newsgraph.extract.model import Document, Entity, Evidence, Extraction, Relation
>>> doc = Document(id="d1", text="Eli Lilly partners with ABL Bio.")
>>> ev = Evidence("d1", doc.text, 0, len(doc.text))
>>> ex = Extraction(doc, (Entity("Eli Lilly", "Company", ("Lilly",)), Entity("ABL Bio", "Company")),
...                 (Relation("Eli Lilly", "PARTNERS_WITH", "ABL Bio", ev),))
>>> g = build_graph([ex])
>>> sorted(g.nodes)
['company:abl-bio', 'company:eli-lilly']
>>> [(u, v, d["relation"]) for u, v, d in g.edges(data=True)]
[('company:abl-bio', 'company:eli-lilly', 'PARTNERS_WITH')]
"""
from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Iterable

import networkx as nx

from newsgraph.extract.entities import country_name, unit_word_set
from newsgraph.extract.model import Amount, Extraction

from .ids import name_key, node_id

SCHEMA_VERSION = "newsgraph/1"
ENTITY_TYPES = ("Company", "GovernmentAgency", "Organization", "MediaOutlet", "Person",
                "Country", "Location", "Drug", "Technology")
RELATION_TYPES = ("INVESTS_IN", "PARTNERS_WITH", "LICENSES_FROM", "ACQUIRES",
                  "SIGNS_AGREEMENT_WITH", "SUBSIDIARY_OF", "LOCATED_IN", "WORKS_FOR", "DEVELOPS")
UNDIRECTED = frozenset({"PARTNERS_WITH", "SIGNS_AGREEMENT_WITH"})
#: types whose one-word names may stand for a longer name of another document ("Lilly")
_SHORT_NAME_TYPES = frozenset({"Company", "Person", "Organization", "MediaOutlet"})


@dataclass
class _Cluster:
    names: Counter = field(default_factory=Counter)  # canonical names given by the documents
    aliases: set = field(default_factory=set)
    types: Counter = field(default_factory=Counter)
    mentions: int = 0
    documents: set = field(default_factory=set)

    def absorb(self, other: "_Cluster") -> None:
        self.names.update(other.names)
        self.aliases |= other.aliases
        self.types.update(other.types)
        self.mentions += other.mentions
        self.documents |= other.documents

    def label(self) -> str:
        # the fullest proper name: most words, then longest, then most often seen
        return max(self.names, key=lambda n: (len(n.split()), len(n), self.names[n], n))

    def type(self) -> str:
        return max(self.types, key=lambda t: (self.types[t], -ENTITY_TYPES.index(t)))


def build_graph(extractions: Iterable[Extraction]) -> nx.MultiDiGraph:
    """Merge the extractions of many documents into one ``MultiDiGraph``."""
    extractions = sorted(extractions, key=lambda ex: ex.document.id)
    clusters: dict[str, _Cluster] = {}
    apart: set[frozenset[str]] = set()  # names some article keeps apart ("Roche", "Roche Pharmaceuticals")
    for ex in extractions:
        keys = sorted({name_key(e.name) for e in ex.entities} - {""})
        apart.update(frozenset((a, b)) for i, a in enumerate(keys) for b in keys[i + 1:])
        for entity in ex.entities:
            key = name_key(entity.name)
            if not key:
                continue
            cluster = clusters.setdefault(key, _Cluster())
            cluster.names[entity.name] += 1
            cluster.aliases.update(a for a in entity.aliases if a != entity.name)
            cluster.types[entity.type] += entity.mentions
            cluster.mentions += entity.mentions
            cluster.documents.add(ex.document.id)
    owner = _merge_clusters(clusters, apart)

    graph = nx.MultiDiGraph()
    graph.graph.update({"schema": SCHEMA_VERSION, "documents": [
        {k: v for k, v in (("id", ex.document.id), ("title", ex.document.title),
                           ("date", ex.document.date), ("url", ex.document.url),
                           ("source", ex.document.source)) if v is not None}
        for ex in extractions]})
    ids: dict[str, str] = {}
    for key in sorted(set(owner.values())):
        cluster = clusters[key]
        label, etype = cluster.label(), cluster.type()
        nid = node_id(etype, label)
        ids[key] = nid
        aliases = sorted((cluster.aliases | set(cluster.names)) - {label})
        graph.add_node(nid, id=nid, label=label, type=etype, aliases=aliases,
                       mentions=cluster.mentions, documents=sorted(cluster.documents))

    for ex in extractions:
        for rel in ex.relations:
            skey, okey = owner.get(name_key(rel.subject)), owner.get(name_key(rel.object))
            if skey is None or okey is None or skey == okey:
                continue
            u, v = ids[skey], ids[okey]
            if rel.relation in UNDIRECTED and v < u:
                u, v = v, u
            _add_evidence(graph, u, v, rel)
            _add_terms(graph, u, v, rel)
    for _, _, data in graph.edges(data=True):
        data["evidence"].sort(key=lambda e: (e["doc"], e["start"], e["end"]))
    return graph


def _merge_clusters(clusters: dict[str, _Cluster], apart: set = frozenset()) -> dict[str, str]:
    """Map every key to the key of the cluster it belongs to, merging aliases and short names."""
    parent = {key: key for key in clusters}

    def find(key: str) -> str:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            # keep the root whose name is fullest, so the merged label stays the long form
            keep, drop = sorted((ra, rb), key=lambda k: (-len(k.split()), -len(k), k))
            parent[drop] = keep

    # an alias that is itself the key of another cluster joins the two ("Lilly" -> "Eli Lilly")
    alias_owners: dict[str, set[str]] = defaultdict(set)
    for key, cluster in clusters.items():
        for alias in cluster.aliases:
            if alias[:1].isupper() or alias[:1].isdigit():
                alias_owners[name_key(alias)].add(key)
    for akey, owners in sorted(alias_owners.items()):
        if akey in clusters and len(owners) == 1:
            union(akey, next(iter(owners)))
    # a one-word name that ends or starts exactly one longer name of the same type
    by_word: dict[tuple[str, str], set[str]] = defaultdict(set)
    for key, cluster in clusters.items():
        words = key.split()
        if len(words) > 1 and cluster.type() in _SHORT_NAME_TYPES:
            by_word[(cluster.type(), words[-1])].add(key)
            # "Celltrion USA" is a unit of Celltrion, so "Celltrion" is not its short form
            if cluster.type() != "Person" and not is_unit_name(words):
                by_word[(cluster.type(), words[0])].add(key)
    for key, cluster in sorted(clusters.items()):
        # only names written as one word: "Novo Holdings" is no short form of "Novo Nordisk"
        if len(key.split()) == 1 and len(key) > 2 and len(cluster.label().split()) == 1:
            candidates = {c for c in by_word.get((cluster.type(), key), set()) if frozenset((key, c)) not in apart}
            if len(candidates) == 1:
                union(key, next(iter(candidates)))
    for key in sorted(clusters):
        root = find(key)
        if root != key:
            clusters[root].absorb(clusters[key])
    return {key: find(key) for key in clusters}


def is_unit_name(words: list[str]) -> bool:
    """Whether a name's words after the first are a unit's ("usa", "research laboratories", "china")."""
    return all(w in unit_word_set() or country_name(w) for w in words[1:])


def _add_evidence(graph: nx.MultiDiGraph, u: str, v: str, rel) -> None:
    item = rel.evidence.as_dict()
    if graph.has_edge(u, v, key=rel.relation):
        data = graph.edges[u, v, rel.relation]
        if not any({k: e[k] for k in e if k != "terms"} == item for e in data["evidence"]):
            data["evidence"].append(item)
        # independent supporting mentions make the edge more certain (noisy-or)
        data["confidence"] = round(1 - (1 - data["confidence"]) * (1 - rel.confidence), 4)
        for attr in ("amount", "upfront", "milestones"):
            new = getattr(rel, attr)
            if new is not None and _better_amount(new, data.get(attr)):
                data[attr] = new.as_dict()
        if rel.date and (not data.get("date") or len(rel.date) > len(data["date"])):
            data["date"] = rel.date
        if rel.role and not data.get("role"):
            data["role"] = rel.role
        return
    data = {"relation": rel.relation, "evidence": [item], "confidence": round(rel.confidence, 4)}
    for attr in ("amount", "upfront", "milestones"):
        if getattr(rel, attr) is not None:
            data[attr] = getattr(rel, attr).as_dict()
    if rel.date:
        data["date"] = rel.date
    if rel.role:
        data["role"] = rel.role
    graph.add_edge(u, v, key=rel.relation, **data)


def _add_terms(graph: nx.MultiDiGraph, u: str, v: str, rel) -> None:
    """What this one sentence states (money, date, status) as ``terms`` on its evidence item.

    The edge keeps one amount and one date for all its sentences; the deal layer
    (``graph/deals.py``) needs each sentence's own, to keep conflicting figures with
    their sources and to date a signing apart from a closing.
    """
    terms = {f.name: value.as_dict() for f in dataclasses.fields(rel)
             if isinstance(value := getattr(rel, f.name), Amount)}
    for attr in ("date", "status"):
        if isinstance(getattr(rel, attr, None), str):
            terms[attr] = getattr(rel, attr)
    if not terms:
        return
    key = (rel.evidence.doc, rel.evidence.start, rel.evidence.end)
    for item in graph.edges[u, v, rel.relation]["evidence"]:
        if (item["doc"], item["start"], item["end"]) == key:
            merged = item.setdefault("terms", {})
            for name, value in terms.items():
                merged.setdefault(name, value)
            return


def _better_amount(new: Amount, old: dict | None) -> bool:
    """Keep the first amount seen, but prefer one that states its USD equivalent."""
    return old is None or (old.get("usd") is None and new.usd is not None)


def prune_graph(graph: nx.MultiDiGraph, min_confidence: float) -> nx.MultiDiGraph:
    """Drop edges below ``min_confidence`` (stated intentions, hedged reports), in place."""
    weak = [(u, v, k) for u, v, k, c in graph.edges(keys=True, data="confidence")
            if c is not None and c < min_confidence]
    graph.remove_edges_from(weak)
    return graph
