"""SPARQL over an RDF export: the engine behind ``newsgraph query`` and ``newsgraph serve``.

``query_graph`` runs one SPARQL 1.1 query (Oxigraph) over a ``graph.ttl`` or a build
folder and returns the results as a table, SPARQL CSV/TSV, JSON or XML, or N-Triples
for CONSTRUCT and DESCRIBE. ``make_server`` is a read-only SPARQL 1.1 Protocol endpoint
on the standard library's ``ThreadingHTTPServer``: GET and POST queries, results in the
format the client's ``Accept`` header prefers, and every update refused with 403.
The prefixes ``ng:``, ``rdf:``, ``rdfs:``, ``xsd:``, ``skos:``, ``schema:``, ``prov:``,
``dcterms:`` and ``owl:`` may be used without declaring them.

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

import re
import sys
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox

from newsgraph.errors import InputError

from .rdf import NG, QUERY_PREFIXES, RDFS, load_store

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
    """Run ``query`` on ``store``; a malformed query is an ``InputError`` with Oxigraph's message."""
    try:
        return store.query(query, prefixes=QUERY_PREFIXES)
    except SyntaxError as exc:
        raise InputError(f"SPARQL syntax error: {_one_line(str(exc))}") from exc


def _one_line(text: str) -> str:
    return " ".join(text.split())


def render(results, fmt: str = "table") -> str:
    """The results of ``run_query`` as text: a table, or ``csv``, ``tsv``, ``json``, ``xml``."""
    if isinstance(results, ox.QueryTriples):
        if fmt != "table":
            raise InputError(f"--format {fmt} applies to SELECT and ASK; "
                             "CONSTRUCT and DESCRIBE print N-Triples")
        return results.serialize(format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
    if fmt != "table":
        if fmt not in RESULT_FORMATS:
            raise InputError(f"unknown result format {fmt!r}; known: table, {', '.join(RESULT_FORMATS)}")
        return results.serialize(format=RESULT_FORMATS[fmt]).decode("utf-8")
    if isinstance(results, ox.QueryBoolean):
        return "true" if bool(results) else "false"
    names = [v.value for v in results.variables]
    rows = [[_cell(solution[name]) for name in names] for solution in results]
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


def query_graph(graph_path: str | Path, query: str, fmt: str = "table") -> str:
    """Run ``query`` over the RDF at ``graph_path`` (a .ttl file or a build folder) and render it."""
    return render(run_query(load_store(graph_path), query), fmt)


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


class _Handler(BaseHTTPRequestHandler):
    server_version = "newsgraph-sparql/1"
    store: ox.Store
    quiet = False

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

    def do_POST(self):
        url = urlsplit(self.path)
        if url.path not in ("/", "/sparql"):
            return self._text(HTTPStatus.NOT_FOUND, "not found; the SPARQL endpoint is /sparql\n")
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            return self._text(HTTPStatus.BAD_REQUEST, "bad Content-Length\n")
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
        try:
            results = run_query(self.store, queries[0])
        except InputError as exc:
            return self._text(HTTPStatus.BAD_REQUEST, f"{exc}\n")
        graph = isinstance(results, ox.QueryTriples)
        offered = _GRAPH_TYPES if graph else _SELECT_TYPES
        media = negotiate(self.headers.get("Accept"), offered)
        if media is None:
            return self._text(HTTPStatus.NOT_ACCEPTABLE,
                              f"cannot answer in the accepted types; offered: {', '.join(offered)}\n")
        body = results.serialize(format=offered[media])
        if media == "application/json":
            media = "application/sparql-results+json"
        self._send(HTTPStatus.OK, f"{media}; charset=utf-8", body)

    def _refuse_update(self) -> None:
        self._text(HTTPStatus.FORBIDDEN, "this endpoint is read-only: updates are refused\n")

    def _text(self, status: HTTPStatus, message: str) -> None:
        self._send(status, "text/plain; charset=utf-8", message.encode("utf-8"))

    def _send(self, status: HTTPStatus, ctype: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept")
        # the data is public and read-only: browser SPARQL editors may query it
        self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format, *args):
        if not self.quiet:
            line = format % args
            sys.stderr.write(f"{self.address_string()} {_UNPRINTABLE.sub('?', line)}\n")


def make_server(store: ox.Store, host: str = "127.0.0.1", port: int = 0, *,
                quiet: bool = False) -> ThreadingHTTPServer:
    """A read-only SPARQL endpoint for ``store`` on ``host:port`` (port 0: any free port), not started.

    Run it with ``serve_forever()``; ``server.server_address`` says the port it got.
    """
    handler = type("SparqlHandler", (_Handler,), {"store": store, "quiet": quiet})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


def serve_in_thread(server: ThreadingHTTPServer) -> threading.Thread:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return thread
