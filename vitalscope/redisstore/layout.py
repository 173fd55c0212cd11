"""Moves the keys of an earlier Vitalscope to their hash-tagged names (keys.py), once per
Redis: every process runs it at start, before any of its services touches Redis, and the
first one does the work (RENAMENX is atomic, so two starting together move each key once).
A stream keeps its consumer group and pending entries through a rename, so queued beacons
and batches in flight carry over. A Redis Cluster never held the earlier layout: skipped."""

from __future__ import annotations

import logging

import redis

from vitalscope.redisstore import keys

log = logging.getLogger("vitalscope")
VERSION = b"2"


def _move(client: redis.Redis, old: str | bytes, new: str) -> int:
    if client.renamenx(old, new):
        return 1
    if client.exists(old):
        # Both exist: a process of the earlier version wrote after the move. Left for the
        # operator (docs/redis-ha.md, "Upgrading"), never merged blindly.
        log.warning("Redis key %s and its new name %s both exist; the old one is left as it is",
                    old, new)
    return 0


def upgrade(client: redis.Redis) -> int:
    """Moves what the earlier layout left; returns how many keys moved."""
    if client.get(keys.LAYOUT) == VERSION:
        return 0
    moved = 0
    for old, new in keys.LEGACY_RENAMED.items():
        if client.exists(old):
            moved += _move(client, old, new)
    for prefix, new_prefix in keys.LEGACY_PREFIXES.items():
        for key in client.scan_iter(match=prefix + "*", count=1000):
            moved += _move(client, key, new_prefix + key.decode()[len(prefix):])
    legacy = keys.legacy_site_generation("*")
    head, tail = legacy.split("*")
    for key in client.scan_iter(match=legacy, count=1000):
        site = key.decode()[len(head):-len(tail)]
        moved += _move(client, key, keys.site_generation(site))
    client.set(keys.LAYOUT, VERSION)
    if moved:
        log.info("moved %d Redis key(s) to their hash-tagged names", moved)
    return moved
