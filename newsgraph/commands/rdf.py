"""``newsgraph query`` and ``newsgraph serve``: SPARQL over a build's RDF export (graph.ttl).

Both load the Turtle into an in-memory Oxigraph store; ``query`` prints one query's
results, ``serve`` answers the SPARQL 1.1 Protocol on a local port, read-only.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from newsgraph.errors import InputError
from newsgraph.options import handle_errors, quiet_option, safe_text, warn

timeout_option = click.option(
    "--timeout", type=click.FloatRange(0.1, 86400), default=30.0, show_default=True, metavar="SECONDS",
    help="Stop a query that runs longer than this.")
max_rows_option = click.option(
    "--max-rows", type=click.IntRange(1), default=100_000, show_default=True, metavar="N",
    help="Give at most N result rows (or triples); says so when it cuts.")


QUERY_EXAMPLE = """\b
Example:
  newsgraph query out/ 'SELECT ?who WHERE { ?c rdfs:label "South Korea" . ?w ng:investsIn ?c . ?w rdfs:label ?who }'
  newsgraph query out/graph.ttl --file deals.rq --format csv
"""
SERVE_EXAMPLE = """\b
Example:
  newsgraph serve out/ --port 7878
  curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * { ?s ?p ?o } LIMIT 5' http://127.0.0.1:7878/sparql
"""


@click.command(epilog=QUERY_EXAMPLE)
@click.argument("graph", type=click.Path(path_type=Path))
@click.argument("sparql", required=False)
@click.option("--file", "-f", "query_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Read the query from this file (.rq) instead of the command line.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json", "xml"]),
              default="table", show_default=True,
              help="table for people; csv, tsv, json, xml are the SPARQL results formats.")
@timeout_option
@max_rows_option
@handle_errors
def query(graph, sparql, query_file, fmt, timeout, max_rows):
    """Run a SPARQL query over GRAPH (a graph.ttl or a build folder) and print the results.

    The prefixes ng:, rdf:, rdfs:, xsd:, skos:, schema:, prov:, dcterms: and owl: need
    no PREFIX line. Example queries ship in newsgraph/exports/queries/.
    """
    from newsgraph.exports.rdf_sparql import load_store, write_query

    if (sparql is None) == (query_file is None):
        raise InputError("give the query inline or with --file, not both or neither")
    if query_file is not None:
        try:
            sparql = query_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"{query_file}: cannot read ({getattr(exc, 'strerror', None) or exc})")
    store = load_store(graph)
    sys.stdout.flush()
    # written by the child process as it is produced; on a terminal, escape sequences in
    # article text are shown as \x1b, not run
    outcome = write_query(store, sparql, fmt, sys.stdout.fileno(), timeout=timeout,
                          max_rows=max_rows, escape=sys.stdout.isatty())
    if not outcome.info.get("newline"):
        click.echo("")
    if outcome.cut:
        warn(f"results cut at {max_rows:,} rows (see --max-rows)")


@click.command(epilog=SERVE_EXAMPLE)
@click.argument("graph", type=click.Path(path_type=Path))
@click.option("--port", "-p", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="TCP port; 0 picks a free one (printed at start).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; the default answers this machine only.")
@click.option("--cors", metavar="ORIGIN",
              help="Let web pages from ORIGIN (https://host:port, or * for any) read the answers; "
                   "default: none.")
@timeout_option
@max_rows_option
@quiet_option
@handle_errors
def serve(graph, port, host, cors, timeout, max_rows, quiet):
    """Serve GRAPH (a graph.ttl or a build folder) as a read-only SPARQL 1.1 endpoint at /sparql.

    GET and POST queries; results as SPARQL JSON, XML, CSV or TSV (Accept header),
    CONSTRUCT as Turtle, N-Triples or JSON-LD. Updates are refused (403).
    """
    from newsgraph.exports.rdf_sparql import load_store, make_server

    store = load_store(graph)
    try:
        server = make_server(store, host, port, quiet=quiet, cors=cors, timeout=timeout,
                             max_rows=max_rows)
    except OSError as exc:
        raise InputError(f"cannot listen on {host}:{port} ({exc.strerror or exc})")
    bound_host, bound_port = server.server_address[:2]
    shown = f"[{bound_host}]" if ":" in bound_host else bound_host
    click.echo(f"newsgraph: serving {safe_text(graph)} ({len(store)} triples) at "
               f"http://{shown}:{bound_port}/sparql, read-only; Ctrl-C stops", err=True)
    sys.stderr.flush()
    try:
        server.serve_forever()
    finally:
        server.server_close()


COMMANDS = [query, serve]
