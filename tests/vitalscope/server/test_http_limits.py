"""The HTTP edge of a real `vitalscope serve` against hostile clients on raw loopback sockets:
oversized headers, trickled headers and bodies, idle connections; the collector and the
dashboard keep answering and beacons keep landing in ClickHouse."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest

from tests.collector.beacons import beacon
from tests.support.serve import ServeProcess
from tests.vitalscope.server.edge import beacon_head, send_beacon_and_wait_landed, write_config
from tests.vitalscope.server.rawhttp import WAIT_S, connect, read_answer, read_answers, trickle

MAX_HEADER_BYTES = 16_384


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeProcess]:
    tmp = tmp_path_factory.mktemp("edge")
    config = write_config(tmp / "vitalscope.yaml", max_header_bytes=MAX_HEADER_BYTES,
                          header_timeout_s=1, body_timeout_s=1, keep_alive_timeout_s=1)
    process = ServeProcess(tmp / "data", extra_args=["--config", str(config)]).start(
        timeout=120)
    yield process
    assert process.stop() == 0
    logs = process.logs()
    assert "Traceback" not in logs and "Exception in ASGI" not in logs, logs


@pytest.mark.parametrize("shape", ["one huge header", "many headers"])
def test_a_mebibyte_of_headers_gets_431_and_beacons_keep_landing(
        server: ServeProcess, shape: str) -> None:
    if shape == "one huge header":
        headers = b"X-Big: " + b"a" * (1 << 20) + b"\r\n"
    else:
        headers = b"".join(b"X-H%d: %s\r\n" % (i, b"b" * 120) for i in range(8192))
    with connect(server.port) as sock:
        sock.sendall(beacon_head(2)[:-2] + headers + b"\r\n{}")
        answer = read_answer(sock, until_closed=True)
    assert answer is not None and answer.status == 431
    assert answer.json()["error"] == "headers_too_large"
    assert str(MAX_HEADER_BYTES) in answer.json()["message"]
    assert answer.closed
    send_beacon_and_wait_landed(server)


def test_oversized_headers_behind_a_pipelined_request_get_431(server: ServeProcess) -> None:
    small = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    big = (b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * (MAX_HEADER_BYTES * 2)
           + b"\r\n\r\n")
    with connect(server.port) as sock:
        sock.sendall(small + big)  # one read: the second request starts mid-read
        answers = read_answers(sock)
    assert [answer.status for answer in answers] == [200, 431]


def test_headers_under_the_cap_are_served(server: ServeProcess) -> None:
    cookie = "c=" + "x" * (MAX_HEADER_BYTES - 1024)
    answer = httpx.get(server.url + "/healthz", headers={"Cookie": cookie}, timeout=10)
    assert answer.status_code == 200


@pytest.mark.parametrize("path", ["/healthz", "/dashboard/", "/login"])
def test_trickled_headers_get_408_and_close(server: ServeProcess, path: str) -> None:
    request = (f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ").encode() + b"a" * 500
    with connect(server.port) as sock:
        outcome = trickle(sock, request)
    assert outcome.closed, f"still open after {outcome.sent} bytes"
    assert outcome.answer is not None and outcome.answer.status == 408
    assert outcome.answer.json()["error"] == "request_timeout"
    assert httpx.get(server.url + "/healthz", timeout=10).status_code == 200


def test_trickled_body_is_cut_by_the_body_timeout(server: ServeProcess) -> None:
    body = json.dumps(beacon()).encode()
    with connect(server.port) as sock:
        sock.sendall(beacon_head(len(body)))
        outcome = trickle(sock, body)
    assert outcome.closed, f"still open after {outcome.sent} of {len(body)} bytes"
    assert outcome.answer is not None and outcome.answer.status == 408
    assert "body" in outcome.answer.json()["message"]
    send_beacon_and_wait_landed(server)


def test_trickled_login_form_is_cut_on_the_dashboard(server: ServeProcess) -> None:
    form = b"token=" + b"t" * 400 + b"&next=%2Fdashboard%2F"
    head = (f"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(form)}\r\n\r\n").encode()
    with connect(server.port) as sock:
        sock.sendall(head)
        outcome = trickle(sock, form)
    assert outcome.closed and outcome.answer is not None and outcome.answer.status == 408


def test_idle_keep_alive_connections_are_closed(server: ServeProcess) -> None:
    with connect(server.port) as sock:
        sock.sendall(b"GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        answer = read_answer(sock, until_closed=True)  # polls until the server closes
    assert answer is not None and answer.status == 200 and answer.closed
    assert "connection" not in answer.headers  # kept alive, then closed for idleness


def test_a_connection_that_sends_nothing_is_closed_without_an_answer(
        server: ServeProcess) -> None:
    with connect(server.port) as sock:
        sock.settimeout(WAIT_S)
        assert sock.recv(1024) == b""
