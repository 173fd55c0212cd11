"""The metric catalogue is what the wire, the rule settings and the API publish: their enums
are the catalogue's names, and ratings and caps come from its thresholds and bounds."""

from __future__ import annotations

import typing

import msgspec
import pytest
from fastapi.routing import APIRoute

from collector.schema_gen import beacon_schema
from collector.wire import BEACON_DECODER, MAX_DURATION_MS, VALUE_CAPS
from dashboard.api import router
from vitalscope.config.alerting import RuleConfig
from vitalscope.vitals import (
    BY_NAME,
    LAB_METRICS,
    METRIC_NAMES,
    METRICS,
    THRESHOLDS,
    MetricName,
    rate,
    rating,
)


def test_the_name_type_spells_the_catalogue() -> None:
    assert typing.get_args(MetricName) == METRIC_NAMES
    assert len(set(METRIC_NAMES)) == len(METRICS)
    assert set(LAB_METRICS) <= set(METRIC_NAMES)


def test_the_beacon_schema_accepts_exactly_the_catalogue() -> None:
    vital = beacon_schema()["$defs"]["Vital"]
    assert sorted(vital["properties"]["n"]["enum"]) == sorted(METRIC_NAMES)
    for name in METRIC_NAMES:
        BEACON_DECODER.decode(_beacon(name, 0.0))
    with pytest.raises(msgspec.ValidationError, match=r"\$.e\[0\].n"):
        BEACON_DECODER.decode(_beacon("FID", 10.0))


def test_the_wire_bounds_each_metric_by_its_catalogue_cap() -> None:
    assert {m.name: m.max_value for m in METRICS if m.max_value is not None} == VALUE_CAPS
    for metric in METRICS:
        cap = metric.max_value if metric.max_value is not None else MAX_DURATION_MS
        assert cap <= MAX_DURATION_MS
        BEACON_DECODER.decode(_beacon(metric.name, cap))
        with pytest.raises(msgspec.ValidationError, match=metric.name if metric.max_value
                           else r"\$.e\[0\].val"):
            BEACON_DECODER.decode(_beacon(metric.name, cap + 1))


def test_a_beacon_with_several_faults_is_refused_for_the_first_in_the_document() -> None:
    over = msgspec.json.decode(_beacon("CLS", 101.0))["e"][0]
    for events, path in (([over, {"t": "vital", "id": "x", "ts": 1, "n": "LCP", "val": -1}],
                          r"CLS must be <= 100 - at `\$.e\[0\]`"),
                         ([{"t": "vital", "id": "x", "ts": 1, "n": "LCP", "val": -1}, over],
                          r"`\$.e\[0\].val`"),
                         ([{**over, "id": "bad id!"}], r"CLS must be <= 100")):
        document = {**msgspec.json.decode(_beacon("CLS", 0.0)), "e": events}
        with pytest.raises(msgspec.ValidationError, match=path):
            BEACON_DECODER.decode(msgspec.json.encode(document))
    with pytest.raises(msgspec.ValidationError, match="CLS must be <= 100"):  # then a bad JSON
        BEACON_DECODER.decode(_beacon("CLS", 101.0)[:-2] + b", oops")


def test_rules_and_the_api_take_exactly_the_catalogue() -> None:
    field = RuleConfig.model_json_schema()["properties"]["metric"]
    assert [o for o in field["anyOf"] if "enum" in o] == [{"enum": list(METRIC_NAMES),
                                                          "type": "string"}]
    for name in METRIC_NAMES:
        assert name in field["description"]
    route = next(r for r in router.routes if getattr(r, "path", "") == "/api/v1/breakdowns")
    assert isinstance(route, APIRoute)
    param = next(p for p in route.dependant.query_params if p.name == "metric")
    assert typing.get_args(param.field_info.annotation) == METRIC_NAMES


def test_ratings_follow_each_metrics_thresholds() -> None:
    assert {m.name: (m.good, m.poor) for m in METRICS} == THRESHOLDS
    for metric in METRICS:
        assert 0 < metric.good < metric.poor
        assert rating(metric.name, metric.good) == "good"
        assert rating(metric.name, metric.good * 1.01) == "needs-improvement"
        assert rating(metric.name, metric.poor) == "needs-improvement"
        assert rating(metric.name, metric.poor * 1.01) == "poor"
        assert rate(metric.name, None) is None
    assert rate("FID", 10.0) is None
    assert BY_NAME["LCP"].display(2500.0) == "2.50 s"
    assert BY_NAME["CLS"].display(0.1) == "0.100"


def _beacon(metric: str, value: float) -> bytes:
    return msgspec.json.encode({
        "v": 1, "pv": "pv-12345678", "sid": "s-12345678", "url": "https://shop.example/",
        "st": 1_700_000_000_000, "sent": 1_700_000_001_000,
        "e": [{"t": "vital", "id": "v1", "ts": 1_700_000_000_500, "n": metric, "val": value}]})
