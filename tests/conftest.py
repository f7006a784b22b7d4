"""Shared fixtures: the spaCy pipeline is loaded once per test run."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def extractor():
    from newsgraph.extract.pipeline import Extractor

    return Extractor()


@pytest.fixture(scope="session")
def seeds_graph(extractor):
    """The graph of the sample articles in seeds/, built once."""
    import newsgraph

    return newsgraph.build([SEEDS], extractor=extractor)
