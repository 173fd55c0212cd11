"""Rules and receivers in the YAML configuration: invalid ones are refused with one line
naming the key and the problem."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from vitalscope.config import ConfigError, load_settings

GOOD_RECEIVER = {"name": "hook", "url": "https://hooks.example/x",
                 "secrets": ["0123456789abcdef01234567"]}


def _load(tmp_path: Path, alerting: dict[str, object]) -> list[str]:
    path = tmp_path / "vitalscope.yaml"
    path.write_text(yaml.safe_dump({"alerting": alerting}))
    with pytest.raises(ConfigError) as caught:
        load_settings(path, data=tmp_path / "data")
    return caught.value.lines


def test_a_good_configuration_loads(tmp_path: Path) -> None:
    path = tmp_path / "vitalscope.yaml"
    path.write_text(yaml.safe_dump({"alerting": {
        "evaluation_interval": "30s",
        "receivers": [GOOD_RECEIVER],
        "rules": [{"name": "lcp", "kind": "regression", "site": "shop", "metric": "LCP",
                   "window": "1h", "for": "2m", "receivers": ["hook"]}]}}))
    settings = load_settings(path, data=tmp_path / "data")
    (rule,) = settings.alerting.rules
    assert (rule.window, rule.pending_for, rule.effective_min_samples) == (3600, 120, 100)
    assert settings.alerting.evaluation_interval == 30


@pytest.mark.parametrize(("alerting", "expected"), [
    ({"rules": [{"name": "x", "kind": "threshold", "site": "shop", "metric": "LCP"}]},
     "alerting.rules[0]: rule 'x': a threshold rule needs `value`"),
    ({"rules": [{"name": "x", "kind": "regression", "site": "shop", "metric": "LCPP"}]},
     "alerting.rules[0].metric: Input should be 'LCP', 'INP', 'CLS', 'FCP' or 'TTFB'"),
    ({"rules": [{"name": "x", "kind": "spike", "site": "shop"}]},
     "alerting.rules[0].kind: Input should be"),
    ({"rules": [{"name": "x", "kind": "threshold", "site": "s", "metric": "LCP",
                 "value": 1, "window": "5 parsecs"}]},
     "alerting.rules[0].window: '5 parsecs' is not a duration"),
    ({"rules": [{"name": "x", "kind": "threshold", "site": "s", "metric": "LCP",
                 "value": 1, "segment": {"planet": "mars"}}]},
     "alerting.rules[0].segment: unknown segment key 'planet'"),
    ({"rules": [{"name": "x", "kind": "error_rate", "site": "s", "receivers": ["nope"]}]},
     "alerting: rule 'x': unknown receiver 'nope'"),
    ({"rules": [{"name": "x", "kind": "error_rate", "site": "s", "colour": "red"}]},
     "alerting.rules[0].colour: unknown setting"),
    ({"receivers": [{"name": "hook", "url": "https://h.example", "secrets": ["tiny-s3cret"]}]},
     "alerting.receivers[0].secrets: secret #1 is shorter than 24 bytes"),
    ({"receivers": [{"name": "hook", "url": "ftp://h.example"}]},
     "alerting.receivers[0].url: must be an http:// or https:// URL"),
    ({"allow_networks": ["everything"]},
     "alerting.allow_networks: 'everything' is not a network"),
])
def test_invalid_configuration_is_refused_in_one_line(
        tmp_path: Path, alerting: dict[str, object], expected: str) -> None:
    (line,) = _load(tmp_path, alerting)
    key, _, message = expected.partition(": ")
    assert line.startswith(f"configuration error: {key} (in {tmp_path}")
    assert message in line
    assert "tiny-s3cret" not in line  # secrets are never echoed
