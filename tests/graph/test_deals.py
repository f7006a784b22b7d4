"""Deal records from hand-built graphs: merging, roles, money, status, territory, assets."""
from __future__ import annotations

import json

import networkx as nx
import pytest

from newsgraph.errors import SchemaError
from newsgraph.extract.model import Amount, Document, Entity, Evidence, Extraction, Relation
from newsgraph.graph import build_graph, node_id
from newsgraph.graph.deals import DATA_FILE, build_deals, deal_rules, deal_usd, select_deals

USD = "USD"


def _doc(doc_id: str, date: str | None, *sentences: str) -> tuple[Document, list[Evidence]]:
    text = " ".join(sentences)
    evs, at = [], 0
    for s in sentences:
        evs.append(Evidence(doc_id, s, at, at + len(s)))
        at += len(s) + 1
    return Document(doc_id, text, date=date), evs


def _companies(*names: str, kind: str = "Company") -> tuple[Entity, ...]:
    return tuple(Entity(n, kind) for n in names)


def _money(value: float, currency: str = USD, usd: float | None = None) -> Amount:
    return Amount(value, currency, value if currency == USD and usd is None else usd)


def test_signing_then_closing_is_one_completed_deal():
    d1, (s1,) = _doc("a1", "2025-01-10", "Calloway Pharma agreed to acquire Arden Bio for $1.2 billion.")
    d2, (s2,) = _doc("a2", "2025-04-02", "Calloway Pharma completed its acquisition of Arden Bio on Wednesday.")
    graph = build_graph([
        Extraction(d1, _companies("Calloway Pharma", "Arden Bio"),
                   (Relation("Calloway Pharma", "ACQUIRES", "Arden Bio", s1, amount=_money(1.2e9)),)),
        Extraction(d2, _companies("Calloway Pharma", "Arden Bio"),
                   (Relation("Calloway Pharma", "ACQUIRES", "Arden Bio", s2, date="2025-04-02"),)),
    ])
    [deal] = build_deals(graph)
    assert deal["type"] == "acquisition"
    assert deal["status"] == "completed"
    assert deal["announced"] == "2025-01-10"
    assert deal["completed"] == "2025-04-02"
    assert deal["status_source"] == {"doc": "a2", "start": 0, "end": len(s2.sentence)}
    assert [(p["role"], p["label"]) for p in deal["parties"]] == [("acquirer", "Calloway Pharma"),
                                                                  ("target", "Arden Bio")]
    assert deal["money"]["total"]["value"] == 1.2e9 and deal["money"]["total"]["usd"] == 1.2e9
    assert deal["money"]["total"]["sources"] == [{"doc": "a1", "start": 0, "end": len(s1.sentence)}]
    assert deal["sources"] == ["a1", "a2"]


@pytest.mark.parametrize("pending_date, terminated_date, status", [
    ("2024-03-01", "2024-06-01", "terminated"),
    ("2024-06-01", "2024-03-01", "pending approval"),
])
def test_the_latest_article_with_a_status_cue_sets_the_status(pending_date, terminated_date, status):
    d1, (s1,) = _doc("b1", pending_date, "Talbot Systems will buy Ormond Labs, a deal expected to close soon.")
    d2, (s2,) = _doc("b2", terminated_date, "Talbot Systems terminated its deal to buy Ormond Labs.")
    d3, (s3,) = _doc("b3", "2024-12-01", "Talbot Systems once agreed to acquire Ormond Labs.")  # no cue
    ents = _companies("Talbot Systems", "Ormond Labs")
    graph = build_graph([Extraction(d, ents, (Relation("Talbot Systems", "ACQUIRES", "Ormond Labs", s),))
                         for d, s in ((d1, s1), (d2, s2), (d3, s3))])
    [deal] = build_deals(graph)
    assert deal["status"] == status
    assert deal["completed"] is None
    assert deal["announced"] == min(pending_date, "2024-12-01") if status == "terminated" else True


