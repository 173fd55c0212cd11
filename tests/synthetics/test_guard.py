"""Guard rails: only the allowed hosts, never metadata or link-local addresses (also after a
redirect), popups closed."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest

from synthetics.browser import BrowserPool
from synthetics.guard import host_allowed, refused_address
from synthetics.runner import Runner
from tests.synthetics.checks import plan
from tests.synthetics.conftest import Loop
from tests.synthetics.shop import Shop


@pytest.mark.parametrize(("netloc", "allowed", "expected"), [
    ("shop.example", ("shop.example",), True),
    ("shop.example:8443", ("shop.example",), True),
    ("shop.example:8443", ("shop.example:443",), False),
    ("cdn.shop.example", ("*.shop.example",), True),
    ("evilshop.example", ("*.shop.example",), False),
    ("127.0.0.1:8080", ("127.0.0.1:8080",), True),
    ("127.0.0.1:8081", ("127.0.0.1:8080",), False),
    ("other.example", ("shop.example",), False),
])
def test_host_allow_list(netloc: str, allowed: tuple[str, ...], expected: bool) -> None:
    assert host_allowed(netloc, allowed) is expected


@pytest.mark.parametrize(("address", "refused"), [
    ("169.254.169.254", "cloud metadata address"),
    ("::ffff:169.254.169.254", "cloud metadata address"),
    ("fd00:ec2::254", "cloud metadata address"),
    ("169.254.10.1", "link-local address"),
    ("fe80::1", "link-local address"),
    ("127.0.0.1", None),
    ("93.184.216.34", None),
])
def test_refused_addresses(address: str, refused: str | None) -> None:
    assert refused_address(ipaddress.ip_address(address)) == refused


def test_redirect_to_metadata_address_is_refused(
        aloop: Loop, pool: BrowserPool, shop: Shop, artifacts: Path) -> None:
    check = {"name": "ssrf", "base_url": shop.url, "retries": 0,
             # Even an allow list naming the metadata address does not let it through.
             "allowed_hosts": [shop.host, "169.254.169.254"],
             "steps": [{"goto": "/redirect?to=http://169.254.169.254/latest/meta-data/"}]}
    result = aloop.run(Runner(pool, artifacts).run(plan(check)))
    assert result.status == "failed"
    assert "guard rails" in result.error and "cloud metadata" in result.error
    assert any("169.254.169.254" in r and "refused" in r for r in result.last.failed_requests)


def test_hosts_outside_the_allow_list_are_refused(
        aloop: Loop, pool: BrowserPool, shop: Shop, artifacts: Path) -> None:
    port = shop.host.split(":")[1]
    navigation = {"name": "elsewhere", "retries": 0, "allowed_hosts": [shop.host],
                  "steps": [{"goto": f"http://localhost:{port}/"}]}
    result = aloop.run(Runner(pool, artifacts).run(plan(navigation)))
    assert result.status == "failed"
    assert "not in the check's allowed hosts" in result.error
    # A disallowed sub-resource is refused and listed; the page itself still works.
    embedded = {"name": "embedded", "base_url": shop.url,
                "steps": [{"goto": "/external"}, {"assert_text": "External"}]}
    result = aloop.run(Runner(pool, artifacts).run(plan(embedded)))
    assert result.status == "passed", result.error
    assert any(f"localhost:{port}/x.png" in r and "refused" in r
               for r in result.last.failed_requests)


def test_popups_are_closed(aloop: Loop, pool: BrowserPool, shop: Shop, artifacts: Path) -> None:
    check = {"name": "popups", "base_url": shop.url,
             "steps": [{"goto": "/popup"}, {"click": "#next"}, {"assert_text": "Welcome"}]}
    result = aloop.run(Runner(pool, artifacts).run(plan(check)))
    assert result.status == "passed", result.error
    assert sum("popup closed" in e for e in result.last.console_errors) == 2


def test_websocket_to_a_disallowed_host_is_refused(
        aloop: Loop, pool: BrowserPool, shop: Shop, artifacts: Path, tmp_path: Path) -> None:
    flow = tmp_path / "socket_flow.py"
    flow.write_text(
        "async def flow(page, check):\n"
        "    await page.goto(check.url('/'))\n"
        "    closed = await page.evaluate('''() => new Promise(resolve => {\n"
        "        const ws = new WebSocket('ws://169.254.169.254/stream');\n"
        "        ws.onclose = (event) => resolve(event.code);\n"
        "    })''')\n"
        "    assert closed == 1008, closed\n"
    )
    result = aloop.run(Runner(pool, artifacts).run(plan(
        {"name": "socket", "flow": str(flow), "base_url": shop.url})))
    assert result.status == "passed", result.error
    assert any(r.startswith("ws://169.254.169.254/stream: refused") and "cloud metadata" in r
               for r in result.last.failed_requests)
