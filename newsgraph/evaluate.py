"""Scoring a graph against gold annotations (format ``newsgraph-gold/1``), as ``newsgraph eval`` does.

Corpus-level scores, following the rules of the project's evaluation README: gold
entities of all documents are merged by name; a node matches a gold entity when its
label (or failing that an alias) has one of the entity's names; extra nodes matching
the same entity are duplicates; an edge is right when both ends match and the gold
has that relation between them (either direction for undirected relations);
optional gold items are neither needed nor punished.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
from pydantic import TypeAdapter, ValidationError
from typing_extensions import NotRequired, TypedDict  # pydantic takes typing's TypedDict from 3.12 on

from newsgraph.errors import SchemaError
from newsgraph.extract.names import name_key
from newsgraph.graph import RELATION_TYPES, UNDIRECTED
from newsgraph.options import safe_text


@dataclass(frozen=True)
class Score:
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def line(self, name: str) -> str:
        return (f"{name:15} P {self.precision:.3f}  R {self.recall:.3f}  F1 {self.f1:.3f}"
                f"  (tp {self.tp}, fp {self.fp}, fn {self.fn})")


def _key(name: str) -> str:
    # the gold's notion of a name: the graph's name key, without a trailing "and"
    return name_key(name)


class _GoldEntity(TypedDict):
    name: str
    type: str
    aliases: NotRequired[list[str]]
    optional: NotRequired[bool]


class _GoldRelation(TypedDict):
    subject: str
    relation: str
    object: str
    optional: NotRequired[bool]


class _GoldDocument(TypedDict):
    entities: NotRequired[list[_GoldEntity]]
    relations: NotRequired[list[_GoldRelation]]


class _GoldFile(TypedDict):
    documents: list[_GoldDocument]


def load_gold(path: str | Path) -> tuple[dict, dict, dict]:
    """(entities by key, relations by key, surface form -> entity key) of a gold file.

    A file that is not ``newsgraph-gold/1`` is a ``SchemaError`` naming the first wrong field.
    """
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError) as exc:
        raise SchemaError(f"{path}: not a newsgraph-gold/1 file ({getattr(exc, 'strerror', None) or exc})"
                          ) from None
    try:
        TypeAdapter(_GoldFile).validate_python(data, strict=True)
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        where = ".".join(str(part) for part in error["loc"]) or "the file"
        raise SchemaError(f"{path}: not a newsgraph-gold/1 file ({where}: {error['msg']})") from None
    documents = data["documents"]
    entities: dict[str, dict] = {}
    relations: dict[tuple, dict] = {}
    for doc in documents:
        for e in doc.get("entities", []):
            ent = entities.setdefault(_key(e["name"]), {"type": e["type"], "names": set(), "optional": True})
            ent["optional"] = ent["optional"] and bool(e.get("optional"))
            ent["names"].update(_key(n) for n in [e["name"], *e.get("aliases", [])])
        for r in doc.get("relations", []):
            s, t = _key(r["subject"]), _key(r["object"])
            key = (r["relation"], *sorted((s, t))) if r["relation"] in UNDIRECTED else (r["relation"], s, t)
            old = relations.get(key)
            merged = dict(r, optional=bool(r.get("optional")) and (old is None or old["optional"]))
            for attr in ("amount", "upfront", "milestones", "date"):
                if old and not merged.get(attr):
                    merged[attr] = old.get(attr)
            relations[key] = merged
    owners: dict[str, set] = {}
    for key, ent in entities.items():
        for n in ent["names"]:
            owners.setdefault(n, set()).add(key)
    alias = {n: next(iter(k)) for n, k in owners.items() if len(k) == 1}
    alias.update({k: k for k in entities})
    return entities, relations, alias


def score_graph(gold_path: str | Path, graph: nx.MultiDiGraph) -> dict:
    """Entity, typed-entity and relation scores of ``graph`` against the gold file."""
    entities, relations, alias = load_gold(gold_path)
    node_key, seen, typed = {}, {}, set()
    e_fp = dup = 0
    for node, data in graph.nodes(data=True):
        key = next((alias[_key(n)] for n in [data.get("label", node), *(data.get("aliases") or [])]
                    if _key(n) in alias), None)
        node_key[node] = key
        if key is None:
            e_fp += 1
            continue
        seen[key] = seen.get(key, 0) + 1
        dup += seen[key] > 1
        if data.get("type") == entities[key]["type"]:
            typed.add(key)
    required = {k for k, v in entities.items() if not v["optional"]}
    hit, typed_hit = required & seen.keys(), required & typed
    found, false = set(), set()
    for u, v, data in graph.edges(data=True):
        rel = data.get("relation")
        if rel not in RELATION_TYPES:
            continue
        s, t = node_key.get(u), node_key.get(v)
        key = ((rel, *sorted((s, t))) if rel in UNDIRECTED else (rel, s, t)) if s and t else None
        if key in relations:
            found.add(key)
        else:
            false.add((rel, s or u, t or v))
    needed = {k for k, r in relations.items() if not r["optional"]}
    tp = len(needed & found)
    return {
        "entities": Score(len(hit), e_fp + dup, len(required) - len(hit)),
        "entities_typed": Score(len(typed_hit), e_fp + dup + len(hit) - len(typed_hit), len(required) - len(typed_hit)),
        "relations": Score(tp, len(false), len(needed) - tp),
        "duplicate_nodes": dup,
        "missed": sorted(" ".join(k) for k in needed - found),
        "false": sorted(" ".join(map(str, k)) for k in false),
    }


def format_scores(result: dict) -> str:
    lines = [result[name].line(name) for name in ("entities", "entities_typed", "relations")]
    lines.append(f"duplicate nodes {result['duplicate_nodes']}")
    # names come from article text: a newline or an escape sequence in one must not forge a line
    lines += ([f"  missed: {safe_text(m)}" for m in result["missed"]]
              + [f"  false:  {safe_text(m)}" for m in result["false"]])
    return "\n".join(lines)
