"""Deals as records: one per deal, with its parties in their roles, asset, money, status and dates.

The graph spreads a deal over binary edges (``Pfizer LICENSES_FROM 3SBio``, ``Pfizer
INVESTS_IN 3SBio``); ``build_deals`` reads those edges back as deal records. Every edge of
a deal relation (``ACQUIRES``, ``LICENSES_FROM``, ``INVESTS_IN``, ``PARTNERS_WITH``,
``SIGNS_AGREEMENT_WITH``) is a deal; edges that one sentence states together are one
deal (the investors of a round, the buyers of a consortium, a licence that the text also
calls a collaboration). Two articles about one deal are already one edge of the graph
(same type and parties), so signing and closing meet in one record: the latest article
that says "completed" or "terminated" sets the status and its date. The types, roles,
money fields and the cue words for type, status, territory and lead investor are the
table in ``graph/data/deals.json``. Money is what the text stated, field by field
(``total``, ``upfront``, ``milestones``...), each with the sentences that state it; when
articles disagree every figure is kept with its sources and the most recent is shown; a
total is never made up from its parts.

>>> from newsgraph.extract.model import Amount, Document, Entity, Evidence, Extraction, Relation
>>> from newsgraph.graph import build_graph
>>> doc = Document("d1", "Calloway Pharma licensed AB-101 from Arden Bio for $20 million upfront.",
...                date="2025-05-02")
>>> ev = Evidence("d1", doc.text, 0, len(doc.text))
>>> ex = Extraction(doc, (Entity("Calloway Pharma", "Company"), Entity("Arden Bio", "Company"),
...                       Entity("AB-101", "Drug")),
...                 (Relation("Calloway Pharma", "LICENSES_FROM", "Arden Bio", ev,
...                           upfront=Amount(20e6, "USD", 20e6)),
...                  Relation("Arden Bio", "DEVELOPS", "AB-101", ev)))
>>> [deal] = build_deals(build_graph([ex]))
>>> deal["type"], deal["status"], deal["announced"]
('licence', 'announced', '2025-05-02')
>>> [(p["role"], p["label"]) for p in deal["parties"]], [a["label"] for a in deal["asset"]]
([('licensee', 'Calloway Pharma'), ('licensor', 'Arden Bio')], ['AB-101'])
>>> deal["money"]["upfront"]["value"], "total" in deal["money"]
(20000000.0, False)
"""
from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import networkx as nx

from newsgraph.errors import SchemaError

DATA_FILE = Path(__file__).resolve().parent / "data" / "deals.json"
_PLACE_TYPES = frozenset({"Country", "Location"})
_ASSET_TYPES = frozenset({"Drug", "Technology"})


@dataclass(frozen=True)
class DealType:
    id: str
    relation: str
    roles: tuple[str, str]
    merge_on: str  # "object": same object; "party": a shared party; "none": never merged
    object_types: frozenset[str] | None
    cues: tuple[re.Pattern, ...]


@dataclass(frozen=True)
class DealRules:
    types: tuple[DealType, ...]
    type_rank: tuple[str, ...]
    roles: dict
    role_order: tuple[str, ...]
    money: tuple[tuple[str, tuple[str, ...]], ...]  # (field, graph attributes that hold it)
    statuses: tuple[tuple[str, tuple[re.Pattern, ...]], ...]
    default_status: str
    territory: tuple[tuple[re.Pattern, str], ...]
    territory_types: frozenset[str]
    lead_investor: tuple[str, ...]
    regions: frozenset[str]
    skip_statements: frozenset[str]
    asset_owner_roles: frozenset[str]
    status_needs: dict  # status -> the extraction statements it needs (a rejection needs a denial)
    status_not: dict  # status -> regexes that, matched, mean the sentence does not say it
    merged_money: dict
    any_status: re.Pattern  # every status cue in one regex

    @property
    def relations(self) -> frozenset[str]:
        return frozenset(t.relation for t in self.types)

    @property
    def money_fields(self) -> tuple[str, ...]:
        return tuple(field for field, _ in self.money)

    @property
    def type_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(t.id for t in self.types))


