"""Writing Python values as Cypher literals that a hostile string cannot break out of.

Article text ends up inside ``load.cypher``: names, aliases and evidence sentences may
hold quotes, backslashes, newlines, Unicode line separators or a ready-made
``'}) DETACH DELETE n //``. Every string goes through ``cypher_string``, which escapes
everything that could end the literal or the line; labels and relationship types never
come from the text at all, only from the schema's fixed lists (``cypher_name``).

>>> print(cypher_string("it's \\\\ a \\"test\\"\\nnext"))
'it\\'s \\\\ a \\"test\\"\\nnext'
>>> print(cypher_literal({"amount": 7.1e11, "tags": ["a", None], "ok": True}))
{amount: 710000000000.0, tags: ['a', null], ok: true}
"""
from __future__ import annotations

import math
import re

from newsgraph.errors import ExportError

# The escapes both Neo4j and other openCypher parsers (FalkorDB's) read the same way.
_SHORT_ESCAPES = {"\\": "\\\\", "'": "\\'", '"': '\\"', "\n": "\\n", "\r": "\\r",
                  "\t": "\\t", "\b": "\\b", "\f": "\\f"}
# Other control characters and the Unicode line and paragraph separators become
# \\uXXXX: a raw one would end a line for some editors and shells, or be dropped.
_NEEDS_ESCAPE = re.compile("[\\\\'\"\x00-\x1f\x7f-\x9f\u2028\u2029]")
_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")


def _escape(match: re.Match) -> str:
    char = match.group()
    return _SHORT_ESCAPES.get(char) or f"\\u{ord(char):04x}"


def cypher_string(value: str) -> str:
    """``value`` as a single-quoted Cypher string literal, on one line.

    >>> print(cypher_string("Roche\\u2028'}) DETACH DELETE n //"))
    'Roche\\u2028\\'}) DETACH DELETE n //'
    >>> print(cypher_string("한국 😀"))
    '한국 😀'
    """
    return "'" + _NEEDS_ESCAPE.sub(_escape, value) + "'"


def cypher_number(value: int | float) -> str:
    """A number as a Cypher literal (no ``+`` in exponents, which openCypher does not allow).

    >>> cypher_number(1e16), cypher_number(2.5e-7), cypher_number(3)
    ('1e16', '2.5e-07', '3')
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if not math.isfinite(value):
        raise ExportError(f"cannot write {value!r} in Cypher: not a finite number")
    return repr(float(value)).replace("e+", "e")


def cypher_literal(value) -> str:
    """Any JSON-like value (str, number, bool, None, list, dict with identifier keys) as Cypher."""
    if value is None:
        return "null"
    if isinstance(value, str):
        return cypher_string(value)
    if isinstance(value, (bool, int, float)):
        return cypher_number(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(cypher_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{cypher_name(k)}: {cypher_literal(v)}" for k, v in value.items()) + "}"
    raise ExportError(f"cannot write a {type(value).__name__} as a Cypher literal")


def cypher_name(name: str, allowed: tuple[str, ...] | frozenset[str] | None = None) -> str:
    """A label, relationship type or property key, checked: plain identifiers only.

    >>> cypher_name("INVESTS_IN", ("INVESTS_IN",))
    'INVESTS_IN'
    >>> cypher_name("X}) DETACH DELETE n //")
    Traceback (most recent call last):
    ...
    newsgraph.errors.ExportError: 'X}) DETACH DELETE n //' is not a plain Cypher name
    """
    if not isinstance(name, str) or not _IDENTIFIER.match(name):
        raise ExportError(f"{name!r} is not a plain Cypher name")
    if allowed is not None and name not in allowed:
        raise ExportError(f"unknown name {name!r}; known: {', '.join(sorted(allowed))}")
    return name
