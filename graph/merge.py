"""Building the graph a batch at a time: a merge state that grows with the graph, not the corpus.

``GraphMerger`` collects the extraction records of documents as they stream out of the
extract stage (one by one, from worker processes, or as partial states from Dask tasks)
and turns them into the graph with ``build_graph`` when asked. It keeps one compact
record per document: the metadata and what was extracted, never the article text,
which is the bulk of a corpus and which ``build_graph`` does not read.

The state is a set of records keyed by document id, so merging two states is a union:
associative, commutative and idempotent. Any split of the corpus into batches, merged in
any order, gives the graph ``build_graph`` gives for all the records at once, byte for
byte, because ``build_graph`` itself sorts documents by id. Entity clusters cannot be
merged as finished partial graphs: a "Lilly" in one batch joins the "Eli Lilly" of
another, so the clustering runs once, over the whole state.

>>> from newsgraph.extract.model import Document, Entity, Extraction
>>> a = GraphMerger([Extraction(Document("d1", "Roche grows."), (Entity("Roche", "Company"),))])
>>> b = GraphMerger([Extraction(Document("d2", "Lilly grows."), (Entity("Eli Lilly", "Company"),))])
>>> sorted(a.merge(b).graph().nodes)
['company:eli-lilly', 'company:roche']
>>> a.add(Extraction(Document("d1", "Roche grows."), (Entity("Roche", "Company"),)))
False
"""
from __future__ import annotations

import dataclasses
from typing import Iterable, Iterator

import networkx as nx

from newsgraph.extract.model import Extraction

from .build import build_graph


def compact(extraction: Extraction) -> Extraction:
    """The record without its article text, which the merge never reads.

    >>> from newsgraph.extract.model import Document
    >>> compact(Extraction(Document("d1", "Long text.", title="T"))).document
    Document(id='d1', text='', title='T', date=None, url=None, source=None, path=None)
    """
    if not extraction.document.text:
        return extraction
    return dataclasses.replace(extraction, document=dataclasses.replace(extraction.document, text=""))


class GraphMerger:
    """The per-document records of a build so far; ``graph()`` merges them into one graph."""

    def __init__(self, extractions: Iterable[Extraction] = ()):
        self._records: dict[str, Extraction] = {}
        for extraction in extractions:
            self.add(extraction)

    def __len__(self) -> int:
        return len(self._records)

    def __contains__(self, document_id: object) -> bool:
        return document_id in self._records

    def add(self, extraction: Extraction) -> bool:
        """Add one document's record; ``False`` (and no change) when its id is already in."""
        key = extraction.document.id
        record = compact(extraction)
        old = self._records.get(key)
        if old is not None:
            if old != record and _rank(record) < _rank(old):
                # two different records under one id (hand-given ids): keep the same one
                # whichever arrived first, so that merging stays order-independent
                self._records[key] = record
            return False
        self._records[key] = record
        return True

    def merge(self, other: "GraphMerger") -> "GraphMerger":
        """Add every record of ``other`` (a partial state of another batch); returns ``self``."""
        for record in other._records.values():
            self.add(record)
        return self

    def extractions(self) -> Iterator[Extraction]:
        """The records, sorted by document id."""
        for key in sorted(self._records):
            yield self._records[key]

    def graph(self) -> nx.MultiDiGraph:
        """The merged graph: exactly ``build_graph`` of every record added."""
        return build_graph(self.extractions())


def _rank(record: Extraction) -> str:
    return repr(record)
