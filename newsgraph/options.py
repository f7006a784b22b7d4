"""Options and error handling shared by every subcommand, defined once."""
from __future__ import annotations

import functools
import sys

import click

from newsgraph.errors import NewsgraphError

EXIT_NOTHING_READ = 1
EXIT_ERROR = 2


def fail(message: str, code: int = EXIT_ERROR) -> None:
    click.echo(f"newsgraph: error: {message}", err=True)
    sys.exit(code)


def handle_errors(func):
    """Turn ``NewsgraphError`` into a one-line message; Ctrl-C into exit 130."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except NewsgraphError as exc:
            fail(str(exc))
        except KeyboardInterrupt:
            click.echo("newsgraph: interrupted", err=True)
            sys.exit(130)
    return wrapper


def model_option(func):
    from newsgraph.extract.pipeline import DEFAULT_MODEL

    return click.option("--model", default=DEFAULT_MODEL, show_default=True, metavar="NAME",
                        help="Installed spaCy pipeline to use.")(func)


def quiet_option(func):
    return click.option("--quiet", "-q", is_flag=True,
                        help="Print errors only: no warnings, progress or summary.")(func)
