"""Entities: spaCy's named entities, corrected and typed for the domain, grouped per real entity.

spaCy's small English model finds names but types them loosely (a media outlet as
PERSON, a company as PRODUCT). Every candidate span gets a schema type from, in
order: the gazetteer ``data/gazetteer.jsonl`` (an ``EntityRuler`` run before the
model's NER), name shapes in ``data/name_shapes.json`` (company suffixes, agency and
organisation words, drug-name endings), country data (pycountry plus
``data/countries.json``), the words around it ("told X", "X analyst") and finally the
model's label. Drug code names ("HRS-5346") and generic drug names ("dostarlimab")
are found by their shape. Mentions of one entity within a document (short names,
acronyms in parentheses, "the Basel-based group", "its") are then grouped into one
``Entity``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from .lexicon import load_json, load_jsonl
from .model import Entity
from .names import name_key

SCHEMA_TYPES = ("Company", "GovernmentAgency", "Organization", "MediaOutlet", "Person",
                "Country", "Location", "Drug", "Technology")
ORG_TYPES = frozenset({"Company", "GovernmentAgency", "Organization", "MediaOutlet"})
#: spaCy label -> schema type when nothing better is known
_LABEL_TYPES = {"PERSON": "Person", "ORG": "Company", "GPE": "Location", "LOC": "Location",
                "FAC": "Location", "PRODUCT": "Drug"}
_CODE = re.compile(r"^[A-Z][A-Za-z]{1,5}-?\d{2,5}[A-Za-z]?$")
_CODE_STOP = frozenset({"COVID-19", "SARS-CoV-2", "H5N1", "MERS-CoV"})
_MEDIA_BEFORE = ("told", "according to", "reported by", "quoted by", "cited by", "in an interview with")
_MEDIA_AFTER = ("reported", "reports", "said in a report", "first reported")


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
    proper: bool = True  # a name, not a description ("the company") or pronoun
    how: str = "label"  # how the type was decided: gazetteer, shape, context, cue, label, ...
    sentence_index: int | None = None  # which sentence of the document
    is_subject: bool = False  # the name is a clause's subject


def paragraph_breaks(doc):
    """A line break ends a sentence: headlines and datelines are not run into the first sentence."""
    line_start = True
    for token in doc[:-1]:
        if line_start and token.is_upper and token.is_alpha and len(token) >= 3:
            # a dateline ("RAHWAY, N.J., Tuesday, March 25, 2025 — Merck ...") is not the sentence's subject
            for dash in doc[token.i + 1:token.i + 16]:
                if dash.text in ("—", "–", "--") and dash.i + 1 < len(doc):
                    doc[dash.i + 1].is_sent_start = True
                    break
                if "\n" in dash.text:
                    break
        line_start = False
        if "\n" in token.text and (token.is_space or token.text.strip() == ""):
            doc[token.i + 1].is_sent_start = True
            line_start = True
    return doc


def add_entity_components(nlp) -> None:
    """Add newsgraph's components: line breaks as sentence ends, the gazetteer before the NER (once)."""
    from spacy.language import Language

    if "newsgraph_gazetteer" in nlp.pipe_names:
        return
    add_token_splits(nlp)
    if not Language.has_factory("newsgraph_paragraph_breaks_v1"):
        Language.component("newsgraph_paragraph_breaks_v1", func=paragraph_breaks)
    nlp.add_pipe("newsgraph_paragraph_breaks_v1", name="newsgraph_paragraphs", before="parser")
    ruler = nlp.add_pipe("entity_ruler", name="newsgraph_gazetteer", before="ner",
                         config={"phrase_matcher_attr": "ORTH", "overwrite_ents": True})
    ruler.add_patterns([{"label": r["label"], "pattern": r["pattern"]}
                        for r in load_jsonl("gazetteer.jsonl", "label", "pattern")])


def token_splits() -> list[dict]:
    """The ``token_splits`` rows of ``data/not_entities.json``: infixes for words run together."""
    from newsgraph.errors import SchemaError

    rows = load_json("not_entities.json", "rows").get("token_splits", [])
    for number, row in enumerate(rows, 1):
        try:
            re.compile(row["pattern"])
        except (KeyError, TypeError, re.error) as exc:
            raise SchemaError(f"not_entities.json: token_splits row {number}: 'pattern' must be a "
                              f"regular expression ({exc})") from exc
    return rows


def add_token_splits(nlp) -> None:
    """Cut words a scraper ran together ("2031.Yelmora", "WhitcombeCEO") with extra infixes."""
    from spacy.util import compile_infix_regex

    nlp.tokenizer.infix_finditer = compile_infix_regex(
        [*nlp.Defaults.infixes, *(row["pattern"] for row in token_splits())]).finditer


@lru_cache(maxsize=1)
def _shapes() -> dict:
    data = load_json("name_shapes.json", "company_suffixes", "agency_words", "organization_words",
                     "media_words", "drug_suffixes", "company_words")
    return {k: (frozenset(v) if isinstance(v, list) else v) for k, v in data.items()}


def unit_word_set() -> frozenset[str]:
    """Words that make a unit's name from its parent's: "Celltrion USA", "Merck Research Laboratories"."""
    return _shapes()["unit_words"]


def business_word_set() -> frozenset[str]:
    return _shapes()["business_words"]


def company_word_set() -> frozenset[str]:
    return _shapes()["company_words"]


@lru_cache(maxsize=1)
def descriptors() -> dict:
    return load_json("descriptors.json", "heads", "titles")


