"""Every subcommand over malformed files and bad options: never a traceback.

Each case runs the real command in a child process with ``NEWSGRAPH_DEBUG=1``, which
turns off the last line of defence (the "unexpected ... (a bug in newsgraph)" message),
so an error nobody handled shows up as the word ``Traceback`` and fails its case. A
case may fail (exit 1 or 2, the last line saying why) or go through with warnings; it
may not crash, hang or die from a signal.
"""
from __future__ import annotations

import json
import shutil

import pytest

from hardening_support import ROOT, newsgraph_cmd

SEEDS = ROOT / "seeds"
GOOD = "Calloway Pharma agreed to acquire Arden Bio for $40 million on Monday.\n"

#: malformed article files of every kind, read together by one build
ARTICLES = {
    "binary.txt": b"\x00\xff\xfe\x01" * 64,
    "latin1.md": "Caf\xe9 Pharma signs with Dorrin Labs.".encode("latin-1"),
    "empty.txt": b"",
    "blank.txt": b" \n\t\n",
    "no-article.html": b"<html><head><script>x()</script></head><body></body></html>",
    "bomb.md": b"---\na: &a [*a, *a]\nb: &b [*a, *b]\n---\n" + GOOD.encode(),
    "front.md": b"---\n: : :\n---\n" + GOOD.encode(),
    "broken.jsonl": b"\n".join([
        b"{", b"[1]", b'"a string"', b"null", b'{"text": 5}', b'{"id": [], "text": "x"}',
        b"[" * 100_000, b'{"text": "' + GOOD.strip().encode() + b'", "date": 99999999999999999999}',
        b'{"text": "Dorrin Labs partners with Efram Bio.", "url": {"a": 1}, "title": 1e400}',
        b'{"text": "\\ud800 lone surrogate"}', b"\xff\xfe"]),
    "utf16.txt": "\ufeffCalloway Pharma partners with Efram Bio.".encode("utf-16"),
    "deep.html": b"<div>" * 20_000 + GOOD.encode(),
    "bad\nnewsgraph: error: forged\x1b]0;X\x07.txt": GOOD.encode(),
    "good.txt": GOOD.encode(),
}

#: graph.json contents a build never writes
GRAPHS = {
    "list": "[]", "empty": "", "truncated": '{"nodes": [', "nodes-int": '{"nodes": 5, "edges": []}',
    "node-no-id": '{"nodes": [{"x": 1}], "edges": [{}]}',
    "bad-type": '{"nodes": [{"id": "a", "type": 5}], "edges": []}',
    "dangling": '{"nodes": [{"id": "a", "type": "Company"}], "edges": [{"source": "a", "target": "b", '
                '"relation": "ACQUIRES"}]}',
    "deep": "[" * 100_000, "not-utf8": "\udcff\udcfe",
    "huge-number": '{"nodes": [{"id": "a", "type": "Company", "mentions": 1e999}], "edges": []}',
}

#: build states (.newsgraph/extractions.jsonl) damaged in every way we found
STATES = {
    "binary": b"\xff\xfe\x00\x01",
    "deep": b"[" * 100_000,
    "no-header": b'{"a": 1}\n',
    "header-list": b"[1, 2]\n",
    "empty": b"",
}

