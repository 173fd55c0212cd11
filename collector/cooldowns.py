"""Rate-limit buckets that Redis found empty, remembered in this process until they hold a
token again.

The token buckets are checked in Redis when a beacon is appended (collector/append.lua), after
its body was read, decoded, enriched and encoded: a client over its limit would still cost all
that work for each refused request. Redis answers how long until the bucket holds a token;
until then every request on that bucket is refused anyway (tokens only refill at the bucket's
rate, and other processes only take them), so refusing those requests before their body is
read gives the same answers for a fraction of the work."""

from __future__ import annotations

MAX_KEYS = 65_536  # buckets remembered at most (a client key is ~40 bytes: a few MiB)


class Cooldowns:
    def __init__(self, max_keys: int = MAX_KEYS) -> None:
        self.max_keys = max_keys
        self._until: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._until)

    def note(self, key: str, now_ms: int, wait_ms: int) -> None:
        """Redis found `key`'s bucket empty at `now_ms` (epoch ms), with a token in
        `wait_ms`."""
        if key not in self._until and len(self._until) >= self.max_keys:
            self._make_room(now_ms)
        self._until[key] = now_ms + wait_ms

    def wait_ms(self, key: str, now_ms: int) -> int:
        """Milliseconds until `key`'s bucket holds a token, as far as this process knows; 0
        when it may hold one now."""
        until = self._until.get(key)
        if until is None:
            return 0
        if until <= now_ms:
            del self._until[key]
            return 0
        return until - now_ms

    def _make_room(self, now_ms: int) -> None:
        # The expired first; if none is, the oldest noted (dicts keep insertion order). A
        # bucket forgotten early costs only the work saved: Redis still refuses.
        expired = [key for key, until in self._until.items() if until <= now_ms]
        for key in expired or [next(iter(self._until))]:
            del self._until[key]
