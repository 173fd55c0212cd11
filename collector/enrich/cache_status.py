"""Cache status of server-timing entries: `cache;desc=HIT` -> hit, `cdn-cache;desc=MISS` ->
miss, ... (the SDK reports the raw entries; dashboards want a status)."""

from __future__ import annotations

import re
from functools import lru_cache

from collector.context import BeaconContext
from collector.wire import ServerTimingEntry

_STATUSES = ("hit", "miss", "stale", "bypass", "expired", "revalidated", "dynamic")
_WORD = re.compile(r"[a-z]+")
_ALIASES = {"refresh_hit": "hit", "tcp_hit": "hit", "tcp_miss": "miss", "pass": "bypass",
            "updating": "stale", "revalidate": "revalidated", "uncacheable": "dynamic"}


def is_cache_name(name: str) -> bool:
    return "cache" in name.lower()


def cache_status(name: str, description: str | None) -> str:
    """The status in a description like `HIT`, `cache miss`, `STALE (revalidating)`; empty
    for entries that are not about a cache (`db`, `app`)."""
    if not is_cache_name(name):
        return ""
    text = (description or "").strip().lower()
    alias = _ALIASES.get(text)
    if alias:
        return alias
    for word in _WORD.findall(text):
        if word in _STATUSES:
            return str(word)
    return ""


# Entries repeat (`cache;desc=HIT` on every page): each distinct one is read once. Keys are
# bounded strings (64 + 256 characters), so at most ~1 MiB.
_cached_status = lru_cache(maxsize=4096)(cache_status)


def derive_cache_status(context: BeaconContext) -> str | None:
    for event in context.beacon.e:
        if type(event) is ServerTimingEntry:  # exact type: isinstance on a Struct costs ~10x
            status = _cached_status(event.n, event.desc)
            if status:
                context.cache_status[event.id] = status
    return None
