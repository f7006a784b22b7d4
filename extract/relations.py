"""Relations: typed edges between the entities of one sentence, from the parse and trigger lexicons.

Deal events (ACQUIRES, INVESTS_IN, PARTNERS_WITH, LICENSES_FROM, SIGNS_AGREEMENT_WITH)
start from a trigger of ``data/triggers.json``: a verb whose subject and object (or
"with"/"from"/"into" complement) are entities, passive voice swapped; or a noun
("X's acquisition of Y", "an alliance with Y", "the Catalent takeover") whose possessor,
compound or governing verb's subject is the other end. WORKS_FOR comes from titles
around a person ("Blueprint CEO Kate Haviland", "Tony Wood, GSK's chief scientific
officer"), LOCATED_IN from "X-based", "headquartered in", "China's X", "Boston biotech X"
and datelines, DEVELOPS from "X's drug Y" and development verbs, SUBSIDIARY_OF from
"a unit of", "the Lilly unit", "J&J's Janssen" and names such as "Celltrion USA".

Events governed by a negation or a hedge ("could", "is considering", "denied") keep a
low confidence, which exports leave out by default. Amounts (total, upfront,
milestones) and dates of the sentence become edge attributes.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import replace
from functools import lru_cache

from .amounts import find_amounts
from .dates import resolve_date
from .entities import (ORG_TYPES, EntityMention, country_name, demonym_country, descriptors,
                       business_word_set, company_word_set, lead_company, most_mentioned,
                       unit_word_set)
from .lexicon import load_json
from .model import Amount, Document, Evidence, Relation
from .names import name_key
from .patterns import iter_matches
from .pairs import ENDS, allowed, candidate_pairs, load_model, pair_features, score_pair

EVENTS = ("ACQUIRES", "INVESTS_IN", "PARTNERS_WITH", "LICENSES_FROM", "SIGNS_AGREEMENT_WITH")
UNDIRECTED_RELATIONS = frozenset({"PARTNERS_WITH", "SIGNS_AGREEMENT_WITH"})
PLACE_TYPES = frozenset({"Country", "Location"})
PRODUCT_TYPES = frozenset({"Drug", "Technology"})
PARTY_TYPES = frozenset({"Company", "Organization", "GovernmentAgency"})
CONFIDENT, LIKELY, WEAK = 0.8, 0.6, 0.3
_LEAD_CHARS = 700  # headline, dateline and first paragraph
_SUBSIDIARY_NOUNS = frozenset({"unit", "subsidiary", "division", "affiliate", "arm", "company"})
_GOVERNMENT = frozenset({"GovernmentAgency", "Country"})
_OBJECT_TYPES = {"ACQUIRES": PARTY_TYPES | PRODUCT_TYPES, "INVESTS_IN": PARTY_TYPES | PLACE_TYPES,
                 "PARTNERS_WITH": PARTY_TYPES | {"Country"}, "LICENSES_FROM": PARTY_TYPES,
                 "SIGNS_AGREEMENT_WITH": PARTY_TYPES | {"Country"}}


@lru_cache(maxsize=1)
def lexicon() -> dict:
    data = load_json("triggers.json", *EVENTS, "DEVELOPS", "hedges", "negations")
    out = {rel: {kind: frozenset(w.lower() for w in data[rel].get(kind, ()))
                 for kind in ("verbs", "reverse_verbs", "nouns")} for rel in (*EVENTS, "DEVELOPS")}
    out["hedges"] = frozenset(data["hedges"])
    out["negations"] = frozenset(data["negations"])
    return out


class _Sentence:
    """One sentence with its entity mentions indexed by token."""

    def __init__(self, sent, mentions, document, index, starts=None):
        self.sent, self.document, self.index = sent, document, index
        self.all_mentions = mentions
        self.protagonist = None
        if starts is None:
            starts = [m.token_start for m in mentions]
        # mentions are sorted by position: the sentence's are one slice
        self.mentions = mentions[bisect_left(starts, sent.start):bisect_left(starts, sent.end)]
        self._evidence = None
        self._dates = None
        self.by_token = {i: m for m in self.mentions for i in range(m.token_start, m.token_end)}
        self._amounts = None

    def at(self, token):
        return None if token is None else self.by_token.get(token.i)

    def named(self, token):
        """The entity at ``token``, or the one a capitalised word the NER missed is a short name of."""
        return self.at(token) or _named_org(token, self.all_mentions)

    def head_entity(self, token, *, poss: bool = False) -> list[EntityMention]:
        """The entities a phrase headed by ``token`` names: itself, its list members, appositions."""
        if token is None:
            return []
        found = []
        m = self.at(token)
        if m is None:
            for child in token.children:
                if child.dep_ in ("compound", "appos", "nmod") and self.at(child):
                    m = self.at(child)
                    # "Two Chinese biotechs, Harbour BioMed and Syneron Bio, signed ..."
                    found += [x for c in child.children if c.dep_ == "conj" for x in self.head_entity(c)]
                    break
        if m is None and poss:
            m = next((self.named(c) for c in token.children if c.dep_ == "poss" and self.named(c)), None)
        if m is not None:
            found.append(m)
        for child in token.children:
            if child.dep_ == "conj":
                found += self.head_entity(child, poss=poss)
        return found

    def evidence(self) -> Evidence:
        if self._evidence is None:
            self._evidence = Evidence(self.document.id, self.sent.text, self.sent.start_char, self.sent.end_char)
        return self._evidence

    def dates(self) -> list:
        """(start character, resolved ISO date) of the sentence's date expressions."""
        if self._dates is None:
            self._dates = [(ent.start_char, d) for ent in self.sent.ents if ent.label_ == "DATE"
                           for d in [resolve_date(ent.text, self.document.date)] if d]
        return self._dates


