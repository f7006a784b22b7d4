"""The type-cue table (``extract/data/type_cues.json``): each example's name gets its row's type,
and one name keeps one type across a document, the one the cues vote for."""
from __future__ import annotations

import pytest

from newsgraph.extract.lexicon import load_json
from newsgraph.extract.model import Document

ROWS = load_json("type_cues.json", "rows")["rows"]
EXAMPLES = [(row["id"], row["type"], *ex) for row in ROWS for ex in row["examples"]]


@pytest.mark.parametrize("rule, etype, sentence, name", EXAMPLES, ids=[f"{e[0]}:{e[3]}" for e in EXAMPLES])
def test_every_example_name_gets_its_type(extractor, rule, etype, sentence, name):
    ex = next(extractor.extract([Document("t", sentence)]))
    types = {e.name: e.type for e in ex.entities}
    assert types.get(name) == etype, (rule, types)


def test_a_cue_decides_the_type_of_every_mention_of_the_name(extractor):
    text = ("Quorvia was launched in Europe in 2024. Brenvale Pharma sells Quorvia in twelve countries, "
            "and sales of Quorvia reached $1.2 billion. Brenvale Pharma develops Quorvia with a partner.")
    ex = next(extractor.extract([Document("t", text)]))
    assert {e.name: e.type for e in ex.entities}.get("Quorvia") == "Drug"
    assert ("Brenvale Pharma", "DEVELOPS", "Quorvia") in {(r.subject, r.relation, r.object) for r in ex.relations}


COUNTER = [(row["id"], *ex) for row in ROWS for ex in row.get("counter_examples", ())]


@pytest.mark.parametrize("rule, sentence, name, etype", COUNTER, ids=[f"{c[0]}:{c[2]}" for c in COUNTER])
def test_a_cue_does_not_fire_on_its_counter_examples(extractor, rule, sentence, name, etype):
    ex = next(extractor.extract([Document("t", sentence)]))
    assert {e.name: e.type for e in ex.entities}.get(name) == etype, rule
