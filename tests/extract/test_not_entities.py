"""The not-an-entity table (``extract/data/not_entities.json``) proves itself row by row, and
junk of press releases stays out of a built article's entities while the names beside it stay."""
from __future__ import annotations

import json

import pytest

from newsgraph.errors import SchemaError
from newsgraph.extract import entities
from newsgraph.extract.lexicon import load_json
from newsgraph.extract.model import Document

ROWS = load_json("not_entities.json", "rows")["rows"]
EXAMPLES = [(row["id"], text) for row in ROWS for text in row.get("examples", [])]
COUNTER = [(row["id"], text) for row in ROWS for text in row.get("counter_examples", [])]


@pytest.mark.parametrize("rule, text", EXAMPLES, ids=[f"{r}:{t}" for r, t in EXAMPLES])
def test_every_example_is_dropped_by_its_row(rule, text):
    assert entities.not_entity(text) == rule


@pytest.mark.parametrize("rule, text", COUNTER, ids=[f"{r}:{t}" for r, t in COUNTER])
def test_no_counter_example_is_dropped(rule, text):
    assert entities.not_entity(text) is None


def test_every_row_has_examples_and_counter_examples():
    assert all(row.get("examples") and row.get("counter_examples") for row in ROWS)


def test_a_broken_row_names_the_file_and_the_row(monkeypatch, tmp_path):
    from newsgraph.extract import lexicon

    (tmp_path / "not_entities.json").write_text(json.dumps(
        {"rows": [{"id": "ok", "kind": "exact", "values": ["x"]}, {"id": "bad", "kind": "regex", "pattern": "(("}]}))
    monkeypatch.setattr(lexicon, "DATA_DIR", tmp_path)
    lexicon.load_json.cache_clear()
    entities._not_entity_rows.cache_clear()
    try:
        with pytest.raises(SchemaError, match=r"not_entities\.json: row 2 \(bad\): 'pattern' must be"):
            entities._not_entity_rows()
    finally:
        monkeypatch.undo()
        lexicon.load_json.cache_clear()
        entities._not_entity_rows.cache_clear()


RELEASE = """Yelmora Therapeutics Licenses Oral Candidate to Brenvale Pharma

CAMBRIDGE, Mass., March 3, 2026 -- Yelmora Therapeutics, Inc. today announced a licensing agreement
with Brenvale Pharma for YLM-204, an oral KRAS inhibitor for NSCLC and Colorectal Cancer.
"This deal validates our platform," said Dana Whitcombe, CEO of Yelmora Therapeutics.

Important Safety Information

Adverse Reactions were mild. Warnings and Precautions apply.

About Yelmora Therapeutics
Yelmora Therapeutics is a clinical-stage company. The company's licensing terms were not disclosed.

Forward-Looking Statements
This release contains statements covered by the Private Securities Litigation Reform Act.

Media Contact: Ravi Osei, media@yelmora.example, +1 617-555-0199
"""


def test_a_press_release_keeps_its_names_and_drops_its_headings(extractor):
    ex = next(extractor.extract([Document("release", RELEASE)]))
    names = {e.name for e in ex.entities}
    assert {"Yelmora Therapeutics", "Brenvale Pharma", "YLM-204", "Dana Whitcombe"} <= names
    junk = {"Important Safety Information", "Adverse Reactions", "Warnings and Precautions", "KRAS", "NSCLC",
            "Colorectal Cancer", "Private Securities Litigation Reform Act", "Forward-Looking Statements",
            "CEO", "Media", "Media Contact"}
    assert not names & junk, sorted(names & junk)
    assert not any("@" in n or "555" in n for n in names), sorted(names)


SPLITS = [(row["id"], text, tokens) for row in entities.token_splits()
          for text, tokens in row["examples"] + row["counter_examples"]]


@pytest.mark.parametrize("rule, text, tokens", SPLITS, ids=[f"{r}:{t}" for r, t, _ in SPLITS])
def test_words_run_together_are_cut_and_names_are_not(extractor, rule, text, tokens):
    sdoc = extractor.nlp.make_doc(text)
    assert [t.text for t in sdoc] == tokens
    assert sdoc.text == text  # the article text itself is unchanged


def test_a_name_run_into_a_role_is_found(extractor):
    ex = next(extractor.extract([Document("glued", "Yelmora Therapeutics named Dana WhitcombeCEO in May.")]))
    assert "Dana Whitcombe" in {e.name for e in ex.entities}
