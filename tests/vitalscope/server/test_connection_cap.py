"""More connections than the cap against a real `vitalscope serve` with a low open-files limit:
the excess gets 503 at once, chDB keeps its handles (beacons still land), and the server
answers again once the flood is gone."""

from __future__ import annotations

import re
import selectors
import socket
import time
from pathlib import Path

import httpx

from tests.support.serve import ServeProcess
from tests.vitalscope.server.edge import send_beacon_and_wait_landed, write_config
from tests.vitalscope.server.rawhttp import WAIT_S, connect, drain

CAP = 50
NOFILE = 320  # the server process's RLIMIT_NOFILE: FLOOD alone would exhaust it
FLOOD = 400


def test_connections_over_the_cap_get_503_and_chdb_keeps_working(tmp_path: Path) -> None:
    config = write_config(tmp_path / "vitalscope.yaml", max_connections=CAP,
                          file_handle_reserve=128, header_timeout_s=60)
    server = ServeProcess(tmp_path / "data", extra_args=["--config", str(config)],
                          nofile=NOFILE).start(timeout=120)
    flood: list[socket.socket] = []
    try:
        assert re.search(rf"HTTP connection cap {CAP} \(http.max_connections {CAP}; "
                         rf"open-files limit {NOFILE}", server.logs()), server.logs()
        flood = [connect(server.port) for _ in range(FLOOD)]
        refused = 0
        with selectors.DefaultSelector() as waiting:
            for sock in flood:
                waiting.register(sock, selectors.EVENT_READ)
            deadline = time.monotonic() + WAIT_S
            while refused < FLOOD - CAP and time.monotonic() < deadline:
                for key, _ in waiting.select(0.5):
                    assert isinstance(key.fileobj, socket.socket)  # registered above
                    raw, closed = drain(key.fileobj)
                    assert closed and raw.startswith(b"HTTP/1.1 503 "), raw[:200]
                    assert b"\r\nretry-after: 1\r\n" in raw
                    assert b"too_many_connections" in raw
                    waiting.unregister(key.fileobj)
                    refused += 1
            assert refused == FLOOD - CAP
            # The admitted ones are open and owe nothing (their header deadline is a minute).
            assert waiting.select(0) == []
            assert len(waiting.get_map()) == CAP
    finally:
        for sock in flood:
            sock.close()
    try:
        deadline = time.monotonic() + WAIT_S
        while True:  # the admitted connections' handles come back as they close
            try:
                if httpx.get(server.url + "/healthz", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, server.logs()
            time.sleep(0.1)
        send_beacon_and_wait_landed(server)
    finally:
        assert server.stop() == 0
    logs = server.logs()
    assert "Too many open files" not in logs and "Traceback" not in logs, logs
    assert "connection cap 50 reached" in logs
