"""The fold stage, between enrichment and row building: every page-written value the rollups
group by (page groups, server-timing names, tag keys and values, releases, attribution
targets, script URLs, error groups) past its site's daily cap becomes `(other)`, counted by
kind in /metrics (vitalscope_cardinality_folded_total). Empty values are left alone."""

from __future__ import annotations

from typing import Any

from collector import metrics
from collector.cardinality import DAY_MS, OTHER, Kind
from collector.cardinality.admission import Admission
from collector.cardinality.cache import SiteDay
from collector.context import BeaconContext
from collector.enrich.scripts import ScriptSource
from collector.tables import SERVER_TIMINGS
from vitalscope.jserrors.grouping import OTHER_FINGERPRINT, Grouping

_GROUP = SERVER_TIMINGS.index("page_group")
_NAME = SERVER_TIMINGS.index("name")
_RELEASE = SERVER_TIMINGS.index("release")
OTHER_ERROR_GROUP = Grouping(OTHER_FINGERPRINT, OTHER, OTHER)


def _unknown(entry: SiteDay, values: dict[Kind, list[str]]) -> dict[Kind, list[str]]:
    unknown: dict[Kind, list[str]] = {}
    for kind, sent in values.items():
        known = entry.admitted[kind]
        missing = [v for v in sent if v and v not in known]
        if missing:
            unknown[kind] = list(dict.fromkeys(missing))
    return unknown


def _count(kind: Kind, folded: int) -> None:
    if folded:
        metrics.CARDINALITY_FOLDED.labels(kind).inc(folded)


def _beacon_values(context: BeaconContext) -> dict[Kind, list[str]]:
    beacon = context.beacon
    names = [event.n for event in context.kinds.timings]
    targets = [event.a.tgt for event in context.kinds.attributed
               if event.a is not None and event.a.tgt]
    return {"page_group": [context.page_group], "server_timing_name": names,
            "release": [beacon.rel or ""], "target": targets,
            "script": [source.url for source in context.scripts.values()],
            "error_group": [str(g.fingerprint) for g in context.error_groups.values()]}


class CardinalityFold:
    def __init__(self, admission: Admission) -> None:
        self.admission = admission

    async def _rejected(self, site: str, received_ms: int, values: dict[Kind, list[str]],
                        tags: dict[str, str] | None) -> dict[Kind, set[str]]:
        day = received_ms // DAY_MS
        entry = self.admission.cache.get(site, day)
        if tags:
            values["tag_key"] = list(tags)
            if "tag_key" in entry.full:
                # Values of a key that will be folded would only take slots of the cap.
                admitted = entry.admitted["tag_key"]
                values["tag_value"] = [v for k, v in tags.items() if k in admitted]
            else:
                values["tag_value"] = list(tags.values())
        unknown = _unknown(entry, values)
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
        beacon = context.beacon
        release = beacon.rel
        if release and release not in admitted["release"]:
            return False
        kinds = context.kinds
        if kinds.timings:
            names = admitted["server_timing_name"]
            for timing in kinds.timings:
                if timing.n not in names:
                    return False
        if kinds.attributed:
            targets = admitted["target"]
            for vital in kinds.attributed:
                target = vital.a.tgt if vital.a is not None else None
                if target and target not in targets:
                    return False
        if context.scripts:
            scripts = admitted["script"]
            if any(s.url and s.url not in scripts for s in context.scripts.values()):
                return False
        if context.error_groups:
            groups = admitted["error_group"]
            if any(str(g.fingerprint) not in groups for g in context.error_groups.values()):
                return False
        tags = beacon.tags
        if tags:
            keys, values = admitted["tag_key"], admitted["tag_value"]
            for key, value in tags.items():
                if key not in keys or (value and value not in values):
                    return False
        return True

    async def beacon(self, context: BeaconContext) -> None:
        """Folds what is past a cap (call it when `all_known` is False)."""
        beacon = context.beacon
        rejected = await self._rejected(context.site.name, context.received_ms,
                                        _beacon_values(context), beacon.tags)
        if not rejected:
            return
        groups = rejected.get("page_group")
        if groups and context.page_group in groups:
            context.page_group = OTHER
            _count("page_group", 1)
        releases = rejected.get("release")
        if releases and beacon.rel in releases:
            beacon.rel = OTHER
            _count("release", 1)
        names = rejected.get("server_timing_name")
        targets = rejected.get("target")
        if names or targets:
            self._fold_events(context, names or set(), targets or set())
        scripts = rejected.get("script")
        if scripts:
            self._fold_scripts(context, scripts)
        errors = rejected.get("error_group")
        if errors:
            folded = [event_id for event_id, g in context.error_groups.items()
                      if str(g.fingerprint) in errors]
            for event_id in folded:
                context.error_groups[event_id] = OTHER_ERROR_GROUP
            _count("error_group", len(folded))
        if beacon.tags and ("tag_key" in rejected or "tag_value" in rejected):
            beacon.tags = self._fold_tags(beacon.tags, rejected)

    @staticmethod
    def _fold_events(context: BeaconContext, names: set[str], targets: set[str]) -> None:
        folded_names = folded_targets = 0
        for timing in context.kinds.timings:
            if timing.n in names:
                timing.n = OTHER
                folded_names += 1
        for vital in context.kinds.attributed:
            if vital.a is not None and vital.a.tgt in targets:
                vital.a.tgt = OTHER
                folded_targets += 1
        _count("server_timing_name", folded_names)
        _count("target", folded_targets)

    @staticmethod
    def _fold_scripts(context: BeaconContext, scripts: set[str]) -> None:
        """A folded script keeps its party (first or third) but not its host: hosts are
        page-written too."""
        folded = {event_id: ScriptSource(OTHER, OTHER, source.party)
                  for event_id, source in context.scripts.items() if source.url in scripts}
        context.scripts.update(folded)
        _count("script", len(folded))

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
        rejected = await self._rejected(site, received_ms, {
            "page_group": [row[_GROUP] for row in rows],
            "server_timing_name": [row[_NAME] for row in rows],
            "release": [row[_RELEASE] for row in rows]}, None)
        if not rejected:
            return
        columns: tuple[tuple[Kind, int], ...] = (
            ("page_group", _GROUP), ("server_timing_name", _NAME), ("release", _RELEASE))
        for kind, column in columns:
            over = rejected.get(kind)
            if not over:
                continue
            folded = 0
            for row in rows:
                if row[column] in over:
                    row[column] = OTHER
                    folded += 1
            _count(kind, folded)
