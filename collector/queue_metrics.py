"""Queue health in /metrics: read from Redis at each scrape (see queue_health.py), so every
role that serves /metrics tells the truth, whether or not it runs a flusher."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import redis
import redis.asyncio as aioredis
from prometheus_client import REGISTRY
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector
from redis.exceptions import RedisError

from collector import metrics, queue_health
from collector.queue_health import QueueHealth
from vitalscope.server.procs.metrics import store_read

log = logging.getLogger("vitalscope.collector")


class _QueueCollector(Collector):
    def __init__(self) -> None:
        self.last: QueueHealth | None = None

    def collect(self) -> Iterator[GaugeMetricFamily | CounterMetricFamily]:
        if self.last is None:
            return
        yield GaugeMetricFamily(
            "vitalscope_ingest_queue_oldest_age_seconds", "Age of the oldest ingest entry not "
            "yet acknowledged (pending or not yet delivered); 0 when none waits.",
            value=self.last.oldest_age_s)
        yield GaugeMetricFamily(
            "vitalscope_dead_letters", "Entries in the dead-letter stream.",
            value=self.last.dead_letters)
        trimmed = CounterMetricFamily(
            "vitalscope_dead_letters_trimmed", "Dead letters dropped by retention or the cap, "
            "by cause and kind (the table of the refused row, or `entry`).",
            labels=["cause", "reason"])
        for (cause, kind), count in sorted(self.last.trimmed.items()):
            trimmed.add_metric([cause, kind], count)
        yield trimmed


QUEUE = _QueueCollector()
REGISTRY.register(QUEUE)
store_read("vitalscope_dead_letters_trimmed")  # Redis's count: the same in every process


async def refresh(client: aioredis.Redis) -> None:
    """Reads the queue's health for the scrape; Redis down leaves the figures out."""
    try:
        health = await queue_health.aread(client)
    except (RedisError, OSError) as exc:
        _unavailable(exc)
        return
    _publish(health)


def refresh_blocking(client: redis.Redis) -> None:
    """`refresh` on a synchronous client (the /metrics of workers and dashboards)."""
    try:
        health = queue_health.read(client)
    except (RedisError, OSError) as exc:
        _unavailable(exc)
        return
    _publish(health)


def _unavailable(exc: Exception) -> None:
    log.warning("/metrics: queue health unavailable (%s)", type(exc).__name__)
    QUEUE.last = None


def _publish(health: QueueHealth) -> None:
    QUEUE.last = health
    metrics.QUEUE_DEPTH.set(health.length)
    metrics.QUEUE_PENDING.set(health.pending)
