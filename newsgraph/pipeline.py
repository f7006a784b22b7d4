"""Wiring the stages: inputs -> extract -> graph -> exports, with a report of what happened.

This is the one place that knows all three stages; each stage only knows the one
before it. ``build`` returns the graph, ``run_build`` also writes every export into
an output folder, as ``newsgraph build`` does.
"""
from __future__ import annotations

import inspect
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

import networkx as nx

from newsgraph.errors import InputError
from newsgraph.exports import DEFAULT_FORMATS, get_exporter
from newsgraph.extract.ingest import DEFAULT_MAX_DOC_CHARS, IngestReport, iter_documents
from newsgraph.extract.limits import DEFAULT_MAX_SENTENCE_CHARS, add_sentence_limit, passages_split
from newsgraph.extract.model import Document
from newsgraph.extract.pipeline import DEFAULT_MODEL, Extractor
from newsgraph.graph import build_graph, prune_graph
from newsgraph.outputs import commit_outputs

#: edges below this confidence (hedged, hypothetical) are left out unless asked for
DEFAULT_MIN_CONFIDENCE = 0.5


@dataclass
class BuildReport:
    """What a build read, skipped and produced."""

    ingest: IngestReport = field(default_factory=IngestReport)
    duplicates: int = 0
    written: list[Path] = field(default_factory=list)

    def summary(self, graph: nx.MultiDiGraph) -> str:
        entities = Counter(t for _, t in graph.nodes(data="type"))
        relations = Counter(r for _, _, r in graph.edges(data="relation"))
        lines = [f"documents: {self.ingest.read - self.duplicates} read, "
                 f"{self.ingest.skipped} skipped"
                 + (f", {self.duplicates} duplicates ignored" if self.duplicates else "")]
        lines.append(f"entities: {graph.number_of_nodes()}"
                     + "".join(f"\n  {t:<18} {n}" for t, n in sorted(entities.items())))
        lines.append(f"relations: {graph.number_of_edges()}"
                     + "".join(f"\n  {r:<22} {n}" for r, n in sorted(relations.items())))
        return "\n".join(lines)


def _unique(documents: Iterable[Document], report: BuildReport) -> Iterator[Document]:
    seen: dict[str, str] = {}
    for doc in documents:
        if doc.id in seen:
            report.duplicates += 1
            report.ingest.warnings.append(f"{doc.path}: same content as {seen[doc.id]}; read once")
            continue
        seen[doc.id] = doc.path or doc.id
        yield doc


def _sentence_limit(documents: Iterable[Document], max_chars: int, report: BuildReport
                    ) -> Iterator[Document]:
    """Warn, naming the file, about each document whose run-on text the parser gets cut (extract/limits.py)."""
    for doc in documents:
        split = passages_split(doc.text, max_chars)
        if split:
            report.ingest.warn(doc.path or doc.id,
                               f"{split} passage(s) of over {max_chars:,} characters with no "
                               "sentence end were split before parsing (see --max-sentence-chars)",
                               skipped=False)
        yield doc


def _progress(documents: Iterator[Document], enabled: bool) -> Iterator[Document]:
    if not enabled:
        return documents
    from tqdm import tqdm

    return tqdm(documents, desc="articles", unit=" doc", file=sys.stderr, leave=False)


def build(
    paths: Iterable[str | Path],
    *,
    model: str = DEFAULT_MODEL,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    max_doc_chars: int = DEFAULT_MAX_DOC_CHARS,
    max_sentence_chars: int = DEFAULT_MAX_SENTENCE_CHARS,
    batch_size: int = 32,
    progress: bool = False,
    report: BuildReport | None = None,
    extractor: Extractor | None = None,
) -> nx.MultiDiGraph:
    """Read the articles under ``paths`` and return their merged knowledge graph.

    Raises ``InputError`` when no document at all could be read; problems with single
    inputs are warnings in ``report``.
    """
    report = report if report is not None else BuildReport()
    documents = _unique(iter_documents(paths, report=report.ingest, max_doc_chars=max_doc_chars),
                        report)
    extractor = extractor or Extractor(model, batch_size=batch_size)
    extractor.nlp.max_length = max(extractor.nlp.max_length, max_doc_chars + 1)
    add_sentence_limit(extractor.nlp, max_sentence_chars)
    documents = _sentence_limit(documents, max_sentence_chars, report)
    extractions = list(extractor.extract(_progress(documents, progress)))
    if not extractions:
        detail = "; ".join(report.ingest.warnings[:3]) or "no input given"
        raise InputError(f"nothing could be read ({detail})")
    return prune_graph(build_graph(extractions), min_confidence)


def write(graph: nx.MultiDiGraph, format: str, path: str | Path, **options) -> Path:
    """Write ``graph`` in ``format`` (see ``newsgraph.exports.known_formats()``) to ``path``."""
    return get_exporter(format).write(graph, path, **options)


def write_all(graph: nx.MultiDiGraph, out_dir: str | Path, formats: Iterable[str] | None = None,
              options: dict | None = None) -> list[Path]:
    """Write the default formats (or those named) into ``out_dir``, each under its ``FILENAME``.

    ``options`` (e.g. ``{"base_iri": ...}``) go to each exporter whose ``write`` takes them.
    """
    out_dir = Path(out_dir)
    written = []
    # every export goes to a staging folder that replaces out_dir as a whole (newsgraph/outputs.py)
    with commit_outputs(out_dir) as staging:
        for name in formats or DEFAULT_FORMATS:
            exporter = get_exporter(name)
            accepted = inspect.signature(exporter.write).parameters
            kwargs = {k: v for k, v in (options or {}).items() if k in accepted}
            exporter.write(graph, staging / exporter.FILENAME, **kwargs)
            written.append(out_dir / exporter.FILENAME)
    return written
