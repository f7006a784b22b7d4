"""Extraction time against sentence length on entity-dense sentences (issue: quadratic relation rules).

Builds one long sentence of N made-up company names and times parsing and extraction separately; a
linear extractor keeps the extract/parse ratio flat as N doubles.

    python benchmarks/bench_dense.py            # N = 50, 100, 200, 400
"""
from __future__ import annotations

import sys
import time

from newsgraph.extract.model import Document
from newsgraph.extract.pipeline import Extractor, extract_doc


def _name(i: int) -> str:
    return f"Corvex{chr(65 + i % 26)}{chr(65 + (i // 26) % 26)} Pharma"


def main(sizes=(50, 100, 200, 400)) -> None:
    extractor = Extractor()
    print(f"{'names':>6} {'chars':>7} {'parse s':>8} {'extract s':>10} {'extract/parse':>14}")
    for n in sizes:
        text = ("The deal between " + " and ".join(f"{_name(i)} of Boston" for i in range(n))
                + " was signed by John Smith, chief executive of Acme Corp.\n")
        began = time.perf_counter()
        sdoc = extractor.nlp(text)
        parsed = time.perf_counter()
        extract_doc(sdoc, Document("bench", text))
        done = time.perf_counter()
        print(f"{n:>6} {len(text):>7} {parsed - began:>8.2f} {done - parsed:>10.2f} "
              f"{(done - parsed) / (parsed - began):>14.2f}")


if __name__ == "__main__":
    main(tuple(int(a) for a in sys.argv[1:]) or (50, 100, 200, 400))
