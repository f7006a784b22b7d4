"""The ``newsgraph`` command: a thin layer over the Python API.

Each subcommand parses its options, calls one public function and turns the
project's own errors into a one-line message and a non-zero exit status. Shared
options (``--model``, ``--quiet``) are defined once.
"""
from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

import click

from newsgraph import commands
from newsgraph.errors import NewsgraphError
from newsgraph.exports import DEFAULT_FORMATS, known_formats
from newsgraph.options import (EXIT_NOTHING_READ, fail, handle_errors, model_option,
                               quiet_option, safe_text, warn)

#: bounds of the size options: past them a number is a typo, and would overflow a C int
MAX_CHARS = 1_000_000_000
MAX_WORKERS = 1024
#: the address schemes of dask.distributed's transports
SCHEDULER_SCHEMES = ("tcp", "tls", "ws", "wss", "ucx", "inproc")


def check_scheduler_address(ctx, param, value: str | None) -> str | None:
    """``--scheduler``: SCHEME://HOST:PORT (or HOST:PORT for tcp), else a usage error.

    >>> check_scheduler_address(None, None, "tcp://10.0.0.5:8786")
    'tcp://10.0.0.5:8786'
    >>> check_scheduler_address(None, None, "notaurl")
    Traceback (most recent call last):
    ...
    click.exceptions.BadParameter: 'notaurl' is not a Dask scheduler address (tcp://HOST:PORT)
    """
    if value is None:
        return None
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(value if "://" in value else f"tcp://{value}")
        good = (parts.scheme in SCHEDULER_SCHEMES and parts.hostname
                and (parts.scheme == "inproc" or parts.port))
    except ValueError:
        good = False
    if not good:
        raise click.BadParameter(f"{safe_text(repr(value))} is not a Dask scheduler address "
                                 "(tcp://HOST:PORT)")
    return value

@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="newsgraph")
def main() -> None:
    """Turn news articles into a knowledge graph.

    \b
    Example:
      newsgraph build seeds/ -o out/
    """


@main.command()
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder (created if needed; a new build replaces what it holds).")
@click.option("--into", "into", type=click.Path(file_okay=False, path_type=Path), metavar="OUT",
              help="Add INPUT to the build in OUT: only new articles are read and extracted.")
@click.option("--format", "formats", multiple=True, metavar="NAMES",
              help=f"Formats to write, comma-separated or repeated: {', '.join(known_formats())}, "
                   f"'default' ({','.join(DEFAULT_FORMATS)}) or 'all'. graph.json is always "
                   "written; files of formats not written are removed from OUT [default: default].")
@click.option("--min-confidence", type=click.FloatRange(0, 1), default=None,
              help="Leave out edges below this confidence [default: 0.5].")
@click.option("--max-doc-chars", type=click.IntRange(1000, MAX_CHARS), default=None,
              help="Read at most this many characters of one document [default: 200,000].")
@click.option("--max-sentence-chars", type=click.IntRange(100, MAX_CHARS), default=None,
              help="Split longer stretches without a sentence end before parsing [default: 20,000].")
@click.option("--base-iri", default=None, metavar="IRI",
              help="Base of the RDF exports' IRIs [default: https://w3id.org/newsgraph/data/].")
@click.option("--workers", "-j", type=click.IntRange(1, MAX_WORKERS), default=None,
              help="Parse with N processes (or N LocalCluster workers with --engine dask) "
                   "[default: 1; all cores with --engine dask].")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="Where extraction runs: processes here, or Dask tasks (needs newsgraph[dask]).")
@click.option("--scheduler", metavar="ADDRESS", callback=check_scheduler_address,
              help="Dask scheduler to use with --engine dask (tcp://HOST:PORT); default: a LocalCluster.")
