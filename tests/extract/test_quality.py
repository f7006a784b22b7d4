"""Extraction quality guarded: F1 on the project's own annotated articles and on the seeds."""
from __future__ import annotations

import pytest

import newsgraph
from conftest import ROOT, SEEDS, SHARED
from newsgraph.evaluate import score_graph

ANNOTATED = ROOT / "tests" / "data" / "annotated"
SEEDS_GOLD = ROOT / "tests" / "data" / "seeds-gold.json"


DEV = SHARED / "corpus" / "dev"
DEV_GOLD = SHARED / "eval" / "gold" / "dev.json"


@pytest.mark.parametrize("inputs, gold, min_relation_f1, min_entity_f1, max_duplicates", [
    (ANNOTATED, ANNOTATED / "gold.json", 0.85, 0.90, 0),
    (SEEDS, SEEDS_GOLD, 0.85, 0.85, 0),
    # the team's shared development set, checked out beside the project (as in CI)
    (DEV, DEV_GOLD, 0.80, 0.92, 2),
])
def test_f1_does_not_fall(extractor, inputs, gold, min_relation_f1, min_entity_f1, max_duplicates):
    assert inputs.exists() and gold.exists(), f"{inputs} or {gold} is missing"
    result = score_graph(gold, newsgraph.build([inputs], extractor=extractor))
    assert result["relations"].f1 >= min_relation_f1, result["missed"] + result["false"]
    assert result["entities"].f1 >= min_entity_f1
    assert result["duplicate_nodes"] <= max_duplicates


def _triples(extractor, text, date="2025-06-10"):
    from newsgraph.extract.model import Document

    ex = next(extractor.extract([Document("t", text, date=date)]))
    return {(r.subject, r.relation, r.object) for r in ex.relations if r.confidence >= 0.5}, ex


@pytest.mark.parametrize("text, expected", [
    ("Novartis acquired Avidity Biosciences in May.", ("Novartis", "ACQUIRES", "Avidity Biosciences")),
    ("Avidity Biosciences was acquired by Novartis.", ("Novartis", "ACQUIRES", "Avidity Biosciences")),
    ("Sanofi completed its purchase of Vigil Neuroscience.", ("Sanofi", "ACQUIRES", "Vigil Neuroscience")),
    ("Pfizer will invest $2 billion in Japan.", ("Pfizer", "INVESTS_IN", "Japan")),
    ("GSK's alliance with Alteogen covers one drug.", ("GSK", "PARTNERS_WITH", "Alteogen")),
    ("Amgen licensed the antibody from Kyowa Kirin.", ("Amgen", "LICENSES_FROM", "Kyowa Kirin")),
    ("Paul Hudson, Sanofi's chief executive, praised the deal.", ("Paul Hudson", "WORKS_FOR", "Sanofi")),
    ("Boston-based Moderna reported results.", ("Moderna", "LOCATED_IN", "Boston")),
    ("Merck's Keytruda is the top seller.", ("Merck", "DEVELOPS", "Keytruda")),
])
def test_sentence_gives_triple(extractor, text, expected):
    triples, _ = _triples(extractor, text)
    assert expected in triples


@pytest.mark.parametrize("text, unexpected", [
    ("Pfizer did not acquire Seagen.", ("Pfizer", "ACQUIRES", "Seagen")),
    ("Pfizer could acquire Seagen next year.", ("Pfizer", "ACQUIRES", "Seagen")),
    ("Pfizer is considering a plan to acquire Seagen.", ("Pfizer", "ACQUIRES", "Seagen")),
])
def test_what_did_not_happen_gets_no_confident_edge(extractor, text, unexpected):
    triples, _ = _triples(extractor, text)
    assert unexpected not in triples


def test_amount_and_date_attributes(extractor):
    _, ex = _triples(extractor, "Roche is plugging 710 billion won (about $484 million) into South Korea.",
                     date="2026-03-05")
    (rel,) = [r for r in ex.relations if r.relation == "INVESTS_IN"]
    assert (rel.subject, rel.object) == ("Roche", "South Korea")
    assert (rel.amount.value, rel.amount.currency, rel.amount.usd) == (710e9, "KRW", 484e6)
    assert ex.document.text[rel.evidence.start:rel.evidence.end] == rel.evidence.sentence