def doc_relations(sdoc, document: Document, mentions: list[EntityMention]) -> list[Relation]:
    """Every relation candidate of a parsed document."""
    out: list[Relation] = []
    mentions = sorted(mentions, key=lambda m: m.token_start)
    starts = [m.token_start for m in mentions]
    sentences = [_Sentence(sent, mentions, document, i, starts) for i, sent in enumerate(sdoc.sents)]
    events_of = {s.index: [r for r in _events(s) if r is not None] if s.mentions else [] for s in sentences}
    # the article is about the source of its first confident deal ("J&J to buy Intra-Cellular")
    first = next((r for i in sorted(events_of) for r in events_of[i] if r.confidence >= CONFIDENT), None)
    lead = lead_company(sdoc, mentions) or next(
        (m for m in mentions if first is not None and m.name == first.subject and m.proper), None)
    for s in sentences:
        s.protagonist = lead
    for s in sentences:
        if not s.mentions:
            continue
        events = events_of[s.index]
        out += _tagged(events, "code.events")
        out += _tagged(_works_for(s, mentions), "code.works_for")
        out += _tagged(_located_in(s), "code.located_in")
        out += _tagged(_develops(s), "code.develops")
        out += _tagged(_subsidiary_of(s), "code.subsidiary_of")
        out += _tagged(_financing(s), "code.financing")
        if not events:
            _carry_terms(s, out)
    out += _tagged(_name_subsidiaries(mentions, sentences), "code.unit_names")
    out += _tagged(_dateline_location(sentences, out), "code.dateline")
    out += _tagged(_agency_datelines(sentences), "code.agency_dateline")
    out = _patterns_decide_direction(out, _from_patterns(sdoc, sentences))
    out += _learned(sdoc, sentences, out)
    out += _enclosing_places(sentences, out)
    return _dedupe(_inherit_terms(_within_ends(out, mentions), _lead_terms(sentences)))


def _within_ends(found: list[Relation], mentions: list[EntityMention]) -> list[Relation]:
    """Only relations whose ends have the schema's types (``pairs.ENDS``): "the 12th president of
    Freedonia" names an office, not an employer, so a person never WORKS_FOR a country."""
    types = {m.name: m.type for m in mentions}
    return [r for r in found if types.get(r.subject) in ENDS[r.relation][0]
            and types.get(r.object) in ENDS[r.relation][1]]


def _patterns_decide_direction(found: list[Relation], patterned: list[Relation]) -> list[Relation]:
    """A pattern row names the direction of its phrasing ("licensed X to Y"): the generic rules'
    reverse reading of the same pair in the same sentence goes."""
    reverse = {(r.object, r.relation, r.subject, r.evidence.start) for r in patterned
               if r.relation not in UNDIRECTED_RELATIONS}
    kept = [r for r in found if (r.subject, r.relation, r.object, r.evidence.start) not in reverse]
    return kept + patterned


def _tagged(relations: list[Relation], rule: str) -> list[Relation]:
    return [r if r.evidence.rule else replace(r, evidence=replace(r.evidence, rule=rule)) for r in relations]


def _clause_subject(s: _Sentence, token) -> list[EntityMention]:
    """The subject of the clause ``token`` sits in: its own verb's, climbing noun and preposition heads."""
    for _ in range(6):
        if token.pos_ in ("VERB", "AUX"):
            found = _subject(s, token)
            if found:
                return found
        if token.head.i == token.i:
            break
        token = token.head
    return []


def _from_patterns(sdoc, sentences) -> list[Relation]:
    """Edges of the pattern table ``data/patterns.json`` (see ``patterns.py``)."""
    sentence_of = {}
    for s in sentences:
        if s.mentions:
            sentence_of.update((i, s) for i in range(s.sent.start, s.sent.end))
    out = []
    for row, anchors in iter_matches(sdoc):
        s = sentence_of.get(next(iter(anchors.values())).i)
        if s is None:
            continue
        ends = {}
        for end in ("subject", "object"):
            source = row.get(f"{end}_from")
            ends[end] = _clause_subject(s, anchors[source]) if source else s.head_entity(anchors[end])
        trigger = anchors.get("trigger") or anchors.get("verb")
        rel = row["relation"]
        conf = min(row["confidence"], _confidence(trigger)) if trigger is not None else row["confidence"]
        clause = _clause(trigger) if trigger is not None else None
        terms = (_terms(s, clause) or _terms(s)) if rel in EVENTS and row.get("terms", True) else {}
        date = (_date(s, clause) or _date(s)) if rel in EVENTS else None
        evidence = replace(s.evidence(), rule=row["id"])
        for a in ends["subject"]:
            for b in ends["object"]:
                if a.name != b.name and allowed(rel, a, b):
                    out.append(Relation(a.name, rel, b.name, evidence, conf, amount=terms.get("amount"),
                                        upfront=terms.get("upfront"), milestones=terms.get("milestones"),
                                        date=date))
    return out


def _agency_datelines(sentences) -> list[Relation]:
    """A wire dateline "CITY, REGION (AGENCY)" or "City March 5 (AGENCY)": the agency is based in the
    places it names."""
    out = []
    for s in sentences:
        tokens = s.sent
        paren = next((t for t in tokens[:12] if t.text == "("), None)
        if paren is None or paren.i + 2 >= tokens.end or tokens.doc[paren.i + 2].text != ")":
            continue
        agency = s.at(tokens.doc[paren.i + 1])
        if agency is None or agency.type not in ORG_TYPES:
            continue
        before = tokens.doc[tokens.start:paren.i]
        if not before or not all(t.is_upper or t.is_punct or t.is_title or t.is_digit for t in before if not t.is_space):
            continue
        places = {s.at(t).name: s.at(t) for t in before if s.at(t) is not None and s.at(t).type in PLACE_TYPES}
        for place in places.values():
            out.append(Relation(agency.name, "LOCATED_IN", place.name, s.evidence(), LIKELY))
    return out


def _enclosing_places(sentences, found: list[Relation]) -> list[Relation]:
    """"based in Dunmore, Pa.", "of Lyon, Rhone": what is in a city is in the region
    written right after it (a country there is not taken: datelines and addresses write it for the city)."""
    by_start = {s.sent.start_char: s for s in sentences}
    out = []
    for r in found:
        s = by_start.get(r.evidence.start)
        if r.relation != "LOCATED_IN" or s is None:
            continue
        for m in s.mentions:
            if m.name != r.object or m.token_end + 1 >= s.sent.end or s.sent.doc[m.token_end].text != ",":
                continue
            outer = s.at(s.sent.doc[m.token_end + 1])
            if outer is not None and outer.type == "Location" and outer.name != r.object:
                out.append(replace(r, object=outer.name, confidence=min(r.confidence, LIKELY),
                                   evidence=replace(r.evidence, rule="code.enclosing_place")))
    return out


