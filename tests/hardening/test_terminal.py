"""Terminal and log safety: article text and file names cannot drive the terminal or forge a line.

On the landed main ``query --format csv/tsv`` and ``deals --format csv/json`` on a terminal
printed article text's escape sequences raw (``ESC]0;PWNED BEL`` retitles the window,
``ESC[2J`` clears it), and ``eval`` printed names as they are.
"""
from __future__ import annotations

import os
import pty
import subprocess
import termios

import pytest

from hardening_support import NEWSGRAPH, newsgraph_cmd
from newsgraph.evaluate import Score, format_scores
from newsgraph.pipeline import write_all
from test_load_support import seeds_like_graph

HOSTILE = "Roche\x1b]0;PWNED\x07\x1b[2J\x9b31m\u202e\rforged"


@pytest.fixture(scope="module")
def hostile_out(tmp_path_factory):
    graph = seeds_like_graph()
    roche = next(n for n, label in graph.nodes(data="label") if label == "Roche")
    graph.nodes[roche]["label"] = HOSTILE
    out = tmp_path_factory.mktemp("hostile") / "out"
    write_all(graph, out, ["json", "turtle"])
    return out


def on_terminal(*args) -> str:
    """What ``newsgraph ARGS`` writes to a terminal (a pseudo-terminal as its standard output)."""
    main, child_end = pty.openpty()
    # no newline translation, so the test sees the bytes the program wrote
    attrs = termios.tcgetattr(child_end)
    attrs[1] &= ~termios.ONLCR
    termios.tcsetattr(child_end, termios.TCSANOW, attrs)
    proc = subprocess.Popen([*NEWSGRAPH, *map(str, args)], stdout=child_end, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL)
    os.close(child_end)
    chunks = []
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(main)
    assert proc.wait(120) == 0, proc.stderr.read().decode()
    return b"".join(chunks).decode("utf-8")


def assert_nothing_runs(text: str) -> None:
    for raw in ("\x1b", "\x07", "\x9b", "\u202e"):
        assert raw not in text, repr(text)
    assert "\r" not in text.replace("\r\n", "")  # a bare carriage return would overwrite the line


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["table", "csv", "tsv", "json", "xml"])
def test_query_results_on_a_terminal_show_escapes(hostile_out, fmt):
    shown = on_terminal("query", hostile_out, "SELECT ?l { ?x rdfs:label ?l }", "--format", fmt)
    assert_nothing_runs(shown)
    # SPARQL TSV and JSON write their own \u escapes; the rest is escaped for the terminal
    assert "\\x1b]0;pwned\\x07" in shown.lower() or "\\u001b]0;pwned\\u0007" in shown.lower()


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_deals_on_a_terminal_show_escapes(hostile_out, fmt):
    shown = on_terminal("deals", hostile_out, "--format", fmt)
    assert_nothing_runs(shown)
    assert "PWNED" in shown


def test_deals_piped_keep_the_exact_text(hostile_out):
    result = subprocess.run([*NEWSGRAPH, "deals", str(hostile_out), "--format", "csv"],
                            capture_output=True, timeout=120)
    assert result.returncode == 0, result.stderr
    # a ';' inside a list item is escaped (deals.csv); every other character is the label's own
    assert HOSTILE.replace(";", "\\;") in result.stdout.decode("utf-8")


def test_eval_names_cannot_forge_lines():
    result = {"entities": Score(1, 0, 0), "entities_typed": Score(1, 0, 0), "relations": Score(0, 1, 1),
              "duplicate_nodes": 0, "missed": ["ACQUIRES a\nnewsgraph: error: forged b"],
              "false": [f"PARTNERS_WITH {HOSTILE} c"]}
    lines = format_scores(result).splitlines()
    assert len(lines) == 6
    assert lines[4] == "  missed: ACQUIRES a\\nnewsgraph: error: forged b"
    assert_nothing_runs(lines[5])


@pytest.mark.slow
def test_file_and_folder_names_with_newlines_and_escapes_stay_one_escaped_line(tmp_path):
    articles = tmp_path / "in"
    articles.mkdir()
    (articles / "good.txt").write_text("Calloway Pharma agreed to acquire Arden Bio.\n", encoding="utf-8")
    (articles / "bad\nnewsgraph: error: forged\x1b]0;PWNED\x07.txt").write_bytes(b"\x00\xff" * 50)
    out = tmp_path / "out\x1b[2J\nx"
    result = newsgraph_cmd("build", articles, "-o", out)
    assert result.returncode == 0, result.stderr
    assert_nothing_runs(result.stderr)
    assert [line for line in result.stderr.splitlines() if "error" in line] == [
        line for line in result.stderr.splitlines() if line.startswith("newsgraph: warning: ")
        and "bad\\nnewsgraph: error: forged\\x1b]0;PWNED\\x07.txt" in line]
    assert any(line.startswith("wrote: ") and "out\\x1b[2J\\nx" in line for line in result.stderr.splitlines())
