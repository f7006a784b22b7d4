"""Property-based tests (hypothesis) of every parser, normaliser and escaper on arbitrary text.

Examples are derandomised so CI sees the same ones every run; set
``NEWSGRAPH_HYPOTHESIS=thorough`` to search 20 times longer with fresh random examples.

Properties proven here:
- ``find_amounts``, ``normalize_date``, ``resolve_date``, ``name_key``, ``node_id``,
  ``cypher_string`` and ``script_json`` never raise on any Unicode string;
- amounts: spans lie inside the text, values are finite and non-negative, currencies are
  ISO codes; every currency code, symbol and word of the vocabulary reads back exactly;
- dates: a result is always a real calendar date written ``YYYY``, ``YYYY-MM`` or
  ``YYYY-MM-DD``; an ISO date normalises to itself;
- ids: ``node_id(t, a) != node_id(t, b)`` whenever ``norm(a) != norm(b)``, where
  ``norm(x) = " ".join(NFKC(x).casefold().split())`` (no collision between names that
  differ after case-folding and whitespace normalisation), ids are one line, have the
  type's prefix, and are the same in another process with another hash seed;
- Cypher: ``cypher_string(s)`` is one line and FalkorDB reads it back as ``s`` (with the
  ``\\uXXXX`` escapes FalkorDB leaves undecoded, as ``tests/exports/test_neo4j.py`` notes);
- HTML: ``script_json(v)`` parses back to ``v`` with the json module and holds no
  ``<``, ``>``, ``&``, U+2028 or U+2029, so no string can close its ``<script>`` element.
"""
from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
import unicodedata
from datetime import date

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from newsgraph.exports.cypher import cypher_literal, cypher_string
from newsgraph.exports.html import _html_text, script_json
from newsgraph.extract.amounts import _vocabulary, find_amounts
from newsgraph.extract.dates import normalize_date, resolve_date
from newsgraph.extract.names import name_key
from newsgraph.graph import ENTITY_TYPES, node_id
from test_load_support import falkordb_server  # noqa: F401  (fixture)
from newsgraph.exports.cypher import _SHORT_ESCAPES

settings.register_profile("ci", max_examples=150, derandomize=True, database=None, deadline=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture])
settings.register_profile("thorough", max_examples=3000, database=None, deadline=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture])
settings.load_profile(os.environ.get("NEWSGRAPH_HYPOTHESIS", "ci"))

HOSTILE_BITS = ["'", '"', "\\", "</script>", "'}) DETACH DELETE n //", "> <http://evil/> .", "\n",
                "\r\n", "\u2028", "\u2029", "\x85", "\x00", "\u200b", "\u202e", "😀", "한국", "$", "€",
                "1,000", "2.6", "billion", "won", "US$", "up to", "Jan. 5, 2026", "2025-13-45"]
#: arbitrary Unicode, and text built from pieces parsers react to
texts = st.one_of(st.text(), st.lists(st.sampled_from(HOSTILE_BITS) | st.text(max_size=5),
                                      max_size=12).map(" ".join))
ISO = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")


# ---------------------------------------------------------------- amounts and currencies


@given(texts)
@example("$" + "9" * 400 + " trillion")
@example("₩" * 1000 + "1")
def test_find_amounts_never_raises_and_stays_inside_the_text(text):
    codes = set(_vocabulary()["codes"])
    for m in find_amounts(text):
        assert 0 <= m.start < m.end <= len(text)
        assert math.isfinite(m.amount.value) and m.amount.value >= 0
        assert m.amount.currency in codes
        assert m.amount.usd is None or (math.isfinite(m.amount.usd) and m.amount.usd >= 0)


words = st.text(alphabet="abcdefghij klmnop", max_size=30)


@given(words, st.integers(1, 999_999), st.sampled_from(["million", "billion", "bn", "m"]), words)
def test_a_dollar_amount_reads_back_exactly_in_any_prose(before, number, scale, after):
    # "$5m" and "$5 million": a one-letter scale is written on the number ("5 m" is metres)
    text = f"{before} ${number:,}{'' if len(scale) == 1 else ' '}{scale} {after}"
    scale_value = _vocabulary()["scales"][scale]
    found = [(m.amount.value, m.amount.currency) for m in find_amounts(text)]
    assert (float(number * scale_value), "USD") in found


@given(st.sampled_from(sorted(_vocabulary()["codes"])), st.decimals(0, 10**6, places=2))
def test_every_currency_code_reads_back(code, value):
    found = find_amounts(f"a deal worth {code} {value} million in cash")
    assert [(m.amount.currency, m.amount.value) for m in found] == [
        (code, float(value * 1_000_000))]


@pytest.mark.parametrize("symbol, code", sorted(_vocabulary()["symbols"].items()))
def test_every_currency_symbol_reads_back(symbol, code):
    found = find_amounts(f"a deal worth {symbol}3.5 billion in cash")
    assert [(m.amount.currency, m.amount.value) for m in found] == [(code, 3.5e9)]


@pytest.mark.parametrize("word, code", sorted(_vocabulary()["words"].items()))
def test_every_currency_word_reads_back(word, code):
    found = find_amounts(f"a deal worth 12 billion {word} in cash")
    assert [(m.amount.currency, m.amount.value) for m in found] == [(code, 12e9)]


