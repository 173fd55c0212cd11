"""The alerting background service of `serve` and `worker`: APScheduler runs the evaluation
every `evaluation_interval` (only on the process holding the Redis lease) and drains the
outbox every `delivery_poll_interval` (on every process: claims are atomic)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import redis
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from clickhouse_connect.driver.exceptions import ClickHouseError

from alerting.lease import Lease
from vitalscope.runtime import Runtime

if TYPE_CHECKING:
    from alerting.engine import Evaluator

log = logging.getLogger("vitalscope.alerting")


class AlertingService:
    name = "alerting"

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.settings = runtime.settings.alerting
        self.scheduler: AsyncIOScheduler | None = None
        self.evaluator: Evaluator | None = None
        self.lease: Lease | None = None
        # Evaluation and delivery share one ClickHouse client and stop waits for both.
        self._busy = threading.Lock()

    async def start(self) -> None:
        # Imported here: the engine pulls in scipy, and every CLI command imports this module
        # through the app without ever starting the service.
        from alerting.engine import Evaluator

        runtime = self.runtime
        self.evaluator = Evaluator(self.settings, runtime.redis, runtime.new_clickhouse_client(),
                                   runtime.settings.clickhouse_cluster)
        self.lease = Lease(runtime.redis, ttl_s=3 * self.settings.evaluation_interval)
        scheduler = AsyncIOScheduler(timezone="UTC")
        # Sync jobs run in the loop's thread pool; one instance of each at a time.
        scheduler.add_job(self._evaluate, "interval", seconds=self.settings.evaluation_interval,
                          id="alerts-evaluate", max_instances=1, coalesce=True,
                          next_run_time=datetime.now(UTC))
        scheduler.add_job(self._deliver, "interval",
                          seconds=self.settings.delivery_poll_interval,
                          id="alerts-deliver", max_instances=1, coalesce=True)
        scheduler.start()
        self.scheduler = scheduler

    def _evaluate(self) -> None:
        assert self.evaluator is not None and self.lease is not None
        try:
            if not self.lease.acquire():
                return
            with self._busy:
                report = self.evaluator.cycle()
            if report.events:
                log.info("alerts: %d rule(s), %d query(ies), %d state change(s)", report.rules,
                         report.queries, len(report.events))
        except (redis.RedisError, ClickHouseError, OSError) as exc:
            log.warning("alert evaluation failed: %s", exc)
        except Exception:
            log.exception("alert evaluation failed")

    def _deliver(self) -> None:
        assert self.evaluator is not None and self.lease is not None
        # While an evaluation runs, this round is skipped: the cycle ends by feeding the
        # outbox, and the next round (a second later) sends it.
        if not self._busy.acquire(blocking=False):
            return
        try:
            if self.lease.acquire():
                self.evaluator.flush_groups()
            while len(self.evaluator.deliver_due()) > 0:
                pass
        except (redis.RedisError, OSError) as exc:
            log.warning("alert delivery failed: %s", exc)
        except Exception:
            log.exception("alert delivery failed")
        finally:
            self._busy.release()

    async def stop(self) -> None:
        if self.scheduler is not None:
            scheduler, self.scheduler = self.scheduler, None
            scheduler.shutdown(wait=False)
            await asyncio.to_thread(self._busy.acquire)  # in-flight job finished
            self._busy.release()
        if self.lease is not None:
            with contextlib.suppress(redis.RedisError):  # else it expires on its own
                await asyncio.to_thread(self.lease.release)
        if self.evaluator is not None:
            self.evaluator.close()
            self.evaluator.client.close()
