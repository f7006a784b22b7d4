"""Damaged files newsgraph reads back: a build state, a graph.json, a gold file.

On the landed main each of these ended in a traceback or an 'unexpected TypeError'
(UnicodeDecodeError, RecursionError, AttributeError, KeyError); now each is one line
that names the file and, where the JSON parses, the field.
"""
from __future__ import annotations

import json

import pytest

from hardening_support import assert_one_line_error, newsgraph_cmd
from newsgraph.errors import InputError, SchemaError
from newsgraph.evaluate import load_gold
from newsgraph.exports.json_graph import read_json, write_json
from newsgraph.incremental import load_state, state_path, write_state
from newsgraph.extract.model import Document, Entity, Evidence, Extraction, Relation
from newsgraph.graph import GraphMerger
from test_load_support import seeds_like_graph

MODEL = "test-model"


@pytest.fixture()
def state_folder(tmp_path):
    """A build folder whose state holds one document record (written by write_state)."""
    doc = Document("doc-1", "Calloway Pharma acquires Arden Bio.")
    evidence = Evidence("doc-1", doc.text, 0, len(doc.text))
    merger = GraphMerger([Extraction(doc, (Entity("Calloway Pharma", "Company"), Entity("Arden Bio", "Company")),
                                     (Relation("Calloway Pharma", "ACQUIRES", "Arden Bio", evidence),))])
    write_state(merger, tmp_path, model=MODEL)
    return tmp_path


def _record_lines(folder):
    header, record = state_path(folder).read_text(encoding="utf-8").splitlines()
    return header, json.loads(record)


def test_the_state_written_reads_back(state_folder):
    assert len(load_state(state_folder, model=MODEL)) == 1


