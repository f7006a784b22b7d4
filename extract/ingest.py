"""Reading articles: files, folders, JSONL feeds and stdin into ``Document`` records.

Every input kind ends as plain text plus metadata (title, date, url, source). A bad
input never stops the run: it becomes a one-line warning in the ``IngestReport``
and the other inputs still go through.

>>> report = IngestReport()
>>> docs = list(iter_documents(["no/such/file.txt"], report=report))
>>> docs, report.warnings
([], ['no/such/file.txt: no such file or folder'])
"""
from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import io
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from .dates import normalize_date
from .model import Document

#: file suffixes read from folders, and the reader for each
TEXT_SUFFIXES = {".txt", ".text"}
MARKDOWN_SUFFIXES = {".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
KNOWN_SUFFIXES = TEXT_SUFFIXES | MARKDOWN_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES

#: default cap on one document's text, in characters: ample for news (articles run 2-50k), and
#: spaCy needs about 2.6 KB of memory a character, so this keeps one document near 500 MB
DEFAULT_MAX_DOC_CHARS = 200_000

#: longer front matter is left as text: PyYAML takes seconds per 10 KB of nested "[[[["
MAX_FRONT_MATTER_CHARS = 16_384

_DATE_LINE = re.compile(r"\A\s*date:?\s+(\d{4}-\d{2}-\d{2})[ \t]*(?:\r?\n|\Z)", re.IGNORECASE)
_MD_DATE_LINE = re.compile(r"^date:\s*(.+?)\s*$", re.IGNORECASE | re.MULTILINE)
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.DOTALL)
# "RAHWAY, N.J., Tuesday, March 25, 2025 —": a dateline date near the top of the article
_DATELINE_DATE = re.compile(
    r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2},\s+\d{4}\b"
)


@dataclass
class IngestReport:
    """What happened to the inputs: documents read, inputs skipped and why."""

    read: int = 0
    skipped: int = 0
    warnings: list[str] = field(default_factory=list)

    def warn(self, where: str, why: str, *, skipped: bool = True) -> None:
        self.warnings.append(f"{where}: {why}")
        if skipped:
            self.skipped += 1


