"""The fold stage, between enrichment and row building: page groups, server-timing names,
tag keys and tag values past their site's daily cap become `(other)`, counted by kind in
/metrics (vitalscope_cardinality_folded_total). Empty values are left alone."""

from __future__ import annotations

from typing import Any

from collector import metrics
from collector.cardinality import DAY_MS, OTHER, Kind
from collector.cardinality.admission import Admission
from collector.cardinality.cache import SiteDay
from collector.context import BeaconContext
from collector.tables import SERVER_TIMINGS
from collector.wire import ServerTimingEntry

_GROUP = SERVER_TIMINGS.index("page_group")
_NAME = SERVER_TIMINGS.index("name")


def _unknown(entry: SiteDay, kind: Kind, values: list[str],
             into: dict[Kind, list[str]]) -> None:
    known = entry.admitted[kind]
    missing = [v for v in values if v and v not in known]
    if missing:
        into[kind] = list(dict.fromkeys(missing))


def _count(kind: Kind, folded: int) -> None:
    if folded:
        metrics.CARDINALITY_FOLDED.labels(kind).inc(folded)


class CardinalityFold:
    def __init__(self, admission: Admission) -> None:
        self.admission = admission

    async def _rejected(self, site: str, received_ms: int, page_groups: list[str],
                        names: list[str], tags: dict[str, str] | None
                        ) -> dict[Kind, set[str]]:
        day = received_ms // DAY_MS
        entry = self.admission.cache.get(site, day)
        unknown: dict[Kind, list[str]] = {}
        _unknown(entry, "page_group", page_groups, unknown)
        if names:
            _unknown(entry, "server_timing_name", names, unknown)
        if tags:
            _unknown(entry, "tag_key", list(tags), unknown)
            values = list(tags.values())
            if "tag_key" in entry.full:
                # Values of a key that will be folded would only take slots of the cap.
                admitted = entry.admitted["tag_key"]
                values = [v for k, v in tags.items() if k in admitted]
            _unknown(entry, "tag_value", values, unknown)
        if not unknown:  # the steady state: everything known, nothing to ask
            return {}
        return await self.admission.resolve(site, day, entry, unknown)

    def all_known(self, context: BeaconContext) -> bool:
        """True when this process has already admitted every value of the beacon: the steady
        state, answered with set lookups only (no list built, no coroutine)."""
        admitted = self.admission.cache.get(context.site.name,
                                            context.received_ms // DAY_MS).admitted
        group = context.page_group
        if group and group not in admitted["page_group"]:
            return False
        names = admitted["server_timing_name"]
        for event in context.beacon.e:
            if type(event) is ServerTimingEntry and event.n not in names:
                return False
        tags = context.beacon.tags
        if tags:
            keys, values = admitted["tag_key"], admitted["tag_value"]
            for key, value in tags.items():
                if key not in keys or (value and value not in values):
                    return False
        return True

    async def beacon(self, context: BeaconContext) -> None:
        """Folds what is past a cap (call it when `all_known` is False)."""
        beacon = context.beacon
        timings = [e for e in beacon.e if type(e) is ServerTimingEntry]
        rejected = await self._rejected(context.site.name, context.received_ms,
                                        [context.page_group], [e.n for e in timings],
                                        beacon.tags)
        if not rejected:
            return
        groups = rejected.get("page_group")
        if groups and context.page_group in groups:
            context.page_group = OTHER
            _count("page_group", 1)
        names = rejected.get("server_timing_name")
        if names:
            folded = 0
            for event in timings:
                if event.n in names:
                    event.n = OTHER
                    folded += 1
            _count("server_timing_name", folded)
        if beacon.tags and ("tag_key" in rejected or "tag_value" in rejected):
            beacon.tags = self._fold_tags(beacon.tags, rejected)

    @staticmethod
    def _fold_tags(tags: dict[str, str], rejected: dict[Kind, set[str]]) -> dict[str, str]:
        """A key past its cap keeps no value of its own: its entries merge into one
        `(other)` -> `(other)` entry (a map holds each key once)."""
        over_keys = rejected.get("tag_key", set())
        over_values = rejected.get("tag_value", set())
        out: dict[str, str] = {}
        keys = values = 0
        for key, value in tags.items():
            if key in over_keys:
                out[OTHER] = OTHER
                keys += 1
            elif value in over_values:
                out[key] = OTHER
                values += 1
            else:
                out[key] = value
        _count("tag_key", keys)
        _count("tag_value", values)
        return out

    async def server_timing_rows(self, site: str, received_ms: int,
                                 rows: list[list[Any]]) -> None:
        """Folds `server_timings` rows of the server-timings API in place."""
        rejected = await self._rejected(site, received_ms, [row[_GROUP] for row in rows],
                                        [row[_NAME] for row in rows], None)
        if not rejected:
            return
        groups = rejected.get("page_group", set())
        names = rejected.get("server_timing_name", set())
        folded_groups = folded_names = 0
        for row in rows:
            if row[_GROUP] in groups:
                row[_GROUP] = OTHER
                folded_groups += 1
            if row[_NAME] in names:
                row[_NAME] = OTHER
                folded_names += 1
        _count("page_group", folded_groups)
        _count("server_timing_name", folded_names)
