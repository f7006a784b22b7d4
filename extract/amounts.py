"""Money in text: "$2.6 billion", "US$800 million", "710 billion won", "EUR 3.9 billion", "£77m".

Each amount becomes an ``Amount`` (value in units of the ISO 4217 currency, plus the
USD equivalent when the text states one right after it, as in "710 billion won
(about $484 million)"). Per-share prices are flagged so they are never taken for a
deal's value, and "up to" is kept. The vocabulary is data: ``data/currencies.json``.

>>> [m.amount for m in find_amounts("Roche is plugging 710 billion won (about $484 million) into Korea")]
[Amount(value=710000000000.0, currency='KRW', usd=484000000.0)]
>>> m = find_amounts("a deal worth up to $1.97bn")[0]
>>> m.amount.value, m.amount.currency, m.up_to
(1970000000.0, 'USD', True)
>>> find_amounts("J&J will pay $132 a share in cash")[0].per_unit
True
>>> find_amounts("EUR 3.9 billion")[0].amount
Amount(value=3900000000.0, currency='EUR', usd=None)
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from .lexicon import load_json
from .model import Amount


@dataclass(frozen=True)
class AmountMention:
    """An amount found in text, with its character span and how it was qualified."""

    start: int
    end: int
    amount: Amount
    up_to: bool = False
    per_unit: bool = False
    has_scale: bool = True


def _vocabulary() -> dict:
    return load_json("currencies.json", "symbols", "codes", "words", "scales", "per_unit", "up_to")


def _alternation(items, *, word: bool = False) -> str:
    parts = sorted(items, key=len, reverse=True)
    escaped = [re.escape(p).replace(r"\ ", r"\s+") for p in parts]
    body = "|".join(escaped)
    return rf"(?:{body})(?![\w])" if word else f"(?:{body})"


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern:
    v = _vocabulary()
    long_scales = [s for s in v["scales"] if len(s) > 1]
    short_scales = [s for s in v["scales"] if len(s) == 1]
    number = r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    scale = (rf"(?:\s*(?P<scale>{_alternation(long_scales, word=True)})"
             rf"|(?P<short>{'|'.join(short_scales)})(?![\w]))")
    return re.compile(
        rf"(?<![\w$€£¥₩₹])(?:(?P<sym>{_alternation(v['symbols'])})\s?|(?P<code1>{_alternation(v['codes'])})\s+)?"
        rf"{number}(?:{scale})?"
        rf"(?:\s+(?P<word>{_alternation(v['words'], word=True)}))?"
        rf"(?:\s+(?P<code2>{_alternation(v['codes'], word=True)}))?",
        re.IGNORECASE,
    )


@lru_cache(maxsize=1)
def _qualifiers() -> tuple[re.Pattern, re.Pattern]:
    """("up to" before an amount, "a share" after it), compiled once from the vocabulary."""
    v = _vocabulary()
    up_to = re.compile(rf"\b(?:{'|'.join(re.escape(p) for p in v['up_to'])})\s*$")
    per_unit = re.compile(rf"\s*(?:in\s+cash\s+)?(?:for\s+)?(?:{'|'.join(re.escape(p) for p in v['per_unit'])})\b")
    return up_to, per_unit


def _currency(match: re.Match) -> str | None:
    v = _vocabulary()
    if match.group("sym"):
        sym = match.group("sym")
        for key, code in v["symbols"].items():
            if key.lower() == sym.lower():
                return code
    for group in ("code1", "code2"):
        if match.group(group):
            return match.group(group).upper()
    if match.group("word"):
        word = " ".join(match.group("word").split()).lower()
        for key, code in v["words"].items():
            if key.lower() == word:
                return code
    return None


def _value(match: re.Match) -> float:
    value = Decimal(match.group("num").replace(",", ""))
    scale = match.group("scale") or match.group("short")
    if scale:
        value *= Decimal(str(_vocabulary()["scales"][scale.lower()]))
    return float(value)


def find_amounts(text: str) -> list[AmountMention]:
    """Every money amount in ``text``, in order; a stated USD equivalent joins the amount before it."""
    found: list[AmountMention] = []
    pending_equivalent = None
    for match in _pattern().finditer(text):
        currency = _currency(match)
        if currency is None:
            continue
        has_scale = bool(match.group("scale") or match.group("short"))
        value = _value(match)
        if not math.isfinite(value):
            continue  # "$999...9 trillion" past float range: no export format can write infinity
        before = text[max(0, match.start() - 30): match.start()].lower()
        after = text[match.end(): match.end() + 40].lower()
        up_to_re, per_unit_re = _qualifiers()
        up_to = bool(up_to_re.search(before))
        per_unit = bool(per_unit_re.match(after))
        if pending_equivalent is not None and currency == "USD" and match.start() - pending_equivalent[0] <= 30:
            prev = found[pending_equivalent[1]]
            found[pending_equivalent[1]] = AmountMention(
                prev.start, prev.end, Amount(prev.amount.value, prev.amount.currency, value),
                prev.up_to, prev.per_unit, prev.has_scale)
            pending_equivalent = None
            continue
        amount = Amount(value, currency, value if currency == "USD" else None)
        found.append(AmountMention(match.start(), match.end(), amount, up_to, per_unit, has_scale))
        pending_equivalent = None
        if currency != "USD":
            gap = re.match(r"\s*(?:\(|—|–|--|,|-)\s*(?:or\s+)?(?:about|approximately|roughly|around|some|nearly|almost)?\s*",
                           text[match.end():])
            if gap:
                pending_equivalent = (match.end() + gap.end() - 1, len(found) - 1)
    return found