def document_id(text: str) -> str:
    """A stable id for a text: same content, same id, on any machine.

    >>> document_id("Roche invests in Korea.") == document_id("Roche invests in Korea.")
    True
    >>> document_id("a")
    'doc-ca978112ca1bbdca'
    """
    return "doc-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def iter_documents(
    inputs: Iterable[str | Path],
    *,
    report: IngestReport | None = None,
    max_doc_chars: int = DEFAULT_MAX_DOC_CHARS,
    stdin: io.BufferedIOBase | None = None,
    exclude: Iterable[str | Path] = (),
) -> Iterator[Document]:
    """Yield a ``Document`` for every readable article under ``inputs``.

    ``inputs`` are files, folders (read recursively, in sorted order) or ``"-"`` for
    standard input. Problems are recorded in ``report`` and the input is skipped.
    No file under an ``exclude`` folder (the build's own output folder) is read from
    an input folder that holds it; a warning says so.
    """
    report = report if report is not None else IngestReport()
    excluded = [Path(p).resolve() for p in exclude]
    for raw in inputs:
        if str(raw) == "-":
            stream = stdin if stdin is not None else sys.stdin.buffer
            # like a file: read at most what one document may hold (/dev/zero never ends)
            data = stream.read(_byte_cap(max_doc_chars))
            if len(data) == _byte_cap(max_doc_chars):
                report.warn("-", f"standard input longer than {len(data):,} bytes; only that much "
                            "is read (see --max-doc-chars)", skipped=False)
            yield from _read_one("-", data, ".txt", report, max_doc_chars)
            continue
        path = Path(raw)
        if path.is_dir():
            files = sorted(
                p for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in KNOWN_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            for folder in excluded:
                kept = [p for p in files if not p.resolve().is_relative_to(folder)]
                if len(kept) < len(files):
                    report.warn(str(folder), f"the output folder is inside the input folder {path}; "
                                "its files are not read as articles", skipped=False)
                files = kept
            if not files:
                report.warn(str(path), "no readable articles in this folder "
                            f"(looked for {', '.join(sorted(KNOWN_SUFFIXES))})")
            for file in files:
                yield from _read_file(file, report, max_doc_chars)
        elif path.is_file():
            yield from _read_file(path, report, max_doc_chars)
        elif path.exists():
            report.warn(str(path), "not a regular file or folder")
        else:
            report.warn(str(path), "no such file or folder")


def _byte_cap(max_doc_chars: int) -> int:
    # a character is at most 4 bytes of UTF-8
    return max_doc_chars * 4 + 4


def _read_file(path: Path, report: IngestReport, max_doc_chars: int) -> Iterator[Document]:
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        # many documents: read line by line, each line capped, so memory follows one record
        yield from _read_jsonl_file(path, report, max_doc_chars)
        return
    try:
        with open(path, "rb") as fh:
            data = fh.read(_byte_cap(max_doc_chars))
    except OSError as exc:
        report.warn(str(path), f"cannot read: {exc.strerror or exc}")
        return
    yield from _read_one(str(path), data, suffix, report, max_doc_chars)


#: room for a record's other fields (title, url, ...) on top of its text
_RECORD_EXTRA = 1 << 16


def _read_jsonl_file(path: Path, report: IngestReport, max_doc_chars: int) -> Iterator[Document]:
    """The documents of a JSONL file, one line at a time; a line over the cap is skipped, with a warning."""
    where = str(path)
    # \u escapes take 6 bytes a character: the cap on a line is in bytes of JSON
    cap = max_doc_chars * 6 + _RECORD_EXTRA
    try:
        fh = open(path, "rb")
    except OSError as exc:
        report.warn(where, f"cannot read: {exc.strerror or exc}")
        return
    with fh:
        try:
            head = fh.peek(8192)[:8192] if hasattr(fh, "peek") else b""
            if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or head.startswith(
                    (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
                # wide encodings cannot be split at b"\n"; such feeds are rare and small
                data = fh.read(cap * 4)
                yield from _read_one(where, data, ".jsonl", report, max_doc_chars)
                return
            if b"\x00" in head:
                report.warn(where, "binary file (contains NUL bytes), not text")
                return
            good = 0
            for number, line in _capped_lines(fh, cap):
                here = f"{where}:{number}"
                if line is None:
                    report.warn(here, f"record longer than {cap:,} bytes; skipped (see --max-doc-chars)")
                    continue
                if number == 1 and line.startswith(codecs.BOM_UTF8):
                    line = line[len(codecs.BOM_UTF8):]
                try:
                    text = line.decode("utf-8")
                except UnicodeDecodeError as exc:
                    report.warn(here, f"not valid UTF-8 (byte 0x{line[exc.start]:02x} at column {exc.start + 1})")
                    continue
                for doc in _read_jsonl(where, text, report, max_doc_chars, first_line=number,
                                       summary=False):
                    good += 1
                    yield doc
        except OSError as exc:
            report.warn(where, f"cannot read: {exc.strerror or exc}")
            return
    if not good and not any(w.startswith(f"{where}:") for w in report.warnings):
        report.warn(where, "no articles in this JSONL file")


def _capped_lines(fh, cap: int) -> Iterator[tuple[int, bytes | None]]:
    """(number, line) for each b"\\n"-ended line of ``fh``; None for a line over ``cap`` bytes (not kept)."""
    number = 0
    while True:
        line = fh.readline(cap + 1)
        if not line:
            return
        number += 1
        if len(line) > cap and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):  # the rest of the long line, dropped as read
                line = fh.readline(1 << 20)
            yield number, None
            continue
        yield number, line.rstrip(b"\n")


def _read_one(where: str, data: bytes, suffix: str, report: IngestReport,
              max_doc_chars: int) -> Iterator[Document]:
    text = _decode(where, data, report)
    if text is None:
        return
    if suffix in JSONL_SUFFIXES:
        yield from _read_jsonl(where, text, report, max_doc_chars)
        return
    if suffix in HTML_SUFFIXES:
        doc = _read_html(where, text, report)
    elif suffix in MARKDOWN_SUFFIXES:
        doc = _read_markdown(where, text)
    else:
        doc = _read_text(where, text)
    if doc is not None:
        doc = _finish(where, doc, report, max_doc_chars)
    if doc is not None:
        report.read += 1
        yield doc


def _decode(where: str, data: bytes, report: IngestReport) -> str | None:
    """Bytes to text: UTF-8 (with or without BOM) or BOM-marked UTF-16/32; else a warning."""
    for bom, encoding in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                          (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                report.warn(where, f"not valid {encoding.upper()} ({exc.reason} at byte {exc.start})")
                return None
    if b"\x00" in data[:8192]:
        report.warn(where, "binary file (contains NUL bytes), not text")
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        # a read capped at the size limit may cut a multi-byte character: not the file's fault
        if exc.start >= len(data) - 3 and exc.reason == "unexpected end of data":
            text = data[: exc.start].decode("utf-8")
        else:
            report.warn(where, f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})")
            return None
    controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\t\n\r\f")
    if controls > 0.05 * min(len(text), 8192):
        report.warn(where, "binary file (mostly control characters), not text")
        return None
    return text


def _split_date_line(text: str) -> tuple[str | None, str]:
    match = _DATE_LINE.match(text)
    if match:
        return match.group(1), text[match.end():]
    return None, text


#: what can open an article without being its headline: an editor's note in brackets (over
#: several lines too), or a line of page furniture
_NOT_HEADLINE = (
    re.compile(r"\A\[[^\[\]]{0,2000}\][ \t]*(?:\r?\n|\Z)"),
    re.compile(r"\A(?:advertisement|skip to (?:main )?content|share(?: this)?(?: article| story)?|"
               r"subscribe\b[^\n]*|sign (?:in|up)\b[^\n]*|menu|print|e-?mail|listen to (?:this )?article[^\n]*|"
               r"\d+ min(?:ute)?s? read)[ \t]*(?:\r?\n|\Z)", re.IGNORECASE),
)


def _headline(text: str) -> str | None:
    """The first line when it reads as a headline: short, alone, not a full sentence.

    Editor's notes in brackets and page furniture before it are passed over, never taken.

    >>> _headline("[Editor's note, May 2025: Arden Bio is now Arden Therapeutics.]\\n\\nCalloway buys Arden\\n\\nText.")
    'Calloway buys Arden'
    >>> _headline("[Editor's note: this story was corrected.]\\n\\nCalloway Pharma bought Arden Bio on Monday.") is None
    True
    """
    text = text.lstrip()
    for _ in range(8):
        match = next((m for m in (p.match(text) for p in _NOT_HEADLINE) if m), None)
        if match is None:
            break
        text = text[match.end():].lstrip()
    first, _, rest = text.partition("\n")
    first = first.strip()
    if first and len(first) <= 200 and not first.endswith((".", ":", ";")) and (
            not rest or rest.startswith(("\n", "\r\n"))):
        return first.lstrip("#").strip() or None
    return None


def _read_text(where: str, text: str) -> Document:
    date, body = _split_date_line(text)
    return Document(id="", text=body, title=_headline(body), date=date, path=where)


def _read_markdown(where: str, text: str) -> Document:
    meta: dict = {}
    match = _FRONT_MATTER.match(text)
    if match and len(match.group(1)) <= MAX_FRONT_MATTER_CHARS:
        try:
            loaded = _load_yaml(match.group(1))
        except ValueError:
            loaded = None
        if isinstance(loaded, dict):
            # scalars only: str() of an alias-built list ("billion laughs") would take all memory
            meta = {k: v for k, v in loaded.items() if isinstance(v, (str, int, float, dt.date))}
            text = text[match.end():]
    date, text = _split_date_line(text)
    if date is None and "date" not in meta:
        line = _MD_DATE_LINE.search(text[:2000])
        if line:
            date = line.group(1)
            text = text[: line.start()] + text[line.end():]
    body = _markdown_to_text(text)
    title = meta.get("title") or _headline(body)
    return Document(
        id=str(meta["id"]) if meta.get("id") else "", text=body,
        title=str(title) if title else None,
        date=str(meta.get("date") or date) if (meta.get("date") or date) else None,
        url=str(meta["url"]) if meta.get("url") else None,
        source=str(meta["source"]) if meta.get("source") else None, path=where,
    )


def _load_yaml(source: str):
    import yaml

    try:
        return yaml.safe_load(source)
    except (yaml.YAMLError, RecursionError) as exc:  # RecursionError: "[[[[..." nested too deep
        raise ValueError(str(exc)) from exc


# bounded spans: unbounded ones made every "[" or "*" scan to the end of the line, so 60 KB
# of "*a " took 14 s (quadratic); no real link text or emphasis is that long
_MD_LINK = re.compile(r"!?\[([^\]]{0,300})\]\([^)]{0,2000}\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|_)(?=\S)(.{1,300}?)(?<=\S)\1")


def _markdown_to_text(text: str) -> str:
    """Markdown to plain prose: headings, emphasis, links and list markers removed."""
    lines = []
    for line in text.splitlines():
        line = re.sub(r"^\s{0,3}#{1,6}\s+", "", line)
        line = re.sub(r"^\s*(?:[-*+]|\d+\.)\s+", "", line)
        line = re.sub(r"^\s*>\s?", "", line)
        line = _MD_LINK.sub(r"\1", line)
        line = _MD_EMPHASIS.sub(r"\2", line)
        lines.append(line)
    return "\n".join(lines).strip("\n") + "\n"


def _read_html(where: str, text: str, report: IngestReport) -> Document | None:
    import trafilatura

    try:
        result = trafilatura.bare_extraction(
            text, with_metadata=True, include_comments=False, include_tables=False,
            date_extraction_params={"extensive_search": True, "original_date": True},
        )
    except Exception as exc:  # trafilatura/lxml raise many kinds on broken markup
        report.warn(where, f"cannot parse HTML ({type(exc).__name__})")
        return None
    if result is None or not (result.text or "").strip():
        report.warn(where, "no article text found in the HTML")
        return None
    body = result.text
    # trafilatura keeps the headline as the first line when it is in the article body
    title = result.title
    if title and not body.lstrip().startswith(title):
        body = f"{title}\n\n{body}"
    return Document(id="", text=body, title=title, date=result.date, url=result.url,
                    source=result.sitename, path=where)


def _read_jsonl(where: str, text: str, report: IngestReport, max_doc_chars: int, *,
                first_line: int = 1, summary: bool = True) -> Iterator[Document]:
    good = 0
    # only "\n" ends a record: str.splitlines would also cut at U+2028, U+0085 and \x1c,
    # which JSON allows raw inside strings, and lose the article
    for number, line in enumerate(text.split("\n"), first_line):
        if not line.strip():
            continue
        here = f"{where}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            report.warn(here, f"invalid JSON ({exc.msg} at column {exc.colno})")
            continue
        except RecursionError:
            report.warn(here, "invalid JSON (nested too deeply)")
            continue
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            report.warn(here, 'expected a JSON object with a string "text" field')
            continue
        record = {k: record.get(k) for k in ("text", "id", "title", "date", "url", "source")}
        if any(isinstance(v, str) and _LONE_SURROGATE.search(v) for v in record.values()):
            # JSON may escape half a surrogate pair ("\ud800"), which no UTF-8 text can hold
            report.warn(here, "lone surrogate escapes replaced by U+FFFD", skipped=False)
            record = {k: _LONE_SURROGATE.sub("\ufffd", v) if isinstance(v, str) else v
                      for k, v in record.items()}
        date, body = _split_date_line(record["text"])
        meta = record
        doc = Document(
            id=str(meta["id"]) if meta["id"] not in (None, "") else "",
            text=body,
            title=str(meta["title"]) if meta["title"] else _headline(body),
            date=str(meta["date"]) if meta["date"] else date,
            url=str(meta["url"]) if meta["url"] else None,
            source=str(meta["source"]) if meta["source"] else None, path=here,
        )
        doc = _finish(here, doc, report, max_doc_chars)
        if doc is not None:
            good += 1
            report.read += 1
            yield doc
    if summary and not good and not any(w.startswith(f"{where}:") for w in report.warnings):
        report.warn(where, "no articles in this JSONL file")


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _finish(where: str, doc: Document, report: IngestReport, max_doc_chars: int
            ) -> Document | None:
    """Common last steps: size cap, empty check, normalised date, stable id."""
    text = doc.text.replace("\r\n", "\n").replace("\r", "\n")
    if len(text) > max_doc_chars:
        cut = text.rfind(" ", 0, max_doc_chars)
        cut = cut if cut > max_doc_chars // 2 else max_doc_chars
        report.warn(where, f"document longer than {max_doc_chars:,} characters; "
                    f"only the first {cut:,} are read (see --max-doc-chars)", skipped=False)
        text = text[:cut]
    if not text.strip():
        report.warn(where, "empty document (no text)")
        return None
    date = normalize_date(doc.date) if doc.date else None
    if date is None:
        date = _dateline_date(text)
    return Document(
        id=doc.id or document_id(text), text=text, title=_clean(doc.title), date=date,
        url=doc.url, source=_clean(doc.source), path=doc.path,
    )


def _dateline_date(text: str) -> str | None:
    """The date in the article's first lines ("SEOUL, Dec. 26, 2023 —"), if any."""
    match = _DATELINE_DATE.search(text[:600])
    return normalize_date(match.group(0)) if match else None


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(str(value).split())
    return value or None