@model_option
@quiet_option
@handle_errors
def build(inputs, out_dir, into, formats, min_confidence, max_doc_chars, max_sentence_chars, base_iri,
          workers, engine, scheduler, model, quiet):
    """Read articles and write the graph and its exports into OUT.

    INPUT is a file (.txt, .md, .html, .jsonl), a folder (read recursively) or - for
    standard input. With --into OUT, the articles are added to the earlier build in
    OUT (its .newsgraph/ folder keeps what each article gave); articles already in it
    add nothing.

    \b
    Example:
      newsgraph build seeds/ more/*.jsonl -o out/ --workers 2
      newsgraph build seeds/ -o out/ --format default,ntriples
      newsgraph build new-articles/ --into out/
    """
    import os

    from newsgraph.exports import resolve_formats
    from newsgraph.exports.rdf import check_base_iri
    from newsgraph.extract.ingest import DEFAULT_MAX_DOC_CHARS
    from newsgraph.extract.limits import DEFAULT_MAX_SENTENCE_CHARS
    from newsgraph.graph import GraphMerger
    from newsgraph.incremental import load_state, write_state
    from newsgraph.outputs import output_lock, recover
    from newsgraph.pipeline import DEFAULT_MIN_CONFIDENCE, BuildReport
    from newsgraph.pipeline import build as run_build
    from newsgraph.pipeline import write_all

    if (out_dir is None) == (into is None):
        fail("give -o OUT for a new build or --into OUT to add to one (not both)")
    if scheduler and engine != "dask":
        fail("--scheduler needs --engine dask")
    formats = resolve_formats(formats)  # fail on a typo before the slow part
    options = {"base_iri": check_base_iri(base_iri)} if base_iri else {}
    out_dir = out_dir or into
    report = BuildReport()
    # a second build into OUT fails now, not after the slow part; released when the command ends
    click.get_current_context().with_resource(output_lock(out_dir))
    if into is not None:
        recover(into)  # a build killed mid-commit may have left the previous one aside
    merger = load_state(into, model=model) if into is not None else GraphMerger()
    try:
        graph = run_build(
            inputs, model=model, report=report, merger=merger,
            min_confidence=DEFAULT_MIN_CONFIDENCE if min_confidence is None else min_confidence,
            max_doc_chars=max_doc_chars or DEFAULT_MAX_DOC_CHARS,
            max_sentence_chars=max_sentence_chars or DEFAULT_MAX_SENTENCE_CHARS,
            progress=not quiet and sys.stderr.isatty(),
            workers=workers or ((os.cpu_count() or 1) if engine == "dask" else 1),
            engine=engine, scheduler=scheduler, out_dir=out_dir,
        )
    except NewsgraphError as exc:
        if not quiet:
            for warning in report.ingest.warnings:
                warn(warning)
        fail(str(exc), EXIT_NOTHING_READ)
    if not quiet:
        for warning in report.ingest.warnings:
            warn(warning)
    written = write_all(graph, out_dir, formats, options,
                        state=lambda folder: write_state(merger, folder, model=model))
    if not quiet:
        click.echo(report.summary(graph), err=True)
        click.echo(safe_text("wrote: " + ", ".join(str(p) for p in written)), err=True)


@main.command("help")
@click.argument("command", required=False)
@click.pass_context
def help_command(ctx, command):
    """Show the help of newsgraph, or of one COMMAND (the same as COMMAND --help).

    \b
    Example:
      newsgraph help build
    """
    parent = ctx.parent
    if command is None:
        click.echo(parent.get_help())
        return
    sub = main.get_command(parent, command)
    if sub is None:
        fail(_unknown_command(command))
    with click.Context(sub, info_name=command, parent=parent) as sub_ctx:
        click.echo(sub.get_help(sub_ctx))


def _unknown_command(name: str) -> str:
    import difflib

    known = sorted(main.commands)
    close = difflib.get_close_matches(name, known, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"unknown command {name!r}{hint} (known: {', '.join(known)})"


def _add_plugin_commands() -> None:
    """Add the subcommands of every module in ``newsgraph/commands/`` (its ``COMMANDS`` list)."""
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        for command in getattr(module, "COMMANDS", ()):
            main.add_command(command)


_add_plugin_commands()

if __name__ == "__main__":  # pragma: no cover
    main()
