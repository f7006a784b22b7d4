"""The extract stage as Dask tasks, for corpora one machine cannot parse in time.

``iter_partials`` sends the documents in batches to a ``dask.distributed`` cluster
(a ``LocalCluster`` on this machine when no scheduler address is given). Each task
parses one batch with the worker's own spaCy pipeline (loaded once per worker process)
and returns the partial merge state of that batch, a ``GraphMerger``; the caller merges
the partial states in whatever order they finish. Because that merge is a union of
per-document records, the result equals the single-process build byte for byte.

The client reads the inputs and ships the text, so workers need no shared filesystem;
they need newsgraph and the spaCy model installed. dask and distributed come with the
optional extra ``newsgraph[dask]``.
"""
from __future__ import annotations

import asyncio
import logging
from contextlib import contextmanager
from typing import Iterable, Iterator

from newsgraph.errors import NewsgraphError
from newsgraph.extract.model import Document
from newsgraph.extract.pipeline import iter_batches
from newsgraph.graph import GraphMerger

#: the pipeline of each worker process, by model name (a worker may serve several builds)
_PIPELINES: dict = {}


def _require_dask():
    try:
        import distributed
    except ImportError as exc:
        raise NewsgraphError("--engine dask needs dask and distributed "
                             "(pip install 'newsgraph[dask]')") from exc
    return distributed


@contextmanager
def dask_client(scheduler: str | None = None, workers: int = 2):
    """A client of the cluster at ``scheduler`` or of a new ``LocalCluster`` of ``workers`` processes."""
    distributed = _require_dask()
    if scheduler:
        timeout = _connect_timeout()
        _check_scheduler(scheduler, timeout)
        try:
            client = distributed.Client(scheduler, timeout=timeout)
        except (OSError, TimeoutError) as exc:
            raise NewsgraphError(f"cannot reach the Dask scheduler at {scheduler} ({exc})") from exc
        with client:
            yield client
        return
    # one single-threaded process per worker: spaCy holds the GIL while it parses
    with distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                  dashboard_address=None, silence_logs=logging.ERROR) as cluster, \
            distributed.Client(cluster) as client:
        yield client


def _connect_timeout() -> float:
    # Dask's own setting (distributed.comm.timeouts.connect, 30 s unless configured)
    import dask
    from dask.utils import parse_timedelta

    return parse_timedelta(dask.config.get("distributed.comm.timeouts.connect"), "s")


def _check_scheduler(address: str, timeout: float) -> None:
    """Fail in one line, within ``timeout`` seconds, unless a Dask scheduler answers at ``address``.

    distributed waits for the peer's handshake with no deadline, and reads what another
    service sends as a frame length: a Redis port hung the client for minutes, another
    made it allocate gigabytes. The handshake is tried here first, under a deadline.
    """
    from distributed.comm import connect

    async def handshake() -> None:
        comm = await asyncio.wait_for(connect(address, timeout=timeout), timeout)
        await comm.close()

    try:
        asyncio.run(handshake())
    except (OSError, asyncio.TimeoutError) as exc:
        reason = str(exc) or f"no answer within {timeout:g} s"
        raise NewsgraphError(f"cannot reach the Dask scheduler at {address} "
                             f"({' '.join(reason.split())[:200]})") from exc
    except (Exception, MemoryError) as exc:  # noqa: BLE001 - whatever a foreign protocol makes it raise
        raise NewsgraphError(f"{address} is not a Dask scheduler (it did not answer Dask's "
                             f"handshake: {type(exc).__name__})") from exc


def iter_partials(
    documents: Iterable[Document],
    *,
    model: str,
    scheduler: str | None = None,
    workers: int = 2,
    batch_size: int = 32,
    max_length: int = 1_000_000,
    max_sentence_chars: int | None = None,
) -> Iterator[GraphMerger]:
    """The partial merge state of every batch of ``documents``, in the order they finish."""
    distributed = _require_dask()
    with dask_client(scheduler, workers) as client:
        slots = 2 * max(1, len(client.scheduler_info().get("workers", {})) or workers)
        batches = iter_batches(documents, batch_size)
        running = distributed.as_completed()
        # a bounded number of batches in flight: the client reads the corpus as it is parsed
        for batch in batches:
            running.add(client.submit(extract_partial, batch, model, max_length, batch_size,
                                      max_sentence_chars, pure=False))
            if running.count() >= slots:
                yield _result(next(running))
        for future in running:
            yield _result(future)


def _result(future) -> GraphMerger:
    partial = future.result()
    future.release()
    return partial


def extract_partial(documents: list[Document], model: str, max_length: int, batch_size: int,
                    max_sentence_chars: int | None = None) -> GraphMerger:
    """Run on a worker: the merge state of one batch (the worker's pipeline is loaded once)."""
    from newsgraph.extract.limits import add_sentence_limit
    from newsgraph.extract.pipeline import Extractor, load_pipeline

    nlp = _PIPELINES.get(model)
    if nlp is None:
        nlp = _PIPELINES[model] = load_pipeline(model)
    nlp.max_length = max(nlp.max_length, max_length)
    if max_sentence_chars is not None:
        add_sentence_limit(nlp, max_sentence_chars)
    extractor = Extractor(model, batch_size=batch_size, nlp=nlp)
    return GraphMerger(extractor.extract(documents))
