"""A learned relation classifier over pairs of entity mentions in one sentence.

The hand-written rules of ``relations.py`` are precise but each fits a few phrasings.
This module scores every ordered pair of entity mentions of a sentence (at most
``MAX_PAIRS`` pairs, the nearest first, so an entity-dense sentence costs linear time)
with one logistic regression per relation over sparse features: the two types, the
dependency path between the two names (its labels and the lemmas on it), the words
between them, trigger-lexicon and title hits on the path, negation and hedges. The
weights are data, ``data/pair_model.json``, written by ``python -m
newsgraph.extract.train_pairs`` from the tuning halves of the gold sets (see
``tests/data/split.json``); nothing is fitted at run time, and the same input always
gives the same edges. Each relation has its own probability threshold, chosen by
cross-validation when the model was trained.
"""
from __future__ import annotations

import math
from functools import lru_cache

from .lexicon import DATA_DIR, load_json

MODEL_FILE = "pair_model.json"
MAX_PAIRS = 60  # per sentence: nearest pairs first
MAX_GAP = 40  # tokens between the two mentions
_ORG = frozenset({"Company", "GovernmentAgency", "Organization", "MediaOutlet"})
#: relation -> (allowed source types, allowed target types); the schema's ends
ENDS = {
    "INVESTS_IN": (_ORG | {"Person"}, _ORG | {"Country", "Location"}),
    "PARTNERS_WITH": (_ORG | {"Country"}, _ORG | {"Country"}),
    "LICENSES_FROM": (_ORG, _ORG),
    "ACQUIRES": (_ORG | {"Person"}, _ORG | {"Drug", "Technology"}),
    "SIGNS_AGREEMENT_WITH": (_ORG | {"Country"}, _ORG | {"Country"}),
    "SUBSIDIARY_OF": (_ORG, _ORG),
    "LOCATED_IN": (_ORG, frozenset({"Country", "Location"})),
    "WORKS_FOR": (frozenset({"Person"}), _ORG),
    "DEVELOPS": (_ORG, frozenset({"Drug", "Technology"})),
}


def _head(sdoc, m):
    """The syntactic head of a mention's tokens."""
    span = range(m.token_start, m.token_end)
    for i in span:
        tok = sdoc[i]
        if tok.head.i not in span or tok.head.i == tok.i:
            return tok
    return sdoc[m.token_end - 1]


def _path(a, b):
    """(tokens from a up to the common ancestor, tokens from b up to it), both ending at it."""
    up_a = [a]
    while up_a[-1].head.i != up_a[-1].i and len(up_a) < 30:
        up_a.append(up_a[-1].head)
    index = {t.i: k for k, t in enumerate(up_a)}
    up_b = [b]
    while up_b[-1].i not in index and up_b[-1].head.i != up_b[-1].i and len(up_b) < 30:
        up_b.append(up_b[-1].head)
    if up_b[-1].i not in index:
        return None
    return up_a[:index[up_b[-1].i] + 1], up_b


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, str]:
    """Lower-cased trigger word -> its family ("ACQUIRES.verbs", "title", "neg", "hedge")."""
    data = load_json("triggers.json")
    out: dict[str, str] = {}
    for rel, kinds in data.items():
        if isinstance(kinds, dict):
            for kind, words in kinds.items():
                for w in words:
                    out.setdefault(w.lower(), f"{rel}.{kind}")
    for w in data.get("hedges", ()):
        out[w.lower()] = "hedge"
    for w in data.get("negations", ()):
        out[w.lower()] = "neg"
    for w in load_json("descriptors.json", "titles")["titles"]:
        if " " not in w:
            out.setdefault(w.lower(), "title")
    return out