@lru_cache(maxsize=1)
def _countries() -> tuple[dict[str, str], dict[str, str]]:
    """(lower-cased country names and aliases -> canonical name, demonym -> canonical name)."""
    import pycountry

    data = load_json("countries.json", "display_names", "aliases", "demonyms")

    def display(code: str) -> str | None:
        country = pycountry.countries.get(alpha_2=code)
        if country is None:
            return None
        return data["display_names"].get(code) or getattr(country, "common_name", None) or country.name

    names: dict[str, str] = {}
    for country in pycountry.countries:
        label = display(country.alpha_2)
        for form in (country.name, getattr(country, "common_name", None),
                     getattr(country, "official_name", None), label):
            if form:
                names[form.lower()] = label
    for alias, code in data["aliases"].items():
        if display(code):
            names[alias.lower()] = display(code)
    demonyms = {k.lower(): display(v) for k, v in data["demonyms"].items() if display(v)}
    return names, demonyms


@lru_cache(maxsize=1)
def _place_aliases() -> dict[str, str]:
    return load_json("countries.json", "place_aliases")["place_aliases"]


def country_name(text: str) -> str | None:
    """The canonical name of the country ``text`` names, or None.

    >>> country_name("Korea"), country_name("the Republic of Korea"), country_name("Boston")
    ('South Korea', 'South Korea', None)
    """
    key = " ".join(text.replace("\u2019", "'").split()).lower()
    key = re.sub(r"^the\s+", "", key)
    return _countries()[0].get(key)


def demonym_country(text: str) -> str | None:
    """The country a nationality adjective stands for: "Swiss" -> "Switzerland"."""
    return _countries()[1].get(" ".join(text.split()).lower())


def classify(text: str, label: str) -> tuple[str | None, str]:
    """(schema type, how it was decided) for a span that spaCy or the gazetteer labelled ``label``.

    >>> classify("Zealand Pharma", "PERSON")
    ('Company', 'shape')
    >>> classify("Ministry of Health and Welfare", "ORG")
    ('GovernmentAgency', 'shape')
    """
    if label in SCHEMA_TYPES:
        return label, "gazetteer"
    shapes = _shapes()
    words = text.replace("\u2019", "'").split()
    if not words:
        return None, "none"
    lowered = [w.lower().strip(".,") for w in words]
    if label in ("GPE", "LOC", "NORP", "ORG", "PERSON") and country_name(text):
        return ("Country", "country") if label != "NORP" else (None, "none")
    if label in ("NORP", "DATE", "MONEY", "CARDINAL", "PERCENT", "ORDINAL", "QUANTITY", "TIME",
                 "LAW", "LANGUAGE", "EVENT"):
        return None, "none"
    if label == "FAC" and len(words) == 1:
        # the small model's one-word FAC is mostly a company it did not know ("Organon")
        return "Company", "label"
    if lowered[-1] in shapes["company_suffixes"] and len(words) > 1 and label in ("GPE", "LOC", "FAC"):
        return "Company", "shape"  # "Calloway Pharma" read as a place by the small model
    if label in ("GPE", "LOC", "FAC"):
        return "Location", "label"
    if any(w in shapes["agency_words"] for w in lowered) and not lowered[-1] in shapes["company_suffixes"]:
        return "GovernmentAgency", "shape"
    if any(w in shapes["media_words"] for w in lowered[1:] or lowered):
        return "MediaOutlet", "shape"
    if any(w in shapes["company_words"] for w in lowered):
        return "Company", "shape"
    if any(w in shapes["organization_words"] for w in lowered):
        return "Organization", "shape"
    if lowered[-1] in shapes["company_suffixes"] and len(words) > 1:
        return "Company", "shape"
    if len(words) == 1 and _is_generic_drug(words[0]):
        return "Drug", "shape"
    if label == "PRODUCT":
        # the small model's PRODUCT is mostly firms with camel-case names ("AbbVie")
        return ("Company", "label") if re.search(r"[a-z][A-Z]", text) else ("Drug", "label")
    return _LABEL_TYPES.get(label), "label"


@lru_cache(maxsize=1)
def _not_entity_rows() -> tuple[tuple[str, str, object, frozenset], ...]:
    """The rows of ``data/not_entities.json`` as (id, kind, matcher, keep_types), checked on load."""
    from newsgraph.errors import SchemaError

    from .lexicon import DATA_DIR

    path = DATA_DIR / "not_entities.json"
    rows = []
    for number, row in enumerate(load_json("not_entities.json", "rows")["rows"], 1):
        where = f"{path}: row {number} ({row.get('id', 'no id')})"
        kind = row.get("kind")
        if not isinstance(row.get("id"), str) or kind not in ("exact", "exact_case", "last_word", "regex"):
            raise SchemaError(f"{where}: needs an 'id' and a 'kind' of exact, exact_case, last_word or regex")
        if kind == "regex":
            try:
                matcher = re.compile(row["pattern"])
            except (KeyError, re.error) as exc:
                raise SchemaError(f"{where}: 'pattern' must be a regular expression ({exc})") from exc
        else:
            values = row.get("values")
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                raise SchemaError(f"{where}: 'values' must be a list of strings")
            matcher = frozenset(values if kind == "exact_case" else (v.lower() for v in values))
        rows.append((row["id"], kind, matcher, frozenset(row.get("keep_types", ()))))
    return tuple(rows)


def not_entity(text: str, etype: str | None = None) -> str | None:
    """The id of the ``not_entities.json`` row that says ``text`` is no entity, or None.

    >>> not_entity("Important Safety Information"), not_entity("Breast Cancer"), not_entity("KRAS")
    ('boilerplate.headings', 'disease.heads', 'gene.targets')
    >>> not_entity("Yelmora Therapeutics Inc.") is None
    True
    """
    text = " ".join(text.replace("\u2019", "'").split())
    lowered = text.lower()
    words = lowered.split()
    if not words:
        return None
    named = len(words) > 1 and words[-1].strip(".,") in _shapes()["company_suffixes"]
    for rid, kind, matcher, keep in _not_entity_rows():
        if etype in keep or (named and kind != "exact"):
            continue  # past a whole-span heading, "... Inc." is a name whatever comes before
        if (kind == "exact" and lowered in matcher) or (kind == "exact_case" and text in matcher) \
                or (kind == "last_word" and words[-1].strip(".,") in matcher) \
                or (kind == "regex" and matcher.search(text)):
            return rid
    return None