def test_a_financing_round_is_one_deal_with_its_lead_investor():
    d, (s,) = _doc("r1", "2025-02-03",
                   "Quill Therapeutics raised $90 million in a Series B round led by Harbor Ventures "
                   "with Pine Capital and Stone Fund.")
    ents = _companies("Quill Therapeutics", "Harbor Ventures", "Pine Capital", "Stone Fund")
    rels = (Relation("Harbor Ventures", "INVESTS_IN", "Quill Therapeutics", s, amount=_money(9e7)),
            Relation("Pine Capital", "INVESTS_IN", "Quill Therapeutics", s),
            Relation("Stone Fund", "INVESTS_IN", "Quill Therapeutics", s))
    [deal] = build_deals(build_graph([Extraction(d, ents, rels)]))
    assert deal["type"] == "financing_round"
    assert [(p["role"], p["label"]) for p in deal["parties"]] == [
        ("lead_investor", "Harbor Ventures"), ("investor", "Pine Capital"), ("investor", "Stone Fund"),
        ("investee", "Quill Therapeutics")]
    assert deal["money"]["total"]["value"] == 9e7
    assert len(deal["relations"]) == 3


def test_a_consortium_is_one_acquisition_but_two_licensees_are_two_licences():
    d, (s1, s2) = _doc("c1", "2025-09-29",
                       "Elm Fund and Birch Partners will acquire Cobalt Games for $5 billion.",
                       "Vesper Bio licensed its platform to Nolan Pharma and to Orrin Therapeutics.")
    ents = _companies("Elm Fund", "Birch Partners", "Cobalt Games", "Vesper Bio", "Nolan Pharma",
                      "Orrin Therapeutics")
    rels = (Relation("Elm Fund", "ACQUIRES", "Cobalt Games", s1, amount=_money(5e9)),
            Relation("Birch Partners", "ACQUIRES", "Cobalt Games", s1, amount=_money(5e9)),
            Relation("Nolan Pharma", "LICENSES_FROM", "Vesper Bio", s2),
            Relation("Orrin Therapeutics", "LICENSES_FROM", "Vesper Bio", s2))
    deals = build_deals(build_graph([Extraction(d, ents, rels)]))
    assert sorted(d["type"] for d in deals) == ["acquisition", "licence", "licence"]
    [acq] = [d for d in deals if d["type"] == "acquisition"]
    assert [(p["role"], p["label"]) for p in acq["parties"]] == [
        ("acquirer", "Birch Partners"), ("acquirer", "Elm Fund"), ("target", "Cobalt Games")]
    assert acq["money"]["total"]["value"] == 5e9 and "conflicts" not in acq
    licensees = sorted(p["label"] for d in deals if d["type"] == "licence"
                       for p in d["parties"] if p["role"] == "licensee")
    assert licensees == ["Nolan Pharma", "Orrin Therapeutics"]


def test_a_licence_also_called_a_collaboration_is_one_licence_with_its_drug():
    d, (s,) = _doc("l1", "2025-03-25",
                   "Merrow Bio signed a collaboration and licence deal for KT-88 with Sable Pharma, "
                   "paying $40 million upfront and up to $600 million in milestones.")
    ents = _companies("Merrow Bio", "Sable Pharma") + (Entity("KT-88", "Drug"),)
    rels = (Relation("Merrow Bio", "LICENSES_FROM", "Sable Pharma", s,
                     upfront=_money(4e7), milestones=_money(6e8)),
            Relation("Merrow Bio", "PARTNERS_WITH", "Sable Pharma", s),
            Relation("Sable Pharma", "DEVELOPS", "KT-88", s))
    [deal] = build_deals(build_graph([Extraction(d, ents, rels)]))
    assert deal["type"] == "licence"
    assert [(p["role"], p["label"]) for p in deal["parties"]] == [("licensee", "Merrow Bio"),
                                                                  ("licensor", "Sable Pharma")]
    assert [a["label"] for a in deal["asset"]] == ["KT-88"]
    # a total is never made up from its parts
    assert set(deal["money"]) == {"upfront", "milestones"}
    assert deal_usd(deal) == 6e8


