"""The examples in docstrings run, as networkx's do."""
from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import newsgraph


def _modules():
    names = ["newsgraph"]
    for pkg in ("newsgraph", "newsgraph.extract", "newsgraph.graph", "newsgraph.exports"):
        module = importlib.import_module(pkg)
        names += [f"{pkg}.{m.name}" for m in pkgutil.iter_modules(module.__path__) if not m.ispkg]
    return sorted(set(names))


@pytest.mark.parametrize("name", _modules())
def test_doctests(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