def _learned(sdoc, sentences, found: list[Relation]) -> list[Relation]:
    """Edges the pair classifier (``pairs.py``) is sure of and no rule found in that sentence."""
    model = load_model()
    if model is None:
        return []
    # a pair a rule already relates (either way) in that sentence is the rule's to decide
    have = {(x, r.relation, y, r.evidence.start) for r in found for x, y in ((r.subject, r.object), (r.object, r.subject))}
    out = []
    for s in sentences:
        if len(s.mentions) < 2:
            continue
        for a, b in candidate_pairs(s.mentions):
            feats = None
            for rel, m in model["relations"].items():
                if not allowed(rel, a, b) or (a.name, rel, b.name, s.sent.start_char) in have:
                    continue
                if feats is None:
                    feats = pair_features(sdoc, a, b)
                    probs = score_pair(model, feats)
                p = probs[rel]
                if p < m["threshold"]:
                    continue
                conf = round(0.5 + 0.5 * p, 3)
                if "neg" in feats or any(f.startswith("aux=") for f in feats) or "pf=hedge" in feats:
                    conf = WEAK
                terms = _terms(s) if rel in EVENTS else {}
                out.append(Relation(a.name, rel, b.name, replace(s.evidence(), rule="learned.pairs"), conf, amount=terms.get("amount"),
                                    upfront=terms.get("upfront"), milestones=terms.get("milestones"),
                                    date=_date(s) if rel in EVENTS else None))
    return out


_THE_DEAL = re.compile(r"\bthe (?:purchase|deal|acquisition|transaction|takeover|buyout|agreement)\b", re.IGNORECASE)


def _lead_terms(sentences) -> tuple[int, Amount, str | None] | None:
    """(position, amount, date) of the first deal the lead states with a sum of money."""
    lex = lexicon()
    words = {w for rel in EVENTS for kind in ("verbs", "nouns") for w in lex[rel][kind]}
    for s in sentences:
        if s.sent.start_char >= _LEAD_CHARS:
            break
        amount = _terms(s).get("amount")
        if amount is not None and any(t.lemma_.lower() in words for t in s.sent):
            return s.sent.start_char, amount, _date(s)
    return None


def _inherit_terms(relations: list[Relation], lead_terms) -> list[Relation]:
    """"The purchase will be carried out by Celltrion USA": a deal named again takes the lead deal's terms."""
    lead: dict[str, tuple[int, Amount, str | None]] = {}
    for rel in relations:
        if rel.relation in EVENTS and rel.amount is not None:
            lead.setdefault(rel.relation, (rel.evidence.start, rel.amount, rel.date))
    out = []
    for rel in relations:
        options = [t for t in (lead.get(rel.relation), lead_terms if rel.relation == "ACQUIRES" else None)
                   if t is not None and t[0] < rel.evidence.start]
        first = min(options, key=lambda t: t[0]) if options else None
        if first is not None and rel.amount is None and _THE_DEAL.search(rel.evidence.sentence):
            rel = replace(rel, amount=first[1], date=rel.date or first[2])
        out.append(rel)
    return out


# -- deal events ------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _trigger_heads() -> frozenset[str]:
    """First words of every trigger: tokens without one cannot start an event."""
    lex = lexicon()
    return frozenset(w.split()[0] for rel in EVENTS for kind in ("verbs", "reverse_verbs", "nouns")
                     for w in lex[rel][kind])


def _events(s: _Sentence) -> list[Relation]:
    lex = lexicon()
    heads = _trigger_heads()
    out = []
    for token in s.sent:
        lemma = token.lemma_.lower()
        if lemma not in heads and token.lower_ not in heads:
            continue
        if token.pos_ in ("VERB", "AUX"):
            particle = next((c.lower_ for c in token.children if c.dep_ == "prt"), None)
            forms = {lemma, f"{lemma} {particle}" if particle else lemma}
            for rel in EVENTS:
                if forms & lex[rel]["verbs"]:
                    out += _verb_event(s, token, rel, reverse=False)
                elif forms & lex[rel]["reverse_verbs"]:
                    out += _verb_event(s, token, rel, reverse=True)
        elif token.pos_ in ("NOUN", "PROPN") and s.at(token) is None:
            for rel in EVENTS:
                if lemma in lex[rel]["nouns"] or token.lower_ in lex[rel]["nouns"]:
                    out += _noun_event(s, token, rel)
    return out


_RELATIVE = frozenset({"which", "that", "who", "whom"})


def _relative_antecedent(s: _Sentence, verb) -> list[EntityMention]:
    """What "which"/"that" in a relative clause stands for: the noun (or its apposition) the clause modifies."""
    head = verb.head
    m = s.at(head)
    if m is None and head.dep_ == "appos":
        m = s.at(head.head)
    return [m] if m is not None else []


def _subject(s: _Sentence, verb) -> list[EntityMention]:
    """The grammatical subject of ``verb``, climbing "agreed to buy", "will pay ... to buy"."""
    for _ in range(5):
        for child in verb.children:
            if child.dep_ == "nsubj":
                if child.lower_ in _RELATIVE and verb.dep_ == "relcl":
                    return _relative_antecedent(s, verb)
                return s.head_entity(child)
            if child.dep_ == "agent":
                return [m for g in child.children if g.dep_ == "pobj" for m in s.head_entity(g)]
        if verb.dep_ in ("xcomp", "advcl", "conj", "ccomp", "relcl", "acl", "pcomp", "prep") and verb.head is not verb:
            if verb.dep_ in ("relcl", "acl") and s.at(verb.head):
                return [s.at(verb.head)]
            verb = verb.head
        else:
            break
    return []


def _prep_objects(s: _Sentence, head, preps: tuple[str, ...], *, poss: bool = False) -> list[EntityMention]:
    found = []
    for child in head.children:
        if child.dep_ in ("prep", "dative") and child.lower_ in preps:
            # "alliances with Amgen ... and with NextCure": the second prep is a conj of the first
            for prep in (child, *(c for c in child.children if c.dep_ == "conj" and c.lower_ in preps)):
                for g in prep.children:
                    if g.dep_ == "pobj":
                        found += s.head_entity(g, poss=poss)
    return found


