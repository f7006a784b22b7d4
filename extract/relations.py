"""Relations: typed edges between the entities of one sentence, found from the parse and a trigger lexicon.

A trigger (a verb or noun of ``data/triggers.json``) names the relation; its
arguments come from the dependency parse: the subject and object of a verb (swapped
in the passive), the possessor and "of"/"with" complement of a noun. Amounts and dates
of the same sentence become edge attributes.
"""
from __future__ import annotations

from functools import lru_cache

from .amounts import find_amounts
from .dates import resolve_date
from .entities import EntityMention
from .lexicon import load_json
from .model import Document, Evidence, Relation

ORG_TYPES = frozenset({"Company", "GovernmentAgency", "Organization"})
_RELATIONS = ("ACQUIRES", "INVESTS_IN", "PARTNERS_WITH", "LICENSES_FROM", "SIGNS_AGREEMENT_WITH")


@lru_cache(maxsize=1)
def triggers() -> dict[str, dict[str, frozenset[str]]]:
    """relation -> {"verbs": lemmas, "nouns": lemmas} from ``data/triggers.json``."""
    data = load_json("triggers.json", *_RELATIONS)
    return {rel: {kind: frozenset(w.lower() for w in data[rel].get(kind, ()))
                  for kind in ("verbs", "nouns")} for rel in _RELATIONS}


def _sentence_of(sdoc, start: int):
    return sdoc[start].sent


def doc_relations(sdoc, document: Document, mentions: list[EntityMention]) -> list[Relation]:
    """Every relation candidate of a parsed document."""
    by_token = {}
    for m in mentions:
        for i in range(m.token_start, m.token_end):
            by_token[i] = m
    out: list[Relation] = []
    lexicon = triggers()
    for sent in sdoc.sents:
        sent_mentions = [m for m in mentions if sent.start <= m.token_start < sent.end]
        if len(sent_mentions) < 2:
            continue
        for token in sent:
            if token.pos_ not in ("VERB", "AUX"):
                continue
            lemma = token.lemma_.lower()
            particle = next((c.lower_ for c in token.children if c.dep_ == "prt"), None)
            for relation in _RELATIONS:
                words = lexicon[relation]["verbs"]
                if lemma in words or (particle and f"{lemma} {particle}" in words):
                    found = _verb_arguments(token, by_token)
                    if found is None:
                        continue
                    subj, obj = found
                    if subj.name == obj.name or subj.type not in ORG_TYPES:
                        continue
                    out.append(_relation(subj, relation, obj, sent, document, token))
    return out


def _arg(token, by_token):
    """The entity mention a dependency subtree stands for (its head noun's, or any inside)."""
    if token.i in by_token:
        return by_token[token.i]
    for t in token.subtree:
        if t.i in by_token:
            return by_token[t.i]
    return None


def _verb_arguments(verb, by_token):
    subj = obj = None
    passive = False
    for child in verb.children:
        if child.dep_ in ("nsubj",):
            subj = _arg(child, by_token)
        elif child.dep_ == "nsubjpass":
            obj, passive = _arg(child, by_token), True
        elif child.dep_ == "dobj" and not passive:
            obj = obj or _arg(child, by_token)
        elif child.dep_ == "agent":
            subj = next((_arg(g, by_token) for g in child.children if g.dep_ == "pobj"), subj)
        elif child.dep_ == "prep" and child.lower_ in ("into", "in", "with", "from", "to"):
            target = next((_arg(g, by_token) for g in child.children if g.dep_ == "pobj"), None)
            obj = obj or target
    if subj is None and verb.dep_ in ("xcomp", "advcl", "conj"):
        subj = next((_arg(c, by_token) for c in verb.head.children if c.dep_ == "nsubj"), None)
    if subj is None or obj is None:
        return None
    return subj, obj


def _relation(subj, relation, obj, sent, document, trigger) -> Relation:
    amounts = [a for a in find_amounts(sent.text) if not a.per_unit and a.has_scale]
    amount = amounts[0].amount if amounts else None
    date = None
    for ent in sent.ents:
        if ent.label_ == "DATE":
            date = resolve_date(ent.text, document.date)
            if date:
                break
    evidence = Evidence(document.id, sent.text, sent.start_char, sent.end_char)
    return Relation(subj.name, relation, obj.name, evidence, 0.8, amount=amount, date=date)
