"""error_rate (JS error occurrences per page view spiking) and traffic_drop (page views
falling, down to no data), both against the same hours of previous days, from one query.
error_rate rules `by: fingerprint` take their page views from it too and their groups'
errors from one more query (alerting/evaluators/errors.py)."""

from __future__ import annotations

from collections.abc import Sequence

from alerting.evaluators.common import Queries, batch, ms
from alerting.evaluators.errors import group_rates
from alerting.model import Observation
from alerting.stats import count_drop, rate_increase
from vitalscope.config.alerting import RuleConfig


def _activity(queries: Queries, rules: Sequence[RuleConfig], now: float
              ) -> list[dict[int, tuple[int, int]]]:
    longest = max(r.baseline_days * 86400 + r.window for r in rules)
    rows = queries.rows("site_activity", {
        **batch(rules, lambda r: str(r.site)), "now_ms": ms(now), "from_ms": ms(now - longest),
        "window_ms": [ms(r.window) for r in rules],
        "days": [r.baseline_days for r in rules]})
    result: list[dict[int, tuple[int, int]]] = [{} for _ in rules]
    for idx, side, errors, views in rows:
        result[idx - 1][side] = (int(errors), int(views))
    return result


class ErrorRateEvaluator:
    kind = "error_rate"

    def evaluate(self, queries: Queries, rules: Sequence[RuleConfig], now: float
                 ) -> list[Observation]:
        observations = []
        activity = _activity(queries, rules, now)
        by_group = [(rule, sides) for rule, sides in zip(rules, activity, strict=True)
                    if rule.by == "fingerprint"]
        if by_group:
            observations += group_rates(queries, [r for r, _ in by_group],
                                        [s for _, s in by_group], now)
        for rule, sides in zip(rules, activity, strict=True):
            if rule.by == "fingerprint":
                continue
            base_errors, base_views = sides.get(2, (0, 0))
            cur_errors, cur_views = sides.get(1, (0, 0))
            before = base_errors / base_views if base_views else 0.0
            after = cur_errors / cur_views if cur_views else 0.0
            p_value = rate_increase(base_errors, base_views, cur_errors, cur_views)
            increase = (after - before) / before if before > 0 else (
                float("inf") if after > 0 else 0.0)
            active = (cur_views >= rule.effective_min_samples and p_value < rule.alpha
                      and increase >= rule.effective_min_effect)
            observations.append(Observation(
                rule, active, after,
                f"JS errors per page view on {rule.site}: {after:.3g} against {before:.3g} "
                f"(p={p_value:.2g})",
                details={"baseline_rate": before, "current_rate": after,
                         "relative_increase": increase if increase != float("inf") else None,
                         "p_value": p_value, "baseline_page_views": base_views,
                         "current_page_views": cur_views, "current_errors": cur_errors,
                         "window_s": rule.window}))
        return observations


class TrafficDropEvaluator:
    kind = "traffic_drop"

    def evaluate(self, queries: Queries, rules: Sequence[RuleConfig], now: float
                 ) -> list[Observation]:
        observations = []
        for rule, sides in zip(rules, _activity(queries, rules, now), strict=True):
            _, base_views = sides.get(2, (0, 0))
            _, cur_views = sides.get(1, (0, 0))
            expected = base_views / rule.baseline_days
            p_value = count_drop(expected, cur_views)
            drop = (expected - cur_views) / expected if expected > 0 else 0.0
            active = (expected >= rule.effective_min_samples and p_value < rule.alpha
                      and drop >= rule.effective_min_effect)
            what = "no data" if cur_views == 0 else f"traffic down {drop:.0%}"
            observations.append(Observation(
                rule, active, float(cur_views),
                f"{what} on {rule.site}: {cur_views} page views where {expected:.0f} were "
                f"expected (p={p_value:.2g})",
                details={"expected_page_views": expected, "current_page_views": cur_views,
                         "drop": drop, "p_value": p_value, "no_data": cur_views == 0,
                         "window_s": rule.window}))
        return observations
