"""Alerts on JS error groups (docs/errors.md), one alert per group (its `fingerprint`
label): `new_error` (a group first seen in the site's newest release, affecting at least
`min_page_views` page views in the window) and the `by: fingerprint` mode of `error_rate`
(a group's occurrences per page view against the same hours of previous days).

Whether a group is new in a release is the errors API's definition, read with the same
named queries (vitalscope/jserrors/releases.py). The group's dashboard link and original top
frame are added to the alerts afterwards (alerting/errorgroups.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from alerting.evaluators.common import Queries, batch, ms
from alerting.model import Observation
from alerting.stats import rate_increase
from vitalscope.config.alerting import RuleConfig
from vitalscope.jserrors.grouping import OTHER_FINGERPRINT
from vitalscope.jserrors.releases import (
    FIRST_RELEASE_QUERY,
    NEWEST_RELEASE_QUERY,
    new_in_release,
)

# A group new in a release cannot have occurred before the release's first page view; the
# margin allows for client clocks (page views and errors are timed by the browser).
RELEASE_MARGIN_S = 3600.0
SUMMARY_MESSAGE_CHARS = 200


def _group(group_id: str, kind: str, message: str, frame: str) -> dict[str, Any]:
    """What an alert says about its group (beacon-sent strings: carried as data)."""
    return {"fingerprint": group_id, "error_type": kind, "message": message,
            "top_frame": frame}


def _what(kind: str, message: str) -> str:
    text = f"{kind}: {message}" if kind else message
    return text if len(text) <= SUMMARY_MESSAGE_CHARS else \
        text[:SUMMARY_MESSAGE_CHARS - 1] + "…"


def _newest_releases(queries: Queries, sites: list[str]) -> dict[str, tuple[str, float]]:
    """site -> (newest release, its first page view in seconds), for sites with releases."""
    found: dict[str, tuple[str, float]] = {}
    for site in sites:
        rows = queries.rows(NEWEST_RELEASE_QUERY, {"site": site})
        if rows:
            release, start = rows[0]
            found[site] = (str(release), start.timestamp() if isinstance(start, datetime)
                           else float(start))
    return found


def _first_releases(queries: Queries, site: str, fingerprints: list[str]) -> dict[str, str]:
    rows = queries.rows(FIRST_RELEASE_QUERY, {"site": site,
                                              "fingerprints": [int(f) for f in fingerprints]})
    return {str(group_id): str(first_release)
            for group_id, _first, _last, first_release in rows}


class NewErrorEvaluator:
    kind = "new_error"

    def evaluate(self, queries: Queries, rules: Sequence[RuleConfig], now: float
                 ) -> list[Observation]:
        newest = _newest_releases(queries, sorted({str(r.site) for r in rules}))
        # A site without releases has no newest one: its rules see nothing new.
        watched = [r for r in rules if str(r.site) in newest]
        if not watched:
            return []
        rows = queries.rows("new_error_groups", {
            **batch(watched, lambda r: str(r.site)), "now_ms": ms(now),
            "from_ms": ms(now - max(r.window for r in watched)),
            "window_ms": [ms(r.window) for r in watched],
            "min_views": [r.min_page_views for r in watched],
            "since_ms": [ms(newest[str(r.site)][1] - RELEASE_MARGIN_S) for r in watched],
            "top": [r.max_groups for r in watched], "other_fingerprint": OTHER_FINGERPRINT})
        by_site: dict[str, set[str]] = {}
        for idx, group_id, *_ in rows:
            by_site.setdefault(str(watched[idx - 1].site), set()).add(str(group_id))
        first = {(site, fp): release for site, prints in sorted(by_site.items())
                 for fp, release in _first_releases(queries, site, sorted(prints)).items()}
        observations = []
        for idx, group_id, kind, message, frame, occurrences, views in rows:
            rule = watched[idx - 1]
            site = str(rule.site)
            release = newest[site][0]
            if not new_in_release(int(group_id), first.get((site, str(group_id)), ""), release):
                continue
            observations.append(Observation(
                rule, True, float(views),
                f"new JS error on {site} in release {release}: {_what(kind, message)} "
                f"({views} page views affected)",
                extra_labels={"fingerprint": str(group_id)},
                details={**_group(str(group_id), kind, message, frame), "release": release,
                         "page_views": int(views), "occurrences": int(occurrences),
                         "min_page_views": rule.min_page_views, "window_s": rule.window}))
        return observations


def group_rates(queries: Queries, rules: Sequence[RuleConfig],
                views: Sequence[dict[int, tuple[int, int]]], now: float) -> list[Observation]:
    """error_rate rules `by: fingerprint`; `views` holds each rule's page views per side
    (site_activity.sql), the denominators of every group's rate."""
    longest = max(r.baseline_days * 86400 + r.window for r in rules)
    rows = queries.rows("error_groups_activity", {
        **batch(rules, lambda r: str(r.site)), "now_ms": ms(now), "from_ms": ms(now - longest),
        "window_ms": [ms(r.window) for r in rules],
        "days": [r.baseline_days for r in rules],
        "top": [r.max_groups for r in rules]})
    observations = []
    for idx, group_id, cur_errors, base_errors, kind, message, frame in rows:
        rule = rules[idx - 1]
        _, base_views = views[idx - 1].get(2, (0, 0))
        _, cur_views = views[idx - 1].get(1, (0, 0))
        cur_errors, base_errors = int(cur_errors), int(base_errors)
        before = base_errors / base_views if base_views else 0.0
        after = cur_errors / cur_views if cur_views else 0.0
        p_value = rate_increase(base_errors, base_views, cur_errors, cur_views)
        increase = (after - before) / before if before > 0 else (
            float("inf") if after > 0 else 0.0)
        active = (cur_views >= rule.effective_min_samples and p_value < rule.alpha
                  and increase >= rule.effective_min_effect
                  and (rule.value is None or after > rule.value))
        observations.append(Observation(
            rule, active, after,
            f"JS error {_what(kind, message)} per page view on {rule.site}: {after:.3g} "
            f"against {before:.3g} (p={p_value:.2g})",
            extra_labels={"fingerprint": str(group_id)},
            details={**_group(str(group_id), kind, message, frame),
                     "baseline_rate": before, "current_rate": after,
                     "relative_increase": increase if increase != float("inf") else None,
                     "p_value": p_value, "baseline_page_views": base_views,
                     "current_page_views": cur_views, "current_errors": cur_errors,
                     "baseline_errors": base_errors, "window_s": rule.window}))
    return observations