def _is_phrase(sdoc, start: int, end: int) -> bool:
    """A title-case span of two or more words that opens a line, each word written lower-case
    elsewhere in the same article ("Licensing Terms" beside "the licensing terms"): a heading."""
    words = [t for t in sdoc[start:end] if t.is_alpha]
    if len(words) < 2 or not all(t.is_title for t in words):
        return False
    if start > 0 and "\n" not in sdoc[start - 1].text_with_ws:
        return False  # only a span that opens a line, as headings do
    lower = _lower_words(sdoc)
    return all(t.lower_ in lower for t in words if len(t) > 3) and any(len(t) > 3 for t in words)


def _lower_words(sdoc) -> frozenset[str]:
    cached = sdoc.user_data.get("newsgraph.lower_words")
    if cached is None:
        cached = frozenset(t.text for t in sdoc if t.is_lower and t.is_alpha)
        sdoc.user_data["newsgraph.lower_words"] = cached
    return cached


_DRUG_KINDS = frozenset({"agonist", "antagonist", "modulator", "degrader", "conjugate", "blocker", "activator"})


def _described_as_drug(token) -> bool:
    """A lower-case coined word described as a drug in apposition: "darovast, a D1 partial agonist"."""
    doc = token.doc
    if not (token.is_alpha and token.is_lower and len(token) >= 7 and not token.is_stop
            and token.pos_ in ("NOUN", "PROPN", "ADJ") and token.i + 2 < len(doc)
            and doc[token.i + 1].text == "," and doc[token.i + 2].lower_ in ("a", "an", "the", "its", "their", "our")):
        return False
    kinds = _DRUG_NOUNS | _DRUG_KINDS
    for follower in doc[token.i + 3:token.i + 8]:
        if follower.is_punct:
            return False
        if follower.lemma_.lower() in kinds or follower.lower_ in kinds:
            return True
    return False


def _is_generic_drug(word: str) -> bool:
    return (word.isalpha() and word[:1].islower() and len(word) >= 7
            and word.lower().endswith(tuple(_shapes()["drug_suffixes"])))


def _is_code(token) -> bool:
    text = token.text
    if not _CODE.match(text) or text in _CODE_STOP:
        return False
    letters = re.match(r"[A-Za-z]+", text).group(0)
    digits = re.sub(r"\D", "", text)
    return sum(c.isupper() for c in letters) >= 2 and (len(letters) >= 3 or len(digits) >= 3)


def _candidates(sdoc) -> list[tuple[int, int, str, str]]:
    """(token start, token end, type, how decided) for every entity span, overlaps resolved."""
    found: list[tuple[int, int, str, str]] = []
    for ent in _joined_ents(sdoc):
        etype, how = classify(ent.text, ent.label_)
        if etype is None:
            continue
        for start, end in _clean_span(sdoc, ent.start, ent.end, etype):
            text = sdoc[start:end].text
            if not any(c.isalpha() for c in text) or re.match(r"(?i)phase\b", text):
                continue
            if how != "gazetteer" and (not_entity(text, etype) or (how == "label" and _is_phrase(sdoc, start, end))):
                continue
            sub_type, sub_how = (etype, how) if (start, end) == (ent.start, ent.end) else classify(text, ent.label_)
            if sub_type is None or (text.islower() and sub_type not in ("Drug", "Technology")):
                continue  # "biotech" alone is a description, not a name
            found.append((start, end, sub_type, sub_how))
    taken = {i for s, e, _, _ in found for i in range(s, e)}
    for token in sdoc:
        if token.i in taken:
            continue
        if _is_code(token):
            found.append((token.i, token.i + 1, "Drug", "shape"))
        elif _described_as_drug(token):
            found.append((token.i, token.i + 1, "Drug", "context"))
        elif _is_generic_drug(token.text):
            end = token.i + 1
            if end < len(sdoc) and sdoc[end].lower_.endswith(("ate", "ide", "chloride", "sodium")) \
                    and sdoc[end].is_lower and sdoc[end].pos_ in ("NOUN", "PROPN", "ADJ"):
                end += 1  # a salt: "enlicitide decanoate"
            found.append((token.i, end, "Drug", "shape"))
    found = [c for c in found if not _is_target(sdoc, c)]
    taken = {i for s, e, _, _ in found for i in range(s, e)}
    found += [(t.i, t.i + 1, "Company", "context") for t in sdoc if t.i not in taken and _missed_subject(t)]
    taken = {i for s, e, _, _ in found for i in range(s, e)}
    titles = descriptors()["titles"]
    for start, end, etype, _ in list(found):
        if etype != "Person" or start < 2:
            continue
        title, org = sdoc[start - 1], sdoc[start - 2]
        if title.lower_ in titles and org.pos_ in ("PROPN", "NOUN") and org.i not in taken and org.is_title \
                and org.lower_ not in titles and not org.is_stop:
            found.append((org.i, org.i + 1, "Organization" if title.lower_ == "analyst" else "Company", "context"))
    found = [_retype(sdoc, c) for c in found]
    return sorted(found + _repeats(sdoc, found))


