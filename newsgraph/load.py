"""Loading a graph straight into a running Cypher database: Neo4j over Bolt, or FalkorDB.

``load_graph`` sends the statements of ``newsgraph.exports.neo4j.plan`` (the ones
``load.cypher`` holds) with their rows as a ``$rows`` parameter, in batches, after the
schema statements of the target: Neo4j 5's ``CREATE CONSTRAINT ... IF NOT EXISTS``, or
FalkorDB's range indexes and ``GRAPH.CONSTRAINT CREATE``, since FalkorDB rejects
Neo4j's constraint syntax. Every statement is a ``MERGE`` on the ids, so loading the
same graph twice changes nothing.

URIs: ``bolt://``, ``neo4j://`` (and their ``+s``/``+ssc`` forms) go through the
official ``neo4j`` driver; ``falkordb://HOST:PORT/GRAPH`` through FalkorDB's client.
The password comes from ``NEO4J_PASSWORD``, never from the command line.

>>> parse_uri("falkordb://127.0.0.1:6380/news")
('falkordb', '127.0.0.1', 6380, 'news')
>>> parse_uri("bolt://localhost:7687")
('neo4j', 'localhost', 7687, None)
>>> parse_uri("http://localhost")
Traceback (most recent call last):
...
newsgraph.errors.ExportError: cannot load into 'http://localhost': the URI must start with bolt://, bolt+s://, bolt+ssc://, neo4j://, neo4j+s://, neo4j+ssc:// or falkordb://
"""
from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import networkx as nx

from newsgraph.errors import ExportError, InputError
from newsgraph.exports import neo4j as model

DEFAULT_BATCH_SIZE = 1000
DEFAULT_FALKORDB_GRAPH = "newsgraph"
NEO4J_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
PASSWORD_VARIABLE = "NEO4J_PASSWORD"


@dataclass
class LoadReport:
    """What a load created and what it found already there (and updated in place)."""

    target: str = ""
    nodes_created: int = 0
    nodes_updated: int = 0
    relationships_created: int = 0
    relationships_updated: int = 0
    statements: int = 0
    seconds: float = 0.0
    by_key: dict = field(default_factory=dict)

    def summary(self) -> str:
        return (f"loaded into {self.target} in {self.seconds:.1f} s ({self.statements} statements)\n"
                f"nodes: {self.nodes_created} created, {self.nodes_updated} updated\n"
                f"relationships: {self.relationships_created} created, "
                f"{self.relationships_updated} updated")


