"""Reading every input kind, and every kind of bad input, into Documents."""
from __future__ import annotations

import io
import json

import pytest

from newsgraph.extract.ingest import IngestReport, document_id, iter_documents


def read(paths, **kw):
    report = IngestReport()
    docs = list(iter_documents([str(p) for p in paths], report=report, **kw))
    return docs, report


def test_txt_with_date_line_keeps_date_as_metadata(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("date 2026-03-05\nRoche is pouring money into Korea.\n", encoding="utf-8")
    (doc,), report = read([f])
    assert doc.date == "2026-03-05"
    assert doc.text == "Roche is pouring money into Korea.\n"
    assert "date" not in doc.text
    assert report.read == 1 and report.warnings == []


def test_txt_headline_becomes_title_and_dateline_gives_date(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("Merck licenses a drug\n\nRAHWAY, N.J., Tuesday, March 25, 2025 — Merck & Co. has licensed it.\n",
                 encoding="utf-8")
    (doc,), _ = read([f])
    assert doc.title == "Merck licenses a drug"
    assert doc.date == "2025-03-25"


def test_markdown_front_matter(tmp_path):
    f = tmp_path / "a.md"
    f.write_text("---\ntitle: GSK buys IDRx\ndate: 2025-01-13\nurl: https://example.org/a\n---\n"
                 "**LONDON** — GSK plc said it will acquire [IDRx](https://idrx.example).\n", encoding="utf-8")
    (doc,), _ = read([f])
    assert (doc.title, doc.date, doc.url) == ("GSK buys IDRx", "2025-01-13", "https://example.org/a")
    assert doc.text.startswith("LONDON — GSK plc said it will acquire IDRx.")


def test_markdown_date_line(tmp_path):
    f = tmp_path / "a.md"
    f.write_text("# GSK agrees to buy IDRx\n\ndate: 2025-01-13\n\nGSK plc said on Monday it will buy IDRx.\n",
                 encoding="utf-8")
    (doc,), _ = read([f])
    assert doc.date == "2025-01-13"
    assert doc.title == "GSK agrees to buy IDRx"
    assert "date:" not in doc.text


def test_html_main_text_without_navigation(tmp_path):
    nav = "".join(f"<li><a href='/{i}'>Menu item {i}</a></li>" for i in range(12))
    para = ("Sanofi has agreed to acquire Blueprint Medicines, a Cambridge, Massachusetts-based biotech, "
            "in a transaction valued at up to $9.5 billion, the two companies announced on Monday. ")
    f = tmp_path / "a.html"
    f.write_text(f"<html><head><title>Sanofi to acquire Blueprint</title>"
                 f"<meta property='article:published_time' content='2025-06-02'></head><body>"
                 f"<nav><ul>{nav}</ul></nav><article><h1>Sanofi to acquire Blueprint</h1>"
                 f"<p>{para}</p><p>{para}</p></article>"
                 f"<footer>Copyright Example Media. All rights reserved. Cookie settings</footer></body></html>",
                 encoding="utf-8")
    (doc,), report = read([f])
    assert doc.title == "Sanofi to acquire Blueprint"
    assert doc.date == "2025-06-02"
    assert "Sanofi has agreed to acquire Blueprint Medicines" in doc.text
    assert "Menu item" not in doc.text and "Cookie settings" not in doc.text


def test_jsonl_records_and_broken_lines(tmp_path):
    f = tmp_path / "feed.jsonl"
    f.write_text("\n".join([
        json.dumps({"id": "a1", "text": "Roche buys Genentech.", "title": "T", "date": "2025-01-02",
                    "url": "https://x.example/1", "source": "Wire"}),
        "{not json",
        json.dumps({"title": "no text"}),
        json.dumps({"text": "Lilly partners with ABL Bio."}),
    ]), encoding="utf-8")
    docs, report = read([f])
    assert [d.id for d in docs] == ["a1", document_id("Lilly partners with ABL Bio.")]
    assert (docs[0].title, docs[0].date, docs[0].url, docs[0].source) == ("T", "2025-01-02", "https://x.example/1", "Wire")
    assert report.read == 2 and report.skipped == 2
    assert report.warnings[0].startswith(f"{f}:2: invalid JSON")
    assert report.warnings[1] == f'{f}:3: expected a JSON object with a string "text" field'


def test_stdin():
    docs, _ = read(["-"], stdin=io.BytesIO(b"date 2025-05-01\nNovartis acquires Avidity.\n"))
    assert docs[0].path == "-" and docs[0].date == "2025-05-01"


def test_folder_is_read_recursively_in_sorted_order(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "two.txt").write_text("Second article.", encoding="utf-8")
    (tmp_path / "one.md").write_text("First article.", encoding="utf-8")
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    (tmp_path / ".hidden.txt").write_text("not read", encoding="utf-8")
    docs, report = read([tmp_path])
    assert [d.text.strip() for d in docs] == ["Second article.", "First article."]
    assert report.warnings == []


def test_same_content_same_id(tmp_path):
    (tmp_path / "a.txt").write_text("Same text.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Same text.", encoding="utf-8")
    (tmp_path / "c.txt").write_text("Other text.", encoding="utf-8")
    docs, _ = read([tmp_path])
    assert docs[0].id == docs[1].id != docs[2].id


def test_utf16_with_bom_is_read(tmp_path):
    f = tmp_path / "u16.txt"
    f.write_bytes("Roche invests in Korea.".encode("utf-16"))
    (doc,), _ = read([f])
    assert doc.text == "Roche invests in Korea."


@pytest.mark.parametrize("name, content, why", [
    ("binary.txt", bytes(range(256)) * 10, "binary file"),
    ("latin1.txt", "Caf\xe9 Roche".encode("latin-1"), "not valid UTF-8 (byte 0xe9 at offset 3)"),
    ("empty.txt", b"", "empty document"),
    ("blank.md", b"   \n\n  ", "empty document"),
    ("empty.jsonl", b"\n\n", "no articles in this JSONL file"),
])
def test_bad_files_are_one_line_warnings(tmp_path, name, content, why):
    bad = tmp_path / name
    bad.write_bytes(content)
    good = tmp_path / "good.txt"
    good.write_text("Roche invests in Korea.", encoding="utf-8")
    docs, report = read([bad, good])
    assert [d.text for d in docs] == ["Roche invests in Korea."]
    assert len(report.warnings) == 1 and report.skipped == 1
    assert report.warnings[0].startswith(f"{bad}: ") and why in report.warnings[0]
    assert "\n" not in report.warnings[0]


def test_missing_path_and_empty_folder(tmp_path):
    (tmp_path / "empty").mkdir()
    docs, report = read([tmp_path / "nope.txt", tmp_path / "empty"])
    assert docs == []
    assert report.warnings == [f"{tmp_path / 'nope.txt'}: no such file or folder",
                               f"{tmp_path / 'empty'}: no readable articles in this folder "
                               "(looked for .htm, .html, .jsonl, .markdown, .md, .ndjson, .text, .txt, .xhtml)"]


def test_huge_file_is_cut_to_the_limit_and_reported(tmp_path):
    f = tmp_path / "big.txt"
    sentence = "Roche said the quarterly results were in line with expectations. "
    with open(f, "w", encoding="utf-8") as fh:
        fh.write(sentence * (20_000_000 // len(sentence) + 1))
    assert f.stat().st_size >= 20_000_000
    (doc,), report = read([f], max_doc_chars=100_000)
    assert len(doc.text) <= 100_000
    assert report.skipped == 0
    assert report.warnings == [f"{f}: document longer than 100,000 characters; only the first "
                               f"{len(doc.text):,} are read (see --max-doc-chars)"]


@pytest.mark.parametrize("text, title", [
    ("[Editor's note, May 2025: Arden Bio has since been renamed Arden Therapeutics.]\n\n"
     "Calloway Pharma buys Arden Bio\n\nCalloway Pharma agreed to acquire Arden Bio on Monday.\n",
     "Calloway Pharma buys Arden Bio"),
    ("[Editor's note: an earlier version of this story\ngave the wrong price.]\n\n"
     "Calloway Pharma buys Arden Bio\n\nThe text.\n", "Calloway Pharma buys Arden Bio"),
    ("Advertisement\n\nSkip to main content\n\nCalloway Pharma buys Arden Bio\n\nThe text.\n",
     "Calloway Pharma buys Arden Bio"),
    # no headline after the note: no title, and never the note itself
    ("[Editor's note, May 2025: Arden Bio has since been renamed.]\n\n"
     "Calloway Pharma agreed to acquire Arden Bio on Monday.\n", None),
    ("[Editor's note, May 2025: Arden Bio has since been renamed.]\n", None),
])
def test_title_is_never_an_editors_note_or_page_furniture(tmp_path, text, title):
    f = tmp_path / "a.txt"
    f.write_text(text, encoding="utf-8")
    (doc,), _ = read([f])
    assert doc.title == title
    assert doc.text.startswith(text.lstrip()[:10])  # the note stays in the text
