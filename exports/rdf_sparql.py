"""SPARQL over an RDF export: the engine behind ``newsgraph query`` and ``newsgraph serve``.

``query_graph`` runs one SPARQL 1.1 query (Oxigraph) over a ``graph.ttl`` or a build
folder and returns the results as a table, SPARQL CSV/TSV, JSON or XML, or N-Triples
for CONSTRUCT and DESCRIBE. ``make_server`` is a read-only SPARQL 1.1 Protocol endpoint
on the standard library's ``ThreadingHTTPServer``: GET and POST queries, results in the
format the client's ``Accept`` header prefers, and every update refused with 403.
The prefixes ``ng:``, ``rdf:``, ``rdfs:``, ``xsd:``, ``skos:``, ``schema:``, ``prov:``,
``dcterms:`` and ``owl:`` may be used without declaring them. Every query is checked
and run as ``exports/sparql_safety.py`` says: no ``SERVICE``, bounded nesting, a deadline
that stops the work, at most ``max_rows`` rows, results written as they are produced.
A TriG build's named graph is read as the default graph.

>>> import pyoxigraph as ox
>>> store = ox.Store()
>>> store.add(ox.Quad(ox.NamedNode("http://example.org/roche"), ox.NamedNode(RDFS + "label"),
...                   ox.Literal("Roche\\n\\x1b[31mAG")))
>>> print(render(run_query(store, "SELECT ?x ?name { ?x rdfs:label ?name }"), "table"))
x                          | name
---------------------------+------------------
<http://example.org/roche> | Roche\\n\\x1b[31mAG
(1 row)
"""
from __future__ import annotations

import os
import re
import shutil
import socket
import sys
import tempfile
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox

from newsgraph.errors import InputError, NewsgraphError

from .rdf import NG, QUERY_PREFIXES, RDFS, load_store
from .sparql_safety import (DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT, Outcome, QueryTimeout, check_query,
                            limited_triples, run_isolated, serialize_solutions)

__all__ = ["RDFS", "example_queries", "load_store", "make_server", "query_graph", "render",
           "run_query"]

