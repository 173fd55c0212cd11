"""Server-side login sessions in Redis. The cookie holds only a random id; Redis holds a
hash of it, so a copy of Redis opens no session. A session ends at logout, after
`dashboard.session_idle_minutes` without a request, after `dashboard.session_hours` in all,
and when its account's password (or the admin token) changes: each session records a
fingerprint of the credential it was opened with."""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

import redis.asyncio as aioredis

from vitalscope.redisstore import keys

_TOUCH = (Path(__file__).with_name("session.lua")).read_text()


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


@dataclass(frozen=True)
class Session:
    user: str
    fingerprint: str


class SessionStore:
    def __init__(self, redis: aioredis.Redis, idle_s: float, absolute_s: float) -> None:
        self.redis = redis
        self.idle_ms = int(idle_s * 1000)
        self.absolute_ms = int(absolute_s * 1000)
        self._touch = redis.register_script(_TOUCH)

    @staticmethod
    def _account_key(user: str) -> str:
        return keys.account_sessions(_digest("account\0" + user))

    async def open(self, user: str, fingerprint: str) -> str:
        """A new session; returns the id that goes into the cookie."""
        session_id = secrets.token_urlsafe(32)
        digest = _digest(session_id)
        pipe = self.redis.pipeline(transaction=True)
        pipe.hset(keys.session(digest), mapping={
            "u": user, "fp": fingerprint, "c": int(time.time() * 1000)})
        pipe.pexpire(keys.session(digest), min(self.idle_ms, self.absolute_ms))
        pipe.sadd(self._account_key(user), digest)
        pipe.pexpire(self._account_key(user), self.absolute_ms)
        await pipe.execute()
        return session_id

    async def get(self, session_id: str) -> Session | None:
        """The live session of this id (its idle expiry moves on), or None."""
        if not session_id or len(session_id) > 128:
            return None
        found = await self._touch(keys=[keys.session(_digest(session_id))],
                                  args=[int(time.time() * 1000), self.idle_ms,
                                        self.absolute_ms])
        if not found:
            return None
        user, fingerprint = (_text(v) for v in found)
        return Session(user, fingerprint)

    async def close(self, session_id: str) -> None:
        digest = _digest(session_id)
        user = await self.redis.hget(keys.session(digest), "u")
        await self.redis.delete(keys.session(digest))
        if user is not None:
            await self.redis.srem(self._account_key(_text(user)), digest)

    async def revoke_account(self, user: str, keep: frozenset[str] = frozenset()) -> int:
        """End every session of `user` but those opened with a fingerprint in `keep`."""
        account = self._account_key(user)
        ended = 0
        for raw in await self.redis.smembers(account):
            digest = _text(raw)
            fingerprint = await self.redis.hget(keys.session(digest), "fp")
            if fingerprint is not None and _text(fingerprint) in keep:
                continue
            ended += int(await self.redis.delete(keys.session(digest)))
            await self.redis.srem(account, digest)
        return ended