def pair_features(sdoc, a, b) -> list[str]:
    """The sparse features of the ordered pair (a -> b) of mentions of one sentence."""
    ha, hb = _head(sdoc, a), _head(sdoc, b)
    lex = _lexicon()
    types = f"{a.type}>{b.type}"
    feats = [f"t={types}", f"ord={'ab' if a.token_start < b.token_start else 'ba'}"]
    if not a.proper:
        feats.append("a.desc")
    if not b.proper:
        feats.append("b.desc")
    path = _path(ha, hb)
    if path is not None:
        up, down = path
        lca = up[-1]
        deps = [t.dep_ for t in up[:-1]] + ["^"] + [t.dep_ for t in reversed(down[:-1])]
        inner = [t for t in up[1:-1]] + [t for t in down[1:-1]]
        dep_path = " ".join(deps)
        feats.append(f"pd={dep_path}")
        feats.append(f"pdt={types}|{dep_path}")
        lca_lemma = lca.lemma_.lower() if lca.i not in (ha.i, hb.i) else ("=a" if lca.i == ha.i else "=b")
        feats.append(f"lca={lca_lemma}")
        feats.append(f"lcad={lca_lemma}|{dep_path}")
        feats.append(f"plen={min(len(deps), 8)}")
        for t in [*inner, lca]:
            if t.i in (ha.i, hb.i):
                continue
            lemma = t.lemma_.lower()
            feats.append(f"pl={lemma}")
            fam = lex.get(lemma)
            if fam:
                feats.append(f"pf={fam}")
                feats.append(f"pft={types}|{fam}")
            for c in t.children:
                if c.dep_ == "neg" or c.lower_ in ("not", "never", "no"):
                    feats.append("neg")
                elif c.dep_ == "aux" and c.lower_ in ("could", "may", "might", "would", "should"):
                    feats.append(f"aux={c.lower_}")
        if len(deps) <= 5:
            feats.append("pw=" + " ".join([*(t.lemma_.lower() if t.i not in (ha.i, hb.i) else "X" for t in up),
                                           *(t.lemma_.lower() for t in reversed(down[:-1]))]))
    else:
        feats.append("nopath")
    lo, hi = sorted((a, b), key=lambda m: m.token_start)
    gap = hi.token_start - lo.token_end
    feats.append(f"gap={gap if gap < 4 else 4 if gap < 8 else 8 if gap < 16 else 16}")
    between = sdoc[lo.token_end:hi.token_start]
    if gap <= 10:
        for t in between:
            if not t.is_punct:
                feats.append(f"bw={t.lemma_.lower()}")
            fam = lex.get(t.lower_)
            if fam:
                feats.append(f"bf={fam}")
        if gap <= 4:
            feats.append("bs=" + " ".join(t.lower_ for t in between))
    if any(t.text in (",", "(") for t in between[:1]):
        feats.append("comma_after_first")
    if lo.token_start > 0:
        feats.append(f"before={sdoc[lo.token_start - 1].lower_}")
    if hi.token_end < len(sdoc):
        feats.append(f"after={sdoc[hi.token_end].lower_}")
    if hb.dep_ == "poss" and hb.head.i == ha.i:
        feats.append("b_poss_a")
    if ha.dep_ == "poss" and ha.head.i == hb.i:
        feats.append("a_poss_b")
    return feats


def candidate_pairs(mentions) -> list[tuple]:
    """Ordered pairs of mentions of different entities in one sentence, nearest first, bounded."""
    named = [m for m in mentions]
    pairs = []
    for i, a in enumerate(named):
        for b in named[i + 1:]:
            if a.name == b.name or abs(b.token_start - a.token_end) > MAX_GAP:
                continue
            pairs.append((abs(b.token_start - a.token_end), a, b))
    pairs.sort(key=lambda p: (p[0], p[1].token_start, p[2].token_start))
    out = []
    for _, a, b in pairs[:MAX_PAIRS // 2]:
        out += [(a, b), (b, a)]
    return out


def allowed(rel: str, a, b) -> bool:
    src, dst = ENDS[rel]
    return a.type in src and b.type in dst


@lru_cache(maxsize=1)
def load_model() -> dict | None:
    """The trained weights, or None when the model file is absent (rules alone then)."""
    if not (DATA_DIR / MODEL_FILE).exists():
        return None
    data = load_json(MODEL_FILE, "relations")
    return data


def score_pair(model: dict, feats: list[str]) -> dict[str, float]:
    """Probability of each relation for one pair."""
    out = {}
    for rel, m in model["relations"].items():
        w = m["weights"]
        z = m["bias"] + sum(w.get(f, 0.0) for f in feats)
        out[rel] = 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))
    return out
