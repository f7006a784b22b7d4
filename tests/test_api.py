"""The Python API mirrors the CLI: build() returns a graph, write() exports it."""
from __future__ import annotations

import json

import networkx as nx
import pytest

import newsgraph
from newsgraph.exports import known_formats


def test_build_returns_a_multidigraph_following_the_schema(seeds_graph):
    assert isinstance(seeds_graph, nx.MultiDiGraph)
    for node, data in seeds_graph.nodes(data=True):
        assert data["id"] == node
        assert set(data) >= {"id", "label", "type", "aliases", "mentions"}
        assert data["type"] in newsgraph.graph.ENTITY_TYPES
    for _, _, data in seeds_graph.edges(data=True):
        assert data["relation"] in newsgraph.graph.RELATION_TYPES
        assert 0 <= data["confidence"] <= 1 and data["evidence"]


def test_write_json_round_trips(seeds_graph, tmp_path):
    path = newsgraph.write(seeds_graph, "json", tmp_path / "g.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert len(data["nodes"]) == seeds_graph.number_of_nodes()
    assert len(data["edges"]) == seeds_graph.number_of_edges()


def test_unknown_format_lists_known_ones(seeds_graph, tmp_path):
    with pytest.raises(newsgraph.ExportError) as info:
        newsgraph.write(seeds_graph, "tutle", tmp_path / "x")
    assert str(info.value) == f"unknown format 'tutle'; known: {', '.join(known_formats())}"


def test_build_with_nothing_readable_raises_input_error(tmp_path, extractor):
    with pytest.raises(newsgraph.InputError, match="nothing could be read"):
        newsgraph.build([tmp_path / "missing"], extractor=extractor)


def test_build_is_independent_of_input_order(extractor, tmp_path):
    from conftest import SEEDS
    from newsgraph.exports.json_graph import generate_json

    files = sorted(SEEDS.iterdir())
    one = "".join(generate_json(newsgraph.build(files, extractor=extractor)))
    two = "".join(generate_json(newsgraph.build(files[::-1], extractor=extractor)))
    assert one == two
