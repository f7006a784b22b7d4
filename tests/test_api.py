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
    assert str(info.value) == (
        f"unknown format 'tutle'; did you mean 'turtle'? known: {', '.join(known_formats())}")


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


def test_build_takes_one_path_string_or_path(extractor, seeds_graph):
    from conftest import SEEDS
    from newsgraph.exports.json_graph import generate_json

    expected = "".join(generate_json(seeds_graph))
    for one in (str(SEEDS), str(SEEDS) + "/", SEEDS):
        assert "".join(generate_json(newsgraph.build(one, extractor=extractor))) == expected


@pytest.mark.parametrize("bad", [42, None, b"seeds", [b"seeds"], ["seeds", 3]])
def test_build_refuses_what_is_not_a_path_with_type_error(bad, extractor):
    with pytest.raises(TypeError, match="path"):
        newsgraph.build(bad, extractor=extractor)


def test_broken_symbolic_links_are_warned_about_and_the_rest_is_read(extractor, tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "good.txt").write_text("Roche signed an agreement with Novartis.", encoding="utf-8")
    (tmp_path / "in" / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    (tmp_path / "lost.md").symlink_to(tmp_path / "nowhere.md")
    report = newsgraph.BuildReport()
    graph = newsgraph.build([tmp_path / "in", tmp_path / "lost.md"], extractor=extractor, report=report)
    assert {d["label"] for _, d in graph.nodes(data=True)} >= {"Roche", "Novartis"}
    assert report.ingest.warnings == [
        f"{tmp_path / 'in' / 'gone.txt'}: broken symbolic link (points to {tmp_path / 'nowhere.txt'})",
        f"{tmp_path / 'lost.md'}: broken symbolic link (points to {tmp_path / 'nowhere.md'})",
    ]
    assert report.ingest.skipped == 2