@pytest.mark.parametrize("change, message", [
    (lambda r: r["entities"][0].update(name=5), "entities.0.name: Input should be a valid string (got 5)"),
    (lambda r: r["entities"][0].update(aliases="Calloway"), "entities.0.aliases: Input should be a valid tuple"),
    (lambda r: r["entities"][1].update(type="Spaceship"), "unknown type 'Spaceship'"),
    (lambda r: r["relations"][0].update(relation="LIKES"), "unknown relation 'LIKES'"),
    (lambda r: r["relations"][0]["evidence"].pop("start"), "relations.0.evidence.start: Field required"),
    (lambda r: r["relations"][0].update(amount={"value": "lots", "currency": "USD"}),
     "relations.0.amount.value: Input should be a valid number"),
    (lambda r: r.update(document=[1]), "document: Input should be a dictionary"),
    (lambda r: r.update(entities={"a": 1}), "entities: Input should be a valid tuple"),
])
def test_a_state_record_of_the_wrong_shape_names_line_and_field(state_folder, change, message):
    header, record = _record_lines(state_folder)
    change(record)
    state_path(state_folder).write_text(header + "\n" + json.dumps(record) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_state(state_folder, model=MODEL)
    assert str(caught.value).startswith(f"{state_path(state_folder)}:2: not a document record (")
    assert message in str(caught.value)


@pytest.mark.parametrize("content, message", [
    (b"\xff\xfe\x00garbage\n", "not UTF-8 text at byte 0"),
    (b"[" * 100_000 + b"\n", ":1: JSON nested too deeply"),
    (b"HEADER" + b'{"document": ' * 50_000 + b"\n", ":2: JSON nested too deeply"),
    (b"HEADER" + b'{"document": {"id": "\xff"}}\n', "not UTF-8 text at byte"),
])
def test_a_state_file_that_is_not_text_or_nested_without_end_is_one_line(state_folder, content, message):
    header = state_path(state_folder).read_bytes().splitlines(keepends=True)[0]
    state_path(state_folder).write_bytes(content.replace(b"HEADER", header))
    with pytest.raises(InputError, match=message.replace("[", r"\[")):
        load_state(state_folder, model=MODEL)


def test_build_into_a_damaged_state_is_one_line_and_changes_nothing(state_folder, tmp_path):
    (tmp_path / "new.txt").write_text("Calloway Pharma partners with Dorrin Labs.\n", encoding="utf-8")
    state_path(state_folder).write_bytes(b"\xff\xfe\x00garbage\n")
    result = newsgraph_cmd("build", tmp_path / "new.txt", "--into", state_folder, "-q")
    assert_one_line_error(result, str(state_path(state_folder)), "not UTF-8 text")
    assert state_path(state_folder).read_bytes() == b"\xff\xfe\x00garbage\n"


GOOD_NODE = {"id": "company:roche", "type": "Company", "label": "Roche"}


@pytest.mark.parametrize("data, message", [
    ([], "the file: Input should be a valid dictionary"),
    ({"nodes": 5, "edges": []}, "nodes: Input should be a valid list"),
    ({"nodes": [{"x": 1}], "edges": []}, "nodes.0.id: Field required"),
    ({"nodes": [GOOD_NODE], "edges": [{}]}, "edges.0.source: Field required"),
    ({"nodes": [dict(GOOD_NODE, type="Planet")], "edges": []}, "nodes.0.type: Input should be 'Company'"),
    ({"nodes": [dict(GOOD_NODE, aliases=[5])], "edges": []}, "nodes.0.aliases.0: Input should be a valid string"),
    ({"nodes": [GOOD_NODE], "edges": [{"source": "company:roche", "target": "company:x",
                                       "relation": "ACQUIRES"}]},
     "edges.0.target: 'company:x' is not the id of a node"),
    ({"nodes": [GOOD_NODE, dict(GOOD_NODE, id="company:x")],
      "edges": [{"source": "company:roche", "target": "company:x", "relation": "ACQUIRES",
                 "evidence": [{"doc": "d", "sentence": "s", "start": 0, "end": 1,
                               "terms": {"amount": {"value": 1, "currency": ["USD"]}}}]}]},
     "edges.0.evidence.0.terms.amount.currency: Input should be a valid string"),
    ({"nodes": [GOOD_NODE], "edges": [], "graph": {"documents": [{"title": "no id"}]}},
     "graph.documents.0.id: Field required"),
])
def test_a_graph_json_of_the_wrong_shape_names_file_and_field(tmp_path, data, message):
    path = tmp_path / "graph.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_json(path)
    assert str(caught.value).startswith(f"{path}: not a newsgraph graph.json ({message}")


def test_the_graph_json_written_reads_back(tmp_path):
    graph = seeds_like_graph()
    write_json(graph, tmp_path / "graph.json")
    assert read_json(tmp_path / "graph.json").number_of_edges() == graph.number_of_edges()


@pytest.mark.parametrize("command", [["query", "SELECT * { ?s ?p ?o }"], ["view", "--no-open"],
                                     ["load", "--uri", "falkordb://127.0.0.1:1/g"]])
@pytest.mark.parametrize("content", ['[]', '{"nodes": 5}', '{"nodes": [{"x": 1}], "edges": [{}]}',
                                     '[' * 100_000, '\udcff'])
def test_every_reader_of_a_damaged_graph_json_says_one_line(tmp_path, command, content):
    (tmp_path / "graph.json").write_bytes(content.encode("utf-8", "surrogateescape"))
    result = newsgraph_cmd(command[0], tmp_path, *command[1:])
    assert_one_line_error(result, str(tmp_path / "graph.json"), "not a newsgraph graph.json")
    assert "unexpected" not in result.stderr


@pytest.mark.parametrize("data, message", [
    ({"documents": 5}, "documents: Input should be a valid list"),
    ({"documents": [5]}, "documents.0: Input should be a valid dictionary"),
    ({"documents": [{"entities": [{"name": 5, "type": "Company"}]}]},
     "documents.0.entities.0.name: Input should be a valid string"),
    ({"documents": [{"relations": [{"subject": "a", "object": "b"}]}]},
     "documents.0.relations.0.relation: Field required"),
])
def test_a_gold_file_of_the_wrong_shape_names_the_field(tmp_path, data, message):
    path = tmp_path / "gold.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(SchemaError, match=f"{path}: not a newsgraph-gold/1 file \\({message}"):
        load_gold(path)
