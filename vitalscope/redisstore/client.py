"""redis-py clients for the configured Redis: every process builds its clients here, from
`redis_url` in any of its forms (`url.py`): one server, the master of a Sentinel service, or
a Redis Cluster. The caller says how long it can wait and which retry policy fits it.

Failover (docs/redis-ha.md): a Sentinel client asks the sentinels for the master whenever it
opens a connection, and drops a connection that answers READONLY (the old master, now a
replica); a Cluster client re-reads the slot map on MOVED and on connection errors. Either
way the next command after the switch reaches the new master. The retry policies decide what
a command does meanwhile:

- "request" (the collector's request path): three quick retries (10-250 ms apart) on a broken
  connection (a pooled connection to the old master) or a timeout, then the error, which
  the collector answers with 503 + Retry-After. A retried append that had run appends its
  beacons twice; the flusher stores each event once (its deduplication by event id).
- "background" (flusher, workers, dashboard, CLI): retries with backoff for about 6 s on
  connection errors and timeouts, the time Sentinel takes to promote a replica with the
  settings of docs/redis-ha.md; their loops retry beyond that themselves."""

from __future__ import annotations

from typing import Any, Literal, cast

import redis
import redis.asyncio as aioredis
from redis.asyncio.cluster import ClusterNode as AsyncClusterNode
from redis.asyncio.retry import Retry as AsyncRetry
from redis.asyncio.sentinel import Sentinel as AsyncSentinel
from redis.backoff import AbstractBackoff, ExponentialBackoff, ExponentialWithJitterBackoff
from redis.cluster import ClusterNode
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry
from redis.sentinel import Sentinel

from vitalscope.redisstore.url import RedisTarget, parse

# Short timeouts: the request path must answer 503 quickly when Redis is gone, not hang.
SOCKET_TIMEOUT_S = 2.0
CONNECT_TIMEOUT_S = 1.0

Policy = Literal["request", "background"]
_REQUEST_RETRIES = 3
_BACKGROUND_RETRIES = 10  # 0.05 .. 1 s apart: about 6 s in all


_RETRIED = (RedisConnectionError, RedisTimeoutError)


def _backoff(policy: Policy) -> tuple[AbstractBackoff, int]:
    if policy == "request":
        return ExponentialWithJitterBackoff(cap=0.25, base=0.01), _REQUEST_RETRIES
    return ExponentialBackoff(cap=1.0, base=0.05), _BACKGROUND_RETRIES


def _retry(policy: Policy) -> Retry:
    return Retry(*_backoff(policy), supported_errors=_RETRIED)


def _async_retry(policy: Policy) -> AsyncRetry:
    return AsyncRetry(*_backoff(policy), supported_errors=_RETRIED)


def _common(target: RedisTarget, socket_timeout: float, connect_timeout: float
            ) -> dict[str, Any]:
    options: dict[str, Any] = {"socket_timeout": socket_timeout,
                               "socket_connect_timeout": connect_timeout,
                               "username": target.username, "password": target.password}
    if target.tls:
        options["ssl"] = True
    return options


def _sentinel_options(target: RedisTarget, socket_timeout: float, connect_timeout: float
                      ) -> dict[str, Any]:
    return {"socket_timeout": socket_timeout, "socket_connect_timeout": connect_timeout,
            "username": target.sentinel_username, "password": target.sentinel_password,
            **({"ssl": True} if target.tls else {})}


class _SentinelMaster(redis.Redis):
    """The master of a Sentinel service; closing it closes the connections to the sentinels
    too."""

    sentinel_clients: list[redis.Redis] = []  # noqa: RUF012 - set per instance

    def close(self) -> None:
        super().close()
        for client in self.sentinel_clients:
            client.close()


class _AsyncSentinelMaster(aioredis.Redis):
    sentinel_clients: list[aioredis.Redis] = []  # noqa: RUF012 - set per instance

    async def aclose(self, close_connection_pool: bool | None = None) -> None:
        await super().aclose(close_connection_pool)
        for client in self.sentinel_clients:
            await client.aclose()


def sync_client(url: str, *, socket_timeout: float = SOCKET_TIMEOUT_S,
                connect_timeout: float = CONNECT_TIMEOUT_S,
                policy: Policy = "background") -> redis.Redis:
    target = parse(url)
    retry = _retry(policy)
    if target.mode == "single":
        return redis.Redis.from_url(url, socket_timeout=socket_timeout,
                                    socket_connect_timeout=connect_timeout,
                                    health_check_interval=30, retry=retry)
    common = _common(target, socket_timeout, connect_timeout)
    if target.mode == "sentinel":
        sentinel = Sentinel(list(target.nodes),  # type: ignore[no-untyped-call]
                            sentinel_kwargs=_sentinel_options(target, socket_timeout,
                                                              connect_timeout))
        master = sentinel.master_for(  # type: ignore[no-untyped-call]
            target.service, redis_class=_SentinelMaster, db=target.db, retry=retry,
            health_check_interval=30, **common)
        master.sentinel_clients = list(sentinel.sentinels)
        return cast(redis.Redis, master)
    # A RedisCluster is no redis.Redis, but answers the same commands (keys of one hash slot
    # per script and MULTI: keys.py); callers are typed against the one interface.
    return cast(redis.Redis, redis.RedisCluster(
        startup_nodes=[ClusterNode(host, port)  # type: ignore[no-untyped-call]
                       for host, port in target.nodes],
        retry=retry, **common))


def async_client(url: str, *, socket_timeout: float = SOCKET_TIMEOUT_S,
                 connect_timeout: float = CONNECT_TIMEOUT_S, policy: Policy = "background",
                 max_connections: int | None = None, pool_wait_s: float | None = None
                 ) -> aioredis.Redis:
    """`pool_wait_s`: with `max_connections`, a command waits that long for a free
    connection instead of failing at once (one server only: the Sentinel and Cluster pools
    do not wait)."""
    target = parse(url)
    retry = _async_retry(policy)
    if target.mode == "single":
        if pool_wait_s is not None and max_connections is not None:
            return aioredis.Redis.from_pool(aioredis.BlockingConnectionPool.from_url(
                url, socket_timeout=socket_timeout, socket_connect_timeout=connect_timeout,
                retry=retry, max_connections=max_connections, timeout=pool_wait_s,
                health_check_interval=30))
        return aioredis.Redis.from_url(url, socket_timeout=socket_timeout,
                                       socket_connect_timeout=connect_timeout,
                                       health_check_interval=30, retry=retry,
                                       max_connections=max_connections)
    common = _common(target, socket_timeout, connect_timeout)
    if target.mode == "sentinel":
        sentinel = AsyncSentinel(list(target.nodes),  # type: ignore[no-untyped-call]
                                 sentinel_kwargs=_sentinel_options(target, socket_timeout,
                                                                   connect_timeout))
        master = sentinel.master_for(target.service, redis_class=_AsyncSentinelMaster,
                                     db=target.db, retry=retry, health_check_interval=30,
                                     max_connections=max_connections, **common)
        master.sentinel_clients = list(sentinel.sentinels)
        return cast(aioredis.Redis, master)
    return cast(aioredis.Redis, aioredis.RedisCluster(
        startup_nodes=[AsyncClusterNode(host, port) for host, port in target.nodes],
        retry=retry, max_connections=max_connections or 100, **common))


def is_cluster(url: str) -> bool:
    return parse(url).mode == "cluster"
