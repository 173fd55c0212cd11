"""The one alert model every receiver format is rendered from."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from vitalscope.config.alerting import RuleConfig


def fingerprint(labels: dict[str, str]) -> str:
    """Stable id of an alert: its rule and labels, whatever their order."""
    text = json.dumps(sorted(labels.items()), separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def rule_labels(rule: RuleConfig) -> dict[str, str]:
    labels = {"rule": rule.name, "kind": rule.kind, "severity": rule.severity}
    if rule.site:
        labels["site"] = rule.site
    if rule.metric:
        labels["metric"] = rule.metric
    labels.update(rule.segment)
    labels.update(rule.labels)
    return labels


@dataclass
class Observation:
    """What one evaluation saw for one alert of a rule: is the condition met, the value it
    measured, and the details that explain it (numbers, test results, causes)."""

    rule: RuleConfig
    active: bool
    value: float
    summary: str
    extra_labels: dict[str, str] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def labels(self) -> dict[str, str]:
        return {**rule_labels(self.rule), **self.extra_labels}


@dataclass
class Alert:
    """An alert as it lives in the state store and travels through the pipeline."""

    fingerprint: str
    rule: str
    kind: str
    labels: dict[str, str]
    state: str  # pending | firing | resolved
    value: float
    summary: str
    description: str
    details: dict[str, Any]
    receivers: list[str]
    active_since: float
    starts_at: float = 0.0
    ends_at: float = 0.0
    last_active: float = 0.0

    def to_json(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"), default=float)

    @classmethod
    def from_json(cls, text: str | bytes) -> Alert:
        return cls(**json.loads(text))
