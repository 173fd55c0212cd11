"""Statistical tests behind the rules: small functions on numbers, so the benchmark measures
exactly what the evaluator decides."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

# scipy.stats is imported where a test runs, not at import: it costs ~1.5 s of CPU, which
# every `serve` start paid before readiness although no rule has data to test yet.
Samples = Sequence[float] | npt.NDArray[np.float64]


@dataclass(frozen=True)
class Regression:
    detected: bool
    baseline_p75: float
    current_p75: float
    effect: float  # relative change of the p75
    p_value: float
    baseline_n: int
    current_n: int
    reason: str


def p75_regression(baseline: Samples, current: Samples, *, alpha: float,
                   min_samples: int, min_effect: float,
                   baseline_p75: float | None = None, current_p75: float | None = None,
                   baseline_n: int | None = None, current_n: int | None = None) -> Regression:
    """Did the current samples get slower than the baseline? One-sided Mann-Whitney U (the
    samples are skewed, so no normality is assumed) AND a relative p75 increase of at least
    `min_effect`: a significant but tiny shift is noise to a person, a large one on few
    samples is chance. Counts and p75s may come exact from the database while the test runs
    on reservoir samples."""
    base = np.asarray(baseline, dtype=float)
    cur = np.asarray(current, dtype=float)
    n_base = baseline_n if baseline_n is not None else len(base)
    n_cur = current_n if current_n is not None else len(cur)
    b75 = baseline_p75 if baseline_p75 is not None else (
        float(np.quantile(base, 0.75)) if len(base) else 0.0)
    c75 = current_p75 if current_p75 is not None else (
        float(np.quantile(cur, 0.75)) if len(cur) else 0.0)
    effect = (c75 - b75) / b75 if b75 > 0 else 0.0
    if n_base < min_samples or n_cur < min_samples or len(base) == 0 or len(cur) == 0:
        return Regression(False, b75, c75, effect, 1.0, n_base, n_cur, "not enough samples")
    from scipy import stats
    p_value = float(stats.mannwhitneyu(cur, base, alternative="greater").pvalue)
    if math.isnan(p_value):
        p_value = 1.0
    detected = p_value < alpha and effect >= min_effect
    reason = "regressed" if detected else (
        "effect below minimum" if p_value < alpha else "not significant")
    return Regression(detected, b75, c75, effect, p_value, n_base, n_cur, reason)


def two_proportion_drop(base_hits: int, base_total: int, cur_hits: int, cur_total: int
                        ) -> float:
    """One-sided p-value that the current proportion is lower than the baseline's (pooled
    two-proportion z-test)."""
    if base_total == 0 or cur_total == 0:
        return 1.0
    p_base = base_hits / base_total
    p_cur = cur_hits / cur_total
    pooled = (base_hits + cur_hits) / (base_total + cur_total)
    var = pooled * (1 - pooled) * (1 / base_total + 1 / cur_total)
    if var <= 0:
        return 1.0 if p_cur >= p_base else 0.0
    z = (p_cur - p_base) / math.sqrt(var)
    from scipy import stats
    return float(stats.norm.cdf(z))


def rate_increase(base_events: int, base_exposure: float, cur_events: int,
                  cur_exposure: float) -> float:
    """One-sided p-value that the current event rate is higher (conditional binomial test of
    two Poisson rates)."""
    total = base_events + cur_events
    if total == 0 or base_exposure <= 0 or cur_exposure <= 0:
        return 1.0
    share = cur_exposure / (cur_exposure + base_exposure)
    from scipy import stats
    return float(stats.binomtest(cur_events, total, share, alternative="greater").pvalue)


def count_drop(expected: float, observed: int) -> float:
    """One-sided p-value of seeing so few events when `expected` were due (Poisson)."""
    if expected <= 0:
        return 1.0
    from scipy import stats
    return float(stats.poisson.cdf(observed, expected))
