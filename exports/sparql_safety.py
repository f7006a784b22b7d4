"""Running an untrusted SPARQL query: checked first, then in a child process with a deadline and a row cap.

``newsgraph query`` and ``newsgraph serve`` answer queries from anyone who can reach
them, so before Oxigraph sees a query ``check_query`` refuses what the engine must never
run: ``SERVICE`` (a federated query makes the server send requests to any address it
can reach) and nesting deeper than ``MAX_NESTING`` (Oxigraph's recursive parser
overflows the stack and takes the process down; 2,500 nested groups in a 15 KB GET did).
``run_isolated`` then evaluates it in a forked child, which has the store already in its
memory: the parent waits at most ``timeout`` seconds and kills the child, so the work
really stops (Oxigraph cannot be interrupted from Python); a crash or an exhausted
memory limit ends only the child. The child writes the results as it produces them,
at most ``max_rows`` rows or triples, with serializers that give Oxigraph's own bytes
(``serialize_solutions``), and tells the parent how many rows it wrote and whether it cut.

>>> check_query("SELECT * { SERVICE <http://127.0.0.1:6379/> { ?s ?p ?o } }")
Traceback (most recent call last):
...
newsgraph.errors.InputError: federated queries (SERVICE) are refused: this endpoint answers from its own graph only
>>> check_query("SELECT * { ?s <http://example.org/service> 'SERVICE' } # SERVICE")
"""
from __future__ import annotations

import json
import os
import re
import resource
import select
import signal
import time
from dataclasses import dataclass
from typing import Callable, Iterable

import pyoxigraph as ox

from newsgraph.errors import InputError, NewsgraphError

#: deepest nesting of { ( [ accepted; real queries stay under 20, Oxigraph crashed near 2,500
MAX_NESTING = 64
#: longest run of prefix operators (! ^) accepted: 100,000 "!" crashed Oxigraph as well
MAX_PREFIX_RUN = 64
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_ROWS = 100_000
#: memory a query child may take on top of what the server already holds
CHILD_MEMORY = 4 << 30

# one token at a time, as SPARQL's grammar reads them: long strings, strings, IRIs, comments
_TOKENS = re.compile(r'''
    (?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\'
              |"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<comment>\#[^\n\r]*)
''', re.VERBOSE | re.DOTALL)
# SERVICE as a keyword: not a variable (?service), a prefixed name (ex:service) or a prefix (service:)
_SERVICE = re.compile(r"(?<![\w:?$])SERVICE(?![\w:-])", re.IGNORECASE)
_PREFIX_RUN = re.compile(r"(?:[!^]\s*){%d,}" % (MAX_PREFIX_RUN + 1))


def check_query(query: str) -> None:
    """Raise ``InputError`` for a query that must not reach the engine (SERVICE, deep nesting)."""
    code = _TOKENS.sub(lambda m: " " if m.group("comment") else '""' if m.group("string") else "<>",
                       query)
    if _SERVICE.search(code):
        raise InputError("federated queries (SERVICE) are refused: "
                         "this endpoint answers from its own graph only")
    depth = deepest = 0
    for char in code:
        if char in "{([":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "})]":
            depth -= 1
    if deepest > MAX_NESTING:
        raise InputError(f"query nested {deepest} levels deep; at most {MAX_NESTING} are accepted")
    if _PREFIX_RUN.search(code.replace("!=", "  ").replace("^^", "  ")):
        raise InputError(f"query has a run of over {MAX_PREFIX_RUN} '!' or '^' operators")


@dataclass
class Outcome:
    """What a child reported: rows (or triples) written, whether ``max_rows`` cut them, extras."""

    rows: int = 0
    cut: bool = False
    info: dict | None = None


class QueryTimeout(NewsgraphError):
    """The query ran out of time and was stopped."""


def run_isolated(work: Callable[[int], dict], output_fd: int, *, timeout: float = DEFAULT_TIMEOUT
                 ) -> Outcome:
    """Run ``work(output_fd)`` in a forked child; kill it after ``timeout`` seconds.

    ``work`` writes its results to ``output_fd`` and returns a small dict (``rows``,
    ``cut``, anything else JSON can carry), or raises ``NewsgraphError`` for a one-line
    error. Where ``os.fork`` is missing it runs here, without the deadline.
    """
    if not hasattr(os, "fork"):
        return _outcome(work(output_fd))
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into the caller's code
        status = 70
        try:
            os.close(read_end)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            _limit_memory()
            try:
                report = {"ok": True, **work(output_fd)}
            except NewsgraphError as exc:
                report = {"ok": False, "error": str(exc)}
            except MemoryError:
                report = {"ok": False, "error": "the query ran out of memory"}
            os.write(write_end, json.dumps(report).encode("utf-8"))
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    try:
        data = _read_until(read_end, time.monotonic() + timeout)
    finally:
        os.close(read_end)
    if data is None:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        raise QueryTimeout(f"the query took longer than {timeout:g} s and was stopped (see --timeout)")
    _, status = os.waitpid(pid, 0)
    if not data:
        if os.WIFSIGNALED(status):
            number = os.WTERMSIG(status)
            why = ("ran out of memory" if number == signal.SIGABRT
                   else f"crashed ({signal.Signals(number).name})")
            raise NewsgraphError(f"the query engine {why}; nothing was answered")
        raise NewsgraphError(f"the query engine stopped (exit {os.waitstatus_to_exitcode(status)})")
    report = json.loads(data)
    if not report.pop("ok"):
        raise InputError(report["error"])
    return _outcome(report)


