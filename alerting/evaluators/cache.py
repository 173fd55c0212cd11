"""cache_hit_rate: hit ratio per cache name/source against the same hours of previous days
(one-sided two-proportion test, a minimum of requests per side, a minimum drop)."""

from __future__ import annotations

from collections.abc import Sequence

from alerting.evaluators.common import Queries, batch, ms
from alerting.model import Observation
from alerting.stats import two_proportion_drop
from vitalscope.config.alerting import RuleConfig


class CacheHitRateEvaluator:
    kind = "cache_hit_rate"

    def evaluate(self, queries: Queries, rules: Sequence[RuleConfig], now: float
                 ) -> list[Observation]:
        longest = max(r.baseline_days * 86400 + r.window for r in rules)
        rows = queries.rows("cache_hits", {
            **batch(rules, lambda r: str(r.site)), "now_ms": ms(now), "from_ms": ms(now - longest),
            "window_ms": [ms(r.window) for r in rules],
            "days": [r.baseline_days for r in rules],
            "names": [r.cache_name or "" for r in rules],
            "sources": [r.cache_source or "" for r in rules]})
        cells: dict[tuple[int, str, str], dict[int, tuple[int, int]]] = {}
        for idx, name, source, side, hits, total in rows:
            cells.setdefault((idx, name, source), {})[side] = (int(hits), int(total))
        observations = []
        for (idx, name, source), sides in sorted(cells.items()):
            rule = rules[idx - 1]
            base_hits, base_total = sides.get(2, (0, 0))
            cur_hits, cur_total = sides.get(1, (0, 0))
            # The baseline spans several days: its total is compared per day, not summed.
            enough = (cur_total >= rule.effective_min_samples
                      and base_total >= rule.effective_min_samples)
            before = base_hits / base_total if base_total else 0.0
            after = cur_hits / cur_total if cur_total else 0.0
            p_value = two_proportion_drop(base_hits, base_total, cur_hits, cur_total)
            drop = before - after
            active = enough and p_value < rule.alpha and drop >= rule.effective_min_effect
            observations.append(Observation(
                rule, active, after,
                f"cache {name} ({source}) hit ratio on {rule.site} fell from {before:.1%} to "
                f"{after:.1%} (p={p_value:.2g})",
                extra_labels={"cache": name, "source": source},
                details={"baseline_hit_ratio": before, "current_hit_ratio": after,
                         "drop": drop, "p_value": p_value,
                         "test": "two-proportion z (one-sided)",
                         "baseline_requests": base_total, "current_requests": cur_total,
                         "window_s": rule.window}))
        return observations
