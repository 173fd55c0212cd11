"""Looking at the ingest stream from a test."""

from __future__ import annotations

import time

import redis

from vitalscope.redisstore import keys


def drained(client: redis.Redis) -> bool:
    """Every entry delivered to the flushers and acknowledged (Redis 6.2 has no `lag`)."""
    if not client.exists(keys.STREAM):
        return True
    groups = client.xinfo_groups(keys.STREAM)
    if not groups:
        return client.xlen(keys.STREAM) == 0
    last = client.xinfo_stream(keys.STREAM)["last-generated-id"]
    return all(g["pending"] == 0 and g["last-delivered-id"] == last for g in groups)


def wait_drained(client: redis.Redis, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if drained(client):
            return
        time.sleep(0.1)
    raise AssertionError(f"ingest stream not drained within {timeout} s: "
                         f"{client.xinfo_groups(keys.STREAM)}")
