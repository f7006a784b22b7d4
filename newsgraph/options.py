"""Options and error handling shared by every subcommand, defined once."""
from __future__ import annotations

import functools
import os
import re
import sys

import click

from newsgraph.errors import NewsgraphError

EXIT_NOTHING_READ = 1
EXIT_ERROR = 2


# what could forge a line or drive the terminal: C0 and C1 controls (newlines included), DEL,
# bidi overrides and U+2028/2029; shown as escapes, so a file name stays one visible line
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def safe_text(text: str) -> str:
    r"""``text`` with control, escape and bidi characters shown as escapes.

    >>> safe_text("bad\nnewsgraph: error: forged \x1b]0;PWNED\x07")
    'bad\\nnewsgraph: error: forged \\x1b]0;PWNED\\x07'
    """
    return _UNSAFE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), str(text))


# what a terminal would act on in multi-line output: the above but tab, newline and CRLF
_TERMINAL_UNSAFE = re.compile("\r(?!\n)|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f"
                              "\u202a-\u202e\u2066-\u2069]")


def terminal_text(text: str) -> str:
    r"""``text`` for a terminal: lines and tabs kept, every other control or bidi character escaped.

    >>> terminal_text("a\tb\r\n\x1b[2J\x1b]0;PWNED\x07\rforged\n")
    'a\tb\r\n\\x1b[2J\\x1b]0;PWNED\\x07\\rforged\n'
    """
    return _TERMINAL_UNSAFE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def fail(message: str, code: int = EXIT_ERROR) -> None:
    click.echo(f"newsgraph: error: {safe_text(message)}", err=True)
    sys.exit(code)


def warn(message: str) -> None:
    click.echo(f"newsgraph: warning: {safe_text(message)}", err=True)


def handle_errors(func):
    """Turn ``NewsgraphError`` into a one-line message; Ctrl-C into exit 130."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except NewsgraphError as exc:
            fail(str(exc))
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except KeyboardInterrupt:
            click.echo("newsgraph: interrupted", err=True)
            sys.exit(130)
        except MemoryError:
            fail("out of memory (a smaller --max-doc-chars or fewer --workers may help)")
        except RecursionError:
            fail("input nested too deeply to read")
        except Exception as exc:  # noqa: BLE001 - the last line of defence: no traceback for a user
            if os.environ.get("NEWSGRAPH_DEBUG"):
                raise
            fail(f"unexpected {type(exc).__name__}: {_one_line(str(exc))} "
                 "(a bug in newsgraph; NEWSGRAPH_DEBUG=1 shows the traceback)")
    return wrapper


def _one_line(text: str) -> str:
    return " ".join(text.split())[:400]


def model_option(func):
    from newsgraph.extract.pipeline import DEFAULT_MODEL

    return click.option("--model", default=DEFAULT_MODEL, show_default=True, metavar="NAME",
                        help="Installed spaCy pipeline to use.")(func)


def quiet_option(func):
    return click.option("--quiet", "-q", is_flag=True,
                        help="Print errors only: no warnings, progress or summary.")(func)
