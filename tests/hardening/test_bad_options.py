"""Bad option values: refused in one line before anything runs, never an 'unexpected' error.

Each of these was a traceback, or an 'unexpected RuntimeError/ValueError/OverflowError',
on the landed main.
"""
from __future__ import annotations

import pytest

from hardening_support import ROOT, assert_one_line_error, newsgraph_cmd

SEEDS = ROOT / "seeds"


@pytest.mark.parametrize("args, message", [
    (["-o", "/"], "/: a file system root cannot be the output folder"),
    (["-o", "{tmp}/out", "--base-iri", "http://[::1/"], "base IRI 'http://[::1/' must be an absolute IRI"),
])
def test_bad_build_values_are_one_line_errors(tmp_path, args, message):
    result = newsgraph_cmd("build", SEEDS, *[a.format(tmp=tmp_path) for a in args], "-q")
    assert_one_line_error(result, message)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("option, value, message", [
    ("--max-doc-chars", "99999999999999999999", "is not in the range 1000<=x<=1000000000"),
    ("--max-sentence-chars", "99999999999999999999", "is not in the range 100<=x<=1000000000"),
    ("--workers", "99999999999999999999", "is not in the range 1<=x<=1024"),
])
def test_numbers_past_their_range_are_usage_errors(tmp_path, option, value, message):
    result = newsgraph_cmd("build", SEEDS, "-o", tmp_path / "out", option, value)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "unexpected" not in result.stderr
    assert f"Invalid value for '{option}'" in result.stderr and message in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_load_uri_with_an_unclosed_ipv6_address_is_one_line(tmp_path):
    (tmp_path / "graph.json").write_text('{"nodes": [], "edges": []}', encoding="utf-8")
    result = newsgraph_cmd("load", tmp_path, "--uri", "falkordb://[::1/g")
    assert_one_line_error(result, "cannot load into 'falkordb://[::1/g': Invalid IPv6 URL")
