"""Financing rounds (``extract/data/financing.json``): every named investor INVESTS_IN the company
that raises the money; the round's amount sits on the lead investors' edges only."""
from __future__ import annotations

import pytest

from newsgraph.extract.lexicon import load_json
from newsgraph.extract.model import Document

DATA = load_json("financing.json", "examples", "counter_examples")


def _invests(extractor, sentence):
    ex = next(extractor.extract([Document("t", sentence)]))
    return {(r.subject, r.object): r for r in ex.relations if r.relation == "INVESTS_IN" and r.confidence >= 0.5}


@pytest.mark.parametrize("sentence, edges", DATA["examples"], ids=[e[0][:40] for e in DATA["examples"]])
def test_every_investor_of_a_round_invests_and_the_lead_carries_the_amount(extractor, sentence, edges):
    found = _invests(extractor, sentence)
    for investor, company, lead in edges:
        assert (investor, company) in found, sorted(found)
        assert (found[(investor, company)].amount is not None) == lead, (investor, found[(investor, company)].amount)


@pytest.mark.parametrize("sentence", DATA["counter_examples"])
def test_a_sentence_without_a_round_gives_no_investor(extractor, sentence):
    assert _invests(extractor, sentence) == {}
