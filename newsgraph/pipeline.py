"""Wiring the stages: inputs -> extract -> graph -> exports, with a report of what happened.

This is the one place that knows all three stages; each stage only knows the one
before it. ``build`` returns the graph, ``write_all`` writes every export into
an output folder, as ``newsgraph build`` does. Documents stream through: they are
read, parsed (by ``workers`` processes, or by Dask tasks with ``engine="dask"``) and
merged batch by batch, and only their compact records stay in memory.
"""
from __future__ import annotations

import hashlib
import inspect
import os
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

import networkx as nx

from newsgraph.errors import InputError
from newsgraph.exports import get_exporter, output_names, resolve_formats
from newsgraph.extract.ingest import DEFAULT_MAX_DOC_CHARS, IngestReport, iter_documents
from newsgraph.extract.limits import DEFAULT_MAX_SENTENCE_CHARS, add_sentence_limit, passages_split
from newsgraph.extract.model import Document
from newsgraph.extract.pipeline import DEFAULT_MODEL, Extractor
from newsgraph.graph import GraphMerger, prune_graph
from newsgraph.outputs import commit_outputs

#: edges below this confidence (hedged, hypothetical) are left out unless asked for
DEFAULT_MIN_CONFIDENCE = 0.5
#: where extraction runs: processes on this machine, or Dask tasks
ENGINES = ("local", "dask")


@dataclass
class BuildReport:
    """What a build read, skipped and produced."""

    ingest: IngestReport = field(default_factory=IngestReport)
    duplicates: int = 0
    already: int = 0  # articles already in the build that was added to
    written: list[Path] = field(default_factory=list)

    def summary(self, graph: nx.MultiDiGraph) -> str:
        entities = Counter(t for _, t in graph.nodes(data="type"))
        relations = Counter(r for _, _, r in graph.edges(data="relation"))
        lines = [f"documents: {self.ingest.read - self.duplicates - self.already} read, "
                 f"{self.ingest.skipped} skipped"
                 + (f", {self.duplicates} duplicates ignored" if self.duplicates else "")
                 + (f", {self.already} already in the build" if self.already else "")]
        lines.append(f"entities: {graph.number_of_nodes()}"
                     + "".join(f"\n  {t:<18} {n}" for t, n in sorted(entities.items())))
        lines.append(f"relations: {graph.number_of_edges()}"
                     + "".join(f"\n  {r:<22} {n}" for r, n in sorted(relations.items())))
        return "\n".join(lines)


def _unique(documents: Iterable[Document], report: BuildReport, known: GraphMerger
            ) -> Iterator[Document]:
    seen: dict[str, tuple[str, bytes]] = {}
    for doc in documents:
        if doc.id in known:
            report.already += 1
            continue
        digest = hashlib.sha256(doc.text.encode("utf-8", "surrogatepass")).digest()
        if doc.id in seen:
            first, first_digest = seen[doc.id]
            report.duplicates += 1
            if digest == first_digest:
                report.ingest.warnings.append(f"{doc.path}: same content as {first}; read once")
            else:
                report.ingest.warnings.append(
                    f"{doc.path}: id {doc.id!r} is already used by {first} for a different text; "
                    "this article is skipped (give each article its own id)")
            continue
        seen[doc.id] = (doc.path or doc.id, digest)
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


def _input_list(paths) -> list[str | Path]:
    """``paths`` as a list: one path (a ``str`` or ``Path``) is one input, not its characters.

    >>> _input_list("seeds/")
    ['seeds/']
    >>> _input_list(42)
    Traceback (most recent call last):
    ...
    TypeError: paths must be a path or an iterable of paths, not int
    """
    if isinstance(paths, (str, os.PathLike)):
        return [paths]
    if isinstance(paths, bytes) or not isinstance(paths, Iterable):
        raise TypeError(f"paths must be a path or an iterable of paths, not {type(paths).__name__}")
    items = list(paths)
    for item in items:
        if not isinstance(item, (str, os.PathLike)):
            raise TypeError(f"each path must be a str or a path, not {type(item).__name__}: {item!r}")
    return items


def _warn_broken_links(paths: list[str | Path], report: BuildReport) -> list[str | Path]:
    """Warn about each symbolic link that points nowhere, given or inside a folder; drop the given ones."""
    kept = []
    for raw in paths:
        path = Path(raw)
        if str(raw) != "-" and path.is_symlink() and not path.exists():
            report.ingest.warn(str(path), f"broken symbolic link (points to {os.readlink(path)})")
            continue
        kept.append(raw)
        if str(raw) != "-" and path.is_dir():
            for folder, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files + [d for d in dirs if os.path.islink(os.path.join(folder, d))]):
                    entry = os.path.join(folder, name)
                    if not name.startswith(".") and os.path.islink(entry) and not os.path.exists(entry):
                        report.ingest.warn(entry, f"broken symbolic link (points to {os.readlink(entry)})")
    return kept


