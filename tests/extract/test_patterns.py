"""Every row of the relation pattern table proves itself: its examples give its exact edge, its
counter-examples do not give it above the export cut-off, and a broken table fails in one line."""
from __future__ import annotations

import json

import pytest

from newsgraph.errors import SchemaError
from newsgraph.extract import patterns
from newsgraph.extract.model import Document

ROWS = patterns.table()
EXAMPLES = [(row["id"], row["relation"], *ex) for row in ROWS for ex in row.get("examples", [])]
COUNTER = [(row["id"], row["relation"], sentence) for row in ROWS for sentence in row.get("counter_examples", [])]


def _edges(extractor, sentence):
    ex = next(extractor.extract([Document("t", sentence)]))
    return ex.relations


@pytest.mark.parametrize("rule, relation, sentence, subject, obj", EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_every_example_gives_its_edge(extractor, rule, relation, sentence, subject, obj):
    found = {(r.subject, r.relation, r.object) for r in _edges(extractor, sentence) if r.confidence >= 0.5}
    assert (subject, relation, obj) in found, (rule, sorted(found))


@pytest.mark.parametrize("rule, relation, sentence", COUNTER, ids=[c[0] for c in COUNTER])
def test_no_counter_example_gives_the_rule_edge(extractor, rule, relation, sentence):
    strong = [r for r in _edges(extractor, sentence)
              if r.relation == relation and r.confidence >= 0.5 and r.evidence.rule == rule]
    assert strong == []


def test_every_evidence_item_names_its_rule(extractor):
    edges = _edges(extractor, "Calloway Pharma took a 10% stake in Arden Bio last year.")
    assert {r.evidence.rule for r in edges} == {"invests_in.stake_in"}


def test_a_row_without_its_anchor_is_refused_naming_file_and_row(tmp_path, monkeypatch):
    table = json.loads((patterns.DATA_DIR / patterns.TABLE).read_text(encoding="utf-8"))
    table["patterns"] = [{"id": "broken.row", "relation": "ACQUIRES", "confidence": 0.8,
                          "pattern": [{"RIGHT_ID": "subject", "RIGHT_ATTRS": {}}]}]
    (tmp_path / patterns.TABLE).write_text(json.dumps(table), encoding="utf-8")
    for name in ("triggers.json", "descriptors.json"):
        (tmp_path / name).write_text((patterns.DATA_DIR / name).read_text(encoding="utf-8"), encoding="utf-8")
    from newsgraph.extract import lexicon

    monkeypatch.setattr(lexicon, "DATA_DIR", tmp_path)
    monkeypatch.setattr(patterns, "DATA_DIR", tmp_path)
    for cached in (lexicon.load_json, patterns.table, patterns.word_lists):
        cached.cache_clear()
    try:
        with pytest.raises(SchemaError, match=r"patterns\.json: pattern 1 \(broken\.row\): .*'object'"):
            patterns.table()
    finally:
        for cached in (lexicon.load_json, patterns.table, patterns.word_lists):
            cached.cache_clear()