def _repeats(sdoc, found: list[tuple[int, int, str, str]]) -> list[tuple[int, int, str, str]]:
    """Other places where a name found once in the document is written again, word for word,
    and the NER missed it there ("Quorvia" tagged in one sentence and not in the next)."""
    taken = {i for s, e, _, _ in found for i in range(s, e)}
    names: dict[str, list[tuple[tuple[str, ...], str, str]]] = {}
    for start, end, etype, how in found:
        words = tuple(t.text for t in sdoc[start:end])
        text = sdoc[start:end].text
        if len(text) < 4 or text.islower() or text.isupper() and len(text) < 5 or etype in ("Country",):
            continue
        names.setdefault(words[0], []).append((words, etype, how))
    out = []
    for token in sdoc:
        if token.i in taken or token.text not in names:
            continue
        for words, etype, how in sorted(names[token.text], key=lambda n: -len(n[0])):
            end = token.i + len(words)
            if tuple(t.text for t in sdoc[token.i:end]) == words and not taken & set(range(token.i, end)) \
                    and (end >= len(sdoc) or not (sdoc[end].pos_ == "PROPN" and sdoc[end].text[:1].isupper())):
                out.append((token.i, end, etype, how if how == "cue" else "repeat"))
                taken.update(range(token.i, end))
                break
    return out


_TARGET_WORDS = frozenset({"receptor", "receptors", "inhibitor", "inhibitors", "mutation", "mutations", "gene",
                           "genes", "pathway", "agonist", "agonists", "protein", "antagonist", "kinase",
                           "expression", "target", "targets", "mutant", "positive", "negative"})


def _missed_subject(token) -> bool:
    """A capitalised one-word subject of a deal verb that the NER missed ("Celltrion buys ...")."""
    if token.dep_ not in ("nsubj", "nsubjpass") or not token.is_title or token.is_stop or len(token) < 3 \
            or token.tag_ in ("NNS", "NNPS"):
        return False
    if token.pos_ not in ("PROPN", "NOUN") or any(c.dep_ in ("det", "amod", "compound") for c in token.children):
        return False
    if token.lower_ in descriptors()["heads"] or token.lower_ in descriptors()["titles"]:
        return False
    verb = token.head
    lemma = verb.lemma_.lower()
    if verb.pos_ != "VERB":
        return False
    from .relations import lexicon  # the same trigger words the relation rules use
    xcomp = [c.lemma_.lower() for c in verb.children if c.dep_ == "xcomp"]
    return any(lemma in lexicon()[rel]["verbs"] or set(xcomp) & lexicon()[rel]["verbs"]
               for rel in ("ACQUIRES", "INVESTS_IN", "PARTNERS_WITH", "LICENSES_FROM", "SIGNS_AGREEMENT_WITH"))


def _is_target(sdoc, candidate) -> bool:
    """A gene or drug target written like a name ("KIT", "GLP-1 and GIP receptors", "PCSK9 inhibitor")."""
    start, end, etype, how = candidate
    text = sdoc[start:end].text
    if how == "gazetteer" or end - start > 1 or not re.fullmatch(r"[A-Z][A-Z0-9-]{1,7}", text):
        return False
    after = [t.lower_ for t in sdoc[end:end + 4]]
    before = sdoc[max(0, start - 2):start].text.lower()
    return bool(_TARGET_WORDS & set(after)) or before.endswith(("anti-", "at", "targeting", "against"))


def _joined_ents(sdoc):
    """The document's entity spans, with names the NER cut at "-based" joined again
    ("Korea Research" + "-based" + "Pharmaceutical Industry Association")."""
    from spacy.tokens import Span

    ents = list(sdoc.ents)
    out = []
    i = 0
    while i < len(ents):
        ent = ents[i]
        if i + 1 < len(ents) and ent.label_ == "ORG" and ents[i + 1].label_ == "ORG" \
                and ents[i + 1].start == ent.end + 2 and sdoc[ent.end].text == "-" \
                and sdoc[ent.end + 1].lower_ == "based":
            out.append(Span(sdoc, ent.start, ents[i + 1].end, label="ORG"))
            i += 2
            continue
        start = ent.start
        while start > 0 and sdoc[start - 1].pos_ == "PROPN" and sdoc[start - 1].text[:1].isupper() \
                and sdoc[start - 1].dep_ == "compound" and ent.start <= sdoc[start - 1].head.i < ent.end \
                and not sdoc[start - 1].ent_type_ and "\n" not in sdoc[start - 1].whitespace_:
            start -= 1  # "Brenvale" + "Pharma": the NER kept only the head of the name
        if start != ent.start and classify(sdoc[start:ent.end].text, "PROPN")[0] is None:
            start = ent.start  # only when the whole has a name's shape: not "President Reagan"
        out.append(ent if start == ent.start else Span(sdoc, start, ent.end, label=ent.label_))
        i += 1
    return out


def _clean_span(sdoc, start: int, end: int, etype: str) -> list[tuple[int, int]]:
    """Trim articles, possessives and trailing common nouns; split "A's B" and "A and B" lists."""
    while start < end and sdoc[start].lower_ in ("the", "a", "an"):
        start += 1
    while end - start > 1 and sdoc[end - 1].is_lower and sdoc[end - 1].is_alpha and sdoc[end - 2].text != "-" \
            and sdoc[end - 1].lower_ not in _shapes()["company_suffixes"] \
            and etype not in ("Drug", "Technology", "Person"):
        end -= 1  # "Big Pharma dollars"
    while end > start and (sdoc[end - 1].tag_ == "POS" or sdoc[end - 1].is_punct or sdoc[end - 1].is_space
                           or sdoc[end - 1].lower_ in ("'s", "’s")):
        end -= 1
    for i in range(start, end):
        if sdoc[i].is_space or "\n" in sdoc[i].text:
            end = i  # a name never runs across a line break
            break
    if start >= end:
        return []
    for i in range(start + 1, end):
        if sdoc[i].lower_ == "based" and sdoc[i - 1].text in ("-", "–") and (
                i + 1 >= end or not sdoc[i + 1].is_title):
            return _clean_span(sdoc, start, i - 1, etype)  # "Daejeon-based biotech": the place only
    for i in range(start + 1, end - 1):
        if sdoc[i].tag_ == "POS" or sdoc[i].lower_ in ("'s", "’s"):
            return _clean_span(sdoc, start, i, etype) + _clean_span(sdoc, i + 1, end, etype)
    if etype in ("Company", "Organization"):
        for i in range(start + 1, end - 1):
            if sdoc[i].lower_ in ("and", ",") and sdoc[i + 1].is_title:
                left = sdoc[start:i].text.lower().split()
                if left and (left[-1] in _shapes()["company_suffixes"] or sdoc[i].lower_ == ","):
                    return [(start, i)] + _clean_span(sdoc, i + 1, end, etype)
    return [(start, end)]