@lru_cache(maxsize=None)
def _union(patterns: tuple[re.Pattern, ...]) -> re.Pattern:
    """One case-insensitive regex matching where any of ``patterns`` does."""
    return re.compile("|".join(f"(?:{p.pattern})" for p in patterns) or "(?!)", re.IGNORECASE)


def _compile(path: Path, where: str, pattern, case: bool = False) -> re.Pattern:
    if not isinstance(pattern, str):
        raise SchemaError(f"{path}: {where}: expected a regular expression string, got {pattern!r}")
    try:
        return re.compile(pattern, 0 if case else re.IGNORECASE)
    except re.error as exc:
        raise SchemaError(f"{path}: {where}: bad regular expression {pattern!r} ({exc})") from None


@lru_cache(maxsize=None)
def deal_rules(path: str | Path = DATA_FILE) -> DealRules:
    """The deal table of ``path`` (default ``graph/data/deals.json``), checked.

    >>> rules = deal_rules()
    >>> rules.type_ids[:3], rules.money_fields[:3]
    (('asset_purchase', 'merger', 'acquisition'), ('total', 'upfront', 'milestones'))
    """
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SchemaError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except json.JSONDecodeError as exc:
        raise SchemaError(f"{path}:{exc.lineno}: invalid JSON ({exc.msg})") from None
    required = ("types", "type_rank", "roles", "role_order", "money", "statuses", "default_status",
                "territory", "territory_types", "lead_investor", "regions", "skip_statements")
    missing = [k for k in required if not isinstance(data, dict) or k not in data]
    if missing:
        raise SchemaError(f"{path}: missing key(s) {', '.join(map(repr, missing))}")
    roles = data["roles"]
    types = []
    for i, entry in enumerate(data["types"]):
        where = f"types[{i}]"
        if not isinstance(entry, dict) or not {"id", "relation", "roles", "merge_on"} <= set(entry):
            raise SchemaError(f"{path}: {where}: expected an object with id, relation, roles, merge_on")
        pair = tuple(entry["roles"])
        if len(pair) != 2 or any(r not in roles for r in pair):
            raise SchemaError(f"{path}: {where}: roles must be two of {', '.join(sorted(roles))}")
        if entry["merge_on"] not in ("object", "party", "none"):
            raise SchemaError(f"{path}: {where}: merge_on must be object, party or none")
        if entry["id"] not in data["type_rank"]:
            raise SchemaError(f"{path}: {where}: type {entry['id']!r} is missing from type_rank")
        types.append(DealType(
            entry["id"], entry["relation"], pair, entry["merge_on"],
            frozenset(entry["object_types"]) if entry.get("object_types") else None,
            tuple(_compile(path, f"{where}.cues", c) for c in entry.get("cues", ()))))
    for role in data["role_order"]:
        if role not in roles:
            raise SchemaError(f"{path}: role_order: unknown role {role!r}")
    statuses = tuple((s["status"], tuple(_compile(path, f"statuses[{s['status']}]", c) for c in s["cues"]))
                     for s in data["statuses"])
    territory = tuple((_compile(path, f"territory[{i}]", t["pattern"], t.get("case", False)), t["template"])
                      for i, t in enumerate(data["territory"]))
    for pattern in data["lead_investor"]:
        if "{name}" not in pattern:
            raise SchemaError(f"{path}: lead_investor: {pattern!r} must hold {{name}}")
    return DealRules(
        types=tuple(types), type_rank=tuple(data["type_rank"]), roles=roles,
        role_order=tuple(data["role_order"]),
        money=tuple((m["field"], tuple(m["attrs"])) for m in data["money"]),
        statuses=statuses, default_status=data["default_status"], territory=territory,
        territory_types=frozenset(data["territory_types"]), lead_investor=tuple(data["lead_investor"]),
        regions=frozenset(r.lower() for r in data["regions"]),
        skip_statements=frozenset(data["skip_statements"]),
        asset_owner_roles=frozenset(data.get("asset_owner_roles", ())),
        status_needs={s["status"]: frozenset(s["needs_statement"]) for s in data["statuses"] if "needs_statement" in s},
        status_not={s["status"]: _union(tuple(_compile(path, f"statuses[{s['status']}].not", c) for c in s["not"]))
                    for s in data["statuses"] if s.get("not")},
        merged_money=data.get("merged_money", {}),
        any_status=_union(tuple(c for _, cues in statuses for c in cues)))


