"""``newsgraph view``: open the interactive page of a build folder in a web browser.

The page is written from ``OUT/graph.json`` when it is missing or older (see
``newsgraph.exports.html.view_path``); ``--focus`` draws one entity's neighbourhood
into a page of its own.
"""
from __future__ import annotations

import webbrowser
from pathlib import Path

import click

from newsgraph.exports.html import DEFAULT_MAX_NODES, view_path
from newsgraph.options import handle_errors, quiet_option, safe_text


@click.command()
@click.argument("out", type=click.Path(exists=True, path_type=Path))
@click.option("--focus", metavar="NAME",
              help="Draw only the neighbourhood of this entity (name or alias, any case).")
@click.option("--depth", type=click.IntRange(1, 10), default=1, show_default=True,
              help="With --focus: how many steps from the entity.")
@click.option("--max-nodes", type=click.IntRange(1), default=DEFAULT_MAX_NODES, show_default=True,
              help="Keep at most this many entities, the most connected ones.")
@click.option("--no-open", is_flag=True, help="Write the page and print its path; open no browser.")
@quiet_option
@handle_errors
def view(out, focus, depth, max_nodes, no_open, quiet):
    """Open the interactive graph of OUT (a build folder or its graph.json).

    \b
    Example:
      newsgraph view out/ --focus "Eli Lilly" --depth 2
    """
    from newsgraph.outputs import output_lock

    # a build committing meanwhile must not get a page of the graph it replaces
    path = view_path(out, max_nodes=max_nodes, focus=focus, depth=depth,
                     lock=lambda folder: output_lock(folder, "view"))
    click.echo(safe_text(str(path)))
    if not no_open:
        if not webbrowser.open(path.resolve().as_uri()) and not quiet:
            click.echo("newsgraph: warning: no web browser found; open the file above yourself",
                       err=True)


COMMANDS = [view]