def _retype(sdoc, candidate):
    """Correct a model-typed span from its shape and the words around it ("told X", "Daejeon-based")."""
    start, end, etype, how = candidate
    if how not in ("label", "shape") or etype in ("Country",):
        return candidate
    before = sdoc[max(0, start - 3):start].text.lower()
    after = sdoc[end:end + 3].text.lower()
    nxt = sdoc[end] if end < len(sdoc) else None
    if end - start == 1 and _is_code(sdoc[start]):
        etype = "Technology" if after.startswith(("platform", "technology")) else "Drug"
        return start, end, etype, "shape"
    if end - start == 1 and (after.startswith(("platform", "technology")) or (
            sdoc[start].dep_ == "appos" and sdoc[start].head.lemma_.lower() in ("platform", "technology"))):
        return start, end, "Technology", "context"  # "its Hybrozyme platform", "its ADC platform, ConjuAll"
    if end - start == 1 and sdoc[start].is_title and re.match(r"\( ?[a-z]{6,} ?\)", sdoc[end:end + 3].text):
        return start, end, "Drug", "context"  # "Caplyta (lumateperone)": brand, then generic name
    if end - start == 1 and start > 0 and sdoc[start - 1].lemma_.lower() in _DRUG_NOUNS:
        return start, end, "Drug", "context"  # "the cancer drug Jemperli"
    if etype in ("Company", "Person", "Organization") and _told_to(sdoc, start, end, before, after):
        return start, end, "MediaOutlet", "context"
    if how != "label":
        return candidate
    if nxt is not None and (after.startswith(("-based", "- based")) or (
            nxt.text == "," and end + 1 < len(sdoc) and not not_entity(sdoc[end + 1].text)
            and (sdoc[end + 1].ent_type_ == "GPE" or country_name(sdoc[end + 1].text)))):
        return start, end, "Location", "context"  # "Daejeon-based", "Søborg, Denmark"
    cue = cue_type(sdoc, start, end)
    if cue is not None:
        return start, end, cue[0], "cue"
    if etype not in ("Company", "Person", "Organization"):
        return candidate
    if after.startswith(("analyst", "analysts", "research")):
        return start, end, "Organization", "context"
    return candidate


@lru_cache(maxsize=1)
def _cue_rows() -> tuple[tuple[str, str, tuple[str, ...], tuple[str, ...]], ...]:
    """(id, type, before cues, after cues) of ``data/type_cues.json``, checked on load."""
    from newsgraph.errors import SchemaError

    rows = []
    for number, row in enumerate(load_json("type_cues.json", "rows")["rows"], 1):
        if row.get("type") not in SCHEMA_TYPES or not (row.get("before") or row.get("after")):
            raise SchemaError(f"type_cues.json: row {number} ({row.get('id', 'no id')}): needs a schema "
                              "'type' and 'before' or 'after' cues")
        rows.append((row["id"], row["type"], tuple(row.get("before", ())), tuple(row.get("after", ()))))
    return tuple(rows)


def cue_type(sdoc, start: int, end: int) -> tuple[str, str] | None:
    """(type, cue id) when the words around tokens ``start:end`` say what the name is."""
    # a window of tokens, not ``sdoc.text`` (which spaCy joins anew at every call)
    before = sdoc[max(0, start - 12):start]
    left = (before.text + sdoc[start - 1].whitespace_ if start else "")[-40:].lower().replace("\u2019", "'")
    left = " ".join(left.split())
    tail = sdoc[end - 1]
    right = (tail.whitespace_ + sdoc[end:end + 12].text)[:50].lower().replace("\u2019", "'")
    right = " ".join(right.split()) if not right[:1].isspace() else " " + " ".join(right.split())
    for rid, etype, before, after in _cue_rows():
        for cue in before:
            if left.endswith(cue) and (len(left) == len(cue) or not left[-len(cue) - 1].isalnum()):
                return etype, rid
        for cue in after if tail.dep_ != "pobj" else ():  # "in Oslo declined to comment": the clause's words
            probe = right if cue[:1] in ",'" else right[1:] if right[:1] == " " else None
            if probe is not None and probe.startswith(cue) and not probe[len(cue):len(cue) + 1].isalnum():
                return etype, rid
    return None


_DRUG_NOUNS = frozenset({"drug", "therapy", "medicine", "candidate", "treatment", "injection", "pill",
                         "vaccine", "antibody", "biosimilar", "asset", "inhibitor"})
_SPEECH_VERBS = frozenset({"confirm", "say", "tell", "explain", "disclose", "write", "reveal", "announce"})


def _told_to(sdoc, start, end, before, after) -> bool:
    """ "told X", "according to X", "X reported", "confirmed (the news) to X": X is a publication."""
    if before.endswith(_MEDIA_BEFORE) or after.startswith(_MEDIA_AFTER):
        return True
    head = sdoc[end - 1].head
    return head.lower_ == "to" and head.dep_ in ("prep", "dative") and head.head.lemma_.lower() in _SPEECH_VERBS


_DATELINE = re.compile(r"^([A-Z][A-Z.'’ -]+(?:/[A-Z][A-Z.'’ -]+)*)(?=,|\s+[—–-])", re.MULTILINE)


