"""The scheduler: APScheduler jobs that request runs, active in one process at a time (the
holder of a Redis lease). Jobs only queue requests, so a slow or stuck run never delays the
scheduler; a check still queued or running is skipped (missed runs coalesce)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from prometheus_client import Gauge

from synthetics.model import CheckPlan
from synthetics.runqueue import RunQueue
from vitalscope.redisstore import keys
from vitalscope.redisstore.lease import Lease
from vitalscope.server.scheduling import shutdown_after_running_jobs

log = logging.getLogger("vitalscope.synthetics")
SCHEDULER_ACTIVE = Gauge("vitalscope_synthetics_scheduler_active", "1 while this process holds "
                         "the synthetics scheduler lease (and queues the runs), else 0.")

LEASE_KEY = keys.SYNTHETICS_SCHEDULER_LEASE


class Scheduler:
    def __init__(self, queue: RunQueue, lease: Lease, plans: list[CheckPlan],
                 default_interval_s: float, jitter_s: float) -> None:
        self.queue = queue
        self.lease = lease
        self.plans = [p for p in plans if p.config.enabled]
        self.default_interval_s = default_interval_s
        self.jitter_s = jitter_s
        self.active = False
        self.requested: list[tuple[str, str]] = []  # (check, run_id), for tests and logs
        self._scheduler: AsyncIOScheduler | None = None
        self._task: asyncio.Task[None] | None = None

    def _trigger(self, plan: CheckPlan) -> IntervalTrigger | CronTrigger:
        config = plan.config
        if config.cron:
            return CronTrigger.from_crontab(config.cron, timezone=UTC)
        interval = config.interval_s or self.default_interval_s
        # Jitter never more than a tenth of the interval: short intervals stay regular.
        return IntervalTrigger(seconds=interval, jitter=min(self.jitter_s, interval / 10) or None,
                               timezone=UTC)

    async def _request(self, plan: CheckPlan) -> None:
        try:
            run_id = await self.queue.request(plan.name, plan.max_duration_s)
        except Exception as exc:  # Redis away: the next tick tries again
            log.warning("cannot queue a run of %s: %s", plan.name, exc)
            return
        if run_id is None:
            log.info("check %s is still queued or running; this run is skipped", plan.name)
            return
        self.requested.append((plan.name, run_id))

    def _activate(self) -> None:
        assert self._scheduler is not None
        now = datetime.now(UTC)
        for plan in self.plans:
            trigger = self._trigger(plan)
            extra = {}
            if isinstance(trigger, IntervalTrigger):
                # The first run comes soon after start, not one whole interval later.
                extra["next_run_time"] = now + timedelta(seconds=min(self.jitter_s, 1.0))
            self._scheduler.add_job(
                self._request, trigger, args=[plan], id=plan.name, name=plan.name,
                coalesce=True, max_instances=1, replace_existing=True,
                misfire_grace_time=None, **extra,
            )
        self.active = True
        SCHEDULER_ACTIVE.set(1)
        log.info("synthetics scheduler active (%d checks)", len(self.plans))

    def _deactivate(self) -> None:
        if self._scheduler is not None:
            self._scheduler.remove_all_jobs()
        if self.active:
            log.warning("synthetics scheduler lease lost; another worker schedules now")
        self.active = False
        SCHEDULER_ACTIVE.set(0)

    async def _hold_lease(self) -> None:
        interval = self.lease.ttl_ms / 3000
        while True:
            try:
                held = await self.lease.acquire()
            except Exception as exc:
                log.warning("synthetics scheduler lease: %s", exc)
                held = False
            if held and not self.active:
                self._activate()
            elif not held and self.active:
                self._deactivate()
            await asyncio.sleep(interval)

    async def start(self) -> None:
        # Its INFO lines ("Running job ...") repeat every tick; our own log says what matters.
        logging.getLogger("apscheduler").setLevel(logging.WARNING)
        self._scheduler = AsyncIOScheduler(timezone=UTC)
        self._scheduler.start()
        self._task = asyncio.get_running_loop().create_task(self._hold_lease())

    async def stop(self, release: bool = True) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._scheduler is not None:
            self._scheduler.remove_all_jobs()
            await shutdown_after_running_jobs(self._scheduler)
            self._scheduler = None
        self.active = False
        SCHEDULER_ACTIVE.set(0)
        if release:
            try:
                await self.lease.release()  # the next worker need not wait for it to expire
            except Exception as exc:
                log.warning("cannot release the scheduler lease: %s", exc)
