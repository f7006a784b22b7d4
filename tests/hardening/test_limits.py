"""Limits: no stretch longer than --max-sentence-chars without a sentence end reaches the parser.

``extract/limits.py`` splits run-on text before the parser; the tests check the
sentences the real pipeline ends with, that ordinary articles are left alone, and that
the cut is reported as a warning naming the file.
"""
from __future__ import annotations

import re
from pathlib import Path

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


@pytest.mark.parametrize("markup", ["[" * 200_000, "*a " * 70_000, "_a " * 70_000, "](" * 100_000])
def test_markdown_markup_is_stripped_in_linear_time(markup):
    # the unbounded link and emphasis patterns took 14 s for 60 KB of "*a " (quadratic)
    import time

    from newsgraph.extract.ingest import _markdown_to_text

    began = time.monotonic()
    _markdown_to_text("Pfizer acquired Seagen.\n" + markup)
    assert time.monotonic() - began < 10


def test_front_matter_bombs_are_no_metadata(tmp_path):
    from newsgraph.extract.ingest import IngestReport, iter_documents

    laughs = ["---", 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefg", "bcdefgh"):
        laughs.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    laughs += ["title: [" + ",".join(["*h"] * 9) + "]", "url: https://example.org/a", "---", "Text."]
    (tmp_path / "laughs.md").write_text("\n".join(laughs) + "\n")
    (tmp_path / "deep.md").write_text("---\ntitle: " + "[" * 6000 + "]" * 6000 + "\n---\nText.\n")
    report = IngestReport()
    docs = {Path(d.path).name: d for d in iter_documents([tmp_path], report=report)}
    assert (docs["laughs.md"].title, docs["laughs.md"].url, docs["laughs.md"].text) == (
        None, "https://example.org/a", "Text.\n")
    assert docs["deep.md"].text.startswith("---\ntitle: [[[")  # not front matter after all: text
    assert report.warnings == []


@pytest.mark.parametrize("text", [
    "Pfizer acquired Seagen. " + "[" * 12_000 + "]" * 12_000 + " The end.",
    "(" * 100_000,
    "x" * 501 + "  \n " + "y" * 2_000 + " z",
])
def test_endless_words_are_tokenized_fast_and_keep_the_text(extractor, text):
    # spaCy alone took 63 s for the first text (quadratic prefix stripping)
    import time

    began = time.monotonic()
    doc = extractor.nlp.make_doc(text)
    assert time.monotonic() - began < 5
    assert doc.text == text and max(len(t) for t in doc) <= 500