def test_conflicting_figures_are_kept_with_sources_and_the_latest_shown():
    d1, (s1,) = _doc("m1", "2023-01-18", "Larch Soft agreed to buy Kestrel Games for $68.7 billion.")
    d2, (s2,) = _doc("m2", "2023-10-13", "Larch Soft closed its $69 billion purchase of Kestrel Games.")
    ents = _companies("Larch Soft", "Kestrel Games")
    graph = build_graph([
        Extraction(d1, ents, (Relation("Larch Soft", "ACQUIRES", "Kestrel Games", s1, amount=_money(68.7e9)),)),
        Extraction(d2, ents, (Relation("Larch Soft", "ACQUIRES", "Kestrel Games", s2, amount=_money(69e9)),))])
    # the graph edge keeps one amount, the deal every stated one
    assert graph.edges["company:larch-soft", "company:kestrel-games", "ACQUIRES"]["amount"]["value"] == 68.7e9
    [deal] = build_deals(graph)
    assert deal["money"]["total"]["value"] == 69e9
    assert [(f["value"], [s["doc"] for s in f["sources"]]) for f in deal["conflicts"]["total"]] == [
        (69e9, ["m2"]), (68.7e9, ["m1"])]
    assert deal["status"] == "completed" and deal["completed"] == "2023-10-13"


def test_buying_a_drug_is_an_asset_purchase():
    d, (s,) = _doc("p1", "2024-02-05", "Fenwick Pharma acquired the rights to ZL-7 for $25 million.")
    ents = _companies("Fenwick Pharma") + (Entity("ZL-7", "Drug"),)
    [deal] = build_deals(build_graph([Extraction(d, ents, (
        Relation("Fenwick Pharma", "ACQUIRES", "ZL-7", s, amount=_money(2.5e7)),))]))
    assert deal["type"] == "asset_purchase"
    assert [(p["role"], p["label"]) for p in deal["parties"]] == [("acquirer", "Fenwick Pharma"),
                                                                  ("asset", "ZL-7")]
    assert [a["id"] for a in deal["asset"]] == [node_id("Drug", "ZL-7")]


@pytest.mark.parametrize("sentence, territory", [
    ("Ashby Bio granted Corran Pharma worldwide rights to its antibody.", ["worldwide"]),
    ("Corran Pharma licensed rights in Greater China from Ashby Bio.", ["Greater China"]),
    ("Corran Pharma licensed the drug from Ashby Bio for all markets excluding Japan.", ["excluding Japan"]),
    ("Corran Pharma licensed rights from Ashby Bio in December.", []),
])
def test_territory_as_stated(sentence, territory):
    d, (s,) = _doc("t1", "2025-01-01", sentence)
    [deal] = build_deals(build_graph([Extraction(d, _companies("Ashby Bio", "Corran Pharma"), (
        Relation("Corran Pharma", "LICENSES_FROM", "Ashby Bio", s),))]))
    assert [t["value"] for t in deal["territory"]] == territory


def _hand_graph(status: str | None, sentence: str) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    g.add_node("company:a", label="Abbot Co", type="Company")
    g.add_node("company:b", label="Bexley Inc", type="Company")
    data = {"relation": "ACQUIRES", "evidence": [{"doc": "x", "sentence": sentence, "start": 0, "end": 5}]}
    if status:
        data["status"] = status
    g.add_edge("company:a", "company:b", key="ACQUIRES", **data)
    return g


def test_the_extraction_status_of_an_edge_is_used_when_present():
    assert build_deals(_hand_graph("negated", "Abbot Co did not buy Bexley Inc.")) == []
    [deal] = build_deals(_hand_graph("negated", "Bexley Inc rejected the bid from Abbot Co."))
    assert deal["status"] == "rejected" and deal["statements"] == ["negated"]
    [deal] = build_deals(_hand_graph("planned", "Abbot Co plans to buy Bexley Inc."))
    assert deal["status"] == "announced" and deal["statements"] == ["planned"]


def test_a_graph_with_no_dates_money_or_documents_still_gives_a_deal():
    g = _hand_graph(None, "Abbot Co buys Bexley Inc.")
    g.add_edge("company:a", "company:b", key="WORKS_FOR", relation="WORKS_FOR")  # not a deal relation
    [deal] = build_deals(g)
    assert (deal["type"], deal["announced"], deal["money"], deal["asset"]) == ("acquisition", None, {}, [])