def build(
    paths: str | Path | Iterable[str | Path],
    *,
    model: str = DEFAULT_MODEL,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    max_doc_chars: int = DEFAULT_MAX_DOC_CHARS,
    max_sentence_chars: int = DEFAULT_MAX_SENTENCE_CHARS,
    batch_size: int = 32,
    progress: bool = False,
    report: BuildReport | None = None,
    extractor: Extractor | None = None,
    workers: int = 1,
    engine: str = "local",
    scheduler: str | None = None,
    merger: GraphMerger | None = None,
    out_dir: str | Path | None = None,
) -> nx.MultiDiGraph:
    """Read the articles under ``paths`` (one path, or an iterable of them) and return their merged knowledge graph.

    ``workers`` processes parse in parallel (``engine="local"``), or Dask tasks do on
    the cluster at ``scheduler`` or on a local one (``engine="dask"``); every way gives
    the same graph. Pass a ``merger`` (e.g. ``newsgraph.incremental.load_state(...)``)
    to add to the documents already in it: those found again are skipped. It holds
    every document's record when the call returns. Files under ``out_dir`` (the folder
    the build will be written to) are not read from an input folder that holds it.

    Raises ``InputError`` when no document at all could be read; problems with single
    inputs are warnings in ``report``.
    """
    paths = _input_list(paths)
    if engine not in ENGINES:
        raise InputError(f"unknown engine {engine!r}; known: {', '.join(ENGINES)}")
    if workers < 1:
        raise InputError(f"workers must be at least 1, not {workers}")
    report = report if report is not None else BuildReport()
    merger = merger if merger is not None else GraphMerger()
    paths = _warn_broken_links(paths, report)
    documents = _unique(iter_documents(paths, report=report.ingest, max_doc_chars=max_doc_chars,
                                       exclude=[out_dir] if out_dir is not None else ()),
                        report, merger)
    documents = _progress(_sentence_limit(documents, max_sentence_chars, report), progress)
    if engine == "dask":
        from newsgraph.distributed import iter_partials

        for partial in iter_partials(documents, model=model, scheduler=scheduler, workers=workers,
                                     batch_size=batch_size, max_length=max_doc_chars + 1,
                                     max_sentence_chars=max_sentence_chars):
            merger.merge(partial)
    else:
        extractor = extractor or Extractor(model, batch_size=batch_size)
        extractor.nlp.max_length = max(extractor.nlp.max_length, max_doc_chars + 1)
        add_sentence_limit(extractor.nlp, max_sentence_chars)
        for extraction in extractor.extract(documents, workers=workers):
            merger.add(extraction)
    if not len(merger):
        detail = "; ".join(report.ingest.warnings[:3]) or "no input given"
        raise InputError(f"nothing could be read ({detail})")
    return prune_graph(merger.graph(), min_confidence)


def write(graph: nx.MultiDiGraph, format: str, path: str | Path, **options) -> Path:
    """Write ``graph`` in ``format`` (see ``newsgraph.exports.known_formats()``) to ``path``."""
    return get_exporter(format).write(graph, path, **options)


def write_all(graph: nx.MultiDiGraph, out_dir: str | Path, formats: Iterable[str] | None = None,
              options: dict | None = None, *, state: Callable[[Path], Path] | None = None
              ) -> list[Path]:
    """Write the default formats (or those named) into ``out_dir``, each under its ``FILENAME``.

    ``formats`` goes through ``newsgraph.exports.resolve_formats``: ``graph.json`` is
    always written, and the export files of formats not written this time are removed
    from ``out_dir`` (other files in it are kept). ``options`` (e.g. ``{"base_iri": ...}``)
    go to each exporter whose ``write`` takes them. ``state``, when given, writes the
    build state (``newsgraph.incremental``) into the staging folder after the exports,
    so that it commits with them.
    """
    out_dir = Path(out_dir)
    formats = resolve_formats(formats)
    stale = {filename for name, filename in output_names().items() if name not in formats}
    written = []
    # every export goes to a staging folder that replaces out_dir as a whole (newsgraph/outputs.py)
    with commit_outputs(out_dir, drop=stale) as staging:
        for name in formats:
            exporter = get_exporter(name)
            accepted = inspect.signature(exporter.write).parameters
            kwargs = {k: v for k, v in (options or {}).items() if k in accepted}
            exporter.write(graph, staging / exporter.FILENAME, **kwargs)
            written.append(out_dir / exporter.FILENAME)
        if state is not None:
            written.append(out_dir / state(staging).relative_to(staging))
    return written