def _verb_event(s: _Sentence, verb, rel: str, *, reverse: bool) -> list[Relation]:
    subjects = _subject(s, verb)
    passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)
    objects: list[EntityMention] = []
    if passive:
        objects = [m for c in verb.children if c.dep_ == "nsubjpass" for m in s.head_entity(c)]
        subjects = [m for c in verb.children if c.dep_ == "agent"
                    for g in c.children if g.dep_ == "pobj" for m in s.head_entity(g)]
    dobj = next((c for c in verb.children if c.dep_ == "dobj"), None)
    if rel == "INVESTS_IN":
        objects = objects or _prep_objects(s, verb, ("into", "in"), poss=True)
        if not objects and dobj is not None:
            objects = _prep_objects(s, dobj, ("into", "in"), poss=True)
    elif rel == "PARTNERS_WITH":
        objects = objects or _prep_objects(s, verb, ("with",))
        if not objects and dobj is not None:
            objects = s.head_entity(dobj) or _prep_objects(s, dobj, ("with",))
    elif rel == "LICENSES_FROM":
        if reverse:
            # "X granted Y a license": Y is the licensee
            grants = ("license", "licence", "right")
            if dobj is None or not any(t.lemma_.lower() in grants for t in dobj.subtree):
                return []
            licensees = [m for c in verb.children if c.dep_ in ("dative", "iobj") for m in s.head_entity(c)]
            licensees += _prep_objects(s, verb, ("to",))
            if dobj.lemma_.lower() not in grants:
                licensees += s.head_entity(dobj)  # "granted Janssen Biotech, ..., an exclusive license"
            return [_event(s, verb, licensee, rel, licensor)
                    for licensee in licensees for licensor in subjects if licensee.name != licensor.name]
        objects = objects or _prep_objects(s, verb, ("from",))
        if not objects and dobj is not None:
            objects = [m for c in dobj.children if c.dep_ == "poss" for m in s.head_entity(c)]
            objects = objects or _prep_objects(s, dobj, ("from",))
    elif rel == "SIGNS_AGREEMENT_WITH":
        if dobj is None or dobj.lemma_.lower() not in lexicon()[rel]["nouns"] | lexicon()["PARTNERS_WITH"]["nouns"]:
            return []
        objects = _prep_objects(s, dobj, ("with", "between")) or _prep_objects(s, verb, ("with",))
        out = []
        for subj in subjects:
            for obj in objects:
                kind = rel if (obj.type in _GOVERNMENT or subj.type in _GOVERNMENT) else "PARTNERS_WITH"
                out.append(_event(s, verb, subj, kind, obj))
        return out
    else:  # ACQUIRES
        if verb.lemma_.lower() in ("complete", "close"):
            return []  # only through their noun object ("completed its purchase of Y")
        if verb.lemma_.lower() == "pay":
            # "agreed to pay about $160 million for FibroGen China"; paying for anything else is no purchase
            objects = [m for m in _prep_objects(s, verb, ("for",)) if m.type == "Company"]
            return [_event(s, verb, subj, rel, obj) for subj in subjects for obj in objects]
        if dobj is not None and dobj.lower_ in _RELATIVE and verb.dep_ == "relcl":
            objects = objects or _relative_antecedent(s, verb)  # "ImClone Systems, which Lilly acquired"
        objects = objects or (s.head_entity(dobj) if dobj is not None else [])
        if not objects:
            objects = _prep_objects(s, verb, ("for",))
    if subjects and not objects and not (rel == "ACQUIRES" and dobj is not None):
        # (buying "Eli Lilly's plant" is not buying Eli Lilly)
        objects = _nearest_after(s, verb, subjects, PARTY_TYPES | ({"Country", "Location"} if rel == "INVESTS_IN" else set()))
        return [_event(s, verb, subj, rel, obj, LIKELY) for subj in subjects for obj in objects]
    return [_event(s, verb, subj, rel, obj) for subj in subjects for obj in objects]


def _noun_event(s: _Sentence, noun, rel: str) -> list[Relation]:
    poss = [m for c in noun.children if c.dep_ == "poss" for m in s.head_entity(c) if m.type in PARTY_TYPES]
    compounds = [s.at(c) for c in noun.children if c.dep_ in ("compound", "nmod", "amod") and s.at(c)
                 and s.at(c).type in PARTY_TYPES]
    objects: list[EntityMention] = []
    subjects: list[EntityMention] = []
    if rel == "ACQUIRES":
        objects = _prep_objects(s, noun, ("of", "for")) or compounds
        subjects = poss
    elif rel == "INVESTS_IN":
        objects = _prep_objects(s, noun, ("in", "into"), poss=True)
        subjects = poss
    elif rel == "LICENSES_FROM":
        objects = _prep_objects(s, noun, ("from",))
        subjects = poss
        if not objects:
            return []
    else:  # PARTNERS_WITH, SIGNS_AGREEMENT_WITH
        objects = _prep_objects(s, noun, ("with",))
        between = _prep_objects(s, noun, ("between",))
        if len(between) >= 2:
            subjects, objects = between[:1], between[1:]
        else:
            subjects = poss or compounds
    if not subjects and noun.dep_ in ("dobj", "pobj", "nsubj", "attr", "appos", "conj"):
        head = noun.head
        while head.dep_ in ("prep", "pobj", "conj", "appos") and head.head is not head:
            head = head.head
        if head.pos_ in ("VERB", "AUX"):
            subjects = _subject(s, head)
    subjects = [m for m in subjects if m.type in PARTY_TYPES]
    objects = [m for m in objects if m.type in PARTY_TYPES | ({"Country", "Location"} if rel == "INVESTS_IN" else set())]
    confidence = None
    if objects and not subjects and rel in ("PARTNERS_WITH", "SIGNS_AGREEMENT_WITH"):
        # "The money is part of a strategic partnership with X": the article's company is the party
        protagonist = s.protagonist or _protagonist(s.all_mentions, noun.i)
        subjects, confidence = ([protagonist] if protagonist else []), LIKELY
    if not subjects or not objects:
        return []
    out = []
    for subj in subjects:
        for obj in objects:
            kind = rel
            if rel in ("PARTNERS_WITH", "SIGNS_AGREEMENT_WITH"):
                strict_sign = noun.lemma_.lower() in ("memorandum", "mou", "framework", "accord")
                kind = "SIGNS_AGREEMENT_WITH" if (strict_sign or obj.type in _GOVERNMENT or subj.type in _GOVERNMENT) \
                    else "PARTNERS_WITH"
            out.append(_event(s, noun, subj, kind, obj, confidence))
    return out


def _protagonist(mentions, before: int) -> EntityMention | None:
    """The company the article is about: the subject of its lead, else the most mentioned so far."""
    seen = [m for m in mentions if m.token_end <= before and m.type == "Company"]
    if not seen:
        return None
    lead = [m for m in seen if m.proper and m.sentence_index is not None and m.sentence_index <= 2
            and m.is_subject]
    if lead:
        return lead[0]
    return most_mentioned(seen)


def _nearest_after(s: _Sentence, trigger, exclude, types) -> list[EntityMention]:
    names = {m.name for m in exclude}
    after = [m for m in s.mentions if m.token_start > trigger.i and m.type in types and m.name not in names]
    return after[:1]


