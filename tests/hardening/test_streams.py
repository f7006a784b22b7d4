"""JSONL feeds and standard input are read a record at a time: memory follows one record, not the file.

Before the fix a JSONL file and standard input were read whole: 300 MB of JSONL peaked
at 1.13 GB, and ``newsgraph build - < /dev/zero`` ended in a ``MemoryError`` traceback
with the other inputs lost.
"""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from hardening_support import newsgraph_cmd

#: a child that reads a JSONL file through ``iter_documents`` and prints its peak memory.
#: The peak is the child's own VmHWM: ``ru_maxrss`` survives fork and exec on Linux, so
#: under a pytest that has loaded the spaCy model it reports the parent's peak instead.
PEAK = textwrap.dedent("""
    import sys
    from newsgraph.extract.ingest import IngestReport, iter_documents
    report = IngestReport()
    docs = list(iter_documents(sys.argv[1:], report=report))
    with open("/proc/self/status") as status:
        hwm = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    print(len(docs), hwm // 1024)
    for warning in report.warnings:
        print(warning)
""")


def test_a_huge_jsonl_record_is_skipped_in_little_memory(tmp_path):
    feed = tmp_path / "feed.jsonl"
    good = json.dumps({"id": "a1", "text": "Eli Lilly partners with ABL Bio in a $2.6 billion deal."})
    with open(feed, "w") as fh:
        fh.write(good + "\n")
        fh.write('{"id": "huge", "text": "' + "x" * (1 << 20))
        for _ in range(199):  # 200 MB on one line
            fh.write("y" * (1 << 20))
        fh.write('"}\n')
        fh.write(json.dumps({"id": "a2", "text": "GSK partners with Alteogen."}) + "\n")
    done = subprocess.run([sys.executable, "-c", PEAK, str(feed)], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    count, peak_mb = map(int, lines[0].split())
    assert count == 2
    assert peak_mb < 150, f"peak {peak_mb} MB for a 200 MB line"
    assert any(w.startswith(f"{feed}:2: record longer than") for w in lines[1:]), lines


def test_many_jsonl_records_need_memory_for_one_at_a_time(tmp_path):
    feed = tmp_path / "many.jsonl"
    record = {"text": "bad record " + "z" * 10_000}  # no "text" string problem: each one is read
    with open(feed, "w") as fh:
        for i in range(12_000):  # 120 MB
            fh.write(json.dumps({"id": f"r{i}", "title": 5, "text": 7, "pad": record["text"]}) + "\n")
    done = subprocess.run([sys.executable, "-c", PEAK, str(feed)], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    count, peak_mb = map(int, done.stdout.splitlines()[0].split())
    assert count == 0 and peak_mb < 120, peak_mb


def test_endless_standard_input_is_capped_and_other_inputs_still_go_through(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("Eli Lilly partners with ABL Bio in a $2.6 billion deal.\n")
    with open("/dev/zero", "rb") as zero:
        result = newsgraph_cmd("build", "-", good, "-o", tmp_path / "out", stdin=zero, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "MemoryError" not in result.stderr
    assert "newsgraph: warning: -: " in result.stderr
    graph = json.loads((tmp_path / "out" / "graph.json").read_text())
    assert len([n for n in graph["nodes"]]) >= 2


def test_one_id_with_two_texts_gets_the_right_warning(tmp_path, extractor):
    from newsgraph.pipeline import BuildReport, build

    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"id": "same", "text": "Eli Lilly partners with ABL Bio."}) + "\n"
                    + json.dumps({"id": "same", "text": "GSK partners with Alteogen."}) + "\n"
                    + json.dumps({"id": "same", "text": "Eli Lilly partners with ABL Bio."}) + "\n")
    report = BuildReport()
    build([feed], extractor=extractor, report=report)
    assert report.ingest.warnings == [
        f"{feed}:2: id 'same' is already used by {feed}:1 for a different text; this article is "
        "skipped (give each article its own id)",
        f"{feed}:3: same content as {feed}:1; read once"]


def test_a_lone_surrogate_escape_in_jsonl_is_replaced_not_fatal(tmp_path):
    # "\ud800" is valid JSON but no UTF-8 text: on the landed main it ended the whole build
    # with a UnicodeEncodeError, the other inputs lost (found by tests/hardening/test_sweep.py)
    from newsgraph.extract.ingest import IngestReport, iter_documents

    feed = tmp_path / "feed.jsonl"
    feed.write_text('{"text": "Calloway Pharma \\ud800 acquires Arden Bio.", "title": "\\udfff"}\n'
                    '{"text": "Dorrin Labs partners with Efram Bio."}\n', encoding="utf-8")
    report = IngestReport()
    docs = list(iter_documents([feed], report=report))
    assert [d.text for d in docs] == ["Calloway Pharma \ufffd acquires Arden Bio.",
                                      "Dorrin Labs partners with Efram Bio."]
    assert docs[0].title == "\ufffd" and docs[0].id.startswith("doc-")
    assert report.warnings == [f"{feed}:1: lone surrogate escapes replaced by U+FFFD"]
