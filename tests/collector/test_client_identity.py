"""The rate-limit client is who the trusted proxies say it is, not what the client writes:
X-Forwarded-For is read from the right and only from a trusted peer, IPv6 clients share a
bucket per /64, and what Redis keeps (keys, values, its append-only file) cannot be turned
back into an address. The country header counts only from a trusted proxy."""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from collections.abc import Iterator
from ipaddress import ip_address
from pathlib import Path

import httpx
import pytest
import redis
from clickhouse_connect.driver.client import Client

from collector.client_identity import DAY_S, DailySecret
from tests.collector.beacons import CHROME_UA, beacon
from tests.collector.conftest import KEY, ORIGIN, with_collector
from tests.collector.harness import InProcessCollector, collector_runtime
from tests.collector.queue import wait_drained
from tests.support.redis_replies import as_bytes, stream
from vitalscope.config import Settings
from vitalscope.forwarded import parse_address
from vitalscope.redisstore import keys
from vitalscope.redisstore.client import async_client, sync_client
from vitalscope.redisstore.embedded import EmbeddedRedis

# A refill of one request per 20 s: the counts of 429 below hold however slowly a loaded
# machine sends the 20 requests (at 1/s, a slow run refilled enough to pass them).
LIMIT = {"per_second": 0.05, "burst": 5}


def _post(client: httpx.Client, forwarded: str | None, **headers: str) -> int:
    sent = {"Origin": ORIGIN, "User-Agent": CHROME_UA, "Content-Type": "text/plain", **headers}
    if forwarded is not None:
        sent["X-Forwarded-For"] = forwarded
    return client.post(f"/v1/beacon?k={KEY}", content=json.dumps(beacon(n_timings=0)),
                       headers=sent).status_code


@pytest.fixture
def limited(settings: Settings, sites: Client, redis_client: redis.Redis,
            request: pytest.FixtureRequest) -> Iterator[httpx.Client]:
    """The collector with a small per-client limit; the test's parameter says which proxies
    it trusts (the test's requests come from 127.0.0.1)."""
    runtime = collector_runtime(with_collector(
        settings, client_rate_limit=LIMIT, trusted_proxies=request.param))
    with InProcessCollector(runtime) as server, httpx.Client(base_url=server.url) as client:
        yield client
    runtime.close()


@pytest.mark.parametrize("limited", [["127.0.0.1/32", "10.0.0.0/8"]], indirect=True)
def test_a_client_rotating_the_left_of_the_header_stays_in_its_bucket(
        limited: httpx.Client) -> None:
    # The client writes whatever it likes on the left; its proxy chain (127.0.0.1, then
    # 10.1.2.3) appends the address it really came from.
    answers = [_post(limited, f"192.0.2.{i}, 198.51.100.7, 10.1.2.3") for i in range(20)]
    assert answers[:5] == [204] * 5
    assert answers.count(429) >= 12
    # Another real client behind the same proxies has a bucket of its own.
    assert _post(limited, "192.0.2.1, 198.51.100.8, 10.1.2.3") == 204
    # A header without untrusted addresses: the left-most (nearest the client) is the client.
    assert _post(limited, "10.9.9.9") == 204


@pytest.mark.parametrize("limited", [[]], indirect=True)
def test_an_untrusted_peer_is_the_client_whatever_it_forwards(limited: httpx.Client) -> None:
    answers = [_post(limited, f"198.51.100.{i}, 203.0.113.{i}") for i in range(20)]
    assert answers[:5] == [204] * 5
    assert answers.count(429) >= 12


@pytest.mark.parametrize("limited", [["127.0.0.1/32"]], indirect=True)
def test_ipv6_clients_share_a_bucket_per_64(limited: httpx.Client) -> None:
    same_64 = [f"2001:db8:1:2:{i:x}::{i + 1:x}" for i in range(20)]
    answers = [_post(limited, address) for address in same_64]
    assert answers[:5] == [204] * 5
    assert answers.count(429) >= 12
    assert _post(limited, "2001:db8:1:3::1") == 204  # the next /64 is someone else
    # IPv4-mapped IPv6 is the IPv4 client.
    v4 = [_post(limited, "198.51.100.20") for _ in range(5)]
    assert v4 == [204] * 5
    assert _post(limited, "[::ffff:198.51.100.20]:4711") == 429


def test_addresses_as_proxies_write_them() -> None:
    assert parse_address(" 198.51.100.1:8080") == ip_address("198.51.100.1")
    assert parse_address("[2001:db8::1]:443") == ip_address("2001:db8::1")
    assert parse_address("::ffff:10.0.0.1") == ip_address("10.0.0.1")
    assert parse_address("unknown") is None and parse_address("") is None