def test_deal_ids_are_stable_and_independent_of_input_order():
    d1, (s1,) = _doc("i1", "2025-01-01", "Abbot Co acquired Bexley Inc.")
    d2, (s2,) = _doc("i2", "2025-02-01", "Carrow Ltd licensed a drug from Dunmore plc.")
    ex1 = Extraction(d1, _companies("Abbot Co", "Bexley Inc"), (Relation("Abbot Co", "ACQUIRES", "Bexley Inc", s1),))
    ex2 = Extraction(d2, _companies("Carrow Ltd", "Dunmore plc"),
                     (Relation("Carrow Ltd", "LICENSES_FROM", "Dunmore plc", s2),))
    a = build_deals(build_graph([ex1, ex2]))
    b = build_deals(build_graph([ex2, ex1]))
    assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)
    assert [d["id"].split(":")[1] for d in a] == ["acquisition", "licence"]
    assert len({d["id"] for d in a}) == 2


def test_hostile_party_names_and_sentences_are_kept_as_data():
    name = "Evil\"; =HYPERLINK(\"x\") '}) DETACH DELETE n // <script>\u2028Co"
    d, (s,) = _doc("h1", "2025-01-01", f"{name} acquired Bexley Inc for $1 billion.")
    [deal] = build_deals(build_graph([Extraction(d, (Entity(name, "Company"), Entity("Bexley Inc", "Company")), (
        Relation(name, "ACQUIRES", "Bexley Inc", s, amount=_money(1e9)),))]))
    assert deal["parties"][0]["label"] == name
    assert deal["evidence"][0]["sentence"] == s.sentence


def test_select_deals_by_type_date_and_usd():
    deals = [{"type": "licence", "announced": "2025-03-25", "money": {"upfront": {"usd": 2e7}}},
             {"type": "acquisition", "announced": "2024", "money": {"total": {"usd": 3e9}}},
             {"type": "acquisition", "announced": None, "money": {}}]
    assert select_deals(deals, types=["acquisition"]) == deals[1:]
    assert select_deals(deals, since="2025-01-01") == deals[:1]
    assert select_deals(deals, min_usd=1e9) == deals[1:2]


def test_a_bad_rule_file_names_the_file_and_the_problem(tmp_path):
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    data["statuses"][0]["cues"].append("(unclosed")
    bad = tmp_path / "deals.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(SchemaError, match=r"deals\.json: statuses\[terminated\]: bad regular expression"):
        deal_rules(bad)
    del data["money"]
    bad.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(SchemaError, match="missing key"):
        deal_rules(bad)


def test_an_investment_stated_with_a_partnership_is_its_equity_unless_it_is_the_same_figure():
    d, (s1, s2) = _doc("e1", "2023-11-15",
                       "Ferrin Bio partners with Galt Cells for $85 million upfront and buys $200 million of its shares.",
                       "Halden Pharma bet $2.6 billion to link up with Ivel Bio.")
    ents = _companies("Ferrin Bio", "Galt Cells", "Halden Pharma", "Ivel Bio")
    rels = (Relation("Ferrin Bio", "PARTNERS_WITH", "Galt Cells", s1, upfront=_money(8.5e7)),
            Relation("Ferrin Bio", "INVESTS_IN", "Galt Cells", s1, amount=_money(2e8)),
            Relation("Halden Pharma", "PARTNERS_WITH", "Ivel Bio", s2, amount=_money(2.6e9)),
            Relation("Halden Pharma", "INVESTS_IN", "Ivel Bio", s2, amount=_money(2.6e9)))
    deals = {frozenset(p["label"] for p in d["parties"]): d for d in build_deals(build_graph([Extraction(d, ents, rels)]))}
    assert len(deals) == 2
    ferrin = deals[frozenset({"Ferrin Bio", "Galt Cells"})]
    assert ferrin["type"] == "collaboration"
    assert {k: v["value"] for k, v in ferrin["money"].items()} == {"upfront": 8.5e7, "equity": 2e8}
    halden = deals[frozenset({"Halden Pharma", "Ivel Bio"})]
    assert {k: v["value"] for k, v in halden["money"].items()} == {"total": 2.6e9}


