"""Which packages and data files the newsgraph wheel holds: found in the tree, never listed by hand.

The stages keep their own top-level folders (``extract/``, ``graph/``, ``exports/``: the
project's shape) and install as ``newsgraph.extract``, ``newsgraph.graph`` and
``newsgraph.exports``. ``setuptools.packages.find`` in pyproject.toml cannot map a folder
to another package name, so this file does the finding: every folder with an
``__init__.py`` under ``newsgraph/`` and under each stage folder is a package, and every
other file in a package's non-package subfolders (``data/``, ``queries/``, ...) is its data.
A new module or data file is in the wheel without an edit here;
``tests/test_packaging.py`` compares a built wheel with the tree. Everything else about
the distribution is in pyproject.toml.
"""
from __future__ import annotations

import os

from setuptools import find_packages, setup

#: top-level folders installed as ``newsgraph.<folder>``
STAGES = ("extract", "graph", "exports")
#: never shipped as data
SKIP_SUFFIXES = (".py", ".pyc", ".pyo")


def _packages() -> tuple[list[str], dict[str, str]]:
    package_dir = {"newsgraph": "newsgraph"}
    packages = ["newsgraph", *(f"newsgraph.{p}" for p in find_packages("newsgraph"))]
    for stage in STAGES:
        package_dir[f"newsgraph.{stage}"] = stage
        packages += [f"newsgraph.{stage}", *(f"newsgraph.{stage}.{p}" for p in find_packages(stage))]
    return sorted(packages), package_dir


def _folder(package: str, package_dir: dict[str, str]) -> str:
    parts = package.split(".")
    for n in range(len(parts), 0, -1):
        prefix = ".".join(parts[:n])
        if prefix in package_dir:
            return os.path.join(package_dir[prefix], *parts[n:])
    raise ValueError(package)


def _package_data(packages: list[str], package_dir: dict[str, str]) -> dict[str, list[str]]:
    data = {}
    for package in packages:
        root = _folder(package, package_dir)
        files = []
        for entry in sorted(os.listdir(root)):
            sub = os.path.join(root, entry)
            if not os.path.isdir(sub) or entry == "__pycache__" or os.path.exists(
                    os.path.join(sub, "__init__.py")):
                continue
            for folder, dirs, names in os.walk(sub):
                dirs[:] = sorted(d for d in dirs if d != "__pycache__")
                files += [os.path.relpath(os.path.join(folder, name), root)
                          for name in sorted(names) if not name.endswith(SKIP_SUFFIXES)]
        if files:
            data[package] = files
    return data


PACKAGES, PACKAGE_DIR = _packages()
setup(packages=PACKAGES, package_dir=PACKAGE_DIR,
      package_data=_package_data(PACKAGES, PACKAGE_DIR), include_package_data=False)
