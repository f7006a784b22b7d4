"""Plain, frozen records that the extract stage hands to the graph stage.

No spaCy object ever leaves ``newsgraph.extract``: documents, entities and relation
candidates are strings, numbers and character offsets, so the graph stage and the
tests can build them by hand.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Document:
    """One article: its text (metadata lines removed) and what we know about it."""

    id: str
    text: str
    title: str | None = None
    date: str | None = None  # ISO 8601 date of publication, when known
    url: str | None = None
    source: str | None = None  # the publication or feed it came from
    path: str | None = None  # where it was read from ("-" for stdin)


@dataclass(frozen=True)
class Amount:
    """A sum of money: ``value`` in units of ISO 4217 ``currency``; ``usd`` when stated."""

    value: float
    currency: str
    usd: float | None = None

    def as_dict(self) -> dict:
        out = {"value": self.value, "currency": self.currency}
        if self.usd is not None:
            out["usd"] = self.usd
        return out


@dataclass(frozen=True)
class Evidence:
    """The sentence that supports an edge; ``text[start:end] == sentence`` in document ``doc``."""

    doc: str
    sentence: str
    start: int
    end: int
    rule: str | None = None  # the id of the pattern or rule family that produced the edge

    def as_dict(self) -> dict:
        out = {"doc": self.doc, "sentence": self.sentence, "start": self.start, "end": self.end}
        if self.rule is not None:
            out["rule"] = self.rule
        return out


@dataclass(frozen=True)
class Entity:
    """One real-world entity as seen in one document: its fullest name and every other form."""

    name: str
    type: str
    aliases: tuple[str, ...] = ()
    mentions: int = 1


@dataclass(frozen=True)
class Relation:
    """A typed relation between two entities of the same document, named by ``Entity.name``."""

    subject: str
    relation: str
    object: str
    evidence: Evidence
    confidence: float = 0.8
    amount: Amount | None = None
    upfront: Amount | None = None
    milestones: Amount | None = None
    date: str | None = None
    role: str | None = None


@dataclass(frozen=True)
class Extraction:
    """Everything extracted from one document."""

    document: Document
    entities: tuple[Entity, ...] = ()
    relations: tuple[Relation, ...] = field(default=())
