"""Settings of the alerting (the `alerting:` section of the YAML file): rules, receivers,
grouping, silences and the SSRF allow-list."""

from __future__ import annotations

import ipaddress
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

# A receiver's model lives with its kind (alerting/receivers/<kind>.py); the settings take
# the tagged union the receiver registry builds from them.
from alerting.receivers import ReceiverConfig
from vitalscope.fields import Duration as Duration
from vitalscope.fields import parse_duration as parse_duration
from vitalscope.names import NAME
from vitalscope.vitals import MetricName, spoken

RuleKind = Literal[
    "threshold", "regression", "cache_hit_rate", "synthetic_failure", "error_rate",
    "traffic_drop", "new_error",
]
Metric = MetricName
QUANTILES = (0.5, 0.75, 0.9, 0.95, 0.99)
SEGMENT_KEYS = ("page_group", "device", "browser", "country", "connection", "nav_type", "os",
                "release")
# The navigation types a beacon's `nav` takes (collector/wire.py NavType; a test keeps the
# two equal): a threshold or regression rule `by: nav_type` is one alert per type, `soft`
# being the route changes of single-page apps.
NAV_TYPES = ("navigate", "reload", "back-forward", "back-forward-cache", "prerender",
             "restore", "soft")
# Per kind: fields a rule of that kind must set, and defaults of the shared knobs.
_REQUIRED: dict[str, tuple[str, ...]] = {
    "threshold": ("site", "metric", "value"),
    "regression": ("site", "metric"),
    "cache_hit_rate": ("site",),
    "synthetic_failure": (),
    "error_rate": ("site",),
    "traffic_drop": ("site",),
    "new_error": ("site",),
}
# Per kind: the `by` modes it has besides `site` (one home for the validator and the API's
# schema, vitalscope/server/openapi.py).
BY_MODES: dict[str, tuple[str, ...]] = {"threshold": ("nav_type",), "regression": ("nav_type",),
                                        "error_rate": ("fingerprint",)}
_DEFAULT_MIN_SAMPLES = {"threshold": 50, "regression": 100, "cache_hit_rate": 200,
                        "synthetic_failure": 1, "error_rate": 200, "traffic_drop": 50,
                        "new_error": 1}
_DEFAULT_MIN_EFFECT = {"threshold": 0.0, "regression": 0.1, "cache_hit_rate": 0.05,
                       "synthetic_failure": 0.0, "error_rate": 1.0, "traffic_drop": 0.5,
                       "new_error": 0.0}


