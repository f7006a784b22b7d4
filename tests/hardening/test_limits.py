"""Limits: no stretch longer than --max-sentence-chars without a sentence end reaches the parser.

``extract/limits.py`` splits run-on text before the parser; the tests check the
sentences the real pipeline ends with, that ordinary articles are left alone, and that
the cut is reported as a warning naming the file.
"""
from __future__ import annotations

import re

import pytest

import newsgraph
from hardening_support import ROOT, newsgraph_cmd
from newsgraph.extract.limits import DEFAULT_MAX_SENTENCE_CHARS, SentenceLimit, passages_split
from newsgraph.extract.model import Document
from newsgraph.pipeline import BuildReport

FILLER = ("the market for biologic drugs keeps growing and analysts expect more deals between "
          "large drugmakers and small biotech firms, ")


def test_a_megabyte_with_no_full_stop_is_cut_into_pieces_within_the_limit():
    import spacy

    nlp = spacy.blank("en")
    text = (FILLER * (1_000_000 // len(FILLER) + 1))[:1_000_000]
    doc = SentenceLimit(DEFAULT_MAX_SENTENCE_CHARS)(nlp(text))
    starts = [t.idx for t in doc if t.is_sent_start] + [len(text)]
    lengths = [b - a for a, b in zip(starts, starts[1:])]
    assert starts[0] == 0 and max(lengths) <= DEFAULT_MAX_SENTENCE_CHARS
    assert len(lengths) >= 1_000_000 // DEFAULT_MAX_SENTENCE_CHARS
    assert passages_split(text) == 1  # one run-on stretch
    # cut at a comma near the end of the window when there is one, not mid-phrase
    assert all(doc.text[s - 2] == "," for s in starts[1:-1])


def test_one_token_longer_than_the_limit_stands_alone():
    import spacy

    doc = SentenceLimit(100)(spacy.blank("en")("start " + "x" * 5000 + " end"))
    assert [t.text[:5] for t in doc if t.is_sent_start] == ["start", "xxxxx"]


def test_parsed_sentences_stay_within_the_limit(extractor):
    text = ("Roche partners with Genentech. " + FILLER * 300 + "\n\nPfizer acquired Seagen for $43 billion.")
    component = extractor.nlp.get_pipe("newsgraph_sentence_limit")
    try:
        component.max_chars = 3_000
        sdoc = extractor.nlp(text)
    finally:
        component.max_chars = DEFAULT_MAX_SENTENCE_CHARS
    assert max(len(s.text) for s in sdoc.sents) <= 3_000
    assert passages_split(text, 3_000) == 1
    assert any(s.text.startswith("Pfizer acquired Seagen") for s in sdoc.sents)


def test_ordinary_articles_are_not_touched(extractor):
    report = BuildReport()
    newsgraph.build([ROOT / "seeds"], extractor=extractor, report=report)
    assert not [w for w in report.ingest.warnings if "--max-sentence-chars" in w]


def test_build_warns_naming_the_file_and_reads_the_rest(extractor, tmp_path):
    long = tmp_path / "run-on.txt"
    long.write_text(FILLER * 400 + "\n\nPfizer acquired Seagen for $43 billion.\n")
    report = BuildReport()
    graph = newsgraph.build([long], extractor=extractor, report=report, max_sentence_chars=5_000)
    assert report.ingest.warnings == [
        f"{long}: 1 passage(s) of over 5,000 characters with no sentence end were split "
        "before parsing (see --max-sentence-chars)"]
    assert ("company:pfizer", "company:seagen") in {(u, v) for u, v in graph.edges()}


@pytest.mark.parametrize("value, ok", [("2000", True), ("10", False)])
def test_cli_option(tmp_path, value, ok):
    long = tmp_path / "run-on.txt"
    long.write_text(FILLER * 30 + "\n")
    result = newsgraph_cmd("build", long, "-o", tmp_path / "out", "--max-sentence-chars", value)
    if ok:
        assert result.returncode == 0
        assert re.search(r"run-on\.txt: 1 passage\(s\) of over 2,000 characters", result.stderr)
    else:
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert "--max-sentence-chars" in result.stderr
