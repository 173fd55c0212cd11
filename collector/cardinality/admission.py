"""Admission of new values against the per-site, per-day caps, shared by every collector
process through Redis (admit.lua: admit-if-under-cap in one round trip per request). Values
this process already knows are answered locally: the steady state costs no Redis call."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from importlib.resources import files

from collector import metrics
from collector.cardinality import Kind
from collector.cardinality.cache import AdmittedCache, SiteDay
from collector.errors import IngestError
from vitalscope.config.collector import CardinalityLimits
from vitalscope.redisstore import keys
from vitalscope.redisstore.client import async_client

log = logging.getLogger("vitalscope.collector")
_SCRIPT = files("collector.cardinality").joinpath("admit.lua").read_text()
# A day's sets outlive it by a day: late beacons of a day still find its admitted values.
SET_TTL_S = 2 * 86_400
_CAP_FIELD: dict[Kind, str] = {"page_group": "page_groups",
                               "server_timing_name": "server_timing_names",
                               "tag_key": "tag_keys", "tag_value": "tag_values",
                               "release": "releases", "target": "targets",
                               "script": "scripts", "error_group": "error_groups"}


def cap(limits: CardinalityLimits, kind: Kind) -> int:
    value: int = getattr(limits, _CAP_FIELD[kind])
    return value


class Admission:
    name = "cardinality-admission"

    def __init__(self, redis_url: str, default: CardinalityLimits,
                 per_site: Mapping[str, CardinalityLimits], cache_values: int) -> None:
        # Same short timeouts as the appender: a Redis that is gone gets a 503 at once. A
        # burst of requests with values not seen yet (a cold start, a flood of new values)
        # waits up to a second for one of the pool's connections instead of failing.
        self.redis = async_client(redis_url, socket_timeout=1.0, connect_timeout=0.25,
                                  policy="request", max_connections=16, pool_wait_s=1.0)
        self.script = self.redis.register_script(_SCRIPT)
        self.default = default
        # A site's override names only what differs; the rest comes from `default`.
        self.per_site = {site: default.model_copy(update=limits.model_dump(exclude_unset=True))
                         for site, limits in per_site.items()}
        self.cache = AdmittedCache(cache_values)
        # Lookups in flight, per (site, day, kind, value): a burst of requests carrying the
        # same new values (a cold start) asks Redis once per value, the rest wait for that
        # answer. True: over the cap; False: admitted; None: Redis did not answer.
        self._in_flight: dict[tuple[str, int, Kind, str], asyncio.Future[bool | None]] = {}

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        await self.redis.aclose()

    def limits(self, site: str) -> CardinalityLimits:
        return self.per_site.get(site, self.default)

    async def resolve(self, site: str, day: int, entry: SiteDay,
                      unknown: dict[Kind, list[str]]) -> dict[Kind, set[str]]:
        """The values of `unknown` (never seen by this process) that are over their cap.
        Kinds the process knows to be full are answered locally; values another request is
        already asking about wait for its answer; the rest go to Redis in one call."""
        rejected: dict[Kind, set[str]] = {}
        ask: list[tuple[Kind, list[str]]] = []
        waits: list[tuple[Kind, str, asyncio.Future[bool | None]]] = []
        mine: dict[tuple[str, int, Kind, str], asyncio.Future[bool | None]] = {}
        loop = asyncio.get_running_loop()
        for kind, values in unknown.items():
            if kind in entry.full:
                rejected[kind] = set(values)
                continue
            new: list[str] = []
            for value in dict.fromkeys(values):
                key = (site, day, kind, value)
                if (pending := self._in_flight.get(key)) is not None:
                    waits.append((kind, value, pending))
                else:
                    mine[key] = self._in_flight[key] = loop.create_future()
                    new.append(value)
            if new:
                ask.append((kind, new))
        try:
            if ask:
                over = await self._ask(site, day, entry, ask)
                for (kind, values) in ask:
                    for value in values:
                        mine[(site, day, kind, value)].set_result(value in over.get(kind, ()))
                for kind, values_over in over.items():
                    rejected.setdefault(kind, set()).update(values_over)
        finally:
            for key, future in mine.items():
                if not future.done():
                    future.set_result(None)
                self._in_flight.pop(key, None)
        for kind, value, pending in waits:
            verdict = await pending
            if verdict is None:
                raise _unavailable()
            if verdict:
                rejected.setdefault(kind, set()).add(value)
        return rejected

    async def _ask(self, site: str, day: int, entry: SiteDay,
                   ask: list[tuple[Kind, list[str]]]) -> dict[Kind, set[str]]:
        limits = self.limits(site)
        args: list[str | int] = [SET_TTL_S]
        for kind, values in ask:
            args += [cap(limits, kind), len(values), *values]
        metrics.CARDINALITY_LOOKUPS.inc()
        try:
            answers = await self.script(
                keys=[keys.cardinality_set(site, kind, day) for kind, _ in ask], args=args)
        except Exception as exc:  # like the appender: whatever went wrong, a 503
            log.warning("cannot check cardinality in Redis: %s", type(exc).__name__)
            raise _unavailable() from None
        rejected: dict[Kind, set[str]] = {}
        for (kind, values), (flags, members) in zip(ask, answers, strict=True):
            flags = flags.decode() if isinstance(flags, bytes) else str(flags)
            admitted = [v for v, flag in zip(values, flags, strict=True) if flag == "1"]
            over = {v for v, flag in zip(values, flags, strict=True) if flag != "1"}
            if members:
                admitted += [m.decode() if isinstance(m, bytes) else str(m) for m in members]
            self.cache.learn(entry, kind, admitted, full=bool(members))
            if over:
                rejected[kind] = over
        return rejected


def _unavailable() -> IngestError:
    return IngestError(503, "queue_unavailable", "the ingest queue is unavailable; retry later",
                       headers=[(b"retry-after", b"2")])
