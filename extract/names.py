"""Name comparison: the form two surface names of one entity share.

Used inside a document (grouping mentions) and across documents (merging nodes), so
both stages agree on what "the same name" means.

>>> name_key("The Eli Lilly and Co.")
'eli lilly'
>>> name_key("Roche Holding AG")
'roche'
"""
from __future__ import annotations

import re
import unicodedata

#: corporate suffixes that do not tell two companies apart
CORPORATE_SUFFIXES = frozenset({
    "inc", "incorporated", "corp", "corporation", "co", "company", "ltd", "limited", "plc", "ag",
    "sa", "se", "nv", "llc", "gmbh", "kk", "holding", "holdings", "group", "lp", "bv", "ab", "as",
    "asa", "spa", "srl",
})


def name_key(name: str) -> str:
    """The form two names of one entity share: lower case, no punctuation, no "the" or suffix."""
    text = unicodedata.normalize("NFKC", name).lower()
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"'s\b", "", text)
    text = re.sub(r"[^\w\s]", " ", text)
    words = text.split()
    if words and words[0] == "the":
        words = words[1:]
    while len(words) > 1 and words[-1] in CORPORATE_SUFFIXES:
        words = words[:-1]
    if len(words) > 1 and words[-1] == "and":
        words = words[:-1]
    return " ".join(words)
