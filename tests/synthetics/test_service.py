"""The service as `serve` and `worker` run it: scheduler, queue, executor and results in
ClickHouse; and the scheduler lease between workers."""

from __future__ import annotations

import asyncio
import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import redis
from clickhouse_connect.driver.client import Client

from synthetics import reports
from synthetics.browser import BrowserPool
from synthetics.runqueue import RunQueue
from synthetics.scheduler import LEASE_KEY, Scheduler
from synthetics.service import SyntheticsService
from tests.synthetics.checks import checkout
from tests.synthetics.conftest import Loop
from tests.synthetics.shop import Shop
from vitalscope.config import Settings, load_settings
from vitalscope.datadir import DataDir
from vitalscope.redisstore.client import async_client
from vitalscope.redisstore.embedded import EmbeddedRedis
from vitalscope.redisstore.lease import Lease
from vitalscope.runtime import Role, Runtime


def _runtime(settings: Settings, clickhouse: Client, redis_server: EmbeddedRedis,
             tmp_path: Path, checks: list[dict[str, Any]], **synthetics: Any) -> Runtime:
    configured = load_settings(
        data=tmp_path / "data", clickhouse_url=settings.clickhouse_url,
        clickhouse_database=settings.clickhouse_database, redis_url=redis_server.url,
        synthetics={"checks": checks, **synthetics})
    return Runtime(configured, Role.SERVE, DataDir(configured.data_dir),
                   redis_url=redis_server.url, clickhouse=clickhouse)


def test_scheduler_runs_a_check_on_its_interval_never_two_at_once(
        aloop: Loop, pool: BrowserPool, shop: Shop, settings: Settings, clickhouse: Client,
        redis_server: EmbeddedRedis, redis_client: redis.Redis, tmp_path: Path) -> None:
    slow = {"name": "slow", "base_url": shop.url, "interval_s": 1, "retries": 0, "site": "shop",
            "steps": [{"goto": "/slow/sched?s=1.5"}, {"assert_visible": "#done"}]}
    runtime = _runtime(settings, clickhouse, redis_server, tmp_path, [slow, checkout(shop)],
                       jitter_s=0, concurrency=2)
    service = SyntheticsService(runtime, pool=pool)

    async def scenario() -> dict[str, Any]:
        await service.start()
        try:
            # A manual run through the same queue, while the scheduler keeps going.
            run_id = await service.queue.request_waiting("checkout", 60, "manual", wait_s=30)
            assert run_id is not None
            manual = await service.queue.wait_result(run_id, 60)
            assert manual is not None
            # A check is queued again only once its run is done (its busy mark released):
            # a third request of `slow` means two scheduled runs finished, however long a
            # loaded machine made them take (a fixed 5 s window once held only one).
            for _ in range(600):  # up to a minute
                if len(_slow_requests()) >= 3:
                    break
                await asyncio.sleep(0.1)
            assert len(_slow_requests()) >= 3, service.scheduler.requested
            return manual
        finally:
            await service.stop()

    def _slow_requests() -> list[str]:
        return [run_id for check, run_id in service.scheduler.requested if check == "slow"]

    manual = aloop.run(scenario(), timeout=120)
    assert manual["status"] == "passed", manual["error"]

    rows = clickhouse.query(
        "SELECT run_id, status, started_at, finished_at, trigger FROM synthetic_runs "
        "WHERE `check` = 'slow' ORDER BY started_at").result_rows
    assert len(rows) >= 2, rows
    assert all(r[1] == "passed" and r[4] == "schedule" for r in rows)
    for before, after in itertools.pairwise(rows):
        assert after[2] >= before[3], "two runs of one check overlapped"
    assert shop.max_active["/slow/sched"] == 1
    # Every requested run ran and was stored once; ticks that came while the check was
    # still running were skipped, not queued up behind it.
    requested = sorted(run_id for check, run_id in service.scheduler.requested
                       if check == "slow")
    assert requested == sorted(r[0] for r in rows)

    # The data side of the dashboard page reads the same rows.
    since = datetime.now(UTC) - timedelta(hours=1)
    grid = {s.check: s for s in reports.status_grid(clickhouse, since)}
    assert grid["slow"].runs == len(rows) and grid["slow"].last_status == "passed"
    assert grid["slow"].flake_rate == 0 and grid["slow"].p75_duration_ms > 1000
    assert grid["checkout"].runs >= 1
    history = reports.run_history(clickhouse, "checkout", since)
    manual_row = next(r for r in history if r.run_id == manual["run_id"])
    assert manual_row.trigger == "manual" and manual_row.status == "passed"
    steps = reports.run_steps(clickhouse, "checkout", manual["run_id"])
    assert [s.step for s in steps] == list(range(1, 16))
    assert steps[0].action == "goto" and steps[-1].action == "assert_visible"
    timings = reports.step_timings(clickhouse, "slow", since, bucket_s=60)
    assert {t.step for t in timings} == {1, 2}
    first = next(t for t in timings if t.step == 1)
    assert first.p75_duration_ms >= 1500  # the page answers after 1.5 s
    lab = {(v.page_group, v.metric) for v in reports.lab_vitals(clickhouse, "checkout", since)}
    assert ("home", "TTFB") in lab and ("/thanks", "FCP") in lab

    clickhouse.insert("vitals", [["shop", "TTFB", datetime.now(UTC), "e1", "/slow/sched",
                                  1234.0, "poor"]],
                      column_names=["site", "metric", "ts", "event_id", "page_group", "value",
                                    "rating"])
    compared = {(r.page_group, r.metric): r for r in reports.lab_vs_field(clickhouse, "shop",
                                                                          since)}
    ttfb = compared[("/slow/sched", "TTFB")]
    assert ttfb.field_p75 == 1234.0 and ttfb.field_samples == 1
    assert ttfb.lab_p75 >= 1500 and ttfb.lab_samples == len(rows)
    assert compared[("/slow/sched", "FCP")].field_p75 is None