# ---------------------------------------------------------------- edges to deals


def _sentence_key(ev: dict) -> tuple:
    return (str(ev.get("doc")), ev.get("start"), ev.get("end"))


def _dates_compatible(a: str | None, b: str | None) -> bool:
    return not a or not b or a.startswith(b) or b.startswith(a)


def _classify(rules: DealRules, relation: str, object_type: str | None, sentences: list[str]) -> DealType | None:
    for dtype in rules.types:
        if dtype.relation != relation:
            continue
        if dtype.object_types is not None and object_type not in dtype.object_types:
            continue
        if dtype.cues and not any(_union(dtype.cues).search(s) for s in sentences):
            continue
        return dtype
    return None


def _status_of(rules: DealRules, sentence: str, statements: frozenset = frozenset()) -> tuple[int, str] | None:
    """The first status of the table whose cue ``sentence`` matches, given the edges' statements."""
    if not rules.any_status.search(sentence):
        return None  # one search for the many sentences that say nothing of a status
    for rank, (status, cues) in enumerate(rules.statuses):
        if status in rules.status_needs and not rules.status_needs[status] & statements:
            continue
        if status in rules.status_not and rules.status_not[status].search(sentence):
            continue
        if any(c.search(sentence) for c in cues):
            return rank, status
    return None


@dataclass
class _Edge:
    u: str
    v: str
    relation: str
    dtype: DealType
    data: dict
    keys: frozenset  # the sentences that state it


def build_deals(graph: nx.MultiDiGraph, rules: DealRules | None = None) -> list[dict]:
    """The deal records of ``graph``, sorted by announcement date then id; see the module doc."""
    rules = rules or deal_rules()
    doc_dates = {str(d["id"]): d.get("date") for d in graph.graph.get("documents", [])
                 if isinstance(d, dict) and d.get("id") is not None}
    edges: list[_Edge] = []
    for u, v, key, data in sorted(graph.edges(keys=True, data=True), key=lambda e: (e[0], e[1], str(e[2]))):
        relation = data.get("relation", key)
        if relation not in rules.relations:
            continue
        evidence = [ev for ev in data.get("evidence") or () if isinstance(ev, dict)]
        sentences = [str(ev.get("sentence", "")) for ev in evidence]
        statement = data.get("status")
        if statement in rules.skip_statements and not any(
                (_status_of(rules, s, frozenset({statement})) or (0, ""))[1] in ("rejected", "terminated")
                for s in sentences):
            continue
        dtype = _classify(rules, relation, graph.nodes[v].get("type"), sentences)
        if dtype is None:
            continue
        edges.append(_Edge(u, v, relation, dtype, data, frozenset(_sentence_key(ev) for ev in evidence)))

    groups = _group(edges)
    names = _NameIndex(graph)
    places = _place_names(graph)
    # who develops which drug or technology, and in which sentences the text says so
    names.developers = defaultdict(set)
    names.by_sentence = defaultdict(set)
    for u, v, data in graph.edges(data=True):
        if data.get("relation") == "DEVELOPS" and graph.nodes[v].get("type") in _ASSET_TYPES:
            names.developers[v].add(u)
            for ev in data.get("evidence") or ():
                if isinstance(ev, dict):
                    names.by_sentence[_sentence_key(ev)].add((u, v))
    deals = [_deal(graph, rules, [edges[i] for i in group], doc_dates, names, places) for group in groups]
    deals.sort(key=lambda d: (d["announced"] or "9999", d["id"]))
    return deals