def _confidence(trigger) -> float:
    """Lower for events that are denied, failed or only hoped for."""
    lex = lexicon()
    token, hops = trigger, 0
    while True:
        for child in token.children:
            if child.dep_ == "neg" or (child.dep_ == "aux" and child.lower_ in lex["hedges"]):
                return WEAK
        if token.lemma_.lower() in lex["hedges"] | lex["negations"] and token is not trigger:
            return WEAK
        if token.head is token or hops > 4:
            break
        token, hops = token.head, hops + 1
    if re.search(r"\bin (?:advanced |early |exclusive )?talks\b|\brumou?r", trigger.sent.text, re.IGNORECASE):
        return WEAK
    return CONFIDENT


def _event(s: _Sentence, trigger, subj, rel, obj, confidence: float | None = None) -> Relation | None:
    if subj.type not in PARTY_TYPES or obj.type not in _OBJECT_TYPES[rel]:
        return None
    conf = _confidence(trigger)
    if confidence is not None:
        conf = min(conf, confidence)
    clause = _clause(trigger)
    terms = _terms(s, clause) or _terms(s)
    return Relation(subj.name, rel, obj.name, s.evidence(), conf, amount=terms.get("amount"),
                    upfront=terms.get("upfront"), milestones=terms.get("milestones"),
                    date=_date(s, clause) or _date(s))


def _clause(trigger) -> tuple[int, int]:
    """Character range of the clause a trigger belongs to, without conjoined clauses
    ("in May it agreed to buy X for $470 million, and in January 2024 it agreed to acquire Y ...")."""
    head = trigger
    while head.dep_ in ("xcomp", "pcomp", "aux") and head.head is not head:
        head = head.head
    skip = {t.i for c in head.children if c.dep_ == "conj" for t in c.subtree}
    if trigger.i in skip:
        skip = set()
    tokens = [t for t in head.subtree if t.i not in skip]
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1])


# -- attributes -------------------------------------------------------------------------------

def _terms(s: _Sentence, within: tuple[int, int] | None = None) -> dict[str, Amount]:
    """The amounts of a sentence (or of the character range ``within`` it) by role: total
    ``amount``, ``upfront``, ``milestones``."""
    if within is None and s._amounts is not None:
        return s._amounts
    text = s.sent.text
    base = s.sent.start_char
    terms: dict[str, Amount] = {}
    totals = []
    for m in find_amounts(text):
        if m.per_unit or not m.has_scale:
            continue
        if within is not None and not (within[0] <= base + m.start < within[1]):
            continue
        after = text[m.end:m.end + 60].lower()
        before = text[max(0, m.start - 40):m.start].lower()
        if re.match(r"\s*(?:in\s+)?(?:\w+\s+)?(?:cash\s+)?up[\s-]?front", after) or re.search(r"up[\s-]?front (?:payment|fee|cash)?\s*(?:of\s*)?$", before):
            terms.setdefault("upfront", m.amount)
        elif re.match(r"\s*(?:\w+[\s,]+){0,6}?(?:in\s+)?(?:\w+[\s,]+){0,4}?milestones?\b", after) or re.search(r"milestones?(?: payments?)?\s*(?:of|worth)?\s*$", before):
            terms.setdefault("milestones", m.amount)
        else:
            totals.append(m)
    if totals:
        best = next((m for m in totals if m.up_to), totals[0])
        terms["amount"] = best.amount
    if within is None:
        s._amounts = terms
    return terms


def _carry_terms(s: _Sentence, out: list[Relation]) -> None:
    """Deal terms stated in a later sentence ("Hengrui can earn up to $1.77 billion in milestones")."""
    terms = _terms(s)
    if not terms or not out:
        return
    last = next((r for r in reversed(out) if r.relation in EVENTS and r.confidence >= LIKELY), None)
    if last is None or s.sent.start_char - last.evidence.end > 600:
        return
    for i, rel in enumerate(out):
        # every deal read from that sentence gets the terms
        if rel.relation in EVENTS and rel.evidence.start == last.evidence.start:
            updates = {k: v for k, v in terms.items() if k in ("upfront", "milestones") and getattr(rel, k) is None}
            if updates:
                out[i] = replace(rel, **updates)


def _date(s: _Sentence, within: tuple[int, int] | None = None) -> str | None:
    for start, date in s.dates():
        if within is None or within[0] <= start < within[1]:
            return date
    if within is not None:
        return None
    if s.sent.start_char < _LEAD_CHARS and s.document.date:
        return s.document.date  # the lead reports the news of the day
    return None


# -- people -----------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _titles() -> list[tuple[tuple[str, ...], str]]:
    titles = descriptors()["titles"]
    return sorted(((tuple(k.split()), v) for k, v in titles.items()), key=lambda kv: -len(kv[0]))


def _lower_words(doc) -> list[str]:
    """The document's lower-cased words, computed once per document."""
    words = doc.user_data.get("newsgraph_lower")
    if words is None:
        words = doc.user_data["newsgraph_lower"] = [t.lower_ for t in doc]
    return words


def _title_at(tokens, i) -> tuple[int, str] | None:
    """A title phrase ending at token index ``i`` of ``tokens``: (start index, role)."""
    words = _lower_words(tokens)
    for phrase, role in _titles():
        n = len(phrase)
        if i - n + 1 >= 0 and tuple(words[i - n + 1:i + 1]) == phrase:
            return i - n + 1, role
    return None


def _title_from(tokens, i) -> tuple[int, str] | None:
    """A title phrase starting at ``i``: (end index exclusive, role)."""
    words = _lower_words(tokens)
    for phrase, role in _titles():
        n = len(phrase)
        if tuple(words[i:i + n]) == phrase:
            return i + n, role
    return None


