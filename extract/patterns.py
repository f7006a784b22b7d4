"""Relation patterns as data: the table ``data/patterns.json`` run through spaCy's ``DependencyMatcher``.

Each row has an ``id``, the ``relation``, a ``confidence``, a ``pattern`` (spaCy
``DependencyMatcher`` JSON) with two anchors named ``subject`` and ``object`` (the edge
runs subject -> object) and optionally one named ``trigger`` (whose clause decides
negation and hedges), ``examples`` ([sentence, subject, object]) and
``counter_examples`` (sentences that must not give the row's edge); ``"terms": false``
keeps the sentence's amounts off the row's edges (a round's participants: the amount is
the lead's).
``{"IN": "@NAME"}`` in a token's attributes expands to a word list: the table's own
``lexicons`` or a trigger family of ``data/triggers.json`` (``@ACQUIRES.verbs``).
What every row shares runs once after matching, in ``relations.py``: list and
apposition expansion (``head_entity``), the schema's allowed ends, modality, amounts,
dates and the rule id on the evidence. The table is checked when loaded; a problem
names the file, the row and what was expected.
"""
from __future__ import annotations

from functools import lru_cache

from newsgraph.errors import SchemaError

from .lexicon import DATA_DIR, load_json

TABLE = "patterns.json"
_ANCHORS = ("subject", "object")


def _expand(value, lexicons: dict, where: str):
    if isinstance(value, str) and value.startswith("@"):
        if value[1:] not in lexicons:
            raise SchemaError(f"{where}: unknown word list {value!r}; known: {', '.join(sorted(lexicons))}")
        return sorted(lexicons[value[1:]])
    if isinstance(value, dict):
        return {k: _expand(v, lexicons, where) for k, v in value.items()}
    if isinstance(value, list):
        out = []
        for v in value:
            e = _expand(v, lexicons, where)
            out += e if isinstance(v, str) and v.startswith("@") else [e]
        return out
    return value


@lru_cache(maxsize=1)
def word_lists() -> dict[str, frozenset[str]]:
    """Every word list a pattern may name with ``@``."""
    triggers = load_json("triggers.json")
    out = {f"{rel}.{kind}": frozenset(w.lower() for w in words)
           for rel, kinds in triggers.items() if isinstance(kinds, dict) for kind, words in kinds.items()}
    out["titles"] = frozenset(w.lower() for w in load_json("descriptors.json", "titles")["titles"] if " " not in w)
    for name, words in load_json(TABLE, "lexicons", "patterns")["lexicons"].items():
        out[name] = frozenset(w.lower() for w in words)
    return out


@lru_cache(maxsize=1)
def table() -> tuple[dict, ...]:
    """The validated rows of ``data/patterns.json``, word lists expanded."""
    from .pairs import ENDS

    path = DATA_DIR / TABLE
    data = load_json(TABLE, "lexicons", "patterns")
    lexicons = word_lists()
    rows, seen = [], set()
    for n, row in enumerate(data["patterns"], 1):
        where = f"{path}: pattern {n} ({row.get('id', 'no id')})"
        for key in ("id", "relation", "confidence", "pattern"):
            if key not in row:
                raise SchemaError(f"{where}: missing {key!r}")
        if row["id"] in seen:
            raise SchemaError(f"{where}: id used twice")
        seen.add(row["id"])
        if row["relation"] not in ENDS:
            raise SchemaError(f"{where}: unknown relation {row['relation']!r}; known: {', '.join(ENDS)}")
        if not 0 <= row["confidence"] <= 1:
            raise SchemaError(f"{where}: confidence must be in [0, 1]")
        ids = [p.get("RIGHT_ID") for p in row["pattern"]]
        for anchor in _ANCHORS:
            source = row.get(f"{anchor}_from")
            if (source or anchor) not in ids:
                raise SchemaError(f"{where}: the pattern needs a token named {source or anchor!r} "
                                  f"(the {anchor}{' is taken from its clause' if source else ''})")
        for ex in row.get("examples", []):
            if not (isinstance(ex, list) and len(ex) == 3 and all(isinstance(x, str) for x in ex)):
                raise SchemaError(f"{where}: an example is [sentence, subject, object]")
        rows.append({**row, "pattern": _expand(row["pattern"], lexicons, where)})
    return tuple(rows)


_MATCHERS: dict[int, tuple] = {}


def matcher_for(vocab):
    """One ``DependencyMatcher`` with every row, per vocabulary (built once)."""
    key = id(vocab)
    if key not in _MATCHERS:
        from spacy.matcher import DependencyMatcher

        matcher = DependencyMatcher(vocab, validate=True)
        for row in table():
            try:
                matcher.add(row["id"], [row["pattern"]])
            except ValueError as exc:
                raise SchemaError(f"{DATA_DIR / TABLE}: pattern {row['id']}: {exc}") from exc
        _MATCHERS[key] = (vocab, matcher, {r["id"]: r for r in table()})
    return _MATCHERS[key][1:]


#: sentences longer than this are left to the other rules: the matcher's descendant operators take
#: time quadratic in a sentence's length (a 6 KB list of names took 34 s), and no sentence of news runs so long
MAX_PATTERN_TOKENS = 150


def iter_matches(sdoc):
    """(row, {anchor name: token}) for every match in a parsed document's sentences of at most
    ``MAX_PATTERN_TOKENS`` tokens."""
    matcher, rows = matcher_for(sdoc.vocab)
    sentences = list(sdoc.sents)
    if all(len(sent) <= MAX_PATTERN_TOKENS for sent in sentences):
        parts = [(sdoc, 0)]  # the usual case: one pass over the whole document
    else:
        parts = [(sent, sent.start) for sent in sentences if len(sent) <= MAX_PATTERN_TOKENS]
    for part, offset in parts:
        for match_id, token_ids in matcher(part):
            row = rows[sdoc.vocab.strings[match_id]]
            names = [p["RIGHT_ID"] for p in row["pattern"]]
            yield row, {name: sdoc[offset + i] for name, i in zip(names, token_ids)}