#: ``--format`` of ``newsgraph query``; "table" is for people, the others are SPARQL's formats
RESULT_FORMATS = {"csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV,
                  "json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML}
_SHORT = {NG: "ng:", **{ns: f"{p}:" for p, ns in QUERY_PREFIXES.items() if p != "ng"}}


def example_queries() -> dict[str, Path]:
    """The example queries shipped in ``newsgraph/exports/queries``, by name (file stem)."""
    folder = Path(str(resources.files("newsgraph.exports") / "queries"))
    return {p.stem: p for p in sorted(folder.glob("*.rq"))}


def run_query(store: ox.Store, query: str):
    """Run ``query`` on ``store``; a malformed or refused query is an ``InputError``.

    Run only in a process that may die (see ``write_query``): Oxigraph cannot be
    interrupted, and a query can take all the memory there is.
    """
    check_query(query)
    # a TriG build keeps its triples in one named graph: read it as the default graph
    union = next(iter(store.named_graphs()), None) is not None
    try:
        return store.query(query, prefixes=QUERY_PREFIXES, use_default_graph_as_union=union)
    except SyntaxError as exc:
        raise InputError(f"SPARQL syntax error: {_one_line(str(exc))}") from exc
    except OSError as exc:  # Oxigraph's own errors while evaluating (a failing function, ...)
        raise InputError(f"the query failed: {_one_line(str(exc))}") from exc


def _one_line(text: str) -> str:
    return " ".join(text.split())


def render(results, fmt: str = "table") -> str:
    """The results of ``run_query`` as text: a table, or ``csv``, ``tsv``, ``json``, ``xml``."""
    return b"".join(_pieces(results, fmt, sys.maxsize, [0, False])).decode("utf-8")


def _pieces(results, fmt: str, max_rows: int, counter: list):
    """The results as pieces of bytes, at most ``max_rows`` rows; ``counter`` gets [rows, cut]."""
    if isinstance(results, ox.QueryTriples):
        if fmt != "table":
            raise InputError(f"--format {fmt} applies to SELECT and ASK; "
                             "CONSTRUCT and DESCRIBE print N-Triples")
        yield ox.serialize(limited_triples(results, max_rows, counter), format=ox.RdfFormat.N_TRIPLES)
        return
    if fmt != "table" and fmt not in RESULT_FORMATS:
        raise InputError(f"unknown result format {fmt!r}; known: table, {', '.join(RESULT_FORMATS)}")
    if isinstance(results, ox.QueryBoolean):
        yield (results.serialize(format=RESULT_FORMATS[fmt]) if fmt != "table"
               else b"true" if bool(results) else b"false")
        return
    if fmt != "table":
        counter[:] = yield from serialize_solutions(results, fmt, max_rows)
        return
    yield _table(results, max_rows, counter).encode("utf-8")


def _table(results, max_rows: int, counter: list) -> str:
    names = [v.value for v in results.variables]
    rows = []
    for solution in results:
        if len(rows) >= max_rows:
            counter[1] = True
            break
        rows.append([_cell(solution[name]) for name in names])
    counter[0] = len(rows)
    widths = [max([len(n)] + [len(r[i]) for r in rows]) for i, n in enumerate(names)]
    lines = [" | ".join(n.ljust(w) for n, w in zip(names, widths)).rstrip(),
             "-+-".join("-" * w for w in widths)]
    lines += [" | ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows]
    lines.append(f"({len(rows)} row{'' if len(rows) == 1 else 's'})")
    return "\n".join(lines)


# control characters and bidi overrides would move the cursor or reorder the terminal
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _cell(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        for ns, short in _SHORT.items():
            rest = term.value[len(ns):]
            if term.value.startswith(ns) and re.fullmatch(r"[A-Za-z][\w-]*", rest):
                return short + rest
        text = f"<{term.value}>"
    elif isinstance(term, ox.BlankNode):
        text = f"_:{term.value}"
    else:
        text = term.value
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def write_query(store: ox.Store, query: str, fmt: str, fd: int, *,
                timeout: float = DEFAULT_TIMEOUT, max_rows: int = DEFAULT_MAX_ROWS,
                escape: bool = False) -> Outcome:
    """Run ``query`` on ``store`` in a child process and write its results to the file descriptor ``fd``.

    Stops the query after ``timeout`` seconds (``QueryTimeout``) and the results after
    ``max_rows`` rows (``Outcome.cut``); ``escape`` shows control and escape characters
    as ``\\x1b`` escapes, for a terminal.
    """
    check_query(query)  # here too, so a refusal costs no fork

    def work(out: int) -> dict:
        counter, last = [0, False], b""
        for piece in _pieces(run_query(store, query), fmt, max_rows, counter):
            if escape:
                piece = _escape_terminal(piece)
            view = memoryview(piece)
            while view:
                view = view[os.write(out, view):]
            last = piece[-1:] or last
        return {"rows": counter[0], "cut": counter[1], "newline": last == b"\n"}

    return run_isolated(work, fd, timeout=timeout)


# what a terminal would act on: C0 controls but tab, newline and the CRLF of SPARQL CSV, DEL,
# C1, bidi overrides (newsgraph.options.terminal_text, for the child process of write_query)
_TERMINAL_UNSAFE = re.compile("\r(?!\n)|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f"
                              "\u202a-\u202e\u2066-\u2069]")


def _escape_terminal(piece: bytes) -> bytes:
    text = piece.decode("utf-8", errors="replace")
    return _TERMINAL_UNSAFE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"),
                                text).encode("utf-8")


def query_graph(graph_path: str | Path, query: str, fmt: str = "table", *,
                timeout: float = DEFAULT_TIMEOUT, max_rows: int = DEFAULT_MAX_ROWS) -> str:
    """Run ``query`` over the RDF at ``graph_path`` (a .ttl file or a build folder) and render it."""
    store = load_store(graph_path)
    with tempfile.TemporaryFile() as fh:
        write_query(store, query, fmt, fh.fileno(), timeout=timeout, max_rows=max_rows)
        fh.seek(0)
        return fh.read().decode("utf-8")


# ---------------------------------------------------------------- SPARQL 1.1 Protocol

_SELECT_TYPES = {"application/sparql-results+json": ox.QueryResultsFormat.JSON,
                 "application/json": ox.QueryResultsFormat.JSON,
                 "application/sparql-results+xml": ox.QueryResultsFormat.XML,
                 "application/xml": ox.QueryResultsFormat.XML,
                 "text/csv": ox.QueryResultsFormat.CSV,
                 "text/tab-separated-values": ox.QueryResultsFormat.TSV}
_GRAPH_TYPES = {"text/turtle": ox.RdfFormat.TURTLE, "application/n-triples": ox.RdfFormat.N_TRIPLES,
                "application/ld+json": ox.RdfFormat.JSON_LD,
                "application/rdf+xml": ox.RdfFormat.RDF_XML,
                "application/trig": ox.RdfFormat.TRIG, "application/n-quads": ox.RdfFormat.N_QUADS}
MAX_BODY = 1 << 20


def negotiate(accept: str | None, offered: dict) -> str | None:
    """The media type of ``offered`` (first is the default) that ``accept`` prefers; None if none fits.

    >>> negotiate("text/csv;q=0.5, application/sparql-results+xml", _SELECT_TYPES)
    'application/sparql-results+xml'
    >>> negotiate("*/*", _SELECT_TYPES), negotiate(None, _SELECT_TYPES)
    ('application/sparql-results+json', 'application/sparql-results+json')
    >>> negotiate("image/png", _SELECT_TYPES) is None
    True
    """
    if not accept or not accept.strip():
        return next(iter(offered))
    candidates = []
    for order, item in enumerate(accept.split(",")):
        parts = [p.strip() for p in item.split(";")]
        media, q = parts[0].lower(), 1.0
        for param in parts[1:]:
            if param.lower().startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        if q <= 0:
            continue
        if media in offered:
            match = media
        else:
            stem = "" if media == "*/*" else media[:-1] if media.endswith("/*") else None
            match = next((m for m in offered if stem is not None and m.startswith(stem)), None)
        if match is not None:
            # highest q first; at equal q a precise type beats a wildcard, then the client's order
            candidates.append((q, "*" not in media, -order, match))
    return max(candidates)[3] if candidates else None


_RESULT_NAMES = {ox.QueryResultsFormat.JSON: "json", ox.QueryResultsFormat.XML: "xml",
                 ox.QueryResultsFormat.CSV: "csv", ox.QueryResultsFormat.TSV: "tsv"}
_QUIET_ERRORS = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, socket.timeout)


class _Handler(BaseHTTPRequestHandler):
    server_version = "newsgraph-sparql/1"
    store: ox.Store
    quiet = False
    cors: str | None = None
    timeout_s = DEFAULT_TIMEOUT
    max_rows = DEFAULT_MAX_ROWS
    slots: threading.BoundedSemaphore

    def handle_one_request(self):
        # a client that hangs up mid-answer is its own business: no traceback in the log
        try:
            super().handle_one_request()
        except _QUIET_ERRORS:
            self.close_connection = True

    def do_GET(self):
        url = urlsplit(self.path)
        params = parse_qs(url.query, keep_blank_values=True)
        if url.path not in ("/", "/sparql"):
            return self._text(HTTPStatus.NOT_FOUND, "not found; the SPARQL endpoint is /sparql\n")
        if "update" in params:
            return self._refuse_update()
        if "query" not in params:
            return self._text(HTTPStatus.OK if url.path == "/" else HTTPStatus.BAD_REQUEST,
                              "newsgraph read-only SPARQL endpoint: GET or POST /sparql?query=...\n")
        self._answer(params["query"])

    do_HEAD = do_GET

    def do_OPTIONS(self):
        self.send_response(HTTPStatus.NO_CONTENT)
        self.send_header("Allow", "GET, HEAD, POST, OPTIONS")
        if self._cors_origin():
            self.send_header("Access-Control-Allow-Methods", "GET, HEAD, POST, OPTIONS")
            self.send_header("Access-Control-Allow-Headers", "Accept, Content-Type")
            self.send_header("Access-Control-Max-Age", "600")
        self._cors_headers()
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_POST(self):
        url = urlsplit(self.path)
        if url.path not in ("/", "/sparql"):
            return self._text(HTTPStatus.NOT_FOUND, "not found; the SPARQL endpoint is /sparql\n")
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            return self._text(HTTPStatus.BAD_REQUEST, "bad Content-Length\n")
        if length < 0:
            return self._text(HTTPStatus.BAD_REQUEST, "bad Content-Length (negative)\n")
        if length > MAX_BODY:
            return self._text(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"request body over {MAX_BODY} bytes\n")
        body = self.rfile.read(length).decode("utf-8", errors="replace")
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if ctype == "application/sparql-update":
            return self._refuse_update()
        if ctype == "application/sparql-query":
            return self._answer([body])
        if ctype == "application/x-www-form-urlencoded":
            params = parse_qs(body, keep_blank_values=True)
            if "update" in params:
                return self._refuse_update()
            if "query" not in params:
                return self._text(HTTPStatus.BAD_REQUEST, "no query parameter\n")
            return self._answer(params["query"])
        self._text(HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                   "POST application/sparql-query or application/x-www-form-urlencoded\n")

    def do_PUT(self):
        self._refuse_update()

    do_DELETE = do_PATCH = do_PUT

    def _answer(self, queries: list[str]) -> None:
        if len(queries) != 1:
            return self._text(HTTPStatus.BAD_REQUEST, "give exactly one query parameter\n")
        query, accept, max_rows = queries[0], self.headers.get("Accept"), self.max_rows
        try:
            check_query(query)  # refused before any work, let alone any request elsewhere
        except InputError as exc:
            return self._text(HTTPStatus.BAD_REQUEST, f"{exc}\n")
        if not self.slots.acquire(timeout=self.timeout_s):
            return self._text(HTTPStatus.SERVICE_UNAVAILABLE, "too many queries at once; try again\n")
        try:
            with tempfile.TemporaryFile() as body:
                def work(out: int) -> dict:
                    results = run_query(self.store, query)
                    offered = _GRAPH_TYPES if isinstance(results, ox.QueryTriples) else _SELECT_TYPES
                    media = negotiate(accept, offered)
                    if media is None:
                        return {"media": None, "offered": list(offered)}
                    counter = [0, False]
                    with os.fdopen(out, "wb", closefd=False) as fh:
                        if offered is _GRAPH_TYPES:
                            ox.serialize(limited_triples(results, max_rows, counter), fh,
                                         format=offered[media])
                        elif isinstance(results, ox.QueryBoolean):
                            fh.write(results.serialize(format=offered[media]))
                        else:
                            counter[:] = [0, False]
                            pieces = serialize_solutions(results, _RESULT_NAMES[offered[media]], max_rows)
                            while True:
                                try:
                                    fh.write(next(pieces))
                                except StopIteration as stop:
                                    counter[:] = stop.value
                                    break
                    return {"media": media, "rows": counter[0], "cut": counter[1]}

                try:
                    outcome = run_isolated(work, body.fileno(), timeout=self.timeout_s)
                except QueryTimeout as exc:
                    return self._text(HTTPStatus.SERVICE_UNAVAILABLE, f"{exc}\n")
                except InputError as exc:
                    return self._text(HTTPStatus.BAD_REQUEST, f"{exc}\n")
                except NewsgraphError as exc:
                    return self._text(HTTPStatus.INTERNAL_SERVER_ERROR, f"{exc}\n")
                media = outcome.info["media"]
                if media is None:
                    return self._text(HTTPStatus.NOT_ACCEPTABLE, "cannot answer in the accepted types; "
                                      f"offered: {', '.join(outcome.info['offered'])}\n")
                if media == "application/json":
                    media = "application/sparql-results+json"
                extra = {"Newsgraph-Rows": str(outcome.rows)}
                if outcome.cut:
                    extra["Newsgraph-Cut"] = f"results cut at {max_rows} rows (--max-rows)"
                size = body.seek(0, os.SEEK_END)
                body.seek(0)
                self._send_head(HTTPStatus.OK, f"{media}; charset=utf-8", size, extra)
                if self.command != "HEAD":
                    shutil.copyfileobj(body, self.wfile, 1 << 16)
        finally:
            self.slots.release()

    def _refuse_update(self) -> None:
        self._text(HTTPStatus.FORBIDDEN, "this endpoint is read-only: updates are refused\n")

    def _text(self, status: HTTPStatus, message: str) -> None:
        self._send(status, "text/plain; charset=utf-8", message.encode("utf-8"))

    def _send(self, status: HTTPStatus, ctype: str, body: bytes) -> None:
        self._send_head(status, ctype, len(body))
        if self.command != "HEAD":
            self.wfile.write(body)

    def _send_head(self, status: HTTPStatus, ctype: str, size: int, extra: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(size))
        self.send_header("Vary", "Accept, Origin" if self.cors else "Accept")
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self._cors_headers()
        self.end_headers()

    def _cors_origin(self) -> str | None:
        """The origin to allow for this request: only the one given with ``--cors``."""
        if self.cors == "*":
            return "*"
        origin = self.headers.get("Origin")
        return origin if self.cors and origin == self.cors else None

    def _cors_headers(self) -> None:
        origin = self._cors_origin()
        if origin:
            self.send_header("Access-Control-Allow-Origin", origin)
            self.send_header("Access-Control-Expose-Headers", "Newsgraph-Rows, Newsgraph-Cut")

    def log_message(self, format, *args):
        if not self.quiet:
            line = format % args
            sys.stderr.write(f"{self.address_string()} {_UNPRINTABLE.sub('?', line)}\n")


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], _QUIET_ERRORS):
            super().handle_error(request, client_address)


def make_server(store: ox.Store, host: str = "127.0.0.1", port: int = 0, *,
                quiet: bool = False, cors: str | None = None, timeout: float = DEFAULT_TIMEOUT,
                max_rows: int = DEFAULT_MAX_ROWS, parallel: int | None = None) -> ThreadingHTTPServer:
    """A read-only SPARQL endpoint for ``store`` on ``host:port`` (port 0: any free port), not started.

    Run it with ``serve_forever()``; ``server.server_address`` says the port it got.
    Browsers on other origins may read its answers only when ``cors`` names their origin
    (or is ``"*"``). Each query runs in a child process, at most ``parallel`` at once,
    stopped after ``timeout`` seconds, with at most ``max_rows`` rows.
    """
    slots = threading.BoundedSemaphore(parallel or max(2, os.cpu_count() or 1))
    handler = type("SparqlHandler", (_Handler,), {"store": store, "quiet": quiet, "cors": cors,
                                                   "timeout_s": timeout, "max_rows": max_rows,
                                                   "slots": slots})
    return _Server((host, port), handler)


def serve_in_thread(server: ThreadingHTTPServer) -> threading.Thread:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return thread
