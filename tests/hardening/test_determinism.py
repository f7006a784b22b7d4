"""Determinism: the same articles give the same bytes in every output file, whatever the run.

Two builds of one corpus, in separate processes with different ``PYTHONHASHSEED``
values (set and dict order of strings differ) and the input files named in different
orders, must write byte-identical folders: every file in OUT, in every format.
"""
from __future__ import annotations

import json

from hardening_support import ROOT, newsgraph_cmd, snapshot


def _corpus(folder):
    files = [*sorted((ROOT / "seeds").iterdir())]
    extra = folder / "extra.txt"
    extra.write_text("Eli Lilly partners with ABL Bio in a $2.6 billion deal, the companies said "
                     "in November 2025.\n\nGSK partners with Alteogen. Roche invests in South Korea.\n")
    feed = folder / "feed.jsonl"
    feed.write_text("\n".join(json.dumps(r) for r in [
        {"id": "f1", "title": "Quotes 'and' \"more\"", "date": "2026-03-05",
         "text": "Merck partners with Evil\\Bio Inc. in a $200 million deal."},
        {"id": "f2", "text": "Pfizer acquired \"Quote\" Biotech Inc. for $1 billion. "
                             "Novartis acquired Zeta Therapeutics for $2 billion."},
    ]) + "\n")
    return [*files, extra, feed]


def test_two_builds_with_other_hash_seeds_and_input_orders_write_identical_bytes(tmp_path):
    inputs = _corpus(tmp_path)
    first, second = tmp_path / "one", tmp_path / "two"
    a = newsgraph_cmd("build", *inputs, "-o", first, "-q", env={"PYTHONHASHSEED": "1"})
    b = newsgraph_cmd("build", *reversed(inputs), "-o", second, "-q", env={"PYTHONHASHSEED": "4242"})
    assert a.returncode == 0 and b.returncode == 0, a.stderr + b.stderr
    one, two = snapshot(first), snapshot(second)
    assert sorted(one) == sorted(two)
    assert {"graph.json", "graph.html", "neo4j/load.cypher", "neo4j/entities.csv"} <= set(one)
    different = [name for name in one if one[name] != two[name]]
    assert different == []
    assert len(json.loads(one["graph.json"])["graph"]["documents"]) == 5
