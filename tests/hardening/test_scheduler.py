"""``--scheduler`` at something that is not a Dask scheduler: one line, in bounded time.

On the landed main a Redis-like port that answers made the client allocate what it read
as a frame length ("out of memory"), and a port that accepts and stays silent hung the
build for more than 400 s: distributed waits for the handshake with no deadline.
"""
from __future__ import annotations

import socket
import threading

import pytest

from hardening_support import ROOT, assert_one_line_error, newsgraph_cmd

pytest.importorskip("distributed", reason="needs newsgraph[dask]")
#: Dask's own connect timeout, shortened so the silent case ends quickly
FAST = {"DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "2s"}


class ForeignService:
    """A TCP listener on loopback that speaks another protocol: answers '-ERR', or never says a word."""

    def __init__(self, talks: bool):
        self.talks = talks
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._talk, args=(conn,), daemon=True).start()

    def _talk(self, conn):
        with conn:
            try:
                while data := conn.recv(4096):
                    if self.talks:
                        conn.sendall(b"-ERR unknown command\r\n" * (1 + len(data) // 64))
            except OSError:
                pass

    def close(self):
        self.sock.close()


@pytest.mark.slow
@pytest.mark.parametrize("talks, message", [
    (True, "is not a Dask scheduler (it did not answer Dask's handshake"),
    (False, "cannot reach the Dask scheduler at"),
])
def test_a_foreign_service_as_scheduler_is_one_line_in_bounded_time(tmp_path, talks, message):
    service = ForeignService(talks)
    try:
        address = f"tcp://127.0.0.1:{service.port}"
        # the subprocess timeout is the bound: the landed main was still waiting after 400 s
        result = newsgraph_cmd("build", ROOT / "seeds", "-o", tmp_path / "out", "--engine", "dask",
                               "--scheduler", address, env=FAST, timeout=120)
        assert_one_line_error(result, address, message)
        assert service.connections >= 1
        assert not (tmp_path / "out").exists()
    finally:
        service.close()


@pytest.mark.parametrize("address", ["notaurl", "tcp://[::1", "http://host:8786", "tcp://host"])
def test_a_malformed_scheduler_address_is_refused_before_anything_runs(tmp_path, address):
    result = newsgraph_cmd("build", tmp_path / "missing", "-o", tmp_path / "out", "--engine", "dask",
                           "--scheduler", address)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert f"Invalid value for '--scheduler': {address!r} is not a Dask scheduler address" in result.stderr
