"""Site keys in memory for the request path: loaded from ClickHouse (or, in `serve`'s ingest
processes, from the snapshot in Redis), reloaded on a timer and within a second of the
source's generation key changing (sites added, disabled, re-keyed)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Protocol

from clickhouse_connect.driver.client import Client

from vitalscope.redisstore import keys
from vitalscope.redisstore.client import async_client, sync_client
from vitalscope.sites import Site, SiteRepository, snapshot
from vitalscope.sites.events import SITES_GENERATION_KEY
from vitalscope.sites.model import hash_server_key

log = logging.getLogger("vitalscope.collector")
GENERATION_POLL_S = 1.0


class SiteSource(Protocol):
    generation_key: str  # watched in Redis: a change means load again

    def load(self) -> list[Site]: ...

    def close(self) -> None: ...


class ClickHouseSites:
    generation_key = SITES_GENERATION_KEY

    def __init__(self, clickhouse: Callable[[], Client], cluster: str | None) -> None:
        self._clickhouse_factory = clickhouse
        self._client: Client | None = None
        self.cluster = cluster

    def load(self) -> list[Site]:
        if self._client is None:
            self._client = self._clickhouse_factory()
        return SiteRepository(self._client, self.cluster).all()

    def close(self) -> None:
        if self._client is not None:
            self._client.close()


class SnapshotSites:
    """The sites the process holding chDB published in Redis (vitalscope/sites/snapshot.py)."""

    generation_key = keys.SITES_SNAPSHOT_VERSION

    def __init__(self, redis_url: str) -> None:
        self.redis = sync_client(redis_url)

    def load(self) -> list[Site]:
        return snapshot.read(self.redis)

    def close(self) -> None:
        self.redis.close()


class SiteIndex:
    name = "ingest-sites"

    def __init__(self, source: SiteSource, redis_url: str, refresh_s: float) -> None:
        self.source = source
        self.redis = async_client(redis_url, socket_timeout=1.0, connect_timeout=1.0)
        self.refresh_s = refresh_s
        self.by_key: dict[str, Site] = {}
        self.by_server_key_hash: dict[str, Site] = {}
        self.enabled = 0  # sites that may send
        self.loaded = False
        self._generation: bytes | str | None = None
        self._task: asyncio.Task[None] | None = None
        self._loading: asyncio.Future[list[Site]] | None = None

    async def reload(self) -> None:
        # Shielded and kept: cancelling the refresh loop does not stop the thread, and the
        # client must not be closed under a query still running in it (stop waits for it).
        self._loading = asyncio.ensure_future(asyncio.to_thread(self.source.load))
        sites = await asyncio.shield(self._loading)
        self.by_key = {site.public_key: site for site in sites}
        self.by_server_key_hash = {site.server_key_hash: site for site in sites}
        self.enabled = sum(1 for site in sites if site.enabled)
        self.loaded = True

    def by_server_key(self, candidate: str) -> Site | None:
        site = self.by_server_key_hash.get(hash_server_key(candidate))
        # The dict lookup found it by hash; the comparison that decides is constant-time.
        return site if site is not None and site.server_key_matches(candidate) else None

    async def start(self) -> None:
        with contextlib.suppress(Exception):
            self._generation = await self.redis.get(self.source.generation_key)
        try:
            await self.reload()
        except Exception as exc:  # the refresh loop keeps trying; requests get 503 meanwhile
            log.warning("sites not loaded yet: %s", exc)
        self._task = asyncio.create_task(self._refresh_loop(), name=self.name)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._loading is not None and not self._loading.done():
            with contextlib.suppress(Exception):
                await self._loading
        await self.redis.aclose()
        self.source.close()

    async def _refresh_loop(self) -> None:
        since_reload = 0.0
        while True:
            await asyncio.sleep(GENERATION_POLL_S)
            since_reload += GENERATION_POLL_S
            try:
                generation = await self.redis.get(self.source.generation_key)
            except Exception:
                generation = self._generation
            if generation != self._generation or since_reload >= self.refresh_s \
                    or not self.loaded:
                try:
                    await self.reload()
                    self._generation = generation
                    since_reload = 0.0
                except Exception as exc:
                    log.warning("reloading sites failed: %s", exc)
