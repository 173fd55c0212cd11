"""Alert rules filter by navigation type (`segment: {nav_type: soft}`) and split by it
(`by: nav_type`: one alert per type, labelled), on real chDB: soft navigations of a
single-page app are watched apart from page loads."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, get_args

import pytest
from clickhouse_connect.driver.client import Client
from pydantic import ValidationError

from alerting.engine import Evaluator
from alerting.model import fingerprint
from collector.wire import NavType
from tests.alerting.conftest import NOW, alerting_settings, dt
from vitalscope.config.alerting import NAV_TYPES, AlertingSettings

LCP = {"kind": "threshold", "site": "shop", "metric": "LCP", "value": 2500,
       "min_samples": 20}


def _seed(client: Client) -> None:
    """The last ten minutes: 40 page loads with a good LCP, 30 soft navigations with a poor
    one."""
    rows = [["shop", "LCP", dt(NOW - 600 + i), dt(NOW - 600 + i), f"e{i}", f"pv{i}", value,
             "/app", nav]
            for i, (value, nav) in enumerate([(1200.0, "navigate")] * 40
                                             + [(4800.0, "soft")] * 30)]
    client.insert("vitals", rows, column_names=["site", "metric", "ts", "received_at",
                                                "event_id", "page_view_id", "value",
                                                "page_group", "nav_type"])


def test_rules_filter_and_split_by_navigation_type(
        clickhouse: Client, make_evaluator: Callable[..., Evaluator]) -> None:
    _seed(clickhouse)
    rules: list[dict[str, Any]] = [
        {**LCP, "name": "soft-lcp", "segment": {"nav_type": "soft"}},
        {**LCP, "name": "load-lcp", "segment": {"nav_type": "navigate"}},
        {**LCP, "name": "lcp-by-nav", "by": "nav_type"},
        {**LCP, "name": "lcp-regressed-by-nav", "kind": "regression", "by": "nav_type"},
    ]
    evaluator = make_evaluator(alerting_settings("http://127.0.0.1:9", rules))
    observations, evaluated, _, failed = evaluator.evaluate(evaluator.rules.all(), NOW)
    assert failed == [] and evaluated == {r["name"] for r in rules}
    threshold = {(o.rule.name, o.labels.get("nav_type")): o for o in observations
                 if o.rule.kind == "threshold"}
    assert threshold["soft-lcp", "soft"].active and threshold["soft-lcp", "soft"].value == 4800
    assert not threshold["load-lcp", "navigate"].active
    split = {nav: o for (name, nav), o in threshold.items() if name == "lcp-by-nav"}
    assert set(split) == set(NAV_TYPES)
    assert [nav for nav, o in split.items() if o.active] == ["soft"]
    assert split["soft"].details["samples"] == 30 and split["navigate"].details["samples"] == 40
    assert "(soft navigations)" in split["soft"].summary
    assert len({fingerprint(o.labels) for o in split.values()}) == len(NAV_TYPES)
    # Regression rules split the same way (no baseline here: nothing regressed).
    regression = [o for o in observations if o.rule.name == "lcp-regressed-by-nav"]
    assert sorted(o.labels["nav_type"] for o in regression) == sorted(NAV_TYPES)


@pytest.mark.parametrize(("rule", "error"), [
    ({"kind": "error_rate", "site": "shop", "by": "nav_type"},
     "`by: nav_type` applies to threshold and regression rules only"),
    ({**LCP, "by": "nav_type", "segment": {"nav_type": "soft"}},
     "its segment cannot fix one"),
    ({**LCP, "by": "fingerprint"}, "`by: fingerprint` applies to error_rate rules only"),
])
def test_a_split_that_cannot_apply_is_refused(rule: dict[str, Any], error: str) -> None:
    with pytest.raises(ValidationError, match=error):
        AlertingSettings.model_validate({"rules": [{"name": "r", **rule}]})


def test_the_split_values_are_the_wire_formats_navigation_types() -> None:
    assert get_args(NavType) == NAV_TYPES
