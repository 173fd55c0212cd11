"""synthetic_failure: N failed runs in a row, or a failure rate over a window, per check and
location; flaky runs (passed after a retry) are told apart and counted only on request.
Reads `synthetic_runs`, which the synthetics component owns."""

from __future__ import annotations

from collections.abc import Sequence

from alerting.evaluators.common import Queries, ms
from alerting.model import Observation
from vitalscope.config.alerting import RuleConfig

DAY_S = 86400.0


def failing_streak(statuses: Sequence[str], count_flaky: bool) -> int:
    """Failed runs in a row, newest first."""
    streak = 0
    for status in statuses:
        if status == "failed" or (count_flaky and status == "flaky"):
            streak += 1
        else:
            break
    return streak


class SyntheticFailureEvaluator:
    kind = "synthetic_failure"

    def evaluate(self, queries: Queries, rules: Sequence[RuleConfig], now: float
                 ) -> list[Observation]:
        lookback = max(DAY_S, *(r.window for r in rules))
        rows = queries.rows("synthetic_runs_latest",
                            {"from_ms": ms(now - lookback), "now_ms": ms(now)})
        observations = []
        for rule in rules:
            for check, location, runs in rows:
                if (rule.check and check != rule.check) or (
                        rule.location and location != rule.location):
                    continue
                statuses = [status for _, status in runs]
                streak = failing_streak(statuses, rule.count_flaky)
                in_window = [s for t, s in runs if t > ms(now - rule.window)]
                failed = sum(1 for s in in_window if s == "failed"
                             or (rule.count_flaky and s == "flaky"))
                flaky = sum(1 for s in in_window if s == "flaky")
                rate = failed / len(in_window) if in_window else 0.0
                by_streak = streak >= rule.consecutive_failures
                by_rate = (rule.failure_rate is not None
                           and len(in_window) >= rule.effective_min_samples
                           and rate >= rule.failure_rate)
                observations.append(Observation(
                    rule, by_streak or by_rate, float(streak),
                    f"check {check} at {location}: {streak} failed run(s) in a row, "
                    f"{failed}/{len(in_window)} failed and {flaky} flaky in the window",
                    extra_labels={"check": check, "location": location},
                    details={"consecutive_failures": streak, "failed_runs": failed,
                             "flaky_runs": flaky, "runs_in_window": len(in_window),
                             "failure_rate": rate, "latest_status": statuses[0] if statuses
                             else None, "window_s": rule.window}))
        return observations