def _works_for(s: _Sentence, all_mentions) -> list[Relation]:
    out = []
    doc = s.sent.doc
    for person in s.mentions:
        if person.type != "Person" or not person.proper:
            continue
        role = org = None
        # before the name: "Blueprint CEO Kate Haviland", "GSK's chief scientific officer Tony Wood"
        found = _title_at(doc, person.token_start - 1) if person.token_start > s.sent.start else None
        if found:
            start, role = found
            j = start - 1
            if j >= s.sent.start and doc[j].lower_ in ("'s", "’s", "'"):
                j -= 1
            org = s.by_token.get(j) or (_named_org(doc[j], all_mentions) if j >= s.sent.start else None)
        else:
            # after the name: "Paul Hudson, Sanofi's chief executive", "Kim, CEO of LegoChem",
            # "Maselli stays on as Catalent's president"
            j = person.token_end
            as_at = next((k for k in range(j, min(j + 4, s.sent.end)) if doc[k].lower_ == "as"), None)
            if as_at is not None and (j >= s.sent.end or doc[j].text != ","):
                j = as_at
            if j < s.sent.end and doc[j].text in (",", "as"):
                for k in range(j + 1, min(s.sent.end, j + 16)):
                    tok = doc[k]
                    if tok.lower_ in ("said", "told", "says", "who", "which") or tok.text in (".", ";"):
                        break
                    hit = _title_from(doc, k)
                    if hit:
                        end, role = hit
                        window = [m for m in s.mentions if j < m.token_start < k + 8 and m.type in ORG_TYPES | {"Country"}
                                  and m is not person and m.type != "MediaOutlet"]
                        after = [o for t in doc[k:end] for o in _prep_objects(s, t, ("of", "at"))
                                 if o.type in ORG_TYPES]
                        org = (after or [m for m in window if m.token_start < k] or window or [None])[0]
                        if role in ("minister", "vice minister"):
                            agency = _agency_for(doc, end, all_mentions)
                            org = agency or org
                        break
        if role is None:
            continue
        if org is None:
            org = _salient_org(s, person, all_mentions, role)
            if org is None:
                continue
            out.append(Relation(person.name, "WORKS_FOR", org.name, s.evidence(), LIKELY, role=role))
        elif org.type in ORG_TYPES | {"Country"} and org.name != person.name:
            out.append(Relation(person.name, "WORKS_FOR", org.name, s.evidence(), CONFIDENT, role=role))
    return out


def _agency_for(doc, i, mentions) -> EntityMention | None:
    """"minister of health and welfare" -> the agency named "Ministry of Health and Welfare"."""
    if i < len(doc) and doc[i].lower_ == "of":
        words = []
        for tok in doc[i + 1:i + 8]:
            if tok.is_punct:
                break
            words.append(tok.lower_)
        field = " ".join(words)
        for m in mentions:
            if m.type == "GovernmentAgency" and field and field.split()[0] in m.name.lower():
                return m
    return None


def _named_org(token, mentions) -> EntityMention | None:
    """An organisation named by a word the NER missed ("Blueprint CEO"): its short name elsewhere."""
    if not token.is_title and not token.is_upper:
        return None
    key = name_key(token.text)
    hits = {m.name: m for m in mentions if m.proper and m.type in ORG_TYPES and key
            and (name_key(m.name) == key or name_key(m.name).split()[0] == key)}
    return next(iter(hits.values())) if len(hits) == 1 else None


_PUBLIC_ROLES = frozenset({"commissioner", "minister", "vice minister", "secretary", "senator", "governor",
                           "mayor", "administrator", "director general"})


def _salient_org(s: _Sentence, person, mentions, role: str) -> EntityMention | None:
    """For a title with no organisation named: the agency just mentioned for a public office, else
    the company the article is about so far."""
    if role in _PUBLIC_ROLES:
        agencies = [m for m in mentions if m.token_end <= person.token_start and m.type == "GovernmentAgency"
                    and person.token_start - m.token_end < 80]
        return agencies[-1] if agencies else None
    return s.protagonist or _protagonist(mentions, person.token_start)


# -- places -----------------------------------------------------------------------------------

def _located_in(s: _Sentence) -> list[Relation]:
    out = []
    doc = s.sent.doc
    for token in s.sent:
        # "Lianyungang-based Hengrui", "a Cambridge, Massachusetts-based biotech", "the Basel-based group"
        if token.lower_ == "based" and token.i >= 2 and doc[token.i - 1].text in ("-", "–"):
            place = s.by_token.get(token.i - 2)
            if place is None or place.type not in PLACE_TYPES:
                continue
            places = [place]
            j = place.token_start - 1
            if j > s.sent.start and doc[j].text == "," and s.by_token.get(j - 1) and s.by_token[j - 1].type in PLACE_TYPES:
                places.insert(0, s.by_token[j - 1])
            org = _based_subject(s, token)
            if org is not None:
                out += [Relation(org.name, "LOCATED_IN", p.name, s.evidence(), CONFIDENT) for p in places]
        elif token.lemma_.lower() in ("headquarter", "base") and token.lower_ != "based" or (
                token.lower_ == "based" and any(c.lower_ == "in" for c in token.children)):
            places = [m for m in _prep_objects(s, token, ("in",)) if m.type in PLACE_TYPES]
            if not places:
                continue
            org = None
            if token.dep_ in ("acl", "amod", "relcl") and s.at(token.head):
                org = s.at(token.head)
            else:
                subj = _subject(s, token) or [m for c in token.children if c.dep_ == "nsubjpass" for m in s.head_entity(c)]
                org = subj[0] if subj else None
            if org is not None and org.type in PARTY_TYPES:
                out += [Relation(org.name, "LOCATED_IN", p.name, s.evidence(), CONFIDENT) for p in places]
    for i, m in enumerate(s.mentions):
        nxt = m.token_end
        # "China's Jiangsu Hengrui Pharmaceuticals", "Germany's Merck KGaA"
        if m.type in PLACE_TYPES and nxt < s.sent.end and doc[nxt].lower_ in ("'s", "’s"):
            org = _org_after(s, nxt + 1)
            if org is not None:
                out.append(Relation(org.name, "LOCATED_IN", m.name, s.evidence(), CONFIDENT))
        # "Boston biotech IDRx", "U.S. biotech FibroGen"
        elif m.type in PLACE_TYPES and m.proper:
            org = _org_after(s, nxt, need_descriptor=True)
            if org is not None:
                out.append(Relation(org.name, "LOCATED_IN", m.name, s.evidence(), LIKELY))
    # "Danish biotech Zealand Pharma", "the South Korean biosimilar maker"
    for token in s.sent:
        country = demonym_country(token.text) if token.pos_ in ("ADJ", "PROPN") and token.ent_type_ == "NORP" else None
        if not country or s.at(token) is not None:
            continue
        org = _org_after(s, token.i + 1, need_descriptor=True)
        if org is None:
            m = s.at(token.head)
            org = m if m is not None and m.type == "Company" else None
        if org is not None:
            out.append(Relation(org.name, "LOCATED_IN", country, s.evidence(), LIKELY))
    return out


def _based_subject(s: _Sentence, based) -> EntityMention | None:
    doc = s.sent.doc
    nxt = s.by_token.get(based.i + 1)
    if nxt is not None and nxt.type in PARTY_TYPES:
        return nxt
    head = based.head
    for _ in range(2):
        m = s.at(head)
        if m is not None and m.type in PARTY_TYPES:
            return m
        after = s.by_token.get(head.i + 1)
        if after is not None and after.type in PARTY_TYPES:
            return after
        if head.dep_ == "appos" and s.at(head.head) is not None and s.at(head.head).type in PARTY_TYPES:
            return s.at(head.head)
        if head.dep_ in ("compound", "amod"):
            head = head.head
        else:
            break
    # "X, a Boston-based, clinical-stage developer"
    start = based.i
    while start > s.sent.start and doc[start].text != ",":
        start -= 1
    before = s.by_token.get(start - 1)
    if before is not None and before.type in PARTY_TYPES and doc[start].text == ",":
        return before
    return None


