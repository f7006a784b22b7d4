"""Entities: spaCy's named entities, corrected and typed for the domain, grouped per real entity.

spaCy's small English model finds names but types them loosely (a media outlet as
PERSON, a company as PRODUCT). Here every candidate span gets a schema type from, in
order: the gazetteers in ``data/gazetteer.jsonl`` (through an ``EntityRuler`` run before
the model's NER), name shapes in ``data/name_shapes.json`` (company suffixes, agency and
organisation words, drug-name endings), country data (pycountry plus
``data/countries.json``) and finally the model's label. Mentions of one entity within a
document (short names, acronyms, "the company") are then grouped into one ``Entity``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .lexicon import load_json, load_jsonl
from .model import Entity
from .names import name_key

SCHEMA_TYPES = ("Company", "GovernmentAgency", "Organization", "MediaOutlet", "Person",
                "Country", "Location", "Drug", "Technology")
#: spaCy label -> schema type when nothing better is known
_LABEL_TYPES = {"PERSON": "Person", "ORG": "Company", "GPE": "Location", "LOC": "Location",
                "FAC": "Location", "PRODUCT": "Drug", "NORP": None}


@dataclass(frozen=True)
class EntityMention:
    """One mention in one document; ``name`` is the entity it refers to after grouping."""

    start: int  # character offsets in the document text
    end: int
    text: str
    type: str
    name: str
    token_start: int
    token_end: int


def add_entity_components(nlp) -> None:
    """Add the gazetteer ``EntityRuler`` before the model's NER (once)."""
    if "newsgraph_gazetteer" in nlp.pipe_names:
        return
    ruler = nlp.add_pipe("entity_ruler", name="newsgraph_gazetteer", before="ner",
                         config={"phrase_matcher_attr": "ORTH", "overwrite_ents": True})
    ruler.add_patterns([{"label": r["label"], "pattern": r["pattern"]}
                        for r in load_jsonl("gazetteer.jsonl", "label", "pattern")])


@lru_cache(maxsize=1)
def _shapes() -> dict:
    return load_json("name_shapes.json", "company_suffixes", "agency_words", "organization_words",
                     "media_words", "drug_suffixes")


@lru_cache(maxsize=1)
def _countries() -> dict[str, str]:
    """Lower-cased country names and aliases -> the canonical country name."""
    import pycountry

    data = load_json("countries.json", "display_names", "aliases")
    names: dict[str, str] = {}
    for country in pycountry.countries:
        display = data["display_names"].get(country.alpha_2) or getattr(
            country, "common_name", None) or country.name
        for form in (country.name, getattr(country, "common_name", None),
                     getattr(country, "official_name", None), display):
            if form:
                names[form.lower()] = display
    for alias, code in data["aliases"].items():
        country = pycountry.countries.get(alpha_2=code)
        if country is None:
            continue
        names[alias.lower()] = data["display_names"].get(code) or getattr(
            country, "common_name", None) or country.name
    return names


def country_name(text: str) -> str | None:
    """The canonical name of the country ``text`` names, or None.

    >>> country_name("Korea"), country_name("the Republic of Korea"), country_name("Boston")
    ('South Korea', 'South Korea', None)
    """
    key = " ".join(text.replace("\u2019", "'").split()).lower()
    key = re.sub(r"^the\s+", "", key)
    return _countries().get(key)


def classify(text: str, label: str) -> str | None:
    """The schema type of a span with spaCy label ``label`` (a schema type for gazetteer hits)."""
    if label in SCHEMA_TYPES:
        return label
    shapes = _shapes()
    words = text.replace("\u2019", "'").split()
    if not words:
        return None
    lowered = [w.lower().strip(".,") for w in words]
    if label in ("GPE", "LOC", "NORP") and country_name(text):
        return "Country" if label != "NORP" else None
    if label == "NORP":
        return None
    if any(w in shapes["agency_words"] for w in lowered):
        return "GovernmentAgency"
    if any(w in shapes["media_words"] for w in lowered) and label in ("ORG", "PERSON", "WORK_OF_ART"):
        return "MediaOutlet"
    if any(w in shapes["organization_words"] for w in lowered) and label in ("ORG", "PERSON", "FAC"):
        return "Organization"
    if lowered[-1] in shapes["company_suffixes"] and label in ("ORG", "PERSON", "PRODUCT", "GPE"):
        return "Company"
    if len(words) == 1 and label in ("ORG", "PRODUCT", "PERSON") and lowered[0].endswith(
            tuple(shapes["drug_suffixes"])) and words[0][:1].islower():
        return "Drug"
    return _LABEL_TYPES.get(label)


_STRIP_LEFT = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
_STRIP_RIGHT = re.compile(r"(?:'s|'|’s|’)$")


def doc_entities(sdoc) -> tuple[list[Entity], list[EntityMention]]:
    """The entities of a parsed document and every mention, grouped per real entity."""
    raw: list[tuple[int, int, str]] = []  # token start, token end, type
    for ent in sdoc.ents:
        etype = classify(ent.text, ent.label_)
        if etype is None:
            continue
        start, end = ent.start, ent.end
        while start < end and sdoc[start].lower_ in ("the", "a", "an"):
            start += 1
        while end > start and (sdoc[end - 1].tag_ == "POS" or sdoc[end - 1].is_punct):
            end -= 1
        if start >= end:
            continue
        if etype == "Country":
            pass
        raw.append((start, end, etype))
    mentions = []
    for start, end, etype in raw:
        span = sdoc[start:end]
        text = span.text
        name = country_name(text) if etype == "Country" else text
        mentions.append(EntityMention(span.start_char, span.end_char, text, etype, name or text,
                                      start, end))
    return group_mentions(mentions)


def group_mentions(mentions: list[EntityMention]) -> tuple[list[Entity], list[EntityMention]]:
    """Group mentions of one entity: same name key, or a one-word short form of a longer name."""
    by_key: dict[str, str] = {}
    for m in sorted(mentions, key=lambda m: (-len(m.name.split()), m.start)):
        key = name_key(m.name)
        if key in by_key:
            continue
        words = key.split()
        target = m.name
        if len(words) == 1 and m.type in ("Company", "Person", "Organization", "MediaOutlet"):
            longer = {by_key[k] for k in by_key if len(k.split()) > 1 and (
                k.split()[-1] == words[0] or (m.type != "Person" and k.split()[0] == words[0]))}
            if len(longer) == 1:
                target = longer.pop()
        by_key[key] = target
    resolved = [EntityMention(m.start, m.end, m.text, m.type, by_key[name_key(m.name)],
                              m.token_start, m.token_end) for m in mentions]
    groups: dict[str, list[EntityMention]] = {}
    for m in resolved:
        groups.setdefault(m.name, []).append(m)
    entities = []
    for name, group in groups.items():
        types = [m.type for m in group if m.name == m.text] or [m.type for m in group]
        etype = max(set(types), key=lambda t: (types.count(t), -SCHEMA_TYPES.index(t)))
        aliases = tuple(sorted({m.text for m in group} - {name}))
        entities.append(Entity(name=name, type=etype, aliases=aliases, mentions=len(group)))
    return entities, resolved
