"""Wire datelines, places written after a city, and the schema's ends on every rule's edges."""
from __future__ import annotations

from newsgraph.extract.model import Document


def _edges(extractor, text):
    ex = next(extractor.extract([Document("t", text)]))
    return {(r.subject, r.relation, r.object) for r in ex.relations}, {e.name: e.type for e in ex.entities}


def test_a_wire_dateline_places_the_agency_in_its_city_and_country(extractor):
    edges, types = _edges(extractor, "VELMORA, Ostrania (AP) _ Two freight trains collided outside the town on Monday.\n")
    assert types.get("Velmora") == "Location"
    assert ("AP", "LOCATED_IN", "Velmora") in edges


def test_a_title_case_dateline_with_a_date_is_read_too(extractor):
    edges, _ = _edges(extractor, "Paris March 5 (AFP) -- The river rose two metres overnight, officials said.\n")
    assert ("AFP", "LOCATED_IN", "Paris") in edges


def test_a_company_of_a_city_is_in_the_state_written_after_it(extractor):
    edges, _ = _edges(extractor, "The Kessler Instruments Co. of Dunmore, Pa., supplies the sensors.\n")
    assert {("Kessler Instruments Co.", "LOCATED_IN", "Dunmore"),
            ("Kessler Instruments Co.", "LOCATED_IN", "Pennsylvania")} <= edges


def test_an_office_of_a_country_is_not_an_employer(extractor):
    edges, types = _edges(extractor, "In 1802, Tomas Heller, the third president of Portugal, was born in Braga.\n")
    assert types.get("Portugal") == "Country"
    assert not {e for e in edges if e[1] == "WORKS_FOR"}


def test_a_place_after_in_is_not_typed_by_the_clause_after_it(extractor):
    edges, types = _edges(extractor, "A spokesman for the Kelvane Water Board in Oslo declined to comment.\n")
    assert types.get("Oslo") == "Location"
    assert ("Kelvane Water Board", "LOCATED_IN", "Oslo") in edges


def test_a_sentence_too_long_for_the_pattern_table_leaves_the_others_matched(extractor):
    from newsgraph.extract.patterns import MAX_PATTERN_TOKENS, iter_matches

    names = " and ".join(f"Corvex{chr(65 + i % 26)}{chr(65 + i // 26)} Pharma" for i in range(MAX_PATTERN_TOKENS // 3))
    text = f"The talks between {names} ended.\nScientists at Velloran University in Turin found the protein.\n"
    sdoc = extractor.nlp(text)
    assert max(len(s) for s in sdoc.sents) > MAX_PATTERN_TOKENS
    matched = {(row["relation"], a["subject"].text, a["object"].text) for row, a in iter_matches(sdoc)}
    assert ("LOCATED_IN", "University", "Turin") in matched
