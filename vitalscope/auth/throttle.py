"""Lockouts after wrong passwords or tokens, per client and per account, growing with each
further failure (settings `auth.*`). Keys are keyed hashes: Redis never holds an address or
an account name."""

from __future__ import annotations

import hashlib
import hmac
import time
from pathlib import Path

import redis.asyncio as aioredis

from vitalscope.config.auth import AuthSettings
from vitalscope.redisstore import keys

_SCRIPT = (Path(__file__).with_name("throttle.lua")).read_text()


class Throttle:
    def __init__(self, redis: aioredis.Redis, settings: AuthSettings, key: bytes) -> None:
        self.redis = redis
        self.settings = settings
        self._key = key
        self._fail = redis.register_script(_SCRIPT)

    def _digest(self, kind: str, value: str) -> str:
        mac = hmac.new(self._key, f"{kind}\0{value}".encode(), hashlib.sha256)
        return keys.failures(kind, mac.hexdigest()[:32])

    def _keys(self, client: str, account: str | None) -> list[str]:
        keys = [self._digest("c", client)]
        return keys if account is None else [*keys, self._digest("a", account)]

    async def status(self, client: str, account: str | None) -> tuple[int, bool]:
        """Seconds until this client may try this account again (0: now), and whether the
        client has failures on record (one round trip). `account` None: the client only."""
        now = time.time() * 1000
        pipe = self.redis.pipeline(transaction=False)
        for key in self._keys(client, account):
            pipe.hmget(key, "until", "n")
        found = await pipe.execute()
        client_n = found[0][1]
        until = [float(u) for u, _ in found if u is not None]
        wait_ms = max([u - now for u in until], default=0.0)
        return (int(-(-wait_ms // 1000)) if wait_ms > 0 else 0), client_n is not None

    async def failed(self, client: str, account: str | None) -> int:
        """Count a failure; seconds of the lockout it starts (0: none yet)."""
        s = self.settings
        locked_ms = await self._fail(
            keys=self._keys(client, account),
            args=[int(time.time() * 1000), int(s.failure_memory_s * 1000),
                  int(s.lockout_base_s * 1000), int(s.lockout_max_s * 1000),
                  s.client_free_failures, s.account_free_failures])
        return int(-(-int(locked_ms) // 1000))

    async def succeeded(self, client: str) -> None:
        """A right credential clears the client's count; the account's count only fades, so
        an attacker cannot reset it by interleaving with the real user."""
        await self.redis.delete(self._keys(client, "")[0])