def _dateline_places(sdoc) -> list[tuple[int, int, str, str]]:
    """The places of a dateline ("NEW BRUNSWICK, N.J. —", "BASEL/COPENHAGEN —", "OSLO, Norway (Reuters)")
    near the top."""
    found = []
    head = sdoc.text[:600]
    for match in _DATELINE.finditer(head):
        line_end = head.find("\n", match.start())
        line = head[match.start(): line_end if line_end > 0 else len(head)]
        if not re.search(r"\s[—–]\s|\s--?\s|\([A-Z][\w.&-]*\)", line[:80]):  # a dash or "(AGENCY)" 
            continue
        offset = match.start()
        for part in re.finditer(r"[^/]+", match.group(1)):
            text = part.group(0).strip()
            if len(text) < 3:
                continue
            start = offset + part.start() + (len(part.group(0)) - len(part.group(0).lstrip()))
            span = sdoc.char_span(start, start + len(text), alignment_mode="expand")
            if span is not None:
                etype = "Country" if country_name(text) else "Location"
                found.append((span.start, span.end, etype, "dateline"))
        break
    return found


_AGENCY = re.compile(r"^[^\n(]{2,60}\((?P<agency>[A-Z][\w.&-]*(?: [A-Z][\w.&-]*){0,2})\)\s*(?:--|[—–_-])", re.MULTILINE)


def _dateline_agency(sdoc) -> list[tuple[int, int, str, str]]:
    """The wire service of a dateline near the top ("OSLO, Norway (NTB) --", "Paris, May 2 (AFP) _")."""
    match = _AGENCY.search(sdoc.text[:600])
    if match is None or not_entity(match.group("agency")):
        return []
    span = sdoc.char_span(match.start("agency"), match.end("agency"), alignment_mode="expand")
    return [(span.start, span.end, "MediaOutlet", "dateline")] if span is not None else []


def doc_entities(sdoc) -> tuple[list[Entity], list[EntityMention]]:
    """The entities of a parsed document and every mention, grouped per real entity."""
    mentions = []
    candidates = _candidates(sdoc)
    dateline = _dateline_places(sdoc) + _dateline_agency(sdoc)
    if dateline:
        spans = {i for s, e, _, _ in dateline for i in range(s, e)}
        candidates = sorted(dateline + [c for c in candidates if not spans & set(range(c[0], c[1]))])
    for start, end, etype, how in candidates:
        span = sdoc[start:end]
        name = (country_name(span.text) if etype == "Country" else None) or span.text
        if etype == "Location":
            name = _place_aliases().get(span.text, name)
        if how == "dateline" and etype == "Location":
            name = span.text.title()
        mentions.append(EntityMention(span.start_char, span.end_char, span.text, etype, name, start, end, how=how))
    mentions = _group_names(sdoc, mentions)
    mentions = sorted(mentions + _descriptions(sdoc, mentions), key=lambda m: m.token_start)
    starts = {sent.start: i for i, sent in enumerate(sdoc.sents)}
    index_of = {}
    current = 0
    for token in sdoc:
        current = starts.get(token.i, current)
        index_of[token.i] = current
    mentions = [replace(m, sentence_index=index_of[m.token_start],
                        is_subject=sdoc[m.token_end - 1].dep_ in ("nsubj", "nsubjpass")
                        or sdoc[m.token_end - 1].head.dep_ in ("nsubj", "nsubjpass")
                        and sdoc[m.token_end - 1].dep_ in ("appos", "compound"))
                for m in mentions]
    found = _entities(mentions)
    type_of = {e.name: e.type for e in found}  # one type per name in a document, the vote's
    mentions = [replace(m, type=type_of[m.name]) if m.name in type_of and m.type != type_of[m.name] else m
                for m in mentions]
    return found, mentions


def _group_names(sdoc, mentions: list[EntityMention]) -> list[EntityMention]:
    """Point short names, acronyms and brand/generic pairs at the fullest name of their entity."""
    target: dict[str, str] = {}
    types: dict[str, str] = {}
    # a key also written in a longer form ("Merck & Co.", "Novo Holdings") names an entity of its own
    anchored = {name_key(m.name) for m in mentions if len(m.name.split()) > len(name_key(m.name).split())}
    first_seen: dict[str, int] = {}
    for m in sorted(mentions, key=lambda m: m.start):
        first_seen.setdefault(name_key(m.name), m.start)
    # headlines and notes above the article may use the short name first
    headline_end = 0
    for i, sent in enumerate(sdoc.sents):
        if i == 3:
            break
        headline_end = sent.end_char
    # acronyms last, so their long forms are known when they are placed
    ordered = sorted(mentions, key=lambda m: (-len(name_key(m.name).split()),
                                              bool(re.fullmatch(r"[A-Z&.]{2,8}", m.text)), m.start))
    for m in ordered:
        key = name_key(m.name)
        if not key or key in target:
            continue
        target[key], types[key] = m.name, m.type
        words = key.split()
        if m.type not in ("Company", "Person", "Organization", "MediaOutlet", "GovernmentAgency", "Location") or (
                key in anchored and len(words) == 1):
            continue  # "Novo Holdings" is not a short form of "Novo Nordisk"
        longer = set()
        for other, name in list(target.items()):
            owords = other.split()
            if types[other] not in ("Company", "Person", "Organization", "GovernmentAgency", "MediaOutlet"):
                continue
            if len(owords) <= len(words) and not _is_acronym(m.text, name):
                continue
            if types[other] == "Person" and m.type not in ("Person", "Company"):
                continue
            if m.type == "Location" and (types[other] != "Company" or len(words) > 1):
                continue
            if "Person" not in (types[other], m.type) and types[other] != m.type and not _is_acronym(m.text, name) \
                    and not (m.type == "Location" and types[other] == "Company"):
                continue  # "Merck" is no short form of the unit "Merck Research Laboratories"
            if types[other] == "Person":
                # family name last (Western) or first (Korean, Chinese: "Jeong Eun-kyeong")
                if len(words) == 1 and (owords[-1] == words[0] or owords[0] == words[0]):
                    longer.add(name)
            elif first_seen[key] < first_seen[other] and first_seen[key] >= headline_end \
                    and not _is_acronym(m.text, name):
                continue  # "Roche" named before "Roche Pharmaceuticals" is the parent, not a short form
            elif _is_acronym(m.text, name) or (_contains(owords, words) and not (
                    owords[:len(words)] == words and all(
                        w in unit_word_set() or country_name(w) for w in owords[len(words):]))):
                longer.add(name)  # but "Celltrion" is the parent of "Celltrion USA", not a short form
        if len(longer) == 1:
            target[key] = longer.pop()
            types[key] = types[name_key(target[key])]
    # "Korea Research-based ... Association (KRPIA)", "Caplyta (lumateperone)"
    for m in mentions:
        nxt = m.token_end
        if nxt + 2 < len(sdoc) and sdoc[nxt].text == "(" and sdoc[nxt + 2].text == ")":
            inner = sdoc[nxt + 1].text
            if (inner.isupper() and len(inner) >= 2 and _initials_of(inner, m.text)) or (
                    m.type == "Drug" and inner.isalpha() and inner.islower()):
                target[name_key(inner)] = target.get(name_key(m.name), m.name)
                types[name_key(inner)] = m.type
    for old_name, new_name, new_type in _renames(sdoc, mentions):
        target[name_key(old_name)] = target.get(name_key(new_name), new_name)
        types[name_key(old_name)] = types.get(name_key(new_name), new_type)
    out = []
    for m in mentions:
        key = name_key(m.name)
        name = target.get(key, m.name)
        while name_key(name) != key and name_key(name) in target and target[name_key(name)] != name:
            key, name = name_key(name), target[name_key(name)]
        out.append(replace(m, name=name, type=types.get(name_key(name), m.type)))
    # acronym/generic forms that were not found as entities on their own
    seen = {(m.token_start, m.token_end) for m in out}
    for m in list(out):
        nxt = m.token_end
        if nxt + 2 < len(sdoc) and sdoc[nxt].text == "(" and sdoc[nxt + 2].text == ")" \
                and (nxt + 1, nxt + 2) not in seen and name_key(sdoc[nxt + 1].text) in target:
            tok = sdoc[nxt + 1]
            out.append(EntityMention(tok.idx, tok.idx + len(tok), tok.text, m.type, m.name, tok.i, tok.i + 1))
    return out


