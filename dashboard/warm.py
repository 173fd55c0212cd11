"""Warming: after new data for a site someone viewed lately (dashboard/views.py), the queries
of every page's default view are computed into the cache in the background, so the next
page load or refresh is a cache hit instead of ClickHouse work on the request path.

A named stage of the dashboard (`dashboard-warmer`, a background service of every process
that serves the dashboard: `serve`'s first process, each `vitalscope dashboard` replica). It
runs there, not beside the flusher, because the flusher (collector/) must not know the
dashboard's pages, and the dashboard has them in its registry (web/registry.py): a page added
there is warmed with no list to keep (`Page.read_default_view`: its `reads` where drawing
costs, else its layout). It learns of flushes from the site generations the
flusher bumps in Redis, polled every `POLL_S` for the viewed sites only.

Bounds, so it never costs ingest or readers more than a little:
- one thread per process, one page at a time, each query on one ClickHouse thread at the
  lowest priority (querylayer.WARM_SETTINGS);
- a site is warmed at most once per period (`cache_fresh_s` less a fifth, so the warm
  results replace the previous ones before they leave the freshness budget) by all
  processes together (a Redis key with that expiry, `keys.dashboard_warm`);
- only the `warm_sites` most recently viewed sites, at the preset ranges viewed;
- nothing while the flusher is behind (more than one batch of entries or bytes waiting),
  checked before each page, so a warm in progress stops when ingest needs the machine.

Warming changes no number: it runs the same panel code on the same query layer, storing
results under the generation read before each query, exactly as a reader's miss does
(dashboard/cache.py); it only skips the reuse of older results within the budget. (Its one
ClickHouse thread sums floats in another order than a reader's query would: the last
digits, as between any two runs.)"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable, Sequence

import redis

from dashboard import cache_metrics as metrics
from dashboard.filters import Filters
from dashboard.service import DashboardService
from vitalscope.redisstore import keys

log = logging.getLogger("vitalscope.dashboard.warm")
POLL_S = 0.5
STOP_TIMEOUT_S = 10.0

# Runs the queries of a page's default view: `Page.read_default_view`.
Render = Callable[[DashboardService, Filters], object]


def warm_period(fresh_s: float) -> float:
    return max(1.0, fresh_s - fresh_s / 5)


class Warmer:
    name = "dashboard-warmer"

    def __init__(self, service: DashboardService, pages: Sequence[tuple[str, Render]]) -> None:
        self.service = service
        self.pages = list(pages)
        self.collector = service.runtime.settings.collector
        self.period = warm_period(service.layer.cache.fresh_s)
        # The views are recorded only with the cache, its budget and warm_sites all on.
        self.enabled = service.views.enabled
        self.redis: redis.Redis | None = service.views.client
        self._warming = service.warming()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._seen: dict[str, int] = {}  # site -> generation warmed (or found first)
        self._noted: dict[str, tuple[int, str]] = {}  # site -> skip counted for a generation

    async def start(self) -> None:
        if not self.enabled:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()

    async def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            await asyncio.to_thread(self._thread.join, STOP_TIMEOUT_S)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.wait(POLL_S):
            try:
                self.tick()
            except redis.RedisError as exc:
                log.debug("warming paused: Redis unavailable (%s)", type(exc).__name__)
            except Exception:
                log.exception("dashboard warming failed")

    def tick(self) -> None:
        """Warms each viewed site whose data generation moved since this process last looked,
        when it may."""
        assert self.redis is not None
        active = self.service.views.active()
        for site in [s for s in self._seen if s not in active]:
            del self._seen[site]  # bounded by the active sites
            self._noted.pop(site, None)
        if not active:
            return
        generations = self.redis.mget([keys.site_generation(site) for site in active])
        for (site, ranges), raw in zip(active.items(), generations, strict=True):
            generation = int(raw) if raw is not None else 0
            seen = self._seen.get(site)
            if seen is None or seen == generation:
                # Nothing new since the view (whose request computed what it showed) or the
                # last warm.
                self._seen[site] = generation
                continue
            if self._stop.is_set():
                return
            if self.behind():
                self._skip(site, generation, "behind")
                continue
            if not self.redis.set(keys.dashboard_warm(site), generation, nx=True,
                                  ex=max(1, round(self.period))):
                self._skip(site, generation, "budget")
                continue
            self._seen[site] = generation
            if not self.warm(site, ranges):  # stopped: tried again once it may
                self.redis.delete(keys.dashboard_warm(site))
                self._seen[site] = seen

    def _skip(self, site: str, generation: int, reason: str) -> None:
        if self._noted.get(site) != (generation, reason):
            self._noted[site] = (generation, reason)
            metrics.WARM_SKIPS.labels(reason).inc()

    def behind(self) -> bool:
        """More than one batch waits in the ingest queue: the flusher needs the machine."""
        assert self.redis is not None
        pipe = self.redis.pipeline(transaction=False)
        pipe.xlen(keys.STREAM)
        pipe.get(keys.STREAM_BYTES)
        entries, size = pipe.execute()
        return (int(entries or 0) > self.collector.flush_max_entries
                or int(size or 0) > self.collector.flush_max_bytes)

    def warm(self, site: str, ranges: Sequence[str]) -> bool:
        """Every page's default view of the site at each range, until done (True) or told to
        stop (False)."""
        failed = False
        for range_ in ranges:
            f = Filters(site, range_)
            for path, render in self.pages:
                if self._stop.is_set() or self.behind():
                    metrics.WARM_RUNS.labels("stopped").inc()
                    return False
                started = time.perf_counter()
                try:
                    render(self._warming, f)
                except Exception as exc:  # a page that fails here fails for readers too
                    failed = True
                    log.warning("warming %s of %s failed: %s", path, site,
                                str(exc)[:200])
                metrics.WARM_SECONDS.labels(path).observe(time.perf_counter() - started)
        metrics.WARM_RUNS.labels("failed" if failed else "done").inc()
        return True
