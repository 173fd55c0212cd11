"""One outbound-address policy for webhooks and synthetics: what it never lets out cannot be
opened by either feature's allow list, and internal addresses need that allow list."""

from __future__ import annotations

import asyncio
import ipaddress

import pytest

from alerting.delivery.ssrf import Guard
from synthetics.policy import Policy, Refused
from vitalscope.netpolicy import Address, is_internal, never_reason

NEVER = ["169.254.169.254", "169.254.170.2", "100.100.100.200", "192.0.0.192",
         "fd00:ec2::254", "::ffff:169.254.169.254", "169.254.1.1", "fe80::1", "0.0.0.0", "::",
         "224.0.0.1", "ff02::1", "::ffff:8.8.8.8", "64:ff9b::a9fe:a9fe", "2002:a9fe:a9fe::1",
         "2001::1"]
INTERNAL = ["127.0.0.1", "::1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "100.64.0.1",
            "fc00::1", "198.18.0.1", "255.255.255.255"]


def _refused_by_a_check(address: str) -> str | None:
    """What a synthetic check allowed to reach `address` (by a name resolving to it) gets."""
    async def lookup(host: str) -> list[Address]:
        return [ipaddress.ip_address(address)]

    async def verdict() -> str | None:
        try:
            await Policy(("site.example",), lookup=lookup).check_url("http://site.example/")
        except Refused as exc:
            return str(exc)
        return None

    return asyncio.run(verdict())


@pytest.mark.parametrize("address", NEVER)
def test_never_is_opened_by_any_allow_list(address: str) -> None:
    ip = ipaddress.ip_address(address)
    assert never_reason(ip) is not None
    everything = Guard(["0.0.0.0/0", "::/0"])
    assert everything.refused(ip)
    assert "never allowed" in (everything.reason(ip) or "")
    assert _refused_by_a_check(address) is not None


@pytest.mark.parametrize("address", INTERNAL)
def test_internal_addresses_need_the_allow_list(address: str) -> None:
    ip = ipaddress.ip_address(address)
    assert never_reason(ip) is None and is_internal(ip)
    assert Guard([]).refused(ip)
    assert not Guard(["0.0.0.0/0", "::/0"]).refused(ip)


def test_a_public_address_passes_both() -> None:
    ip = ipaddress.ip_address("93.184.216.34")
    assert never_reason(ip) is None and not is_internal(ip)
    assert not Guard([]).refused(ip)
    assert _refused_by_a_check("93.184.216.34") is None