def _org_after(s: _Sentence, i: int, *, need_descriptor: bool = False) -> EntityMention | None:
    """The company named at token ``i`` or after a few lower-case descriptor words ("biotech")."""
    doc = s.sent.doc
    heads = descriptors()["heads"]
    seen_descriptor = False
    for j in range(i, min(i + 5, s.sent.end)):
        m = s.by_token.get(j)
        if m is not None:
            ok = m.type in PARTY_TYPES and m.proper and (seen_descriptor or not need_descriptor)
            return m if ok else None
        tok = doc[j]
        if not (tok.is_lower or tok.text in ("-",)) or tok.is_punct and tok.text != "-":
            return None
        if tok.lemma_.lower() in heads or tok.lower_ in heads:
            seen_descriptor = True
    return None


# -- products and parents ---------------------------------------------------------------------

_PIPELINE_NOUNS = frozenset({"pipeline", "portfolio", "lineup", "franchise", "stable"})


def _owner_of(s: _Sentence, token) -> EntityMention | None:
    """The company a product phrase belongs to: "X's drug", "of X", "whose drug" (X of the clause)."""
    for c in token.children:
        if c.dep_ == "poss":
            if c.lower_ == "whose":
                clause = next((a for a in token.ancestors if a.dep_ == "relcl"), None)
                owner = _relative_antecedent(s, clause) if clause is not None else []
                if owner and owner[0].type in PARTY_TYPES:
                    return owner[0]
            m = s.named(c)
            if m is not None and m.type in PARTY_TYPES:
                return m
    return next((o for o in _prep_objects(s, token, ("of", "from", "by")) if o.type in PARTY_TYPES), None)


def _develops(s: _Sentence) -> list[Relation]:
    out = []
    verbs = lexicon()["DEVELOPS"]["verbs"]
    # "HRS-5346, which Hengrui developed": a development verb whose object is a product
    for verb in s.sent:
        if verb.pos_ == "VERB" and verb.lemma_.lower() in verbs:
            dobj = next((c for c in verb.children if c.dep_ == "dobj"), None)
            if dobj is None:
                continue
            objects = _relative_antecedent(s, verb) if dobj.lower_ in _RELATIVE and verb.dep_ == "relcl" \
                else s.head_entity(dobj)
            for owner in _subject(s, verb):
                out += [Relation(owner.name, "DEVELOPS", o.name, s.evidence(), CONFIDENT) for o in objects
                        if o.type in PRODUCT_TYPES and owner.type in PARTY_TYPES]
    for m in s.mentions:
        if m.type not in PRODUCT_TYPES:
            continue
        token = s.sent.doc[m.token_end - 1]
        owner = None
        # "elenestinib, Blueprint's next-generation candidate", "petrelintide, the injection of Zealand"
        for appos in (c for c in s.sent.doc[m.token_start:m.token_end].root.children if c.dep_ == "appos"):
            owner = owner or _owner_of(s, appos)
        # "IDRX-42" from IDRx: a code name carries its developer's name
        prefix = re.match(r"[A-Za-z]+", m.text).group(0).lower() if m.text[:1].isalpha() else ""
        if owner is None and re.search(r"\d", m.text) and len(prefix) >= 3:
            owner = next((x for x in s.all_mentions if x.proper and x.type == "Company"
                          and name_key(x.name).replace(" ", "") == prefix), None)
        for _ in range(3):
            if owner is not None:
                break
            owner = _owner_of(s, token)
            if owner is not None or token.dep_ not in ("appos", "compound", "nmod", "dobj", "pobj", "conj", "attr") \
                    or token.head is token:
                break
            if token.dep_ in ("dobj", "pobj", "attr") and token.head.lemma_.lower() in verbs:
                subj = [x for x in _subject(s, token.head) if x.type in PARTY_TYPES]
                owner = subj[0] if subj else None
                break
            if token.dep_ == "dobj" and token.head.lemma_.lower() == "include":
                # "Intra-Cellular's pipeline also includes ITI-1284"
                holder = next((c for c in token.head.children if c.dep_ == "nsubj"), None)
                if holder is not None and holder.lemma_.lower() in _PIPELINE_NOUNS:
                    owner = _owner_of(s, holder)
                break
            if token.dep_ in ("dobj", "pobj"):
                break
            token = token.head
        if owner is not None and owner.name != m.name:
            out.append(Relation(owner.name, "DEVELOPS", m.name, s.evidence(), CONFIDENT))
    return out


@lru_cache(maxsize=1)
def _financing_rules() -> dict:
    data = load_json("financing.json", "round", "lead_cues", "participant_cues", "participating_cues", "stop_cues")
    return {**data, "round_re": re.compile(data["round"], re.I)}


def _cue_positions(text: str, cues, start: int = 0) -> list[tuple[int, int]]:
    """(start, end) of every cue found in ``text`` from ``start``, on word boundaries, longest first."""
    found, taken = [], set()
    for cue in sorted(cues, key=len, reverse=True):
        for m in re.finditer(r"(?<!\w)" + re.escape(cue) + r"(?!\w)", text[start:]):
            span = (start + m.start(), start + m.end())
            if not taken & set(range(*span)):
                found.append(span)
                taken.update(range(*span))
    return sorted(found)


_INVESTOR_TYPES = PARTY_TYPES | {"Person"}



