"""Who a request's client is, for its rate-limit bucket only (never stored).

Behind proxies the client is the right-most address of `client_ip_header` that is not one of
`trusted_proxies` (read by the kernel's one parser of forwarded addresses,
vitalscope/forwarded.py). A peer that is not a trusted proxy is the client itself, whatever
headers it sends. IPv6 clients are bucketed per /64 (one
subscriber's prefix), IPv4-mapped IPv6 as the IPv4 address.

The bucket key is a keyed hash under a random secret of the UTC day, created once in Redis by
whichever collector needs it first (SET NX, expiring after two days) and cached per process:
every collector buckets a client alike, and no key in Redis can be hashed back to an address
without that day's secret, which is gone two days later."""

from __future__ import annotations

import asyncio
import hashlib
import secrets
import time
from functools import lru_cache
from ipaddress import IPv4Address

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from collector.errors import IngestError
from vitalscope.forwarded import Address, Network, TrustedProxies, parse_address
from vitalscope.redisstore import keys

DAY_S = 86_400
SECRET_TTL_S = 2 * DAY_S


def bucket_material(address: Address) -> bytes:
    """What identifies a client: the IPv4 address, or the /64 of an IPv6 one."""
    if isinstance(address, IPv4Address):
        return b"4" + address.packed
    return b"6" + address.packed[:8]


class DailySecret:
    """The day's bucket-key secret: fetched from Redis once a day per process (one round trip,
    shared by the requests that arrive meanwhile), from memory otherwise."""

    def __init__(self, redis: aioredis.Redis) -> None:
        self.redis = redis
        self._secret = b""
        # The UTC day of _secret as epoch seconds [from, until): current() compares the
        # clock with them (no int() and division on every request).
        self._from = self._until = 0.0
        self._fetching: dict[int, asyncio.Task[bytes]] = {}

    def current(self) -> bytes | None:
        """Today's secret if this process has it (every request but the day's first few)."""
        return self._secret if self._from <= time.time() < self._until else None

    async def get(self) -> bytes:
        known = self.current()
        if known is not None:
            return known
        day = int(time.time()) // DAY_S
        task = self._fetching.get(day)
        if task is None:
            task = self._fetching[day] = asyncio.create_task(self._fetch(day))
        try:
            secret = await asyncio.shield(task)
        except (RedisError, OSError):
            raise IngestError(503, "queue_unavailable",
                              "the ingest queue is unavailable; retry later",
                              headers=[(b"retry-after", b"2")]) from None
        finally:
            if task.done():
                self._fetching.pop(day, None)
        if day * DAY_S >= self._from:  # not older than the secret already held
            self._secret = secret
            self._from, self._until = float(day * DAY_S), float((day + 1) * DAY_S)
        return secret

    async def _fetch(self, day: int) -> bytes:
        key = keys.client_day_key(day)
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.set(key, secrets.token_bytes(32), nx=True, ex=SECRET_TTL_S)
            pipe.get(key)
            _, secret = await pipe.execute()
        if not isinstance(secret, bytes):
            raise RedisError(f"no client secret for day {day}")
        return secret


class ClientIdentity:
    def __init__(self, redis: aioredis.Redis, trusted_proxies: list[Network],
                 header: str | None) -> None:
        self.proxies = TrustedProxies(trusted_proxies)
        self.header = header.lower().encode() if header else None
        self.secret = DailySecret(redis)
        # Peers and what proxies forward repeat (a client's connection, its next beacons):
        # parse each once.
        self._peer = lru_cache(maxsize=4096)(self._parse_peer)
        self._forwarded = lru_cache(maxsize=4096)(self._walk)
        # A client's next beacons hash the same material under the same day's secret. Kept
        # in memory only, bounded, and keyed by the secret, so a new day hashes anew.
        self._hash = lru_cache(maxsize=4096)(_bucket_key)

    def _parse_peer(self, peer: str) -> tuple[bytes, bool]:
        address = parse_address(peer)
        if address is None:
            return b"?" + peer.encode("utf-8", "replace"), False
        return bucket_material(address), self.proxies.trusts(address)

    def resolve(self, peer: str, headers: dict[bytes, bytes]) -> tuple[bytes, bool]:
        """The client's bucket material, and whether the peer is a trusted proxy."""
        material, trusted = self._peer(peer)
        if not trusted or self.header is None:
            return material, trusted
        forwarded = headers.get(self.header)
        if not forwarded:
            return material, trusted
        return self._forwarded(material, forwarded), True

    def _walk(self, material: bytes, forwarded: bytes) -> bytes:
        hop = self.proxies.client_hop(forwarded.decode("latin-1"))
        if hop is None:
            return material
        if hop.address is None:  # not an address: a client wrote it, so it names the client
            return b"?" + hop.text.encode("latin-1")
        return bucket_material(hop.address)

    def identify_now(self, peer: str, headers: dict[bytes, bytes]) -> tuple[str, bool] | None:
        """What `identify` answers, without awaiting: None when the day's secret is not in
        memory yet (then call `identify`)."""
        secret = self.secret.current()
        if secret is None:
            return None
        material, trusted = self._peer(peer)
        if trusted and self.header is not None:  # a proxy's forwarded client (resolve())
            material, trusted = self.resolve(peer, headers)
        return self._hash(material, secret), trusted

    async def identify(self, peer: str, headers: dict[bytes, bytes]) -> tuple[str, bool]:
        """The client's bucket key (a keyed hash, never the address), and whether the peer is
        a trusted proxy."""
        material, trusted = self.resolve(peer, headers)
        secret = await self.secret.get()
        return self._hash(material, secret), trusted


def _bucket_key(material: bytes, secret: bytes) -> str:
    return hashlib.blake2b(material, key=secret, digest_size=12).hexdigest()
