"""Telling every process that the sites changed, so cached key lookups refresh at once."""

from __future__ import annotations

import contextlib

import redis

from vitalscope.redisstore import keys
from vitalscope.runtime import Runtime

SITES_GENERATION_KEY = keys.SITES_GENERATION


def announce_sites_changed(runtime: Runtime) -> None:
    if runtime.redis_url is None:
        return
    # Collectors also reload sites on a timer; a missed bump only delays the change.
    with contextlib.suppress(redis.RedisError):
        runtime.redis.incr(SITES_GENERATION_KEY)
