"""The sites in Redis, for processes without ClickHouse: `serve`'s ingest processes (chDB
allows one process per folder). The process holding chDB publishes them at start, within a
second of `vs:sites:generation` changing and every refresh period; a reader watches the
snapshot's version (collector/sites_index.py), so it never takes an older snapshot for the
change it was told about."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable

import redis
from clickhouse_connect.driver.client import Client

from vitalscope.redisstore import keys
from vitalscope.redisstore.client import sync_client
from vitalscope.sites.model import Site
from vitalscope.sites.repository import SiteRepository

log = logging.getLogger("vitalscope.sites")
POLL_S = 1.0


class SnapshotMissing(Exception):
    """No process published the sites yet."""


def publish(client: redis.Redis, sites: list[Site]) -> None:
    body = json.dumps([{"name": s.name, "key": s.public_key, "server_key_hash":
                        s.server_key_hash, "origins": list(s.origins), "enabled": s.enabled}
                       for s in sites])
    with client.pipeline(transaction=True) as pipe:
        pipe.set(keys.SITES_SNAPSHOT, body)
        pipe.incr(keys.SITES_SNAPSHOT_VERSION)
        pipe.execute()


def read(client: redis.Redis) -> list[Site]:
    raw = client.get(keys.SITES_SNAPSHOT)
    if raw is None:
        raise SnapshotMissing("the sites are not published in Redis yet")
    return [Site(name=s["name"], public_key=s["key"], server_key_hash=s["server_key_hash"],
                 origins=tuple(s["origins"]), enabled=s["enabled"])
            for s in json.loads(raw)]


class SitesPublisher:
    """A background service of the process holding ClickHouse."""

    name = "sites-snapshot"

    def __init__(self, clickhouse: Callable[[], Client], cluster: str | None, redis_url: str,
                 refresh_s: float) -> None:
        self._clickhouse = clickhouse
        self._client: Client | None = None
        self.cluster = cluster
        self.redis = sync_client(redis_url)
        self.refresh_s = refresh_s
        self._task: asyncio.Task[None] | None = None
        self._running: asyncio.Future[bytes | str | None] | None = None

    def publish(self) -> bytes | str | None:
        """Publishes the sites; returns the generation they were read at."""
        generation: bytes | str | None = self.redis.get(keys.SITES_GENERATION)
        if self._client is None:
            self._client = self._clickhouse()
        publish(self.redis, SiteRepository(self._client, self.cluster).all())
        return generation

    async def _publish(self) -> bytes | str | None:
        # Shielded and kept: a cancelled loop leaves the thread running, and the client must
        # not be closed under its query (stop waits for it).
        self._running = asyncio.ensure_future(asyncio.to_thread(self.publish))
        return await asyncio.shield(self._running)

    async def start(self) -> None:
        generation = await self._publish()
        self._task = asyncio.create_task(self._loop(generation), name=self.name)

    async def _loop(self, generation: bytes | str | None) -> None:
        since = 0.0
        while True:
            await asyncio.sleep(POLL_S)
            since += POLL_S
            try:
                now = await asyncio.to_thread(self.redis.get, keys.SITES_GENERATION)
                if now != generation or since >= self.refresh_s:
                    generation = await self._publish()
                    since = 0.0
            except Exception as exc:  # retried at the next poll
                log.warning("publishing the sites failed: %s", exc)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._running is not None and not self._running.done():
            with contextlib.suppress(Exception):
                await self._running
        self.redis.close()
        if self._client is not None:
            self._client.close()