def _outcome(report: dict) -> Outcome:
    return Outcome(rows=report.pop("rows", 0), cut=report.pop("cut", False), info=report)


def _read_until(fd: int, deadline: float) -> bytes | None:
    """Everything the child writes to ``fd`` until it closes it; None when the deadline passes."""
    chunks = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            return None
        chunk = os.read(fd, 65536)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _limit_memory() -> None:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            size = next(int(line.split()[1]) * 1024 for line in fh if line.startswith("VmSize:"))
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = size + CHILD_MEMORY
        if hard == resource.RLIM_INFINITY or limit < hard:
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (OSError, ValueError, StopIteration):
        pass


# ---------------------------------------------------------------- serializers, Oxigraph's bytes

_XSD = "http://www.w3.org/2001/XMLSchema#"
_RESULTS_NS = "http://www.w3.org/2005/sparql-results#"
_PLAIN_TSV = {_XSD + "integer": re.compile(r"[+-]?\d+"),
              _XSD + "decimal": re.compile(r"[+-]?\d*\.\d+"),
              _XSD + "double": re.compile(r"[+-]?(?:\d+\.\d*|\.\d+|\d+)[eE][+-]?\d+"),
              _XSD + "boolean": re.compile(r"true|false")}


def _json_term(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {"subject": _json_term(term.subject),
                                            "predicate": _json_term(term.predicate),
                                            "object": _json_term(term.object)}}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != _XSD + "string":
        out["datatype"] = term.datatype.value
    return out


def _xml_escape(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&apos;"))


def _xml_term(term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{_xml_escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{_xml_escape(term.value)}</bnode>"
    if isinstance(term, ox.Triple):
        return (f"<triple><subject>{_xml_term(term.subject)}</subject><predicate>"
                f"{_xml_term(term.predicate)}</predicate><object>{_xml_term(term.object)}</object></triple>")
    if term.language:
        return f'<literal xml:lang="{_xml_escape(term.language)}">{_xml_escape(term.value)}</literal>'
    if term.datatype.value != _XSD + "string":
        return f'<literal datatype="{_xml_escape(term.datatype.value)}">{_xml_escape(term.value)}</literal>'
    return f"<literal>{_xml_escape(term.value)}</literal>"


def _csv_cell(term) -> str:
    if term is None:
        return ""
    text = f"_:{term.value}" if isinstance(term, ox.BlankNode) else (
        str(term) if isinstance(term, ox.Triple) else term.value)
    return '"' + text.replace('"', '""') + '"' if any(c in text for c in ',"\r\n') else text


def _tsv_cell(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.Literal) and not term.language:
        plain = _PLAIN_TSV.get(term.datatype.value)
        if plain is not None and plain.fullmatch(term.value):
            return term.value
    return str(term)


def serialize_solutions(solutions, fmt: str, max_rows: int) -> Iterable[bytes]:
    """The SELECT ``solutions`` as ``fmt`` (csv, tsv, json, xml), in pieces, at most ``max_rows`` rows.

    The generator's return value (what ``yield from`` gives) is
    ``(rows, cut)``: how many rows it wrote and whether ``max_rows`` stopped it.
    """
    names = [v.value for v in solutions.variables]
    rows = 0
    if fmt == "json":
        yield json.dumps({"head": {"vars": names}}, ensure_ascii=False, separators=(",", ":"))[:-1].encode()
        yield b',"results":{"bindings":['
    elif fmt == "xml":
        head = "".join(f'<variable name="{_xml_escape(n)}"/>' for n in names)
        yield f'<?xml version="1.0"?><sparql xmlns="{_RESULTS_NS}"><head>{head}</head><results>'.encode()
    elif fmt == "csv":
        yield (",".join(names) + "\r\n").encode()
    else:
        yield ("\t".join(f"?{n}" for n in names) + "\n").encode()
    cut = False
    batch: list[str] = []
    for solution in solutions:
        if rows >= max_rows:
            cut = True
            break
        if fmt == "json":
            binding = {n: _json_term(solution[n]) for n in names if solution[n] is not None}
            batch.append(("," if rows else "") + json.dumps(binding, ensure_ascii=False,
                                                            separators=(",", ":")))
        elif fmt == "xml":
            batch.append("<result>" + "".join(
                f'<binding name="{_xml_escape(n)}">{_xml_term(solution[n])}</binding>'
                for n in names if solution[n] is not None) + "</result>")
        elif fmt == "csv":
            batch.append(",".join(_csv_cell(solution[n]) for n in names) + "\r\n")
        else:
            batch.append("\t".join(_tsv_cell(solution[n]) for n in names) + "\n")
        rows += 1
        if len(batch) >= 512:
            yield "".join(batch).encode("utf-8")
            batch = []
    if batch:
        yield "".join(batch).encode("utf-8")
    if fmt == "json":
        yield b"]}}"
    elif fmt == "xml":
        yield b"</results></sparql>"
    return rows, cut


def limited_triples(triples, max_rows: int, counter: list) -> Iterable:
    """At most ``max_rows`` of ``triples``; ``counter`` gets [count, cut]."""
    counter[:] = [0, False]
    for triple in triples:
        if counter[0] >= max_rows:
            counter[1] = True
            return
        counter[0] += 1
        yield triple