def _hashes(address: str) -> set[bytes]:
    """An address in every form a careless implementation might keep it."""
    text = address.encode()
    packed = ip_address(address).packed
    forms = {text, packed[:8] if len(packed) == 16 else packed}
    for data in (text, packed, packed[:8]):
        for digest in (hashlib.blake2b(data, digest_size=12), hashlib.sha256(data),
                       hashlib.sha1(data), hashlib.md5(data), hashlib.blake2b(data)):
            forms |= {digest.digest(), digest.hexdigest().encode()}
    return forms


def _everything_in(client: redis.Redis) -> list[bytes]:
    out: list[bytes] = []
    for key in client.scan_iter(count=1000):
        out.append(as_bytes(key))
        kind = client.type(key)
        if kind == b"string":
            out.append(as_bytes(client.get(key) or b""))
        elif kind == b"hash":
            for field, value in client.hgetall(key).items():
                out += [as_bytes(field), as_bytes(value)]
        elif kind == b"stream":
            for _, fields in stream(client, key):
                for field, value in fields.items():
                    out += [field, value]
        elif kind == b"list":
            out += [as_bytes(item) for item in client.lrange(key, 0, -1)]
        elif kind in (b"set", b"zset"):
            out += [as_bytes(member) for member in (list(client.smembers(key)) if kind == b"set"
                                                    else client.zrange(key, 0, -1))]
    return out


def test_no_address_can_be_recovered_from_redis(settings: Settings, sites: Client,
                                                tmp_path: Path) -> None:
    clients = ["203.0.113.77", "2001:db8:77:1::5"]
    own = EmbeddedRedis(tmp_path / "redis")
    own.start()
    try:
        # A slow refill keeps the client buckets (they expire once refilled) while the
        # stream drains: with the suite's fast default they were gone after ~2 s under load.
        runtime = collector_runtime(with_collector(
            settings, trusted_proxies=["127.0.0.1/32"],
            client_rate_limit={"per_second": 1, "burst": 1000}), redis_url=own.url)
        with InProcessCollector(runtime, with_flusher=True) as server, httpx.Client(
                base_url=server.url) as client:
            for address in clients:
                for _ in range(3):
                    assert _post(client, f"192.0.2.1, {address}") == 204
            check = sync_client(own.url)
            wait_drained(check)
            stored = _everything_in(check)
            assert check.keys(keys.CLIENT_BUCKET + "*"), \
                "the client buckets are where this test looks"
            check.close()
        runtime.close()
    finally:
        own.stop()
    aof = b"".join(path.read_bytes() for path in (tmp_path / "redis").rglob("*.aof*")
                   if path.is_file())
    assert keys.CLIENT_BUCKET.encode() in aof, "the append-only file is where this test looks"
    for address in clients:
        for form in _hashes(address):
            assert not any(form in item for item in stored), (address, form)
            assert form not in aof, (address, form)


def test_the_country_header_counts_only_from_a_trusted_proxy(
        settings: Settings, sites: Client, redis_client: redis.Redis) -> None:
    def countries(trusted: list[str]) -> list[str]:
        runtime = collector_runtime(with_collector(settings, trusted_proxies=trusted))
        with InProcessCollector(runtime, with_flusher=True) as server, httpx.Client(
                base_url=server.url) as client:
            assert _post(client, None, **{"CF-IPCountry": "DE"}) == 204
            wait_drained(redis_client)
        runtime.close()
        rows = sites.query("SELECT country FROM page_views").result_rows
        sites.command("TRUNCATE TABLE page_views")
        return [str(row[0]) for row in rows]

    assert countries(["127.0.0.1/32"]) == ["DE"]
    assert countries([]) == [""]
    assert countries(["10.0.0.0/8"]) == [""]



def test_the_day_secret_is_kept_for_its_utc_day_only(
        redis_server: EmbeddedRedis, monkeypatch: pytest.MonkeyPatch) -> None:
    day = int(time.time()) // DAY_S
    clock = [day * DAY_S + 0.5]
    monkeypatch.setattr(time, "time", lambda: clock[0])

    async def run() -> None:
        secret = DailySecret(async_client(redis_server.url))
        assert secret.current() is None  # nothing fetched yet
        first = await secret.get()
        assert secret.current() == first == await secret.get()
        stored = sync_client(redis_server.url).get(keys.client_day_key(day))
        assert stored == first  # every process buckets alike: the secret is Redis's
        clock[0] = (day + 1) * DAY_S - 0.001  # the day's last moment: still its secret
        assert secret.current() == first
        clock[0] = (day + 1) * DAY_S  # the next UTC day: fetched anew, not reused
        assert secret.current() is None
        second = await secret.get()
        assert second != first and secret.current() == second
        clock[0] = day * DAY_S + 10  # a clock that steps back does not get the new day's
        assert secret.current() is None
        await secret.redis.aclose()

    asyncio.run(run())