def _active(scheduler: Scheduler) -> bool:
    # Read afresh: mypy would keep `second.active` narrowed to False from the assert before
    # the takeover, across the awaits that change it.
    return scheduler.active


def test_one_scheduler_holds_the_lease_and_another_takes_over_when_it_dies(
        aloop: Loop, redis_server: EmbeddedRedis, redis_client: redis.Redis) -> None:
    async def scenario() -> None:
        client = async_client(redis_server.url)
        queue = RunQueue(client)
        first = Scheduler(queue, Lease(client, LEASE_KEY, ttl_s=1.0), [], 60, 0)
        second = Scheduler(queue, Lease(client, LEASE_KEY, ttl_s=1.0), [], 60, 0)
        await first.start()
        await asyncio.sleep(0.2)
        await second.start()
        await asyncio.sleep(0.5)
        assert first.active and not second.active
        await first.stop(release=False)  # dies: the lease stays until it expires
        for _ in range(50):  # the lease lasts 1 s and is checked every third of it
            if _active(second):
                break
            await asyncio.sleep(0.1)
        assert _active(second)
        assert await client.get(LEASE_KEY) == second.lease.holder.encode()
        await second.stop()
        assert await client.get(LEASE_KEY) is None  # a clean stop hands it over at once
        await client.aclose()

    aloop.run(scenario(), timeout=30)


def test_a_check_queued_or_running_is_not_requested_again(
        aloop: Loop, redis_server: EmbeddedRedis, redis_client: redis.Redis) -> None:
    async def scenario() -> None:
        client = async_client(redis_server.url)
        queue = RunQueue(client)
        first = await queue.request("shop", 30)
        assert first is not None
        assert await queue.request("shop", 30) is None
        taken = await queue.take("worker-1", 10, block_ms=100)
        assert [(r.check, r.run_id) for r in taken] == [("shop", first)]
        await queue.done(taken[0], None)
        assert await queue.request("shop", 30) is not None
        await client.aclose()

    aloop.run(scenario(), timeout=30)


def test_requests_of_a_dead_worker_are_dropped_not_run_twice(
        aloop: Loop, redis_server: EmbeddedRedis, redis_client: redis.Redis) -> None:
    async def scenario() -> None:
        client = async_client(redis_server.url)
        queue = RunQueue(client)
        run_id = await queue.request("shop", 30)
        taken = await queue.take("dead-worker", 1, block_ms=100)
        assert [r.run_id for r in taken] == [run_id]
        assert await queue.drop_stale("live-worker", min_idle_s=60) == []  # still fresh
        await asyncio.sleep(0.3)
        dropped = await queue.drop_stale("live-worker", min_idle_s=0.2)
        assert [(r.check, r.run_id) for r in dropped] == [("shop", run_id)]
        assert await client.xpending("vs:synthetics:runs", "executors") == {
            "pending": 0, "min": None, "max": None, "consumers": []}
        await client.aclose()

    aloop.run(scenario(), timeout=30)
