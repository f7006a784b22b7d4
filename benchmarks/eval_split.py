"""Extraction figures on the tuning and check halves of the shared gold sets.

The halves are fixed in ``tests/data/split.json`` (chosen by file before any rule was
tuned). Each half is built into one graph with one loaded pipeline and scored with the
shared scorer (``../shared/eval/score.py``). Only the tuning half may print its errors
(``--errors``): the check half reports summary figures, so rules are never fitted to it.

    python benchmarks/eval_split.py                       # every set, both halves
    python benchmarks/eval_split.py --sets real-dev --half tune --errors
    python benchmarks/eval_split.py --json figures.json   # also write the figures
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
import os

#: the shared folder beside the checkout (or NEWSGRAPH_SHARED)
SHARED = Path(os.environ.get("NEWSGRAPH_SHARED") or next(
    (p / "shared" for p in ROOT.parents if (p / "shared/eval/score.py").exists()), ROOT.parent / "shared"))
SPLIT = json.loads((ROOT / "tests/data/split.json").read_text(encoding="utf-8"))

#: set name -> (gold file, [(corpus folder, split key)], conll-style jsonl file or None)
SETS = {
    "dev-all": ("dev-all.json", [("dev", "dev"), ("dev2", "dev2")], None),
    "real-dev": ("real-dev.json", [("real-dev", "real-dev")], None),
    "conll04": ("conll04-train.json", [], "conll04"),
    "seeds": ("seeds.json", [], None),
}


def _scorer():
    spec = importlib.util.spec_from_file_location("score", SHARED / "eval/score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _inputs(name: str, half: str, tmp: Path) -> tuple[list[str], set[str] | None]:
    """(input paths, doc names of the half or None for all) of one set."""
    gold, folders, jsonl = SETS[name]
    if name == "seeds":
        return [str(SHARED / "seeds")], None
    if jsonl:
        ids = set(SPLIT[jsonl]["tune"] + SPLIT[jsonl]["check"]) if half == "all" else set(SPLIT[jsonl][half])
        path = tmp / f"{name}-{half}.jsonl"
        with open(SHARED / "corpus/conll04/train.jsonl", encoding="utf-8") as src, \
                open(path, "w", encoding="utf-8") as dst:
            for line in src:
                if json.loads(line)["id"] in ids:
                    dst.write(line)
        return [str(path)], ids
    paths, names = [], set()
    for folder, key in folders:
        files = SPLIT[key]["tune"] + SPLIT[key]["check"] if half == "all" else SPLIT[key][half]
        names.update(files)
        paths += [str(SHARED / "corpus" / folder / f) for f in files]
    return paths, names


def evaluate(name: str, half: str, extractor, tmp: Path) -> dict:
    import newsgraph

    paths, names = _inputs(name, half, tmp)
    gold = json.loads((SHARED / "eval/gold" / SETS[name][0]).read_text(encoding="utf-8"))
    if names is not None:
        gold["documents"] = [d for d in gold["documents"] if d["doc"] in names]
    gold_path = tmp / f"gold-{name}-{half}.json"
    gold_path.write_text(json.dumps(gold), encoding="utf-8")
    graph = newsgraph.build(paths, extractor=extractor)
    graph_path = tmp / f"graph-{name}-{half}.json"
    newsgraph.write(graph, "json", graph_path)
    return _scorer().score(str(gold_path), str(graph_path))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", default="dev-all,real-dev,conll04,seeds")
    parser.add_argument("--half", choices=["tune", "check", "both", "all"], default="both")
    parser.add_argument("--errors", action="store_true", help="print the tuning half's missed and false edges")
    parser.add_argument("--json", help="write the figures to this file")
    parser.add_argument("--keep", help="write the graphs (and gold subsets) into this folder")
    args = parser.parse_args(argv)
    from newsgraph.extract.pipeline import Extractor

    extractor = Extractor()
    halves = ["tune", "check"] if args.half == "both" else [args.half]
    figures = {}
    print(f"{'set':9} {'half':5} {'rel F1':>7} {'P':>6} {'R':>6} {'ent F1':>7} {'ent P':>6} {'typed':>6} "
          f"{'dup':>4}  amounts/dates")
    with tempfile.TemporaryDirectory() as tmp:
        if args.keep:
            Path(args.keep).mkdir(parents=True, exist_ok=True)
            tmp = args.keep
        for name in args.sets.split(","):
            for half in (["all"] if name == "seeds" else halves):
                r = evaluate(name, half, extractor, Path(tmp))
                figures[f"{name}/{half}"] = {k: v for k, v in r.items()
                                             if k not in ("missed_relations", "false_relations")}
                rel, ent, typed = r["relations"], r["entities"], r["entities_typed"]
                attrs = r["attributes"]
                print(f"{name:9} {half:5} {rel['f1']:7.3f} {rel['precision']:6.3f} {rel['recall']:6.3f} "
                      f"{ent['f1']:7.3f} {ent['precision']:6.3f} {typed['f1']:6.3f} {r['duplicate_nodes']:4}  "
                      f"{attrs['amount']} {attrs['date']}", flush=True)
                per = "  ".join(f"{k.split('_')[0][:8]} {v['f1']:.2f}" for k, v in r["per_relation"].items()
                                if v["tp"] + v["fp"] + v["fn"])
                print(f"{'':15} {per}")
                if args.errors and half in ("tune", "all") and name != "seeds" or args.errors and name == "seeds":
                    for m in r["missed_relations"]:
                        print("    missed:", m)
                    for m in r["false_relations"]:
                        print("    false: ", m)
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1, sort_keys=True), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