def test_two_dollar_figures_for_one_sum_in_won_are_both_kept():
    d1, (s1,) = _doc("w1", "2026-03-05", "Roan Bio is putting 710 billion won (about $484 million) into Norland.")
    d2, (s2,) = _doc("w2", "2026-03-06", "Roan Bio is investing 710 billion won, or $480 million, in Norland.")
    ents = (Entity("Roan Bio", "Company"), Entity("Norland", "Country"))
    graph = build_graph([Extraction(d, ents, (Relation("Roan Bio", "INVESTS_IN", "Norland", s,
                                                       amount=Amount(7.1e11, "KRW", usd)),))
                         for d, s, usd in ((d1, s1, 4.84e8), (d2, s2, 4.8e8))])
    [deal] = build_deals(graph)
    assert (deal["money"]["total"]["value"], deal["money"]["total"]["usd"]) == (7.1e11, 4.8e8)
    assert [f["usd"] for f in deal["conflicts"]["total"]] == [4.8e8, 4.84e8]
    assert [(p["role"], p["type"]) for p in deal["parties"]] == [("investor", "Company"), ("investee", "Country")]


def test_when_article_dates_cannot_order_figures_the_more_precise_one_is_shown():
    d1, (s1,) = _doc("u1", None, "Roan Bio is putting 710 billion won (about $484 million) into Norland.")
    d2, (s2,) = _doc("u0", None, "Roan Bio will invest 710 billion won, or some $480 million, in Norland by 2026.")
    ents = (Entity("Roan Bio", "Company"), Entity("Norland", "Country"))
    graph = build_graph([Extraction(d, ents, (Relation("Roan Bio", "INVESTS_IN", "Norland", s,
                                                       amount=Amount(7.1e11, "KRW", usd), date=date),))
                         for d, s, usd, date in ((d1, s1, 4.84e8, None), (d2, s2, 4.8e8, "2026"))])
    [deal] = build_deals(graph)
    # "by 2026" dates the investment, not the article: it does not make that figure the newer one
    assert deal["money"]["total"]["usd"] == 4.84e8
    assert deal["announced"] == "2026"


def test_a_drug_the_sentence_names_is_the_asset_only_when_a_granting_party_develops_it():
    d, (s1, s2, s3) = _doc("a1", "2025-01-01",
                           "Orrin Pharma, maker of Zelvo, licensed QX-5 from Tamsin Bio.",
                           "Tamsin Bio develops QX-5.", "Orrin Pharma sells Zelvo.")
    ents = _companies("Orrin Pharma", "Tamsin Bio") + (Entity("Zelvo", "Drug"), Entity("QX-5", "Drug"))
    rels = (Relation("Orrin Pharma", "LICENSES_FROM", "Tamsin Bio", s1),
            Relation("Orrin Pharma", "DEVELOPS", "Zelvo", s3),  # the licensee's own drug, named in passing
            Relation("Tamsin Bio", "DEVELOPS", "QX-5", s2))
    [deal] = build_deals(build_graph([Extraction(d, ents, rels)]))
    assert [a["label"] for a in deal["asset"]] == ["QX-5"]
    assert deal["asset"][0]["source"] == {"doc": "a1", "start": 0, "end": len(s1.sentence)}


@pytest.mark.parametrize("sentence, status", [
    ("Pell Corp will acquire Rusk Labs; the deal is expected to close in May.", "pending approval"),
    ("Pell Corp will own Rusk Labs once the deal closes.", "announced"),
    ("Pell Corp closed its acquisition of Rusk Labs.", "completed"),
    ("Pell Corp agreed to buy Rusk Labs after Rusk Labs rejected a rival bid.", "announced"),
])
def test_status_cues_read_in_context(sentence, status):
    d, (s,) = _doc("s1", "2025-01-01", sentence)
    [deal] = build_deals(build_graph([Extraction(d, _companies("Pell Corp", "Rusk Labs"), (
        Relation("Pell Corp", "ACQUIRES", "Rusk Labs", s),))]))
    assert deal["status"] == status


def test_a_past_completion_after_when_is_still_a_completion():
    d, (s,) = _doc("s2", "2025-01-01", "Pell Corp entered the field in 2016, when it completed its purchase of Rusk Labs.")
    [deal] = build_deals(build_graph([Extraction(d, _companies("Pell Corp", "Rusk Labs"), (
        Relation("Pell Corp", "ACQUIRES", "Rusk Labs", s, date="2016"),))]))
    assert (deal["status"], deal["completed"]) == ("completed", "2016")
