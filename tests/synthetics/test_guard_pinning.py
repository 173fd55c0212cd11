"""The browser connects only to hosts the guard checked on that same connection: a redirect
that answers differently the second time, and every kind of request a page, a worker or an
iframe can make, aimed at a canary the check does not allow (127.0.0.2 and another port of
127.0.0.1), reach nothing: the canary counts zero connections."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import struct
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import pytest

from synthetics.browser import BrowserPool
from synthetics.guard import Guard
from synthetics.policy import Policy, Refused
from synthetics.runner import Runner
from tests.synthetics.canary import Canary, Site
from tests.synthetics.checks import plan
from tests.synthetics.conftest import Loop
from vitalscope.netpolicy import Address


@pytest.fixture
def canary() -> Iterator[Canary]:
    server = Canary().start()
    yield server
    server.stop()


@pytest.fixture
def site(canary: Canary) -> Iterator[Site]:
    server = Site(canary).start()
    yield server
    server.stop()


def test_a_redirect_that_changes_its_answer_reaches_nothing_new(
        aloop: Loop, pool: BrowserPool, site: Site, canary: Canary, artifacts: Path) -> None:
    check = {"name": "fickle", "base_url": site.url, "retries": 0,
             "allowed_hosts": [site.host],
             "steps": [{"goto": "/start"}, {"assert_text": "Landing", "selector": "h1"},
                       {"goto": "/start"}, {"assert_text": "Landing", "selector": "h1"}]}
    result = aloop.run(Runner(pool, artifacts).run(plan(check)))
    assert site.fickle_visits == 2  # the second answer was given, to the browser only
    assert result.status == "failed" and result.last.failed_step == 3, result.error
    assert "guard rails" in result.error and canary.hosts[0] in result.error
    assert canary.total == 0


def test_nothing_a_page_makes_reaches_a_host_the_check_does_not_allow(
        aloop: Loop, pool: BrowserPool, site: Site, canary: Canary, artifacts: Path) -> None:
    check = {"name": "everything", "base_url": site.url, "retries": 0,
             "allowed_hosts": [site.host],
             "steps": [{"goto": "/everything"},
                       {"assert_text": "all attempted", "selector": "#done"}]}
    result = aloop.run(Runner(pool, artifacts).run(plan(check)))
    assert result.status == "passed", result.error
    assert (canary.connections, canary.datagrams) == (0, 0)
    refused = "\n".join(result.last.failed_requests)
    for path in ("/pixel.png", "/style.css", "/frame", "/fetch", "/xhr", "/script.js",
                 "/socket", "/worker-fetch", "/import.js"):
        assert f"{path}: refused" in refused, (path, refused)
    # Redirect hops and worker sockets are not routed: the tunnel refuses their connection.
    assert f"{canary.hosts[0]}: refused: host {canary.hosts[0]} is not in" in refused


def test_the_canary_counts_what_a_check_allows(
        aloop: Loop, pool: BrowserPool, site: Site, canary: Canary, artifacts: Path) -> None:
    """The control: with the canary allowed, the same page reaches it."""
    check = {"name": "everything", "base_url": site.url, "retries": 0,
             "allowed_hosts": [site.host, *canary.hosts],
             "steps": [{"goto": "/everything"},
                       {"assert_text": "all attempted", "selector": "#done"}]}
    result = aloop.run(Runner(pool, artifacts).run(plan(check)))
    assert result.status == "passed", result.error
    assert canary.connections >= 10
    assert canary.datagrams == 0  # WebRTC sends no UDP around the tunnel, allowed or not


def _lookups(answers: dict[str, list[list[str]]]
             ) -> tuple[list[str], Callable[[str], Awaitable[list[Address]]]]:
    """A name server whose answers change between lookups (DNS rebinding); the tests may not
    ask a real one for names outside this machine."""
    asked: list[str] = []

    async def lookup(host: str) -> list[Address]:
        asked.append(host)
        return [ipaddress.ip_address(a) for a in answers[host].pop(0)]

    return asked, lookup


def test_a_host_is_resolved_once_and_every_address_is_checked() -> None:
    asked, lookup = _lookups({
        "shop.example": [["192.0.2.10"], ["169.254.169.254"]],
        "mixed.example": [["192.0.2.11", "169.254.169.254"]],
        "home.example": [["127.0.0.1"]],
    })
    policy = Policy(("shop.example", "mixed.example", "home.example:8080", "localhost"),
                    lookup=lookup)

    async def scenario() -> None:
        first = await policy.addresses("shop.example", 443)
        again = await policy.addresses("shop.example", 80)  # the rebinding answer is not asked
        assert first == again == [ipaddress.ip_address("192.0.2.10")]
        with pytest.raises(Refused, match="cloud metadata"):
            await policy.addresses("mixed.example", 443)
        with pytest.raises(Refused, match="resolves to a loopback address"):
            await policy.addresses("home.example", 8080)
        with pytest.raises(Refused, match="not in the check's allowed hosts"):
            await policy.addresses("home.example", 8081)
        with pytest.raises(Refused, match="unspecified"):
            await policy.addresses("0.0.0.0", 80)

    asyncio.run(scenario())
    assert asked == ["shop.example", "mixed.example", "home.example"]


@pytest.mark.parametrize(("allowed", "url", "refused"), [
    (("127.0.0.1:8080",), "http://127.0.0.1:8080/", False),
    (("127.0.0.1:8080",), "http://127.0.0.1:8081/", True),
    (("127.0.0.1:8080",), "http://127.0.0.2:8080/", True),
    (("127.0.0.1",), "http://127.0.0.2:8080/", True),
    (("shop.example:443",), "https://shop.example/", False),
    (("shop.example:443",), "http://shop.example/", True),
    (("127.0.0.1:8080",), "ws://127.0.0.1:8080/socket", False),
    (("127.0.0.1:8080",), "file:///etc/passwd", True),
])
def test_urls_are_checked_with_their_port(allowed: tuple[str, ...], url: str,
                                          refused: bool) -> None:
    async def lookup(host: str) -> list[Address]:
        return [ipaddress.ip_address("192.0.2.10")]

    async def verdict() -> bool:
        try:
            await Policy(allowed, lookup=lookup).check_url(url)
        except Refused:
            return True
        return False

    assert asyncio.run(verdict()) is refused


def _socks(port: int, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"\x05\x01\x00")
        assert sock.recv(2) == b"\x05\x00"
        sock.sendall(request)
        return sock.recv(10)


def test_the_tunnel_connects_only_where_the_guard_allows(canary: Canary) -> None:
    allowed, forbidden = canary.hosts[1], canary.hosts[0]
    guard = Guard((allowed,))
    loop = Loop()
    try:
        proxy = loop.run(guard.start())["server"]
        port = int(proxy.rsplit(":", 1)[1])

        def connect(netloc: str, command: int = 1) -> int:
            host, target = netloc.split(":")
            name = host.encode()
            reply = _socks(port, bytes((5, command, 0, 3, len(name))) + name
                           + struct.pack("!H", int(target)))
            return reply[1]

        assert connect(forbidden) == 2  # not allowed by the rule set
        assert connect(allowed, command=2) == 7  # BIND: only CONNECT is offered
        assert connect(allowed, command=3) == 7  # UDP ASSOCIATE neither
        assert canary.total == 0
        assert connect(allowed) == 0
        assert any(forbidden in r for r in guard.refused)
    finally:
        loop.run(guard.close())
        loop.close()
    # The canary's thread counts a connection when it accepts it, which can come after the
    # SOCKS reply (the kernel completes the handshake from the listen backlog).
    deadline = time.monotonic() + 5
    while canary.connections < 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert canary.connections == 1
