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

from alerting import metrics
from alerting.lease import Lease
from vitalscope.runtime import Runtime
from vitalscope.server.scheduling import shutdown_after_running_jobs

if TYPE_CHECKING:
    from alerting.engine import Evaluator

log = logging.getLogger("vitalscope.alerting")
STOP_WAIT_S = 10.0


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
        self._stopping = threading.Event()

    async def start(self) -> None:
        # Imported here: the engine pulls in scipy, and every CLI command imports this module
        # through the app without ever starting the service.
        from alerting.engine import Evaluator

        runtime = self.runtime
        self._stopping.clear()
        self.evaluator = Evaluator(self.settings, runtime.redis, runtime.new_clickhouse_client(),
                                   runtime.settings.clickhouse_cluster,
                                   public_url=runtime.settings.effective_public_url,
                                   sourcemaps=runtime.settings.sourcemaps)
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
            held = self.lease.acquire()
            metrics.LEADER.set(1 if held else 0)
            if not held:
                return
            with self._busy:
                report = self.evaluator.cycle()
            metrics.EVALUATIONS.inc()
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
            while not self._stopping.is_set() and self.evaluator.deliver_due(
                    stop=self._stopping):
                pass
        except (redis.RedisError, OSError) as exc:
            log.warning("alert delivery failed: %s", exc)
        except Exception:
            log.exception("alert delivery failed")
        finally:
            self._busy.release()

    async def stop(self) -> None:
        self._stopping.set()  # a delivery round ends after the webhook in flight
        idle = True
        if self.scheduler is not None:
            scheduler, self.scheduler = self.scheduler, None
            await shutdown_after_running_jobs(scheduler)
            # The in-flight job finishing; an evaluation stuck past the bound (a ClickHouse
            # query that does not answer) must not keep the process from stopping.
            idle = await asyncio.to_thread(self._busy.acquire, timeout=STOP_WAIT_S)
            if idle:
                self._busy.release()
            else:
                log.warning("alerting: a job still runs after %.0f s; stopping without it",
                            STOP_WAIT_S)
        if self.lease is not None:
            with contextlib.suppress(redis.RedisError):  # else it expires on its own
                await asyncio.to_thread(self.lease.release)
            metrics.LEADER.set(0)
        if self.evaluator is not None and idle:
            self.evaluator.close()
            self.evaluator.client.close()