def _group(edges: list[_Edge]) -> list[list[int]]:
    """Edges that one sentence states together, as one deal (union-find)."""
    parent = list(range(len(edges)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_sentence: dict[tuple, list[int]] = defaultdict(list)
    for i, edge in enumerate(edges):
        for key in edge.keys:
            by_sentence[key].append(i)
    for members in by_sentence.values():
        for x, i in enumerate(members):
            for j in members[x + 1:]:
                if _joins(edges[i], edges[j]):
                    parent[find(j)] = find(i)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(edges)):
        groups[find(i)].append(i)
    return sorted(groups.values())


def _joins(a: _Edge, b: _Edge) -> bool:
    if not _dates_compatible(a.data.get("date"), b.data.get("date")):
        return False
    if {a.u, a.v} == {b.u, b.v}:
        return True  # one pair, one sentence: a licence that is also called a collaboration
    if a.dtype.id != b.dtype.id:
        return False
    if a.dtype.merge_on == "object":
        return a.v == b.v
    if a.dtype.merge_on == "party":
        return bool({a.u, a.v} & {b.u, b.v})
    return False


class _NameIndex:
    """Drug and Technology names of the graph, found in sentences in one regex pass."""

    def __init__(self, graph: nx.MultiDiGraph):
        self.owner: dict[str, str] = {}
        for nid, data in sorted(graph.nodes(data=True)):
            if data.get("type") not in _ASSET_TYPES:
                continue
            for name in [data.get("label"), *(data.get("aliases") or ())]:
                if isinstance(name, str) and len(name) >= 3:
                    self.owner.setdefault(name, nid)
        names = sorted(self.owner, key=lambda n: (-len(n), n))
        self.pattern = (re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, names)) + r")(?!\w)")
                        if names else None)

    def find(self, sentence: str) -> list[str]:
        if self.pattern is None:
            return []
        return [self.owner[m.group()] for m in self.pattern.finditer(sentence)]


def _party(graph: nx.MultiDiGraph, role: str, nid: str) -> dict:
    data = graph.nodes[nid]
    return {"role": role, "id": str(nid), "label": str(data.get("label", nid)), "type": data.get("type")}


def _ref(ev: dict) -> dict:
    return {"doc": str(ev.get("doc")), "start": ev.get("start"), "end": ev.get("end")}


def _figure(money: dict) -> dict | None:
    if not isinstance(money, dict) or not isinstance(money.get("value"), (int, float)):
        return None
    out = {"value": money["value"], "currency": money.get("currency")}
    usd = money.get("usd")
    if usd is None and money.get("currency") == "USD":
        usd = money["value"]
    if usd is not None:
        out["usd"] = usd
    return out


