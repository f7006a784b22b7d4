"""Fixtures of the hardening tests (helpers are in hardening_support.py)."""
from __future__ import annotations

import pytest

from hardening_support import ROOT


@pytest.fixture(scope="session")
def small_corpora(tmp_path_factory):
    """Two small article folders (A: one seed article; B: both seed articles plus a short one)."""
    base = tmp_path_factory.mktemp("corpora")
    seeds = sorted((ROOT / "seeds").iterdir())
    a, b = base / "a", base / "b"
    a.mkdir()
    b.mkdir()
    (a / seeds[0].name).write_bytes(seeds[0].read_bytes())
    for seed in seeds:
        (b / seed.name).write_bytes(seed.read_bytes())
    (b / "extra.txt").write_text("Eli Lilly partners with ABL Bio in a $2.6 billion deal.\n")
    return a, b
