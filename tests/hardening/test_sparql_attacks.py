"""``newsgraph serve`` and ``newsgraph query`` as an attacker uses them: every attack here worked before.

A real server process on a loopback port; the SSRF target is a real loopback listener
that must receive nothing. Queries that would run for minutes, crash the engine or
take gigabytes are stopped, refused or cut, and the server goes on answering.
"""
from __future__ import annotations

import os
import re
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from hardening_support import assert_one_line_error, newsgraph_cmd
from newsgraph.exports import get_exporter

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from rdf_support import BASE, seeds_like_graph  # noqa: E402

NESTED = "SELECT * WHERE " + "{" * 2500 + " ?s ?p ?o " + "}" * 2500
# four-way cartesian product: 10^8 rows and more on the test graph, minutes of work
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
CARTESIAN = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"
ORIGIN = "https://allowed.example"


class Listener:
    """A loopback TCP listener that records every connection made to it."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.received: list[bytes] = []
        self.stop = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            conn.settimeout(1)
            try:
                self.received.append(conn.recv(65536) or b"(connected)")
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                             b"Content-Length: 52\r\n\r\n"
                             b'{"head":{"vars":["x"]},"results":{"bindings":[]}}  ')
            except OSError:
                self.received.append(b"(connected)")
            finally:
                conn.close()

    def close(self):
        self.stop = True
        self.thread.join(2)
        self.sock.close()


@pytest.fixture()
def listener():
    target = Listener()
    yield target
    target.close()


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    get_exporter("turtle").write(seeds_like_graph(), out / "graph.ttl", base_iri=BASE)
    return out


class Server:
    def __init__(self, out, *options):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "newsgraph.cli", "serve", str(out), "--port", "0", *options],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"})
        line = self.proc.stderr.readline()
        match = re.search(r"at (http://127\.0\.0\.1:(\d+)/sparql)", line)
        assert match, line
        self.url, self.port = match.group(1), int(match.group(2))

    def get(self, query, headers=None, method="GET", timeout=60):
        url = f"{self.url}?{urllib.parse.urlencode({'query': query})}"
        return _http(url, headers=headers, method=method, timeout=timeout)

    def stop(self) -> str:
        self.proc.terminate()
        try:
            _, err = self.proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, err = self.proc.communicate()
        return err

    def children(self) -> list[int]:
        found = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat") as fh:
                        fields = fh.read().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[1]) == self.proc.pid and fields[0] != "Z":
                    found.append(int(entry))
        return found


def _http(url, data=None, headers=None, method=None, timeout=60):
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read().decode("utf-8")


@pytest.fixture(scope="module")
def server(build):
    running = Server(build, "--timeout", "2", "--max-rows", "50", "--cors", ORIGIN)
    yield running
    running.stop()


SERVICE_QUERIES = [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:{port}/internal/admin> { ?s ?p ?o } }",
    "select * where { service silent <http://127.0.0.1:{port}/x> { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o .SERVICE<http://127.0.0.1:{port}/x>{ ?a ?b ?c } }",
    "SELECT * WHERE { ?s <http://x/#> ?o . SERVICE <http://127.0.0.1:{port}/x> { ?a ?b ?c } }",
    "SELECT * WHERE { BIND(<http://127.0.0.1:{port}/x> AS ?e) SERVICE ?e { ?a ?b ?c } }",
    "SELECT * WHERE { # comment\n SeRvIcE <http://127.0.0.1:{port}/x> { ?a ?b ?c } }",
]


@pytest.mark.parametrize("template", SERVICE_QUERIES)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_service_clauses_are_refused_before_any_request(server, listener, template, method):
    query = template.replace("{port}", str(listener.port))
    if method == "GET":
        status, _, body = server.get(query)
    else:
        status, _, body = _http(server.url, data=query.encode(), method="POST",
                                headers={"Content-Type": "application/sparql-query"})
    assert status == 400, body
    assert body.count("\n") == 1 and "SERVICE" in body
    time.sleep(0.3)
    assert listener.received == []


def test_query_command_refuses_service_and_sends_nothing(build, listener):
    result = newsgraph_cmd("query", build, f"SELECT * {{ SERVICE <http://127.0.0.1:{listener.port}/> "
                           "{ ?s ?p ?o } }")
    assert_one_line_error(result, "SERVICE")
    time.sleep(0.3)
    assert listener.received == []


def test_names_that_only_look_like_service_still_work(server):
    status, _, body = server.get('SELECT ?service WHERE { ?service <http://x/service> "SERVICE" }',
                                 headers={"Accept": "text/csv"})
    assert status == 200 and body == "service\r\n"


def test_no_cross_origin_reads_unless_the_origin_is_allowed(server, build):
    status, headers, _ = server.get("ASK {}", headers={"Origin": "https://evil.example"})
    assert status == 200 and headers.get("Access-Control-Allow-Origin") is None
    status, headers, _ = server.get("ASK {}", headers={"Origin": ORIGIN})
    assert headers.get("Access-Control-Allow-Origin") == ORIGIN
    plain = Server(build)
    try:
        status, headers, _ = plain.get("ASK {}", headers={"Origin": "https://evil.example"})
        assert status == 200 and headers.get("Access-Control-Allow-Origin") is None
    finally:
        plain.stop()


def test_deeply_nested_query_is_refused_and_the_server_lives(server):
    assert len(NESTED) > 5000
    status, _, body = server.get(NESTED)
    assert status == 400 and "nested" in body, body
    for query in ["SELECT * { ?s ?p ?o FILTER(" + "!" * 100_000 + "?o) }",
                  "SELECT * { ?s ?p " + "[ <http://p> " * 3000 + "?o" + "]" * 3000 + " }"]:
        status, _, body = _http(server.url, data=query.encode(), method="POST",
                                headers={"Content-Type": "application/sparql-query"})
        assert status == 400, body
    assert server.get("ASK { ?s ?p ?o }")[0] == 200
    assert server.proc.poll() is None


def test_query_command_refuses_the_nested_query_in_one_line(build, tmp_path):
    (tmp_path / "nested.rq").write_text(NESTED)
    result = newsgraph_cmd("query", build, "--file", tmp_path / "nested.rq")
    assert result.returncode == 2
    assert_one_line_error(result, "nested")


def test_a_query_past_the_timeout_is_stopped_and_its_work_ends(server):
    began = time.monotonic()
    status, _, body = server.get(ENDLESS)
    took = time.monotonic() - began
    assert status == 503 and "longer than 2 s" in body, body
    assert took < 10
    time.sleep(0.5)
    assert server.children() == []  # the child doing the work is gone
    assert server.get("ASK { ?s ?p ?o }")[0] == 200


def test_clients_that_give_up_leave_no_work_running(server):
    for _ in range(4):
        with pytest.raises(OSError):
            server.get(ENDLESS, timeout=0.5)
    time.sleep(3)  # past --timeout 2
    assert server.children() == []


def test_query_command_timeout_stops_the_query(build):
    began = time.monotonic()
    result = newsgraph_cmd("query", build, ENDLESS, "--timeout", "1.5")
    assert time.monotonic() - began < 30
    assert_one_line_error(result, "longer than 1.5 s")


def test_results_are_cut_at_max_rows_and_say_so(server):
    status, headers, body = server.get(CARTESIAN, headers={"Accept": "text/csv"})
    assert status == 200
    assert len(body.splitlines()) == 51
    assert headers["Newsgraph-Rows"] == "50"
    assert "cut at 50 rows" in headers["Newsgraph-Cut"]
    status, headers, body = server.get("SELECT * WHERE { ?s ?p ?o } LIMIT 3",
                                       headers={"Accept": "text/csv"})
    assert len(body.splitlines()) == 4 and "Newsgraph-Cut" not in headers
    status, headers, body = server.get("CONSTRUCT { ?a ?b ?c } WHERE { ?a ?b ?c . ?d ?e ?f }",
                                       headers={"Accept": "application/n-triples"})
    assert status == 200 and len(body.splitlines()) <= 50 and "Newsgraph-Cut" in headers


def test_query_command_cuts_at_max_rows_with_a_warning(build):
    result = newsgraph_cmd("query", build, CARTESIAN, "--format", "csv", "--max-rows", "7")
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 8
    assert "results cut at 7 rows" in result.stderr
    table = newsgraph_cmd("query", build, CARTESIAN, "--max-rows", "5")
    assert table.stdout.rstrip().endswith("(5 rows)") and "cut at 5 rows" in table.stderr


def test_negative_content_length_is_refused(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(b"POST /sparql HTTP/1.0\r\nContent-Type: application/sparql-query\r\n"
                     b"Content-Length: -1\r\n\r\n" + b"A" * 100_000)
        answer = sock.recv(65536).decode("latin-1")
    assert answer.startswith("HTTP/1.0 400")


def test_head_and_options_are_answered(server):
    status, headers, body = server.get("ASK { ?s ?p ?o }", method="HEAD")
    assert status == 200 and body == "" and int(headers["Content-Length"]) > 0
    status, headers, _ = _http(server.url, method="OPTIONS", headers={"Origin": ORIGIN})
    assert status == 204 and "POST" in headers["Allow"]
    assert headers["Access-Control-Allow-Origin"] == ORIGIN


def test_clients_hanging_up_leave_no_tracebacks_in_the_log(build):
    running = Server(build)
    try:
        request = (f"GET /sparql?{urllib.parse.urlencode({'query': CARTESIAN})} HTTP/1.0\r\n"
                   "Accept: text/csv\r\n\r\n").encode()
        for _ in range(5):
            sock = socket.create_connection(("127.0.0.1", running.port), timeout=10)
            sock.sendall(request)
            # close at once with a reset: the server's answer meets a dead socket
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.close()
        time.sleep(2)
        assert running.get("ASK { ?s ?p ?o }")[0] == 200
    finally:
        log = running.stop()
    assert "Traceback" not in log and "BrokenPipe" not in log and "ConnectionReset" not in log, log