def _deal(graph, rules: DealRules, members: list[_Edge], doc_dates: dict, names: _NameIndex,
          places: frozenset[str]) -> dict:
    rank = {t: i for i, t in enumerate(rules.type_rank)}
    dtype = min((m.dtype for m in members), key=lambda t: rank[t.id])
    evidence: dict[tuple, dict] = {}
    for m in members:
        for ev in m.data.get("evidence") or ():
            if isinstance(ev, dict):
                item = evidence.setdefault(_sentence_key(ev), dict(ev))
                for k, val in (ev.get("terms") or {}).items():
                    item.setdefault("terms", {}).setdefault(k, val)

    def ev_date(ev: dict) -> str | None:
        return (ev.get("terms") or {}).get("date") or doc_dates.get(str(ev.get("doc")))

    ordered = sorted(evidence.values(), key=lambda ev: (str(ev.get("doc")), ev.get("start") or 0))

    # parties in their roles: the edges of the deal's own type say who is who
    parties: dict[tuple[str, str], dict] = {}
    for m in sorted(members, key=lambda m: m.dtype.id != dtype.id):
        if m.dtype.id == dtype.id or m.dtype.roles == dtype.roles:
            roles = dtype.roles
        else:
            roles = ("party", "party") if "party" in rules.roles else dtype.roles
        for role, nid in zip(roles, (m.u, m.v)):
            if any(p_id == nid for (_, p_id) in parties):
                continue
            parties[(role, nid)] = _party(graph, role, nid)
    if dtype.roles[0] == "investor":
        for (role, nid), party in list(parties.items()):
            if role == "investor" and _is_lead(rules, graph, nid, ordered):
                del parties[(role, nid)]
                parties[("lead_investor", nid)] = {**party, "role": "lead_investor"}
    order = {r: i for i, r in enumerate(rules.role_order)}
    party_list = sorted(parties.values(), key=lambda p: (order.get(p["role"], len(order)), p["label"], p["id"]))

    # the asset: a drug or technology that is a party; that a party develops by a sentence
    # of the deal; or that a deal sentence names and the party granting rights develops
    assets: dict[str, dict] = {}
    for p in party_list:
        if p["role"] == "asset":
            assets[p["id"]] = {"id": p["id"], "label": p["label"], "type": p["type"], "source": None}
    party_ids = {p["id"] for p in party_list}
    owners = {p["id"] for p in party_list if p["role"] in rules.asset_owner_roles}

    def add_asset(nid: str, ev: dict) -> None:
        if nid not in party_ids and nid not in assets:
            data = graph.nodes[nid]
            assets[nid] = {"id": nid, "label": data.get("label", nid), "type": data.get("type"), "source": _ref(ev)}

    for ev in ordered:
        for developer, nid in sorted(names.by_sentence.get(_sentence_key(ev), ())):
            if developer in party_ids:
                add_asset(nid, ev)
        for nid in names.find(str(ev.get("sentence", ""))):
            if names.developers.get(nid, set()) & owners:
                add_asset(nid, ev)

    # money: every stated figure with the sentences stating it; the latest stated one shown
    figures: dict[str, dict[tuple, dict]] = defaultdict(dict)
    own_values: set = set()
    for m in sorted(members, key=lambda m: m.relation != dtype.relation):
        remap = {} if m.relation == dtype.relation else rules.merged_money.get(m.relation, {})
        stated_here = set()
        for ev in m.data.get("evidence") or ():
            terms = ev.get("terms") if isinstance(ev, dict) else None
            if not terms:
                continue
            for field, attrs in rules.money:
                fig = next((f for f in map(_figure, (terms.get(a) for a in attrs)) if f is not None), None)
                if fig is not None:
                    stated_here.add(field)
                    _add_figure(figures[remap.get(field, field)], fig, [ev], doc_dates, own_values, remap)
        for field, attrs in rules.money:
            target = remap.get(field, field)
            if field not in stated_here:
                fig = next((f for f in map(_figure, (m.data.get(a) for a in attrs)) if f is not None), None)
                if fig is not None:
                    # a graph without per-sentence terms: the edge's sentences stand for the figure
                    _add_figure(figures[target], fig, [ev for ev in m.data.get("evidence") or ()
                                                       if isinstance(ev, dict)], doc_dates, own_values, remap)
    money, conflicts = {}, {}
    for field in rules.money_fields:
        found = list(figures.get(field, {}).values())
        if not found:
            continue
        # the most recent article first; when dates cannot tell, the figure more articles state,
        # then the more precise one ("about $484 million" over "$480 million")
        found.sort(key=lambda f: (f["_latest"][0], len({r["doc"] for r in f["sources"]}),
                                  _precision(f["value"]) + _precision(f.get("usd")), f["_latest"][1],
                                  f["value"], str(f.get("currency")), f.get("usd") or 0))
        for f in found:
            f["sources"].sort(key=lambda r: (r["doc"], r["start"] or 0))
        money[field] = {k: v for k, v in found[-1].items() if not k.startswith("_")}
        if len(found) > 1:
            conflicts[field] = [{k: v for k, v in f.items() if not k.startswith("_")} for f in reversed(found)]

    # status: the latest sentence with a cue; dates of announcement and completion
    status, status_source, completed = rules.default_status, None, None
    cued = []
    statements = frozenset(str(m.data["status"]) for m in members if m.data.get("status"))
    for ev in ordered:
        found = _status_of(rules, str(ev.get("sentence", "")), statements)
        if found is not None:
            cued.append(((ev_date(ev) or ""), -found[0], str(ev.get("doc")), ev.get("start") or 0, found[1], ev))
    if cued:
        *_, status, last = max(cued, key=lambda c: c[:4])
        status_source = _ref(last)
        if status == "completed":
            completed = ev_date(last)
    terminal = {id(c[-1]) for c in cued if c[4] in ("completed", "terminated", "rejected")}
    announced = _announced(members, ordered, terminal, doc_dates)

    territory: dict[str, dict] = {}
    if dtype.id in rules.territory_types:
        for ev in ordered:
            for value in _territories(rules, str(ev.get("sentence", "")), places):
                territory.setdefault(value, {"value": value, "source": _ref(ev)})

    relations = sorted({(m.u, m.relation, m.v) for m in members})
    digest = hashlib.sha256("\n".join("\x00".join(r) for r in relations).encode("utf-8")).hexdigest()[:16]
    confidences = [m.data.get("confidence") for m in members if isinstance(m.data.get("confidence"), (int, float))]
    deal = {
        "id": f"deal:{dtype.id}:{digest}",
        "type": dtype.id,
        "status": status,
        "announced": announced,
        "completed": completed,
        "parties": party_list,
        "asset": list(assets.values()),
        "money": money,
        "territory": list(territory.values()),
        "status_source": status_source,
        "statements": sorted(statements),
        "confidence": max(confidences) if confidences else None,
        "relations": [{"source": u, "relation": r, "target": v} for u, r, v in relations],
        "sources": sorted({str(ev.get("doc")) for ev in ordered}),
        "evidence": [{**{k: v for k, v in ev.items() if k != "terms"},
                      **({"date": ev_date(ev)} if ev_date(ev) else {})} for ev in ordered],
    }
    if conflicts:
        deal["conflicts"] = conflicts
    return deal