class RuleConfig(BaseModel):
    """An alert rule. `kind` decides which of the other fields apply."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    name: str = Field(description="Unique rule name (lowercase letters, digits, '-', '_', '.').")
    kind: RuleKind = Field(description="threshold, regression, cache_hit_rate, "
                           "synthetic_failure, error_rate, traffic_drop or new_error.")
    site: str | None = Field(default=None, description="Site the rule watches (every kind but "
                             "synthetic_failure).")
    metric: Metric | None = Field(default=None, description="Vital of threshold and regression "
                                  "rules: " + spoken() + ".")
    segment: dict[str, str] = Field(
        default_factory=dict,
        description="Only samples of this segment, e.g. {page_group: /checkout, device: "
        "mobile}. Keys: " + ", ".join(SEGMENT_KEYS) + ".")
    quantile: float = Field(
        default=0.75, description="Quantile a threshold rule compares: 0.5, 0.75 (default), "
        "0.9, 0.95 or 0.99.")
    op: Literal[">", "<"] = Field(default=">", description="Threshold fires when the quantile "
                                  "is above (`>`) or below (`<`) `value`.")
    value: float | None = Field(default=None, description="Threshold value (ms; unitless for "
                                "CLS). `by: fingerprint` error_rate rules: also a minimum "
                                "of the group's occurrences per page view (optional).")
    window: Duration = Field(default=1800.0, gt=0, le=86400,
                             description="Current window the rule looks at (e.g. 30m).")
    baseline: Literal["previous_days", "previous_release"] = Field(
        default="previous_days",
        description="Regression baseline: the same hours of the previous `baseline_days` days, "
        "or the previous release of the site. Cache, error and traffic rules use the "
        "previous days.")
    baseline_days: int = Field(default=7, ge=1, le=30,
                               description="How many previous days make the baseline.")
    min_samples: int | None = Field(
        default=None, ge=1,
        description="Minimum samples per side (requests for cache rules, page views for error "
        "and traffic rules, runs for synthetic rules). Default per kind: threshold 50, "
        "regression 100, cache_hit_rate 200, error_rate 200, traffic_drop 50, synthetic 1.")
    min_effect: float | None = Field(
        default=None, ge=0,
        description="Minimum effect: relative p75 increase of a regression (0.1 = +10 %), "
        "absolute hit-ratio drop of a cache rule (0.05), relative error-rate increase (1.0 = "
        "doubled), relative traffic drop (0.5 = halved).")
    alpha: float = Field(default=0.01, gt=0, lt=0.5,
                         description="Significance level of the statistical test.")
    cache_name: str | None = Field(default=None, description="Cache rules: only this "
                                   "Server-Timing name (default: every cache name).")
    cache_source: str | None = Field(default=None, description="Cache rules: only this "
                                     "source (default: every source).")
    by: Literal["site", "fingerprint", "nav_type"] = Field(
        default="site",
        description="error_rate rules: `site` (the default) watches the site's JS error rate "
        "as a whole; `fingerprint` watches each error group's occurrences per page view, one "
        "alert per group (at most `max_groups` groups per evaluation). threshold and "
        "regression rules: `nav_type` watches each navigation type on its own (" +
        ", ".join(NAV_TYPES) + "; `soft`: route changes of single-page apps), one alert per "
        "type with the label `nav_type`.")
    min_page_views: int = Field(
        default=20, ge=1, le=10**9,
        description="new_error rules: page views an error group new in the newest release "
        "must have affected within `window` to fire (and to keep firing).")
    max_groups: int = Field(
        default=20, ge=1, le=100,
        description="new_error and `by: fingerprint` error_rate rules: most error groups one "
        "evaluation alerts on per rule (those affecting the most page views, or spiking the "
        "most).")
    check: str | None = Field(default=None, description="Synthetic rules: only this check "
                              "(default: every check).")
    location: str | None = Field(default=None, description="Synthetic rules: only this "
                                 "location (default: every location).")
    consecutive_failures: int = Field(default=3, ge=1, le=100,
                                      description="Synthetic rules: fire after this many "
                                      "failed runs in a row.")
    failure_rate: float | None = Field(default=None, gt=0, le=1,
                                       description="Synthetic rules: also fire when this "
                                       "share of the runs in `window` failed.")
    count_flaky: bool = Field(default=False, strict=True,
                              description="Synthetic rules: count flaky runs "
                              "(passed after a retry) as failures.")
    pending_for: Duration = Field(default=0.0, ge=0, alias="for",
                                  description="How long the condition must hold before the "
                                  "alert fires (`for`, as in Prometheus).")
    keep_firing_for: Duration = Field(default=300.0, ge=0,
                                      description="How long a firing alert stays firing after "
                                      "its condition cleared, so flapping data does not "
                                      "resolve and re-fire it.")
    severity: Literal["critical", "warning", "info"] = Field(default="warning",
                                                            description="Severity label.")
    labels: dict[str, str] = Field(default_factory=dict, description="Extra labels.")
    description: str = Field(default="", description="Free text carried by the alert.")
    receivers: list[str] = Field(default_factory=list, description="Receiver names; empty: "
                                 "every receiver.")

    @model_validator(mode="before")
    @classmethod
    def _no_booleans_as_numbers(cls, data: Any) -> Any:
        """Pydantic takes `true`/`false` for a number (1.0/0.0); a rule whose threshold says
        `false` is a mistake, not a zero."""
        if isinstance(data, dict):
            for name, field in cls.model_fields.items():
                value = data.get(field.alias or name, data.get(name))
                if isinstance(value, bool) and "bool" not in str(field.annotation):
                    raise ValueError(f"{field.alias or name}: expected a number or text, "
                                     "not a boolean")
        return data

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not NAME.fullmatch(value):
            raise ValueError(f"{value!r} is not a rule name: use 1-63 lowercase letters, "
                             "digits, '-', '_' or '.'")
        return value

    @field_validator("quantile")
    @classmethod
    def _quantile(cls, value: float) -> float:
        if value not in QUANTILES:
            raise ValueError("must be one of " + ", ".join(str(q) for q in QUANTILES))
        return value

    @field_validator("segment")
    @classmethod
    def _segment(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(value) - set(SEGMENT_KEYS))
        if unknown:
            raise ValueError(f"unknown segment key {unknown[0]!r} (use "
                             + ", ".join(SEGMENT_KEYS) + ")")
        return value

    @model_validator(mode="after")
    def _kind_fields(self) -> RuleConfig:
        missing = [f for f in _REQUIRED[self.kind] if getattr(self, f) is None]
        if missing:
            raise ValueError(f"rule {self.name!r}: a {self.kind} rule needs "
                             + ", ".join(f"`{m}`" for m in missing))
        if self.kind == "synthetic_failure" and self.site is not None:
            raise ValueError(f"rule {self.name!r}: a synthetic_failure rule has no `site` "
                             "(use `check` and `location`)")
        if self.by != "site" and self.by not in BY_MODES.get(self.kind, ()):
            kinds = [kind for kind, modes in BY_MODES.items() if self.by in modes]
            raise ValueError(f"rule {self.name!r}: `by: {self.by}` applies to "
                             f"{' and '.join(kinds)} rules only")
        if self.by == "nav_type" and "nav_type" in self.segment:
            raise ValueError(f"rule {self.name!r}: `by: nav_type` splits by navigation type; "
                             "its segment cannot fix one")
        if self.kind == "cache_hit_rate" and self.min_effect is not None \
                and self.min_effect >= 1:
            raise ValueError(f"rule {self.name!r}: min_effect of a cache rule is a hit-ratio "
                             "drop below 1")
        return self

    @property
    def effective_min_samples(self) -> int:
        return self.min_samples or _DEFAULT_MIN_SAMPLES[self.kind]

    @property
    def effective_min_effect(self) -> float:
        return self.min_effect if self.min_effect is not None else _DEFAULT_MIN_EFFECT[self.kind]


class AlertingSettings(BaseModel):
    """Settings of the alerting."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = Field(default=True, description="Run the alert evaluator and the "
                          "notification outbox (in `serve` and `worker`).")
    evaluation_interval: Duration = Field(default=60.0, ge=1, le=3600,
                                          description="Seconds between two evaluations.")
    rules: list[RuleConfig] = Field(default_factory=list,
                                    description="Alert rules as code (see `rules[]`).")
    receivers: list[ReceiverConfig] = Field(default_factory=list,
                                            description="Receivers (see `receivers[]`).")
    group_by: list[str] = Field(default_factory=lambda: ["rule", "site"],
                                description="Labels that put alerts into one notification.")
    group_wait: Duration = Field(default=30.0, ge=0, description="Wait before the first "
                                 "notification of a new group, to gather its alerts.")
    group_interval: Duration = Field(default=300.0, ge=0, description="Wait before notifying "
                                     "a group again about new or resolved alerts.")
    repeat_interval: Duration = Field(default=14400.0, ge=0, description="Resend a group whose "
                                      "alerts still fire after this long.")
    silence_duration: Duration = Field(default=7200.0, gt=0, description="Default length of a "
                                       "silence made without an end.")
    allow_networks: list[str] = Field(
        default_factory=list,
        description="Networks receivers may resolve to although the SSRF guard refuses them "
        "(loopback, private, CGNAT, reserved), e.g. 10.0.0.0/8. Cloud metadata, link-local, "
        "unspecified, multicast and address-embedding IPv6 stay refused whatever it lists.")
    backoff_base: Duration = Field(default=2.0, gt=0, description="First retry delay; doubles "
                                   "per attempt, with jitter.")
    backoff_max: Duration = Field(default=600.0, gt=0, description="Longest retry delay (also "
                                  "caps Retry-After).")
    delivery_poll_interval: Duration = Field(default=1.0, gt=0, le=60,
                                             description="Seconds between outbox polls.")

    @field_validator("allow_networks")
    @classmethod
    def _networks(cls, values: list[str]) -> list[str]:
        for value in values:
            try:
                ipaddress.ip_network(value, strict=False)
            except ValueError:
                raise ValueError(f"{value!r} is not a network like 10.0.0.0/8") from None
        return values

    @model_validator(mode="after")
    def _references(self) -> AlertingSettings:
        receivers = {r.name for r in self.receivers}
        if len(receivers) != len(self.receivers):
            raise ValueError("two receivers have the same name")
        seen: set[str] = set()
        for rule in self.rules:
            if rule.name in seen:
                raise ValueError(f"rule {rule.name!r} is declared twice")
            seen.add(rule.name)
            check_receivers(rule, receivers)
        return self


def check_receivers(rule: RuleConfig, receivers: set[str]) -> None:
    for name in rule.receivers:
        if name not in receivers:
            raise ValueError(f"rule {rule.name!r}: unknown receiver {name!r}")
