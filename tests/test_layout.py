"""The one-way flow extract -> graph -> exports, checked on the imports of every module."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from conftest import ROOT

STAGES = {"extract": set(), "graph": {"extract"}, "exports": {"graph", "extract"}}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("stage", sorted(STAGES))
def test_stage_imports_only_earlier_stages(stage):
    later = {s for s in STAGES if s != stage and s not in STAGES[stage]}
    for path in (ROOT / stage).rglob("*.py"):
        for name in _imports(path):
            for other in later:
                assert not name.startswith(f"newsgraph.{other}"), f"{path} imports {name}"


@pytest.mark.parametrize("stage", ["graph", "exports"])
def test_spacy_is_only_used_in_extract(stage):
    for path in (ROOT / stage).rglob("*.py"):
        assert not any(n.split(".")[0] == "spacy" for n in _imports(path)), path


def test_installed_package_has_no_top_level_stage_modules():
    import importlib.util

    import newsgraph.extract

    assert Path(newsgraph.extract.__file__).resolve().parent == ROOT / "extract"
    for name in ("extract", "graph", "exports"):
        spec = importlib.util.find_spec(name)
        assert spec is None or Path(spec.origin or "").resolve().parent.parent == ROOT, name