def _announced(members: list[_Edge], ordered: list[dict], terminal: set, doc_dates: dict) -> str | None:
    """The earliest date a sentence that is not about the ending gives (its own date, else its article's)."""
    opening = [ev for ev in ordered if id(ev) not in terminal] or ordered
    own = [ev["terms"]["date"] for ev in opening if isinstance((ev.get("terms") or {}).get("date"), str)]
    if own:
        return min(own)
    edge_dates = [m.data["date"] for m in members if isinstance(m.data.get("date"), str)]
    if edge_dates and not any(ev.get("terms") for ev in ordered):
        return min(edge_dates)  # a graph without per-sentence terms: the edge's date
    dates = [d for d in (doc_dates.get(str(ev.get("doc"))) for ev in opening) if isinstance(d, str)]
    return min(dates) if dates else (min(edge_dates) if edge_dates else None)


def _precision(number) -> int:
    """Significant digits of a stated figure: 484000000 -> 3, 480000000 -> 2."""
    if not isinstance(number, (int, float)) or number != number or number in (float("inf"), float("-inf")):
        return 0
    digits = f"{abs(number):.15g}".replace(".", "").split("e")[0].strip("0")
    return len(digits)


def _add_figure(found: dict, fig: dict, evidence: list, doc_dates: dict, own_values: set, remapped: dict) -> None:
    """Add a stated figure with the sentences stating it; its recency is its latest article's date."""
    value = (float(fig["value"]), fig.get("currency"))
    if remapped and value in own_values:
        return  # the deal's own edges state this figure already
    if not remapped:
        own_values.add(value)
    # a figure is its value, currency and stated USD: "$480 million" and "$484 million" for
    # one 710 billion won are two statements, both kept
    entry = found.setdefault(value + (fig.get("usd"),), {**fig, "sources": [], "_latest": ("", ""), "_seen": set()})
    for ev in evidence:
        ref = _ref(ev)
        key = (ref["doc"], ref["start"], ref["end"])
        if key not in entry["_seen"]:
            entry["_seen"].add(key)
            entry["sources"].append(ref)
        date = doc_dates.get(ref["doc"])
        entry["_latest"] = max(entry["_latest"], (date if isinstance(date, str) else "", ref["doc"]))