# ---------------------------------------------------------------- dates


def _real_date(value: str) -> bool:
    parts = [int(p) for p in value.split("-")]
    date(parts[0], *(parts[1:] + [1] * (3 - len(parts))))
    return True


@settings(max_examples=60)
@given(texts, st.one_of(st.none(), st.dates().map(date.isoformat), texts))
@example("2026-02-30", None)
@example("31/31/2031", "2026-03-05")
@example("Wednesday", "0001-01-01")
def test_dates_never_raise_and_are_real_iso_prefixes(text, reference):
    for value in (normalize_date(text), resolve_date(text, reference)):
        assert value is None or (ISO.match(value) and _real_date(value)), value


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_iso_dates_normalise_to_themselves(day):
    assert normalize_date(day.isoformat()) == day.isoformat()
    assert normalize_date(day.isoformat()[:7]) == day.isoformat()[:7]


# ---------------------------------------------------------------- names and ids


def norm(name: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


@given(texts)
def test_name_key_never_raises_and_is_lower_case_single_spaced(name):
    key = name_key(name)
    assert key == key.lower() and key == " ".join(key.split())


names = st.one_of(texts, st.from_regex(r"[A-Za-z0-9]{1,4}( [A-Za-z0-9]{1,4}){0,2}", fullmatch=True))


@given(st.sampled_from(ENTITY_TYPES), names, names)
@example("Company", "AT&T", "AT T bdc7e742")  # a plain name that spells the digest of another
@example("Company", "Eli Lilly", "eli-lilly")
@example("Company", "a\u00a0b", "a b")
def test_node_ids_of_names_that_differ_after_folding_differ(entity_type, a, b):
    id_a, id_b = node_id(entity_type, a), node_id(entity_type, b)
    if norm(a) != norm(b):
        assert id_a != id_b, (a, b)
    for value in (id_a, id_b):
        assert value.startswith(entity_type.lower() + ":")
        assert value == " ".join(value.split()) and "\n" not in value


def test_node_ids_are_the_same_in_another_process_with_another_hash_seed():
    sample = ["Eli Lilly", "AT&T", "삼성바이오로직스", "'}) DETACH DELETE n //", "Zero\u200bWidth"]
    here = [node_id("Company", n) for n in sample]
    code = ("import json, sys; from newsgraph.graph import node_id; "
            "print(json.dumps([node_id('Company', n) for n in json.load(sys.stdin)]))")
    for seed in ("0", "987654"):
        there = subprocess.run([sys.executable, "-c", code], input=json.dumps(sample), text=True,
                               capture_output=True, env=dict(os.environ, PYTHONHASHSEED=seed))
        assert json.loads(there.stdout) == here


# ---------------------------------------------------------------- Cypher literals


def _falkordb_view(text: str) -> str:
    # FalkorDB keeps a \uXXXX escape as its six characters (Neo4j decodes it); the short
    # escapes (\n, \t, \f, \b, ...) it decodes like Neo4j
    return re.sub("[\x00-\x1f\x7f-\x9f\u2028\u2029]",
                  lambda m: m.group() if m.group() in _SHORT_ESCAPES else f"\\u{ord(m.group()):04x}",
                  text)


@given(st.text())
def test_cypher_string_is_one_line_and_closed(text):
    literal = cypher_string(text)
    assert literal[0] == literal[-1] == "'" and len(literal.splitlines()) == 1
    # every quote inside is escaped: an unescaped one would end the literal early
    assert re.fullmatch(r"'(?:[^'\\]|\\.)*'", literal, re.DOTALL)


@settings(max_examples=100)
@given(st.text().filter(lambda s: "\x00" not in s))
@example("'}) DETACH DELETE n //")
@example("\\' \\\" \\\\ \\u0041 \\n")
@example("😀 한국 \u202e")
def test_cypher_string_round_trips_through_falkordb(falkordb_server, text):  # noqa: F811
    graph = falkordb_server.graph("properties")
    stored = graph.query(f"RETURN {cypher_string(text)}, {cypher_literal([text, {'k': text}])}").result_set
    assert stored[0][0] == _falkordb_view(text)
    assert stored[0][1] == [_falkordb_view(text), {"k": _falkordb_view(text)}]


# ---------------------------------------------------------------- HTML


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(),
                           lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=12)


@given(json_values)
@example({"name": "</script><script>alert(1)</script>", "x": "<!--", "y": "\u2028"})
def test_script_json_round_trips_and_cannot_close_its_element(value):
    text = script_json(value)
    assert json.loads(text) == value
    assert not set(text) & {"<", ">", "&", "\u2028", "\u2029"}


@given(st.text())
def test_html_text_escapes_every_markup_character_and_round_trips(text):
    import html

    escaped = _html_text(text)
    assert not set(escaped) & {"<", ">", '"', "'"}
    assert html.unescape(escaped) == text or "&" in text  # html.unescape also decodes what was already there
    assert escaped.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"') \
        .replace("&#39;", "'").replace("&amp;", "&") == text