def parse_uri(uri: str) -> tuple[str, str, int | None, str | None]:
    """``(kind, host, port, graph)`` of a target URI; ``kind`` is ``neo4j`` or ``falkordb``."""
    try:
        parts = urlsplit(uri)
    except ValueError as exc:  # 'falkordb://[::1/g': an unclosed IPv6 address
        raise ExportError(f"cannot load into {uri!r}: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme in NEO4J_SCHEMES:
        kind = "neo4j"
    elif scheme == "falkordb":
        kind = "falkordb"
    else:
        known = ", ".join(f"{s}://" for s in NEO4J_SCHEMES + ("falkordb",))
        raise ExportError(f"cannot load into {uri!r}: the URI must start with "
                          + known.replace(", falkordb://", " or falkordb://"))
    try:
        port = parts.port
    except ValueError as exc:
        raise ExportError(f"cannot load into {uri!r}: {exc}") from None
    graph = unquote(parts.path.strip("/")) or None
    return kind, parts.hostname or "localhost", port, graph


class Neo4jTarget:
    """A Neo4j database through the official driver."""

    def __init__(self, uri: str, user: str | None, password: str | None, database: str | None):
        import neo4j
        from neo4j.exceptions import AuthError, Neo4jError, ServiceUnavailable

        self._errors = (Neo4jError, ServiceUnavailable, AuthError, OSError)
        self.name = uri + (f" (database {database})" if database else "")
        self.database = database
        try:
            self.driver = neo4j.GraphDatabase.driver(uri, auth=(user or "neo4j", password or ""))
            self.driver.verify_connectivity()
        except self._errors + (ValueError,) as exc:
            raise ExportError(f"cannot connect to {uri}: {_first_line(exc)}") from None

    def schema(self) -> None:
        for statement in model.NEO4J_SCHEMA:
            self.run(statement)

    def run(self, statement: str, rows: list[dict] | None = None) -> tuple[int, int]:
        """Run one statement in its own transaction; ``(nodes, relationships)`` created."""
        def work(tx):
            return tx.run(statement, rows=rows).consume().counters
        try:
            with self.driver.session(database=self.database) as session:
                counters = session.execute_write(work)
        except self._errors as exc:
            raise ExportError(f"{self.name}: {_first_line(exc)}") from None
        return counters.nodes_created, counters.relationships_created

    def close(self) -> None:
        self.driver.close()


class FalkorDBTarget:
    """A FalkorDB graph through FalkorDB's own client (the Redis protocol)."""

    def __init__(self, host: str, port: int | None, graph: str, user: str | None,
                 password: str | None):
        import falkordb
        import redis.exceptions

        self._errors = (redis.exceptions.RedisError, OSError)
        self.name = f"falkordb://{host}:{port or 6379}/{graph}"
        try:
            self.db = falkordb.FalkorDB(host=host, port=port or 6379, username=user,
                                        password=password)
            self.db.connection.ping()
        except self._errors as exc:
            raise ExportError(f"cannot connect to {self.name}: {_first_line(exc)}") from None
        self.graph = self.db.select_graph(graph)

    def schema(self) -> None:
        # FalkorDB's own schema commands: a unique constraint needs a range index first.
        for label, prop in ((model.ENTITY_LABEL, "id"), (model.ARTICLE_LABEL, "id"),
                            (model.ENTITY_LABEL, "name"), (model.DEAL_LABEL, "id")):
            self._ignore_existing(self.graph.query, f"CREATE INDEX FOR (n:{label}) ON (n.{prop})")
        for label in (model.ENTITY_LABEL, model.ARTICLE_LABEL, model.DEAL_LABEL):
            self._ignore_existing(self.graph.execute_command, "GRAPH.CONSTRAINT", "CREATE",
                                  self.graph.name, "UNIQUE", "NODE", label, "PROPERTIES", 1, "id")

    def _ignore_existing(self, call, *args) -> None:
        try:
            call(*args)
        except self._errors as exc:
            if "already" not in str(exc):  # "already indexed", "already exists"
                raise ExportError(f"{self.name}: {_first_line(exc)}") from None

    def run(self, statement: str, rows: list[dict] | None = None) -> tuple[int, int]:
        params = None if rows is None else {"rows": _falkordb_safe(rows)}
        try:
            result = self.graph.query(statement, params)
        except self._errors as exc:
            raise ExportError(f"{self.name}: {_first_line(exc)}") from None
        return int(result.nodes_created), int(result.relationships_created)

    def close(self) -> None:
        try:
            self.db.connection.close()
        except Exception:
            pass


def _falkordb_safe(value):
    # FalkorDB's client sends parameters inside the query text, where a NUL ends it:
    # U+FFFD (the replacement character) stands in for one.
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd") if "\x00" in value else value
    if isinstance(value, list):
        return [_falkordb_safe(v) for v in value]
    if isinstance(value, dict):
        return {k: _falkordb_safe(v) for k, v in value.items()}
    return value


def _first_line(exc: BaseException) -> str:
    # drivers spread one error over several lines; the CLI prints one
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 300 else text[:297] + "..."


def connect(uri: str, *, user: str | None = None, password: str | None = None,
            database: str | None = None):
    """The target behind ``uri``; ``password`` defaults to ``$NEO4J_PASSWORD``."""
    kind, host, port, graph = parse_uri(uri)
    if password is None:
        password = os.environ.get(PASSWORD_VARIABLE)
    if kind == "neo4j":
        if graph:
            raise ExportError(f"{uri}: give the database with --database, not in the URI")
        return Neo4jTarget(uri, user, password, database)
    return FalkorDBTarget(host, port, graph or database or DEFAULT_FALKORDB_GRAPH, user, password)


def load_graph(graph: nx.MultiDiGraph, uri: str, *, user: str | None = None,
               password: str | None = None, database: str | None = None,
               batch_size: int = DEFAULT_BATCH_SIZE, progress: bool = False) -> LoadReport:
    """Load ``graph`` into the database at ``uri``: schema first, then ``UNWIND $rows`` batches."""
    if batch_size < 1:
        raise ExportError(f"batch size must be at least 1, not {batch_size}")
    steps = model.plan(graph)  # fails on an unknown type before anything is sent
    target = connect(uri, user=user, password=password, database=database)
    report = LoadReport(target=target.name)
    started = time.perf_counter()
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=sum(len(s.rows) for s in steps), desc="loading", unit=" row",
                   file=sys.stderr, leave=False)
    try:
        target.schema()
        for step in steps:
            statement = model.parameterised(step)
            created = 0
            for batch in step.batches(batch_size):
                nodes, relationships = target.run(statement, batch)
                created += nodes if step.kind == "nodes" else relationships
                report.statements += 1
                if bar is not None:
                    bar.update(len(batch))
            report.by_key[step.key] = (created, len(step.rows) - created)
            if step.kind == "nodes":
                report.nodes_created += created
                report.nodes_updated += len(step.rows) - created
            else:
                report.relationships_created += created
                report.relationships_updated += len(step.rows) - created
    finally:
        if bar is not None:
            bar.close()
        target.close()
    report.seconds = time.perf_counter() - started
    return report


def read_graph(path: str | Path) -> nx.MultiDiGraph:
    """The graph of a build folder (its ``graph.json``) or of a ``graph.json`` file."""
    from newsgraph.exports.json_graph import FILENAME, read_json

    path = Path(path)
    file = path / FILENAME if path.is_dir() else path
    if not file.is_file():
        raise InputError(f"{path}: no {FILENAME} there (give a build folder or a graph.json)")
    try:
        return read_json(file)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{file}: not a newsgraph graph.json ({_first_line(exc)})") from None


def load(path: str | Path, uri: str, **options) -> LoadReport:
    """Read the graph at ``path`` (build folder or graph.json) and ``load_graph`` it into ``uri``."""
    return load_graph(read_graph(path), uri, **options)