_ALIAS_VERBS = frozenset({"know", "sell", "market", "brand", "call", "rename", "commercialize", "trade"})


def _renames(sdoc, mentions: list[EntityMention]):
    """(other name, name, type): "X has since changed its name to Y", "Merck, known as MSD", "sold as Keytruda"."""
    for sent in sdoc.sents:
        lemmas = [t.lemma_.lower() for t in sent]
        if "as" not in lemmas and "name" not in lemmas:
            continue
        inside = [m for m in mentions if sent.start <= m.token_start < sent.end]
        if "change" in lemmas and "name" in lemmas and len(inside) >= 2:
            companies = [m for m in inside if m.type == "Company"]
            if len(companies) >= 2:
                yield companies[0].name, companies[-1].name, "Company"
        for token in sent:
            if token.lower_ != "as" or token.head.lemma_.lower() not in _ALIAS_VERBS:
                continue
            alias = next((m for m in inside if m.token_start == token.i + 1), None)
            if alias is None:
                continue
            verb = token.head
            anchor = verb.head if verb.dep_ in ("acl", "relcl", "appos") else None
            owner = next((m for m in inside if anchor is not None and m.token_start <= anchor.i < m.token_end), None)
            if owner is None:
                before = [m for m in inside if m.token_end <= verb.i and m.type in (alias.type, "Drug", "Company")]
                owner = before[-1] if before else None
            if owner is not None and owner.name != alias.name and owner.type in ("Drug", "Company", "Technology"):
                yield alias.name, owner.name, owner.type


def _is_acronym(short: str, name: str) -> bool:
    """ "J&J" for "Johnson & Johnson", "FDA" for "Food and Drug Administration"."""
    letters = re.sub(r"[&.\s]", "", short)
    if not (2 <= len(letters) <= 6 and letters.isupper()):
        return False
    initials = "".join(w[0] for w in re.findall(r"[A-Za-z][\w-]*", name) if w.lower() not in ("and", "of", "the", "for"))
    return initials.upper() == letters and len(name.split()) > 1


def _initials_of(short: str, name: str) -> bool:
    """ "KRPIA" for "Korea Research-based Pharmaceutical Industry Association": the letters of
    ``short`` are capitals of ``name`` in order, from its first (so "Argentina (AP)" is no acronym)."""
    letters = [c for c in short if c.isalpha()]
    capitals = [c for c in name if c.isupper()]
    if not letters or not capitals or letters[0] != capitals[0]:
        return False
    it = iter(capitals[1:])
    return all(any(c == x for x in it) for c in letters[1:])


def _contains(longer: list[str], shorter: list[str]) -> bool:
    n = len(shorter)
    return any(longer[i:i + n] == shorter for i in range(len(longer) - n + 1))