#: gold files of eval
GOLDS = {"documents-int": '{"documents": 5}', "list": "[]", "doc-int": '{"documents": [5]}',
         "entity-name-int": '{"documents": [{"entities": [{"name": 5, "type": "Company"}]}]}',
         "relation-missing": '{"documents": [{"relations": [{"subject": "a"}]}]}', "not-json": "{"}


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    base = tmp_path_factory.mktemp("sweep")
    articles = base / "articles"
    articles.mkdir()
    for name, data in ARTICLES.items():
        (articles / name).write_bytes(data)
    (articles / "dangling.txt").symlink_to(base / "nowhere")
    for name, text in GRAPHS.items():
        (base / "graphs" / name).mkdir(parents=True)
        (base / "graphs" / name / "graph.json").write_bytes(text.encode("utf-8", "surrogateescape"))
    (base / "ttl").mkdir()
    (base / "ttl" / "graph.ttl").write_bytes(b"@prefix : <x> .\n:a :b \xff .\n")
    built = base / "built"
    assert newsgraph_cmd("build", SEEDS, "-o", built, "-q").returncode == 0
    for name, data in STATES.items():
        state = base / "states" / name
        shutil.copytree(built, state)
        (state / ".newsgraph" / "extractions.jsonl").write_bytes(data)
    header, record, *rest = (built / ".newsgraph" / "extractions.jsonl").read_text(encoding="utf-8").splitlines()
    wrong = json.loads(record)
    wrong["entities"][0]["mentions"] = "many"
    shutil.copytree(built, base / "states" / "wrong-type")
    (base / "states" / "wrong-type" / ".newsgraph" / "extractions.jsonl").write_text(
        "\n".join([header, json.dumps(wrong), *rest]) + "\n", encoding="utf-8")
    for name, text in GOLDS.items():
        (base / "gold").mkdir(exist_ok=True)
        (base / "gold" / f"{name}.json").write_text(text, encoding="utf-8")
    (base / "queries").mkdir()
    (base / "queries" / "nested.rq").write_text("SELECT * WHERE " + "{ " * 3000 + "}" * 3000)
    (base / "queries" / "service.rq").write_text("SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
    (base / "queries" / "binary.rq").write_bytes(b"\xff\xfe\x00")
    (base / "a-file").write_text("x")
    return base


def _cases():
    cases = [
        # build: the malformed corpus goes through with warnings; bad options stop it at once
        ("build", "{articles}", "-o", "{out}"),
        ("build", "{articles}/broken.jsonl", "-", "-o", "{out}"),
        ("build", "{articles}", "-o", "{out}", "--format", "tutle"),
        ("build", "{articles}", "-o", "{out}", "--format", ","),
        ("build", "{articles}", "-o", "{out}", "--min-confidence", "nan"),
        ("build", "{articles}", "-o", "{out}", "--min-confidence", "2"),
        ("build", "{articles}", "-o", "{out}", "--max-doc-chars", "99999999999999999999"),
        ("build", "{articles}", "-o", "{out}", "--max-sentence-chars", "-1"),
        ("build", "{articles}", "-o", "{out}", "--workers", "0"),
        ("build", "{articles}", "-o", "{out}", "--workers", "99999999999999999999"),
        ("build", "{articles}", "-o", "{out}", "--engine", "spark"),
        ("build", "{articles}", "-o", "{out}", "--engine", "dask", "--scheduler", "notaurl"),
        ("build", "{articles}", "-o", "{out}", "--scheduler", "tcp://127.0.0.1:9"),
        ("build", "{articles}", "-o", "{out}", "--base-iri", "http://[::1/"),
        ("build", "{articles}", "-o", "{out}", "--base-iri", "no-scheme/"),
        ("build", "{articles}", "-o", "{out}", "--model", "no_such_model"),
        ("build", "{articles}", "-o", "/"),
        ("build", "{articles}", "-o", "{base}/a-file"),
        ("build", "{articles}", "-o", "{base}/a-file/out"),
        ("build", "{articles}", "-o", "{out}", "--into", "{out}"),
        ("build", "{articles}"),
        ("build", "{base}/missing", "-o", "{out}"),
        ("build", "{articles}", "--into", "{base}/graphs/list"),
        *[("build", "{articles}/good.txt", "--into", f"{{base}}/states/{name}") for name in
          [*STATES, "wrong-type"]],
        # query, view, load, deals over damaged graph.json files and a broken graph.ttl
        *[(command, f"{{base}}/graphs/{name}", *extra) for name in GRAPHS for command, *extra in [
            ("query", "SELECT * { ?s ?p ?o }"), ("view", "--no-open"), ("deals",),
            ("load", "--uri", "falkordb://127.0.0.1:9/g")]],
        ("query", "{base}/ttl", "ASK {}"),
        ("serve", "{base}/ttl", "--port", "0"),
        ("serve", "{base}/graphs/list", "--port", "0"),
        # bad options and queries
        ("query", "{built}", "SELECT WHERE"),
        ("query", "{built}", "--file", "{base}/queries/nested.rq"),
        ("query", "{built}", "--file", "{base}/queries/service.rq"),
        ("query", "{built}", "--file", "{base}/queries/binary.rq"),
        ("query", "{built}", "--file", "{base}"),
        ("query", "{built}", "ASK {}", "--format", "yaml"),
        ("query", "{built}", "ASK {}", "--timeout", "-1"),
        ("query", "{built}", "ASK {}", "--max-rows", "0"),
        ("query", "{built}", "CONSTRUCT WHERE { ?s ?p ?o }", "--format", "csv"),
        ("query", "{built}", "SELECT (1/0 AS ?x) (xsd:integer('x') AS ?y) { }"),
        ("serve", "{built}", "--port", "99999"),
        ("serve", "{built}", "--host", "256.0.0.1", "--port", "0"),
        ("serve", "{built}", "--timeout", "0"),
        ("view", "{built}", "--no-open", "--focus", "No Such Company"),
        ("view", "{built}", "--no-open", "--depth", "0"),
        ("view", "{built}", "--no-open", "--max-nodes", "-5"),
        ("view", "{base}/missing"),
        ("load", "{built}", "--uri", "falkordb://[::1/g"),
        ("load", "{built}", "--uri", "bolt://[::1"),
        ("load", "{built}", "--uri", "http://127.0.0.1:9"),
        ("load", "{built}", "--uri", "falkordb://127.0.0.1:99999/g"),
        ("load", "{built}", "--uri", "falkordb://127.0.0.1:9/g", "--batch-size", "0"),
        ("deals", "{built}", "--since", "last year"),
        ("deals", "{built}", "--type", "merger-of-equals"),
        ("deals", "{built}", "--min-usd", "lots"),
        ("deals", "{built}", "--format", "xml"),
        *[("eval", f"{{base}}/gold/{name}.json", "{articles}/good.txt") for name in GOLDS],
        ("eval", "{base}/missing.json", "{articles}"),
        ("help", "biuld"),
        ("biuld",),
    ]
    return cases


@pytest.mark.slow
@pytest.mark.parametrize("args", _cases(), ids=lambda args: " ".join(args)[:80])
def test_no_traceback_on_any_path(files, tmp_path, args):
    values = {"articles": files / "articles", "base": files, "built": files / "built", "out": tmp_path / "out"}
    argv = list(args)
    for key, value in values.items():  # not str.format: queries have braces of their own
        argv = [a.replace(f"{{{key}}}", str(value)) for a in argv]
    stdin = (files / "articles" / "broken.jsonl").read_bytes() if "-" in argv else b""
    result = newsgraph_cmd(*argv, env={"NEWSGRAPH_DEBUG": "1"}, input=stdin.decode("utf-8", "replace"),
                           timeout=180)
    assert "Traceback" not in result.stderr + result.stdout, result.stderr[-3000:]
    assert result.returncode in (0, 1, 2), (result.returncode, result.stderr[-2000:])
    if result.returncode:
        last = result.stderr.strip().splitlines()[-1]
        assert last.startswith(("newsgraph: error: ", "Error: ")), result.stderr[-2000:]
