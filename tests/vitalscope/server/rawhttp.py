"""Hostile HTTP/1.1 clients on raw sockets: what a browser or httpx would never send."""

from __future__ import annotations

import json
import socket
import time
from dataclasses import dataclass
from typing import Any

WAIT_S = 20.0  # upper bound of any wait: far above the 1 s limits the tests set


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    closed: bool = False  # the server closed the connection after it

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Outcome:
    """How a connection ended: an answer (maybe none) and whether the server closed it."""

    answer: Answer | None
    closed: bool
    sent: int = 0


def connect(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=WAIT_S)
    return sock


def _parse_one(raw: bytes) -> tuple[Answer | None, bytes]:
    head, sep, rest = raw.partition(b"\r\n\r\n")
    if not sep:
        return None, raw
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    if len(rest) < length:
        return None, raw
    return Answer(int(lines[0].split()[1]), headers, rest[:length]), rest[length:]


def _parse(raw: bytes) -> Answer | None:
    return _parse_one(raw)[0]


def read_answers(sock: socket.socket) -> list[Answer]:
    """Every response until the server closes (pipelined requests)."""
    raw, closed = drain(sock)
    assert closed, f"still open after {WAIT_S} s"
    answers = []
    while raw:
        answer, raw = _parse_one(raw)
        assert answer is not None, raw[:200]
        answers.append(answer)
    return answers


def read_answer(sock: socket.socket, until_closed: bool = False) -> Answer | None:
    """One response (None if the server closed first); with until_closed, also waits for
    the server to close (polled, bounded by WAIT_S)."""
    sock.settimeout(WAIT_S)
    raw = b""
    answer = None
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            chunk = b""
        if not chunk:
            if answer is not None:
                answer.closed = True
            return answer
        raw += chunk
        answer = answer or _parse(raw)
        if answer is not None and not until_closed:
            return answer
    raise AssertionError(f"no end of connection within {WAIT_S} s; read {raw[:200]!r}")


def trickle(sock: socket.socket, data: bytes, every_s: float = 0.2) -> Outcome:
    """Sends `data` a byte at a time until the server answers or closes; running out of
    data first ends with closed=False (the caller's assertion then fails)."""
    sock.settimeout(every_s)
    raw = b""
    sent = 0
    while sent < len(data):
        try:
            sock.send(data[sent:sent + 1])
        except OSError:  # the server closed: what it wrote may still be readable
            break
        sent += 1
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            continue
        except ConnectionResetError:
            return Outcome(_parse(raw), True, sent)
        if not chunk:
            return Outcome(_parse(raw), True, sent)
        raw += chunk
        break
    else:
        return Outcome(_parse(raw), False, sent)
    rest, closed = drain(sock)
    return Outcome(_parse(raw + rest), closed, sent)


def drain(sock: socket.socket) -> tuple[bytes, bool]:
    """What the server still sends, and whether it then closed (within WAIT_S)."""
    sock.settimeout(WAIT_S)
    raw = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            return raw, True
        except TimeoutError:
            return raw, False
        if not chunk:
            return raw, True
        raw += chunk
