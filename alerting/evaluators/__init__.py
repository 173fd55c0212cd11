"""One evaluator per rule kind; each runs one batched query for all rules of its kind."""

from __future__ import annotations

from alerting.evaluators.activity import ErrorRateEvaluator, TrafficDropEvaluator
from alerting.evaluators.cache import CacheHitRateEvaluator
from alerting.evaluators.common import KindEvaluator, Queries
from alerting.evaluators.errors import NewErrorEvaluator
from alerting.evaluators.regression import RegressionEvaluator
from alerting.evaluators.synthetic import SyntheticFailureEvaluator
from alerting.evaluators.threshold import ThresholdEvaluator

EVALUATORS: dict[str, KindEvaluator] = {
    e.kind: e for e in (
        ThresholdEvaluator(), RegressionEvaluator(), CacheHitRateEvaluator(),
        SyntheticFailureEvaluator(), ErrorRateEvaluator(), TrafficDropEvaluator(),
        NewErrorEvaluator(),
    )
}

__all__ = ["EVALUATORS", "KindEvaluator", "Queries"]
