"""threshold: a quantile of a vital for a site and segment over a window, against a value."""

from __future__ import annotations

from collections.abc import Sequence

from alerting.evaluators.common import Queries
from alerting.evaluators.vitals import scope, split_by_nav_type, vitals_windows
from alerting.model import Observation
from vitalscope.config.alerting import RuleConfig


class ThresholdEvaluator:
    kind = "threshold"

    def evaluate(self, queries: Queries, rules: Sequence[RuleConfig], now: float
                 ) -> list[Observation]:
        # The reservoir is only for the rank test of regressions: one value is the minimum.
        rules = split_by_nav_type(rules)
        windows, _ = vitals_windows(queries, rules, now, sample=1)
        observations = []
        for rule, window in zip(rules, windows, strict=True):
            cur = window.current
            value = cur.quantile(rule.quantile)
            limit = float(rule.value or 0.0)
            enough = cur.n >= rule.effective_min_samples
            crossed = value > limit if rule.op == ">" else value < limit
            label = f"p{round(rule.quantile * 100)}"
            observations.append(Observation(
                rule, enough and crossed, value,
                f"{rule.metric} {label} of {rule.site}{scope(rule)} is {value:.4g} "
                f"({rule.op} {limit:g}) "
                f"over {cur.n} samples",
                details={"quantile": rule.quantile, "current": value, "threshold": limit,
                         "samples": cur.n, "window_s": rule.window},
            ))
        return observations
