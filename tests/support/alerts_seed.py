"""Alert state, history and delivery attempts written through the alerting code itself
(state.advance, StateStore, history.write_events / write_attempts, the outbox's Redis keys)
into the data folder of a `vitalscope serve` that is not running yet: a firing regression
with its numbers and causes, a pending threshold alert, one that fired and resolved, a
delivery retried then delivered, a dead letter and a receiver disabled by a 410.

`python -m tests.support.alerts_seed --config vitalscope.yaml --data DIR`"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from alerting.history import Attempt, write_attempts, write_events
from alerting.model import Observation
from alerting.pipeline.retry import DEAD_KEY, DISABLED_KEY
from alerting.state import StateStore, advance

# What the test expects to see (the rules are in the test's configuration file).
REGRESSION_DETAILS: dict[str, Any] = {
    "baseline": "same hours of the previous 7 days", "baseline_p75": 2500.0,
    "current_p75": 3550.0, "effect_size": 0.42, "p_value": 3.2e-05,
    "test": "mann-whitney-u (one-sided)", "baseline_samples": 4200, "current_samples": 610,
    "causes": [
        {"dimension": "page_group", "value": "/checkout", "baseline_p75": 2400.0,
         "current_p75": 3870.0, "change": 0.61, "share": 0.4, "impact": 0.244},
        {"dimension": "release", "value": "v2.3.1", "baseline_p75": 2500.0,
         "current_p75": 3400.0, "change": 0.36, "share": 0.8, "impact": 0.288}]}
WEBHOOK_ID = "msg_seeded_0001"
DEAD_ID = "msg_seeded_dead"


def seed(runtime: Any, now: float) -> None:
    from alerting.rulestore import RuleStore

    settings = runtime.settings.alerting
    rules = {r.name: r for r in RuleStore(settings, runtime.redis).all()}
    regression, threshold, errors = (rules["shop-lcp-regression"], rules["checkout-lcp"],
                                     rules["shop-errors"])
    client = runtime.require_clickhouse()
    cluster = runtime.settings.clickhouse_cluster
    every = set(rules)

    def step(previous: dict[str, Any], observations: list[Observation], at: float) -> Any:
        # Written at once: the next step mutates the same alert objects.
        transition = advance(previous, observations, every, rules, at)
        write_events(client, cluster, transition.events, at)
        return transition

    # An error spike fires two hours ago and resolves 30 minutes later.
    spike = step({}, [Observation(errors, True, 0.09, "error rate 9 % (baseline 1 %)")],
                 now - 7200)
    gone = step(spike.alerts, [], now - 5400)
    # Then the regression fires and the threshold rule's condition starts (for: 10m).
    current = step(gone.alerts, [
        Observation(regression, True, 3550.0, "LCP p75 of shop rose +42% (2500 -> 3550, "
                    "p=3.2e-05)", details=REGRESSION_DETAILS),
        Observation(threshold, True, 4100.0, "p75 LCP 4100 > 2500 on /checkout",
                    details={"samples": 120})], now - 300)
    StateStore(runtime.redis).save(current, {})
    write_attempts(client, cluster, [
        Attempt(now - 290, WEBHOOK_ID, "ops-hook", "webhook", "rule=shop-lcp-regression", 1,
                "retry", 503, 41.5, "HTTP 503"),
        Attempt(now - 286, WEBHOOK_ID, "ops-hook", "webhook", "rule=shop-lcp-regression", 2,
                "delivered", 200, 12.25, ""),
        Attempt(now - 280, DEAD_ID, "old-hook", "webhook", "rule=shop-errors", 1,
                "disabled", 410, 8.0, "HTTP 410 Gone")])
    runtime.redis.hset(DISABLED_KEY, "old-hook",
                       json.dumps({"reason": "HTTP 410 Gone", "at": now - 280}))
    runtime.redis.lpush(DEAD_KEY, json.dumps({
        "id": DEAD_ID, "receiver": "old-hook", "kind": "webhook", "group_key": "rule=x",
        "body": "{}", "attempt": 1, "created_at": now - 281, "reason": "HTTP 410 Gone"}))


def main(argv: list[str]) -> int:
    from vitalscope.config import load_settings
    from vitalscope.runtime import Role, Runtime
    from vitalscope.sites import SiteRepository

    parser = argparse.ArgumentParser()
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--data", type=Path, required=True)
    args = parser.parse_args(argv)
    runtime = Runtime.open(load_settings(args.config, data=args.data), Role.CLI, migrate=True)
    try:
        SiteRepository(runtime.require_clickhouse()).add("shop", ["https://shop.example"])
        seed(runtime, time.time())
    finally:
        runtime.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