def _financing(s: _Sentence) -> list[Relation]:
    """A financing round: "X raised $85 million in a Series B led by A, with participation from B"."""
    rules = _financing_rules()
    text = s.sent.text.lower()
    found = rules["round_re"].search(text)
    if found is None:
        return []
    base = s.sent.start_char
    leads = _cue_positions(text, rules["lead_cues"], found.start())
    others = _cue_positions(text, rules["participant_cues"], found.start())
    if not leads and not others and "particip" not in text:
        return []
    first = min([c[0] for c in leads + others] or [len(text)])
    stops = [c[0] for c in _cue_positions(text, [c.strip() if c.strip() in (";", '"') else c for c in rules["stop_cues"]],
                                         first + 1)]
    end = min(stops or [len(text)])
    closing = _cue_positions(text, rules["participating_cues"], found.start())
    if not leads and not others and closing:  # "with A and B participating"
        with_at = text.rfind(" with ", 0, closing[0][0])
        if with_at < 0:
            return []
        first, end = with_at, closing[0][0]
    company = next((m for m in s.mentions if m.type == "Company" and m.proper and m.start - base < first
                    and m.is_subject), None)
    if company is None:
        company = s.protagonist if s.protagonist is not None and s.protagonist.type == "Company" else None
    if company is None:
        return []
    investors = [m for m in s.mentions if m.proper and m.type in _INVESTOR_TYPES and first <= m.start - base < end
                 and m.name != company.name]
    strong = leads or [c for c in others if text[c[0]:c[1]] not in rules["weak_cues"]] or closing
    if not strong:
        firms = company_word_set()
        shaped = [m for m in investors if m.type == "Person" or set(m.name.lower().split()) & firms]
        if len(shaped) * 2 <= len(investors):
            return []
    lead_names = set()
    for lead_start, lead_end in leads:
        nxt = min([c[0] for c in others if c[0] > lead_end] + [end])
        comma = text.find(", with", lead_end)
        nxt = min(nxt, comma) if comma > 0 else nxt
        lead_names |= {m.name for m in investors if lead_end <= m.start - base < nxt}
    terms = _terms(s)
    date = _date(s)
    out = []
    for m in {m.name: m for m in investors}.values():
        lead = m.name in lead_names
        out.append(Relation(m.name, "INVESTS_IN", company.name, s.evidence(), LIKELY,
                            amount=terms.get("amount") if lead else None, date=date))
    return out


def _subsidiary_of(s: _Sentence) -> list[Relation]:
    out = []
    doc = s.sent.doc
    for m in s.mentions:
        if m.type != "Company" or not m.proper:
            continue
        j = m.token_end
        # "Janssen Biotech, a Johnson & Johnson company", "ImClone Systems LLC, the Lilly unit",
        # "Celltrion USA, the company's American subsidiary", "X, a unit of Y"
        if j < s.sent.end and doc[j].text == ",":
            for k in range(j + 1, min(s.sent.end, j + 9)):
                tok = doc[k]
                if tok.text in (",", ".", ";") or tok.lower_ in ("which", "who", "that"):
                    break
                if tok.lemma_.lower() in _SUBSIDIARY_NOUNS and s.at(tok) is None:
                    window = [x for x in s.mentions if j < x.token_start < k and x.type == "Company" and x.name != m.name]
                    parent = window[-1] if window else None
                    if parent is None and tok.lemma_.lower() != "company":
                        parent = next((x for x in _prep_objects(s, tok, ("of",)) if x.type == "Company"), None)
                    if parent is not None:
                        out.append(Relation(m.name, "SUBSIDIARY_OF", parent.name, s.evidence(), CONFIDENT))
                    break
        # "J&J's Janssen"
        if j + 1 < s.sent.end and doc[j].lower_ in ("'s", "’s"):
            child = s.by_token.get(j + 1)
            if child is not None and child.type == "Company" and child.proper and child.name != m.name:
                out.append(Relation(child.name, "SUBSIDIARY_OF", m.name, s.evidence(), LIKELY))
    # "X, (which is) owned by Y", "a unit of Y"
    for token in s.sent:
        if token.lemma_.lower() in ("own", "control") and token.tag_ == "VBN":
            parents = [p for c in token.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"
                       for p in s.head_entity(g) if p.type in PARTY_TYPES]
            child = s.at(token.head) if token.dep_ in ("acl", "relcl") else None
            if child is None:
                subj = [x for c in token.children if c.dep_ == "nsubjpass" for x in s.head_entity(c)]
                child = subj[0] if subj else None
            if child is not None:
                out += [Relation(child.name, "SUBSIDIARY_OF", p.name, s.evidence(), CONFIDENT) for p in parents
                        if p.name != child.name]
    return out


def _name_subsidiaries(mentions, sentences) -> list[Relation]:
    """"Celltrion USA", "FibroGen China", "Merck Research Laboratories": a parent's name plus a place or unit word."""
    names = {m.name: m for m in mentions if m.proper and m.type in ("Company", "Organization")}
    parents = {**{m.text: m for m in mentions if m.proper and m.type == "Company" and len(m.text) > 2}, **names}
    out = []
    unit_words = unit_word_set()
    business = business_word_set()
    for name, m in names.items():
        words = name.split()
        for cut in range(len(words) - 1, 0, -1):
            parent = " ".join(words[:cut])
            rest = words[cut:]
            if parent in parents and parents[parent].type == "Company" and parents[parent].name != name and (
                    all(w.lower() in unit_words or w.lower() in business or country_name(w) for w in rest)):
                sent = next((s for s in sentences if m in s.mentions), None)
                if sent is not None:
                    out.append(Relation(name, "SUBSIDIARY_OF", parents[parent].name, sent.evidence(), LIKELY))
                break
    return out


def _dateline_location(sentences, found: list[Relation]) -> list[Relation]:
    """"NEW BRUNSWICK, N.J. — Johnson & Johnson will pay ...": the company of the lead is based there."""
    out = []
    for i, s in enumerate(sentences[:4]):
        datelines = [m for m in s.mentions if m.type == "Location" and m.text.isupper() and len(m.text) > 2]
        if not datelines:
            continue
        lead = [m for t in sentences[i:i + 3] for m in t.mentions
                if m.token_start > datelines[-1].token_end and m.type == "Company" and m.proper]
        org = next((m for m in lead if m.is_subject), lead[0] if lead else None)
        if org is None:
            break
        located = {r.object for r in found if r.relation == "LOCATED_IN" and r.subject == org.name}
        if any(not country_name(p) for p in located):
            break  # the text names the company's own city elsewhere
        out.append(Relation(org.name, "LOCATED_IN", datelines[0].name, s.evidence(), LIKELY))
        break
    return out


def _dedupe(relations: list[Relation]) -> list[Relation]:
    """One candidate per (subject, relation, object, sentence): the most confident, with its attributes."""
    best: dict[tuple, Relation] = {}
    for rel in relations:
        if rel.subject == rel.object or not rel.subject or not rel.object:
            continue
        key = (rel.subject, rel.relation, rel.object, rel.evidence.start)
        old = best.get(key)
        if old is None:
            best[key] = rel
            continue
        keep, other = (rel, old) if rel.confidence > old.confidence else (old, rel)
        # attributes one reading found and the other did not are kept
        filled = {a: getattr(other, a) for a in ("amount", "upfront", "milestones", "date", "role")
                  if getattr(keep, a) is None and getattr(other, a) is not None}
        best[key] = replace(keep, **filled) if filled else keep
    return list(best.values())
