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
VERSION = b"3"


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
    """Moves what the earlier layouts left; returns how many keys moved."""
    version = client.get(keys.LAYOUT)
    if version == VERSION:
        return 0
    moved = _hash_tags(client) if version != b"2" else 0
    moved += _cardinality_sets(client)
    client.set(keys.LAYOUT, VERSION)
    if moved:
        log.info("moved %d Redis key(s) to their hash-tagged names", moved)
    return moved


def _cardinality_sets(client: redis.Redis) -> int:
    """Layout 3: a site's sets of one day share a hash tag (so admit.lua runs on a Cluster)."""
    moved = 0
    for key in client.scan_iter(match=keys.legacy_cardinality_set("*", "*", "*"), count=1000):
        name = key.decode()
        if "{" in name:  # already the new form
            continue
        site, kind, day = name[len(keys.CARDINALITY):].rsplit(":", 2)
        if day.isdigit():
            moved += _move(client, key, keys.cardinality_set(site, kind, int(day)))
    return moved


def _hash_tags(client: redis.Redis) -> int:
    """Layout 2: the keys used together carry a common hash tag."""
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
    return moved
