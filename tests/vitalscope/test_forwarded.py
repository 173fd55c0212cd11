"""One parser of forwarded client addresses: the app's proxy-headers layer, sign-in
throttling and the collector's rate-limit buckets name the same client for the same request."""

from __future__ import annotations

import asyncio
from ipaddress import ip_address, ip_network
from typing import Any

import pytest

from collector.client_identity import bucket_material
from vitalscope.auth.peer import client_address, is_https
from vitalscope.forwarded import LOOPBACK, ProxyHeaders, TrustedProxies

PROXIES = TrustedProxies((*LOOPBACK, ip_network("10.0.0.0/8")))


def _scope(peer: str, *headers: tuple[str, str]) -> dict[str, Any]:
    return {"type": "http", "scheme": "http", "client": (peer, 5000),
            "headers": [(k.encode(), v.encode("latin-1")) for k, v in headers]}


def _through_layer(scope: dict[str, Any]) -> dict[str, Any]:
    seen: dict[str, Any] = {}

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen.update(scope)

    async def nothing() -> Any:
        return {}

    async def ignore(message: Any) -> None:
        return None

    asyncio.run(ProxyHeaders(app, PROXIES)(scope, nothing, ignore))
    return seen


@pytest.mark.parametrize(("peer", "forwarded", "client"), [
    ("10.0.0.2", "198.51.100.7", "198.51.100.7"),
    ("10.0.0.2", "203.0.113.9, 198.51.100.7, 10.0.0.3", "198.51.100.7"),  # right-most untrusted
    ("10.0.0.2", "198.51.100.7:4711", "198.51.100.7"),
    ("10.0.0.2", "[2001:db8::1]:443", "2001:db8::1"),
    ("10.0.0.2", "::ffff:198.51.100.7", "198.51.100.7"),
    ("10.0.0.2", "198.51.100.7, unknown", "unknown"),  # not an address: a client wrote it
    ("198.51.100.9", "203.0.113.9", "198.51.100.9"),  # an untrusted peer is the client
])
def test_every_reader_names_the_same_client(peer: str, forwarded: str, client: str) -> None:
    scope = _scope(peer, ("x-forwarded-for", forwarded))
    assert client_address(scope, PROXIES) == client
    assert _through_layer(_scope(peer, ("x-forwarded-for", forwarded)))["client"][0] == client
    hop = PROXIES.client_hop(forwarded) if PROXIES.trusts_peer(peer) else None
    if hop is not None and hop.address is not None:
        assert bucket_material(hop.address) == bucket_material(ip_address(client))


def test_all_trusted_hops_and_empty_lists() -> None:
    hop = PROXIES.client_hop("10.0.0.5, 10.0.0.3")
    assert hop is not None and hop.trusted and hop.text == "10.0.0.5"
    assert PROXIES.client_hop(" , ") is None
    # Sign-in keeps the peer then; the layer takes the left-most, as uvicorn's did.
    scope = _scope("10.0.0.2", ("x-forwarded-for", "10.0.0.5, 10.0.0.3"))
    assert client_address(scope, PROXIES) == "10.0.0.2"
    assert _through_layer(scope)["client"] == ("10.0.0.5", 0)


def test_scheme_only_from_a_trusted_proxy() -> None:
    https = ("x-forwarded-proto", "https")
    assert _through_layer(_scope("10.0.0.2", https))["scheme"] == "https"
    assert _through_layer(_scope("198.51.100.9", https))["scheme"] == "http"
    assert _through_layer(_scope("10.0.0.2", ("x-forwarded-proto", "gopher")))["scheme"] == "http"
    assert is_https(_scope("10.0.0.2", https), "http://x", PROXIES)
    assert not is_https(_scope("198.51.100.9", https), "http://x", PROXIES)


def test_a_port_that_is_not_ascii_digits_is_no_port() -> None:
    scope = _scope("10.0.0.2", ("x-forwarded-for", "198.51.100.7:\u00b2"))
    assert _through_layer(scope)["client"] == ("198.51.100.7", 0)
