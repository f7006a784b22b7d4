"""GraphMerger: any split of the records, merged in any order, gives build_graph's graph byte for byte."""
from __future__ import annotations

import itertools

import pytest

from newsgraph.exports.json_graph import generate_json
from newsgraph.extract.model import Amount, Document, Entity, Evidence, Extraction, Relation
from newsgraph.graph import GraphMerger, build_graph
from newsgraph.graph.merge import compact
from newsgraph.incremental import record_from_dict, record_to_dict


def _record(doc_id: str, text: str, entities, relations) -> Extraction:
    doc = Document(doc_id, text, title=f"Title of {doc_id} </script>", date="2025-11", source="Wire")
    rels = tuple(Relation(s, r, o, Evidence(doc_id, text, 0, len(text)), **extra)
                 for s, r, o, extra in relations)
    return Extraction(doc, tuple(entities), rels)


# the same edge from several documents with competing terms: the first amount wins unless a
# later one states its USD value, the longest date wins, the first role wins; "Lilly" (d3)
# merges into "Eli Lilly" (d1) only when both are in the state
RECORDS = [
    _record("d1", "Eli Lilly partners with ABL Bio for $2.6 billion.",
            [Entity("Eli Lilly", "Company"), Entity("ABL Bio", "Company", ("ABL",), 2)],
            [("Eli Lilly", "PARTNERS_WITH", "ABL Bio",
              {"amount": Amount(2.6e9, "USD", 2.6e9), "date": "2025", "confidence": 0.7})]),
    _record("d2", "ABL Bio and Lilly agreed on 3.8 trillion won.",
            [Entity("ABL Bio", "Company"), Entity("Lilly", "Company")],
            [("ABL Bio", "PARTNERS_WITH", "Lilly",
              {"amount": Amount(3.8e12, "KRW"), "date": "2025-11", "confidence": 0.6})]),
    _record("d3", "Marty Makary, commissioner of the FDA, met Lilly.",
            [Entity("Marty Makary", "Person"), Entity("FDA", "GovernmentAgency", ("the agency",)),
             Entity("Lilly", "Company", ("Lilly's",))],
            [("Marty Makary", "WORKS_FOR", "FDA", {"role": "commissioner"})]),
    _record("d4", "Makary, who heads the FDA, spoke.",
            [Entity("Marty Makary", "Person", ("Makary",)), Entity("FDA", "GovernmentAgency")],
            [("Marty Makary", "WORKS_FOR", "FDA", {"role": "head", "confidence": 0.9})]),
    _record("d5", "'}) DETACH DELETE n // signed with \u202eHangul 한국 😀.",
            [Entity("'}) DETACH DELETE n //", "Organization"), Entity("Hangul 한국 😀", "Company")],
            [("'}) DETACH DELETE n //", "SIGNS_AGREEMENT_WITH", "Hangul 한국 😀", {})]),
]


def _bytes(graph) -> bytes:
    return "".join(generate_json(graph)).encode("utf-8")


EXPECTED = _bytes(build_graph(RECORDS))


def test_the_records_exercise_the_cross_document_rules():
    graph = build_graph(RECORDS)
    lilly = graph.nodes["company:eli-lilly"]
    assert "Lilly" in lilly["aliases"] and lilly["documents"] == ["d1", "d2", "d3"]
    edge = graph.edges["company:abl-bio", "company:eli-lilly", "PARTNERS_WITH"]
    assert edge["amount"] == {"value": 2.6e9, "currency": "USD", "usd": 2.6e9} and edge["date"] == "2025-11"
    assert graph.edges["person:marty-makary", "governmentagency:fda", "WORKS_FOR"]["role"] == "commissioner"


@pytest.mark.parametrize("order", list(itertools.permutations(range(len(RECORDS))))[::7])
def test_one_by_one_in_any_order(order):
    merger = GraphMerger()
    for i in order:
        assert merger.add(RECORDS[i]) is True
    assert _bytes(merger.graph()) == EXPECTED


@pytest.mark.parametrize("split", [(1,), (2,), (1, 3), (2, 4), (1, 2, 3, 4)])
def test_partial_states_merged_in_any_grouping(split):
    bounds = [0, *split, len(RECORDS)]
    partials = [GraphMerger(RECORDS[a:b]) for a, b in zip(bounds, bounds[1:])]
    left = GraphMerger()
    for partial in partials:
        left.merge(partial)
    right = GraphMerger()
    for partial in reversed(partials):
        right = GraphMerger().merge(partial).merge(right)
    assert _bytes(left.graph()) == _bytes(right.graph()) == EXPECTED


def test_merging_a_state_again_changes_nothing():
    merger = GraphMerger(RECORDS)
    assert merger.add(RECORDS[0]) is False
    merger.merge(GraphMerger(RECORDS[:3]))
    assert len(merger) == len(RECORDS)
    assert _bytes(merger.graph()) == EXPECTED


def test_two_records_under_one_id_resolve_the_same_whichever_comes_first():
    other = _record("d1", "Eli Lilly acquires Verve.", [Entity("Eli Lilly", "Company"), Entity("Verve", "Company")],
                    [("Eli Lilly", "ACQUIRES", "Verve", {})])
    first, second = GraphMerger([RECORDS[0], other]), GraphMerger([other, RECORDS[0]])
    assert len(first) == 1
    assert _bytes(first.graph()) == _bytes(second.graph())


def test_the_state_keeps_no_article_text():
    merger = GraphMerger(RECORDS)
    assert all(r.document.text == "" for r in merger.extractions())
    assert [r.document.id for r in merger.extractions()] == ["d1", "d2", "d3", "d4", "d5"]
    assert compact(RECORDS[0]).document.title == "Title of d1 </script>"


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: r.document.id)
def test_state_records_round_trip_through_json(record):
    import json

    line = json.dumps(record_to_dict(record), ensure_ascii=False)
    assert record_from_dict(json.loads(line)) == compact(record)
