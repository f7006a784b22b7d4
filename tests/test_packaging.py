"""The wheel holds every module and data file of the tree, under the names the code imports.

A wheel is built for real (``pip wheel``, setup.py's package finding) from a copy of the
files git knows, then its contents are compared with the tree: a new subpackage or data
folder that the packaging missed fails here, not in a user's ``pip install``. The wheel
installed in a fresh venv and run on seeds/ is ``./dev wheel``, which CI runs first.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT

#: tree folder -> package it installs as
FOLDERS = {"newsgraph": "newsgraph", "extract": "newsgraph.extract", "graph": "newsgraph.graph",
           "exports": "newsgraph.exports"}


def _tree_files() -> list[Path]:
    """Files of the checkout that git knows (tracked or new, not ignored); all files without git."""
    try:
        out = subprocess.run(["git", "ls-files", "-z", "-c", "-o", "--exclude-standard"], cwd=ROOT,
                             capture_output=True, check=True).stdout
        files = [Path(p) for p in out.decode().split("\0") if p]
    except (OSError, subprocess.CalledProcessError):
        files = [p.relative_to(ROOT) for p in ROOT.rglob("*") if p.is_file()
                 and not {".git", ".venv", "__pycache__"} & set(p.relative_to(ROOT).parts)]
    return [f for f in files if (ROOT / f).is_file()]


def _expected(files: list[Path]) -> set[str]:
    """Paths inside the wheel of the package files among ``files``."""
    names = set()
    for f in files:
        if f.parts[0] in FOLDERS and len(f.parts) > 1 and f.suffix not in (".pyc", ".pyo"):
            package = FOLDERS[f.parts[0]].replace(".", "/")
            names.add("/".join([package, *f.parts[1:]]))
    return names


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    for f in _tree_files():
        (src / f).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / f, src / f)
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
                           "--no-build-isolation", "-w", str(tmp / "dist"), str(src)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (path,) = (tmp / "dist").glob("newsgraph-*.whl")
    with zipfile.ZipFile(path) as zf:
        yield zf


@pytest.mark.slow
def test_wheel_holds_exactly_the_modules_and_data_files_of_the_tree(wheel):
    shipped = {n for n in wheel.namelist() if ".dist-info/" not in n}
    expected = _expected(_tree_files())
    modules = lambda names: sorted(n for n in names if n.endswith(".py"))  # noqa: E731
    assert modules(shipped) == modules(expected)
    assert sorted(shipped - expected) == [] and sorted(expected - shipped) == []
    # every stage and the subcommands' package are there, so the check above compared real trees
    for must in ("newsgraph/__main__.py", "newsgraph/commands/__init__.py",
                 "newsgraph/extract/__init__.py", "newsgraph/graph/__init__.py",
                 "newsgraph/exports/__init__.py", "newsgraph/exports/data/newsgraph.ttl"):
        assert must in shipped, must


@pytest.mark.slow
def test_wheel_declares_the_command_and_the_imported_dependencies(wheel):
    dist_info = next(n.split("/")[0] for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
    entry_points = wheel.read(f"{dist_info}/entry_points.txt").decode()
    assert "newsgraph = newsgraph.cli:main" in entry_points
    requires = [line.split(":", 1)[1].strip() for line in
                wheel.read(f"{dist_info}/METADATA").decode().splitlines()
                if line.startswith("Requires-Dist:") and "extra ==" not in line]
    names = {r.split(";")[0].split("[")[0].split("<")[0].split(">")[0].split("=")[0].strip().lower()
             for r in requires}
    # imported by the code itself, not only through another package
    assert {"jinja2", "redis", "networkx", "neo4j", "falkordb", "rdflib", "pyvis", "pyoxigraph",
            "click", "spacy"} <= names
    assert "networkx>=3.4" in requires  # node_link_data(edges=...) appeared in 3.4


def _third_party_imports() -> set[str]:
    import ast

    names = set()
    for folder in FOLDERS:
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names.update(a.name.split(".")[0] for a in node.names)
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names.add(node.module.split(".")[0])
    return {n for n in names if n not in sys.stdlib_module_names and n not in ("newsgraph", "__future__")}


def test_every_imported_package_is_declared_in_pyproject():
    import importlib.metadata
    import re
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = [*project["dependencies"], *(r for extra in project["optional-dependencies"].values()
                                            for r in extra)]
    declared = {re.split(r"[\s<>=!~;\[]", r, maxsplit=1)[0].lower().replace("_", "-") for r in declared}
    providers = importlib.metadata.packages_distributions()
    # import names of optional extras that need not be installed here, and their distributions
    not_installed = {"sklearn": ["scikit-learn"]}
    missing = {}
    for module in sorted(_third_party_imports()):
        dists = {d.lower().replace("_", "-")
                 for d in providers.get(module, not_installed.get(module, [module]))}
        if not dists & declared:
            missing[module] = sorted(dists)
    assert missing == {}
