"""regression: the current window against a baseline, with a statistical test, a minimum
sample count per side and a minimum relative effect; a regressed rule also says what moved
(page groups, releases, server-timing names, cache sources)."""

from __future__ import annotations

from collections.abc import Sequence

from alerting.evaluators.causes import causes_of
from alerting.evaluators.common import Queries
from alerting.evaluators.vitals import scope, split_by_nav_type, vitals_windows
from alerting.model import Observation
from alerting.stats import p75_regression
from vitalscope.config.alerting import RuleConfig

# Reservoir per side for the rank test: plenty of power at the effects that matter, and a
# bounded transfer whatever the traffic.
SAMPLE_PER_SIDE = 2000


class RegressionEvaluator:
    kind = "regression"

    def evaluate(self, queries: Queries, rules: Sequence[RuleConfig], now: float
                 ) -> list[Observation]:
        rules = split_by_nav_type(rules)
        windows, releases = vitals_windows(queries, rules, now, sample=SAMPLE_PER_SIDE)
        observations = []
        regressed: list[int] = []
        for idx, (rule, window) in enumerate(zip(rules, windows, strict=True), start=1):
            result = p75_regression(
                window.baseline.sample, window.current.sample, alpha=rule.alpha,
                min_samples=rule.effective_min_samples, min_effect=rule.effective_min_effect,
                baseline_p75=window.baseline.quantile(0.75),
                current_p75=window.current.quantile(0.75),
                baseline_n=window.baseline.n, current_n=window.current.n)
            baseline = ("previous release " + window.baseline_release
                        if rule.baseline == "previous_release"
                        else f"same hours of the previous {rule.baseline_days} days")
            details: dict[str, object] = {
                "baseline": baseline,
                "baseline_p75": result.baseline_p75,
                "current_p75": result.current_p75,
                "effect_size": result.effect,
                "p_value": result.p_value,
                "test": "mann-whitney-u (one-sided)",
                "baseline_samples": result.baseline_n,
                "current_samples": result.current_n,
                "window_s": rule.window,
                "decision": result.reason,
            }
            if window.current_release:
                details["current_release"] = window.current_release
            observations.append(Observation(
                rule, result.detected, result.current_p75,
                f"{rule.metric} p75 of {rule.site}{scope(rule)} rose {result.effect:+.0%} "
                f"({result.baseline_p75:.4g} -> {result.current_p75:.4g}, "
                f"p={result.p_value:.2g})",
                details=details))
            if result.detected:
                regressed.append(idx)
        if regressed:
            found = causes_of(queries, rules, releases, regressed, now)
            for idx in regressed:
                observations[idx - 1].details["causes"] = found.get(idx, [])
        return observations
