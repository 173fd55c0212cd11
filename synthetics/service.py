"""The synthetics background service of `serve` and `worker`: browser, results writer,
executor, scheduler (active where the lease is held) and artifact retention."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from synthetics.artifacts import remove_expired
from synthetics.browser import BrowserPool
from synthetics.executor import Executor
from synthetics.model import CheckPlan
from synthetics.runner import Runner
from synthetics.runqueue import RunQueue
from synthetics.scheduler import LEASE_KEY, Scheduler
from synthetics.writer import ResultsWriter
from vitalscope.redisstore.client import async_client
from vitalscope.redisstore.lease import Lease
from vitalscope.runtime import Runtime

log = logging.getLogger("vitalscope.synthetics")

RETENTION_EVERY_S = 3600.0


def artifacts_root(runtime: Runtime) -> Path:
    return runtime.datadir.artifacts_dir / "synthetics"


class SyntheticsService:
    name = "synthetics"

    def __init__(self, runtime: Runtime, pool: BrowserPool | None = None) -> None:
        settings = runtime.settings
        self.runtime = runtime
        self.settings = settings.synthetics
        self.plans = {c.name: CheckPlan.of(c, settings) for c in settings.synthetics.checks}
        self.root = artifacts_root(runtime)
        self._own_pool = pool is None
        self.pool = pool or BrowserPool(settings.synthetics.browser_executable)
        self.runner = Runner(self.pool, self.root)
        self.writer = ResultsWriter(runtime.new_clickhouse_client, settings.clickhouse_cluster)
        self.redis = async_client(runtime.redis_url or "")
        self.queue = RunQueue(self.redis)
        self.executor = Executor(self.queue, self.runner, self.writer, self.plans,
                                 settings.synthetics.concurrency)
        self.scheduler = Scheduler(
            self.queue, Lease(self.redis, LEASE_KEY, settings.synthetics.lease_ttl_s),
            list(self.plans.values()), settings.synthetics.default_interval_s,
            settings.synthetics.jitter_s)
        self._retention: asyncio.Task[None] | None = None

    async def _retention_loop(self) -> None:
        while True:
            try:
                removed = await asyncio.to_thread(
                    remove_expired, self.root, self.settings.artifacts_retention_days)
                if removed:
                    log.info("removed artifacts of %d old synthetic runs", removed)
            except Exception as exc:
                log.warning("artifact retention failed: %s", exc)
            await asyncio.sleep(RETENTION_EVERY_S)

    async def start(self) -> None:
        self.writer.start()
        self.executor.start()
        if self.settings.enabled:
            await self.scheduler.start()
        self._retention = asyncio.get_running_loop().create_task(self._retention_loop())

    async def stop(self) -> None:
        if self._retention is not None:
            self._retention.cancel()
        await self.scheduler.stop()
        await self.executor.stop()
        await self.writer.stop()
        if self._own_pool:
            await self.pool.close()
        await self.redis.aclose()
