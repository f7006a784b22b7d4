"""``newsgraph load``: a built graph straight into a running Neo4j or FalkorDB."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from newsgraph.options import handle_errors, quiet_option


@click.command("load")
@click.argument("source", metavar="OUT", type=click.Path(exists=True, path_type=Path))
@click.option("--uri", required=True, metavar="URI",
              help="bolt://HOST:7687 or neo4j://HOST:7687 (Neo4j), or falkordb://HOST:6379/GRAPH.")
@click.option("--user", default=None, metavar="U", envvar="NEO4J_USER", show_envvar=True,
              help="User name [Neo4j default: neo4j].")
@click.option("--database", default=None, metavar="D",
              help="Neo4j database [default: the server's]; FalkorDB graph when the URI has none.")
@click.option("--batch-size", type=click.IntRange(1), default=None, metavar="N",
              help="Rows sent per statement [default: 1000].")
@quiet_option
@handle_errors
def load(source, uri, user, database, batch_size, quiet):
    """Load the graph of OUT (a build folder or a graph.json) into a Cypher database.

    The password is read from the NEO4J_PASSWORD environment variable. Loading is
    idempotent: loading the same graph again creates nothing.

    \b
    Example:
      NEO4J_PASSWORD=secret newsgraph load out/ --uri bolt://localhost:7687
      newsgraph load out/graph.json --uri falkordb://localhost:6379/news
    """
    from newsgraph.load import DEFAULT_BATCH_SIZE
    from newsgraph.load import load as run_load

    report = run_load(source, uri, user=user, database=database,
                      batch_size=batch_size or DEFAULT_BATCH_SIZE,
                      progress=not quiet and sys.stderr.isatty())
    if not quiet:
        click.echo(report.summary(), err=True)


COMMANDS = [load]
