"""Cache status of server-timing entries: `cache;desc=HIT` -> hit, `cdn-cache;desc=MISS` ->
miss, ... (the SDK reports the raw entries; dashboards want a status)."""

from __future__ import annotations

import re

from collector.context import BeaconContext

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


# Entries repeat (`cache;desc=HIT` on every page): each distinct one is read once, then found
# with two dict lookups (an lru_cache's key tuple and recency list cost twice that on every
# entry). Keys are bounded strings (64 + 256 characters); past MAX_KNOWN entries the cache
# starts again empty, so it holds at most ~1 MiB.
MAX_KNOWN = 4096
_known: dict[str, dict[str | None, str]] = {}
_known_count = 0


def _learn(name: str, description: str | None) -> str:
    global _known_count
    if _known_count >= MAX_KNOWN:
        _known.clear()
        _known_count = 0
    status = _known.setdefault(name, {})[description] = cache_status(name, description)
    _known_count += 1
    return status


def derive_cache_status(context: BeaconContext) -> str | None:
    for event in context.kinds.timings:
        by_description = _known.get(event.n)
        status = by_description.get(event.desc) if by_description is not None else None
        if status is None:
            status = _learn(event.n, event.desc)
        if status:
            context.cache_status[event.id] = status
    return None