def _descriptions(sdoc, mentions: list[EntityMention]) -> list[EntityMention]:
    """Mentions for "the company", "the Basel-based group", "its": the entity they refer back to."""
    heads = descriptors()["heads"]
    by_token = {i: m for m in mentions for i in range(m.token_start, m.token_end)}
    taken = set(by_token)
    by_start = sorted(mentions, key=lambda m: m.token_start)
    lead = lead_company(sdoc, by_start)
    cues = _country_cues(sdoc, by_start)
    out = []
    for token in sdoc:
        if token.i in taken:
            continue
        if token.lower_ in ("its", "it") and token.dep_ in ("poss", "nsubj", "nsubjpass"):
            antecedent = _antecedent(token, by_start, ("Company",), prefer_subject=True, lead=lead)
            if antecedent is not None:
                out.append(EntityMention(token.idx, token.idx + len(token), token.text, antecedent.type,
                                         antecedent.name, token.i, token.i + 1, proper=False))
            continue
        if token.pos_ != "NOUN" or token.tag_ != "NN" or token.lemma_.lower() not in heads:
            continue  # "the companies" is both of them, not one
        det = [c for c in token.lefts if c.dep_ == "det"]
        if not det or det[0].lower_ != "the":
            continue
        start = det[0].i
        # places may sit inside a description ("the London-based group"); other names may not
        if any(i in taken and by_token[i].type not in ("Location", "Country") for i in range(start, token.i + 1)):
            continue
        types = tuple(heads[token.lemma_.lower()])
        places = {c for t in sdoc[start:token.i] for c in _token_countries(t, by_token)}
        cued = [m for m in by_start if m.token_end <= start and places & cues.get(m.name, set())]
        antecedent = cued[-1] if cued else _antecedent(token, by_start, types, lead=lead)
        if antecedent is None:
            continue
        span = sdoc[start:token.i + 1]
        out.append(EntityMention(span.start_char, span.end_char, span.text, antecedent.type,
                                 antecedent.name, start, token.i + 1, proper=False))
    return out


def _token_countries(token, by_token) -> set[str]:
    """The country a token names or stands for ("Denmark", "Danish")."""
    m = by_token.get(token.i)
    if m is not None and m.type == "Country":
        return {m.name}
    country = demonym_country(token.text)
    return {country} if country else set()


def _country_cues(sdoc, mentions: list[EntityMention]) -> dict[str, set[str]]:
    """Company -> countries the text ties it to right where it names it ("Danish biotech Zealand Pharma",
    "South Korea's Alteogen")."""
    by_token = {i: m for m in mentions for i in range(m.token_start, m.token_end)}
    cues: dict[str, set[str]] = {}
    for m in mentions:
        if m.type != "Company" or not m.proper:
            continue
        for token in sdoc[max(0, m.token_start - 4):m.token_start]:
            cues.setdefault(m.name, set()).update(_token_countries(token, by_token))
    return cues


def most_mentioned(mentions: list[EntityMention]) -> EntityMention | None:
    """The latest mention of the entity named most often in ``mentions`` (ties: the latest named)."""
    if not mentions:
        return None
    counts: dict[str, int] = {}
    last: dict[str, int] = {}
    for i, m in enumerate(mentions):
        counts[m.name] = counts.get(m.name, 0) + 1
        last[m.name] = i
    name = max(counts, key=lambda n: (counts[n], last[n]))
    return mentions[last[name]]


def lead_company(sdoc, mentions: list[EntityMention]) -> EntityMention | None:
    """The company the article is about: the subject of its headline or first sentence."""
    first = next(iter(sdoc.sents), None)
    if first is None:
        return None
    for token in first:
        # a headline subject the NER missed ("Celltrion buys ..."), known from the rest of the article
        if token.dep_ == "nsubj" and token.is_title and not any(
                m.token_start <= token.i < m.token_end for m in mentions):
            key = name_key(token.text)
            named = [m for m in mentions if m.proper and m.type == "Company" and name_key(m.name).split()[:1] == [key]]
            if named:
                return named[0]
    inside = [m for m in mentions if first.start <= m.token_start < first.end and m.type == "Company" and m.proper]
    subjects = [m for m in inside if sdoc[m.token_end - 1].dep_ in ("nsubj", "nsubjpass", "ROOT")]
    return (subjects or inside or [None])[0]


def _antecedent(token, mentions: list[EntityMention], types: tuple[str, ...], prefer_subject=False, lead=None):
    """The entity a description or pronoun at ``token`` refers back to.

    A named subject of the same sentence first; then, for a company, the article's lead
    company ("the Basel-based group" is almost always the company the story is about);
    then the latest subject.
    """
    before = [m for m in mentions if m.token_end <= token.i and m.type in types and m.proper]
    if not before:
        return None
    sent_start = token.sent.start  # once: Token.sent walks the sentence, quadratic in a list comprehension
    same = [m for m in before if m.token_start >= sent_start and m.type == "Company"
            and token.doc[m.token_end - 1].dep_ in ("nsubj", "nsubjpass")]
    if same:
        return same[-1]
    if lead is not None and lead.type in types and any(m.name == lead.name for m in before):
        return next(m for m in reversed(before) if m.name == lead.name)
    if prefer_subject:
        # "its" in the clause of a named subject means that subject; else the article's main company
        clause = [m for m in before if m.token_start >= sent_start
                  and token.doc[m.token_end - 1].dep_ in ("nsubj", "nsubjpass")]
        if clause:
            return clause[-1]
        return most_mentioned(before)
    # the most salient recent one: a sentence subject if there is one, else the latest
    recent = [m for m in before if token.i - m.token_end < 80]
    subjects = [m for m in recent if token.doc[m.token_end - 1].dep_ in ("nsubj", "nsubjpass")]
    return (subjects or recent or before)[-1]


def _entities(mentions: list[EntityMention]) -> list[Entity]:
    groups: dict[str, list[EntityMention]] = {}
    for m in mentions:
        groups.setdefault(m.name, []).append(m)
    entities = []
    for name, group in groups.items():
        proper = [m for m in group if m.proper]
        if not proper:
            continue
        voters = [m for m in proper if m.text == name] or proper
        votes: dict[str, int] = {}
        for m in voters:  # a mention typed by the words around it weighs three typed by the label
            votes[m.type] = votes.get(m.type, 0) + (3 if m.how == "cue" else 1)
        etype = max(votes, key=lambda t: (votes[t], -SCHEMA_TYPES.index(t)))
        aliases = tuple(sorted({m.text for m in group if m.proper or m.text.lower().startswith("the ")} - {name}))
        entities.append(Entity(name=name, type=etype, aliases=aliases, mentions=len(group)))
    return entities