def _is_lead(rules: DealRules, graph, nid: str, evidence: list[dict]) -> bool:
    data = graph.nodes[nid]
    forms = [n for n in [data.get("label"), *(data.get("aliases") or ())] if isinstance(n, str) and n]
    # most sentences say nothing of leading: look closer only where "led" and the name both occur
    sentences = [s for s in (str(ev.get("sentence", "")) for ev in evidence) if "led" in s.lower()]
    for sentence in sentences:
        for form in forms:
            if form in sentence and any(_lead_pattern(t, form).search(sentence) for t in rules.lead_investor):
                return True
    return False


@lru_cache(maxsize=4096)
def _lead_pattern(template: str, name: str) -> re.Pattern:
    return re.compile(template.replace("{name}", re.escape(name)))


def _place_names(graph) -> frozenset[str]:
    names = set()
    for _, data in graph.nodes(data=True):
        if data.get("type") in _PLACE_TYPES:
            names.update(n.lower() for n in [data.get("label"), *(data.get("aliases") or ())] if isinstance(n, str))
    return frozenset(names)


def _territories(rules: DealRules, sentence: str, places: frozenset[str]) -> list[str]:
    out = []
    for pattern, template in rules.territory:
        for match in pattern.finditer(sentence):
            if not match.groups():
                out.append(template)
                continue
            text = match.group(1).strip(" ,")
            # a sentence's full stop is no part of "Japan", but it is of "the U.S."
            for candidate in dict.fromkeys((text, text.rstrip("."))):
                if _known_places(rules, candidate, places):
                    out.append(template.format(candidate))
                    break
    return out


def _known_places(rules: DealRules, text: str, places: frozenset[str]) -> bool:
    # "China, Hong Kong and Macau": every part must be a place the graph or the table knows
    parts = [p.strip() for p in re.split(r",|\band\b", text) if p.strip()]
    return bool(parts) and all(
        p.lower() in rules.regions or p.lower() in places
        or re.sub(r"^the\s+", "", p, flags=re.IGNORECASE).lower() in places for p in parts)


# ---------------------------------------------------------------- selecting


def deal_usd(deal: dict) -> float | None:
    """The figure ``--min-usd`` compares: the stated total in USD, else the largest stated USD term.

    >>> deal_usd({"money": {"upfront": {"usd": 2e7}, "milestones": {"usd": 4.32e8}}})
    432000000.0
    """
    money = deal.get("money") or {}
    total = (money.get("total") or {}).get("usd")
    if total is not None:
        return float(total)
    stated = [float(m["usd"]) for m in money.values() if isinstance(m, dict) and m.get("usd") is not None]
    return max(stated) if stated else None


def select_deals(deals: Iterable[dict], *, types: Iterable[str] = (), since: str | None = None,
                 min_usd: float | None = None) -> list[dict]:
    """The deals of one of ``types`` (all when empty), announced on or after ``since``, worth ``min_usd``.

    >>> ds = [{"type": "licence", "announced": "2025-03", "money": {"total": {"usd": 5e8}}},
    ...       {"type": "acquisition", "announced": "2024-12-01", "money": {}}]
    >>> [d["type"] for d in select_deals(ds, since="2025")], len(select_deals(ds, min_usd=1e8))
    (['licence'], 1)
    """
    types = set(types)
    out = []
    for deal in deals:
        if types and deal.get("type") not in types:
            continue
        if since and (not deal.get("announced") or deal["announced"][:len(since)] < since[:len(deal["announced"])]):
            continue
        if min_usd is not None and (deal_usd(deal) or 0) < min_usd:
            continue
        out.append(deal)
    return out
