"""Durable enqueue with group commit: requests hand their payload to the appender and wait;
one Lua call per round trip appends everything that queued up meanwhile (after the stream
cap and the rate limits) and answers each request with its own outcome."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from importlib.resources import files

from redis.exceptions import OutOfMemoryError, RedisError, ResponseError

from collector.cooldowns import Cooldowns
from collector.errors import IngestError
from vitalscope.config.collector import RateLimit
from vitalscope.redisstore import keys, replicas
from vitalscope.redisstore.client import async_client

log = logging.getLogger("vitalscope.collector")
_SCRIPT = files("collector").joinpath("append.lua").read_text()
MAX_ITEMS_PER_CALL = 500
# Redis holds a call's arguments in memory while it runs: a bound on them whatever entries
# weigh (one entry can be up to collector.max_entry_bytes).
MAX_BYTES_PER_CALL = 4 * 1024 * 1024


# A queued request: site, its rate limit, client, its rate limit, payload, and the future the
# request awaits. A tuple: building a class instance cost more than the rest of queuing it.
_Item = tuple[str, RateLimit, str, RateLimit, bytes, "asyncio.Future[str]"]


def _out_of_memory(exc: Exception) -> bool:
    """Redis at maxmemory: redis-py names it when a command is refused; a refusal inside a
    script reaches it as a script error (Redis 6) carrying the OOM reply."""
    return isinstance(exc, OutOfMemoryError) or (
        isinstance(exc, ResponseError) and "OOM command not allowed" in str(exc))


def _refusal(raw: object) -> bool:
    text = raw.decode() if isinstance(raw, bytes) else str(raw)
    return text in ("full", "fullb") or text.startswith("rl:")


def _retry_after(ms: int) -> list[tuple[bytes, bytes]]:
    return [(b"retry-after", str(max(1, -(-ms // 1000))).encode())]


def _rate_limited(which: str, ms: int) -> IngestError:
    """`which`: "site" or "ip", as collector/append.lua names the bucket."""
    return IngestError(429, f"rate_limited_{which}",
                       "too many requests for this " + ("site" if which == "site" else "client"),
                       headers=_retry_after(ms))


def _cooldown_key(which: str, name: str) -> str:
    """A bucket in `Cooldowns`: `which` is "site" or "ip", as collector/append.lua names it."""
    return f"{which}:{name}"


def _unavailable() -> IngestError:
    return IngestError(503, "queue_unavailable", "the ingest queue is unavailable; retry later",
                       headers=_retry_after(2000))


def _fail(batch: list[_Item], error: IngestError) -> None:
    for item in batch:
        if not item[5].done():
            item[5].set_exception(error)


class Appender:
    """Owns an async Redis client with short timeouts: when Redis is gone (connection
    refused, or no connection within 250 ms) requests get 503 at once rather than hanging
    (the "request" retry policy of vitalscope/redisstore/client.py: a few quick retries, so
    a failover answers 503 + Retry-After until the new master takes writes).
    A Redis that accepted the connection gets a second to answer: a shorter read timeout
    turns CPU contention into 503s, and a timed-out call may still have appended."""

    name = "ingest-appender"

    def __init__(self, redis_url: str, stream_max_len: int,
                 stream_max_bytes: int = 128 * 1024 * 1024, replica_acks: int = 0,
                 replica_ack_timeout_ms: int = 1000, token_bytes: int = 8192,
                 site_share: float = 1.0, count_sites: Callable[[], int] = lambda: 1) -> None:
        """`site_share` of `stream_max_bytes` is what one site's entries may hold while
        `count_sites()` (the sites configured) is more than one."""
        self.redis = async_client(redis_url, socket_timeout=1.0, connect_timeout=0.25,
                                  policy="request", max_connections=16)
        self.script = self.redis.register_script(_SCRIPT)
        self.cap = stream_max_len
        self.byte_cap = stream_max_bytes
        self.replica_acks = replica_acks
        self.replica_ack_timeout_ms = replica_ack_timeout_ms
        self.token_bytes = token_bytes
        self.site_byte_cap = int(stream_max_bytes * site_share)
        self.count_sites = count_sites
        self._queue: list[_Item] = []
        self.cooldowns = Cooldowns()
        # What the idle run loop awaits; None while it runs (nothing to wake).
        self._idle: asyncio.Future[None] | None = None
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    async def start(self) -> None:
        self._stopping = False
        self._task = asyncio.create_task(self._run(), name=self.name)

    async def stop(self) -> None:
        self._stopping = True
        self._wake()
        if self._task is not None:
            await self._task
        await self.redis.aclose()

    def _wake(self) -> None:
        idle = self._idle
        self._idle = None
        if idle is not None and not idle.done():  # done: the run loop was cancelled
            idle.set_result(None)

    def check_cooldown(self, site: str, client: str | None) -> None:
        """Raises the 429 Redis would answer when this process has seen the site's or the
        client's bucket empty and it holds no token yet (collector/cooldowns.py): called
        before a request's body is read. `client`: None while the client's key is not known
        without waiting (the day's secret not yet in memory)."""
        cooldowns = self.cooldowns
        if not len(cooldowns):
            return
        now = int(time.time() * 1000)
        wait = cooldowns.wait_ms(_cooldown_key("site", site), now)
        if wait:
            raise _rate_limited("site", wait)
        if client is not None and (wait := cooldowns.wait_ms(_cooldown_key("ip", client), now)):
            raise _rate_limited("ip", wait)

    def append(self, site: str, site_limit: RateLimit, client: str,
               client_limit: RateLimit, payload: bytes) -> asyncio.Future[str]:
        """Queues the payload; await the answer: the stream entry id once the payload is in
        Redis, IngestError otherwise. A plain function handing out the future (no coroutine
        between the request and its answer: one frame less to create and resume)."""
        if self._stopping:
            raise IngestError(503, "shutting_down", "collector is shutting down",
                              headers=_retry_after(1000))
        future: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._queue.append((site, site_limit, client, client_limit, payload, future))
        if self._idle is not None:
            self._wake()
        return future

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            while self._queue:
                count = size = 0
                for item in self._queue[:MAX_ITEMS_PER_CALL]:
                    count += 1
                    size += len(item[4])
                    if size >= MAX_BYTES_PER_CALL:
                        break
                batch = self._queue[:count]
                del self._queue[:count]
                try:
                    await self._append(batch)
                except Exception:
                    # A fault here must not end the loop: every later request would wait
                    # for an answer forever.
                    log.exception("appending a batch failed")
                    _fail(batch, _unavailable())
            if self._stopping:
                return
            self._idle = loop.create_future()
            await self._idle

    async def _append(self, batch: list[_Item]) -> None:
        # Each site and client once per call (1-based, in order of first use), looked up by
        # name: a batch is mostly repeats, and building bucket keys per item cost more than
        # the rest of the batching.
        sites: dict[str, int] = {}
        clients: dict[str, int] = {}
        bucket_args: list[str | bytes | float] = []
        pairs: list[str] = []
        for site_name, site_limit, client_key, client_limit, _, _ in batch:
            site = sites.get(site_name)
            if site is None:
                site = sites[site_name] = len(sites) + len(clients) + 1
                bucket_args += (keys.site_bucket(site_name), site_limit.per_second,
                                site_limit.burst)
            client = clients.get(client_key)
            if client is None:
                client = clients[client_key] = len(sites) + len(clients) + 1
                bucket_args += (keys.client_bucket(client_key), client_limit.per_second,
                                client_limit.burst)
            pairs.append(f"{site},{client}")
        now = int(time.time() * 1000)
        # With one site there is nobody to keep room for: it may fill the queue.
        site_cap = self.site_byte_cap if self.count_sites() > 1 else self.byte_cap
        args: list[str | bytes | float] = [self.cap, self.byte_cap, site_cap, now,
                                           self.token_bytes, len(sites) + len(clients),
                                           *bucket_args, ";".join(pairs)]
        args += [item[4] for item in batch]
        try:
            results = await self.script(
                keys=[keys.STREAM, keys.STREAM_BYTES, keys.STREAM_SITE_BYTES], args=args)
        except Exception as exc:  # whatever went wrong, every waiting request gets its 503
            if _out_of_memory(exc):
                # maxmemory with noeviction: the script's first write was refused, so
                # nothing of this batch was appended; the flusher frees memory as it drains.
                log.warning("Redis is at maxmemory; refusing beacons until the queue drains")
                error = IngestError(503, "queue_out_of_memory",
                                    "the ingest queue is out of memory; retry later",
                                    headers=_retry_after(5000))
            else:
                if not isinstance(exc, RedisError | OSError):
                    log.exception("appending to Redis failed")
                log.warning("cannot append to Redis: %s", type(exc).__name__)
                error = _unavailable()
            _fail(batch, error)
            return
        not_replicated = None
        if self.replica_acks and any(not _refusal(raw) for raw in results):
            try:
                await replicas.barrier(self.redis, self.replica_acks, self.replica_ack_timeout_ms)
            except Exception as exc:  # every cause answers the same 503
                log.warning("appended beacons not acknowledged by replicas: %s",
                            type(exc).__name__)
                # In Redis, maybe on no replica: the client's retry is stored once anyway
                # (the flusher drops copies by event id).
                not_replicated = IngestError(503, "queue_not_replicated",
                                             "the ingest queue is not replicated; retry later",
                                             headers=_retry_after(2000))
        for item, raw in zip(batch, results, strict=True):
            future = item[5]
            if future.done():
                continue
            if type(raw) is bytes and raw[:1].isdigit():  # an entry id: the common answer
                future.set_result(raw.decode())
                continue
            result = raw.decode() if isinstance(raw, bytes) else str(raw)
            if result == "full":
                future.set_exception(IngestError(
                    503, "queue_full", "the ingest queue is full; retry later",
                    headers=_retry_after(5000)))
            elif result == "fullb":
                future.set_exception(IngestError(
                    503, "queue_full_bytes",
                    "the ingest queue holds its byte limit (collector.stream_max_bytes); "
                    "retry later", headers=_retry_after(5000)))
            elif result == "fulls":
                future.set_exception(IngestError(
                    503, "queue_full_site",
                    "this site's entries hold their share of the ingest queue "
                    "(collector.stream_site_share); retry later", headers=_retry_after(5000)))
            elif result.startswith("rl:"):
                _, which, ms, ms_to_any = result.split(":")
                if int(ms_to_any):  # no token at all: every request on the bucket waits
                    self.cooldowns.note(
                        _cooldown_key(which, item[0] if which == "site" else item[2]), now,
                        int(ms_to_any))
                future.set_exception(_rate_limited(which, int(ms)))
            elif not_replicated is not None:
                future.set_exception(not_replicated)
            else:
                future.set_result(result)
