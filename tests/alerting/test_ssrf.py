"""The SSRF guard: refused addresses are never connected to, at send time, whatever the
configuration said; explicitly allowed networks go through, by name or address."""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Callable, Iterator

import pytest

from alerting.delivery.ssrf import Guard, SSRFRefused
from alerting.engine import Evaluator
from alerting.notification import Notification
from tests.alerting.conftest import NOW, Receiver
from vitalscope.config.alerting import AlertingSettings


@pytest.mark.parametrize("address", [
    "127.0.0.1", "127.0.0.2", "::1", "10.1.2.3", "172.16.0.1", "192.168.1.1",
    "169.254.169.254", "169.254.1.1", "fe80::1", "100.64.0.1", "100.100.100.200",
    "224.0.0.1", "ff02::1", "0.0.0.0", "::", "fc00::1", "fd00:ec2::254",
    "::ffff:127.0.0.1", "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:7f00:1::1",
    "255.255.255.255", "198.18.0.1",
])
def test_refused_addresses(address: str) -> None:
    assert Guard([]).refused(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111"])
def test_public_addresses_pass(address: str) -> None:
    assert not Guard([]).refused(ipaddress.ip_address(address))


def test_allow_list_is_exact() -> None:
    guard = Guard(["127.0.0.1/32"])
    assert not guard.refused(ipaddress.ip_address("127.0.0.1"))
    assert guard.refused(ipaddress.ip_address("127.0.0.2"))
    # The IPv4-mapped form of an allowed address is another address: still refused.
    assert guard.refused(ipaddress.ip_address("::ffff:127.0.0.1"))
    with pytest.raises(SSRFRefused):
        Guard([]).resolve("localhost", 80)


@pytest.fixture
def canary() -> Iterator[tuple[str, list[int]]]:
    """A listener on 127.0.0.2 (loopback, not allowed) counting connections."""
    sock = socket.socket()
    sock.bind(("127.0.0.2", 0))
    sock.listen(8)
    sock.settimeout(0.1)
    connections: list[int] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except TimeoutError:
                continue
            connections.append(1)
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"127.0.0.2:{sock.getsockname()[1]}", connections
    stop.set()
    thread.join()
    sock.close()


def test_refused_targets_are_never_connected_to(
        canary: tuple[str, list[int]], receiver: Receiver,
        make_evaluator: Callable[[AlertingSettings], Evaluator]) -> None:
    address, connections = canary
    port = address.rsplit(":", 1)[1]
    # Config accepts these URLs: the check is made when connecting, on resolved addresses.
    settings = AlertingSettings.model_validate({
        "receivers": [
            {"name": "canary", "url": f"http://{address}/hook"},
            {"name": "mapped", "url": f"http://[::ffff:127.0.0.2]:{port}/hook"},
            {"name": "metadata", "url": "http://169.254.169.254/latest/meta-data/"},
            {"name": "allowed", "url": receiver.url + "/hook"},
        ],
        "allow_networks": ["127.0.0.1/32"]})
    evaluator = make_evaluator(settings)
    for receiver_config in settings.receivers:
        evaluator.pipeline.enqueue(Notification(receiver=receiver_config.name, group_key="g",
                                                group_labels={}, alerts=[], kind="test"), NOW)
    attempts = {a.receiver: a for a in evaluator.deliver_due(NOW)}
    assert {name: a.outcome for name, a in attempts.items()} == {
        "canary": "refused", "mapped": "refused",
        "metadata": "refused", "allowed": "delivered"}
    assert "allow_networks" in attempts["canary"].error
    assert connections == []
    assert len(receiver.requests()) == 1


def test_host_names_are_checked_when_connecting_and_pinned_to_the_checked_address(
        receiver: Receiver, make_evaluator: Callable[[AlertingSettings], Evaluator]) -> None:
    outcomes = []
    for allow in ([], ["127.0.0.0/8", "::1/128"]):
        settings = AlertingSettings.model_validate({
            "receivers": [{"name": "by-name", "url": f"http://localhost:{receiver.port}/x"}],
            "allow_networks": allow})
        evaluator = make_evaluator(settings)
        evaluator.pipeline.enqueue(Notification(receiver="by-name", group_key="g",
                                                group_labels={}, alerts=[], kind="test"), NOW)
        outcomes += [a.outcome for a in evaluator.deliver_due(NOW)]
    assert outcomes == ["refused", "delivered"]
    (request,) = receiver.requests()
    assert request["headers"]["Host"] == f"localhost:{receiver.port}"
