"""The rule body the API schema publishes gives the verdict the rule model gives, kind by
kind: a body the schema accepts is not refused by the server (Schemathesis found `by` allowed
on every kind by the schema but refused by the model, and later `by: nav_type` allowed on
error_rate rules)."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator
from pydantic import ValidationError

from vitalscope.config.alerting import _REQUIRED, RuleConfig
from vitalscope.server.openapi import rule_schema

_VALUES: dict[str, Any] = {"site": "shop", "metric": "LCP", "value": 2500}


def _body(kind: str, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"name": "r", "kind": kind}
    body.update({field: _VALUES[field] for field in _REQUIRED[kind]})
    if kind == "synthetic_failure":
        body["check"] = "home"
    return {**body, **extra}


def _model_accepts(body: dict[str, Any]) -> bool:
    try:
        RuleConfig.model_validate(body)
    except ValidationError:
        return False
    return True


# Which kinds have which `by` modes besides `site` (docs/alerting.md).
_MODES = {"fingerprint": {"error_rate"}, "nav_type": {"threshold", "regression"}}


@pytest.mark.parametrize("kind", sorted(_REQUIRED))
@pytest.mark.parametrize("by", ["site", "fingerprint", "nav_type"])
def test_the_schema_and_the_model_agree_on_by(kind: str, by: str) -> None:
    validator = Draft202012Validator(rule_schema([]))
    body = _body(kind, by=by)
    assert validator.is_valid(body) == _model_accepts(body), body
    assert validator.is_valid(body) == (by == "site" or kind in _MODES[by])


@pytest.mark.parametrize("segment", [{"nav_type": "soft"}, {"device": "mobile"}])
def test_the_schema_and_the_model_agree_on_a_nav_type_split_of_a_segment(
        segment: dict[str, str]) -> None:
    validator = Draft202012Validator(rule_schema([]))
    body = _body("threshold", by="nav_type", segment=segment)
    assert validator.is_valid(body) == _model_accepts(body) == ("nav_type" not in segment)
