"""The receiver registry is the one list of kinds: the settings' union, the configuration
reference and the documentation follow it, and a receiver's errors name the keys the user
wrote."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
import yaml

from alerting.receivers import KINDS
from alerting.receivers.webhook import WebhookReceiver
from vitalscope.config import ConfigError, load_settings
from vitalscope.config.alerting import AlertingSettings
from vitalscope.config.reference import entries

DOC = Path(__file__).parents[2] / "docs" / "alerting.md"


def test_each_kind_is_one_module_and_the_settings_reference_and_docs_follow() -> None:
    assert list(KINDS) == ["webhook", "slack", "alertmanager", "pagerduty"]
    receivers_doc = DOC.read_text().split("### Receivers", 1)[1].split("\n### ", 1)[0]
    by_key = {e.key: e for e in entries()}
    assert by_key["alerting.receivers[].type"].type == " | ".join(repr(k) for k in KINDS)
    for name, kind in KINDS.items():
        assert importlib.import_module(f"alerting.receivers.{name}").KIND is kind
        assert kind.config.model_fields["type"].description, name
        assert f"| `{name}`" in receivers_doc, f"docs/alerting.md does not describe {name}"


def test_a_receiver_without_a_type_is_a_webhook() -> None:
    settings = AlertingSettings.model_validate({"receivers": [
        {"name": "hook", "url": "https://hooks.example/x"}]})
    (receiver,) = settings.receivers
    assert isinstance(receiver, WebhookReceiver) and receiver.type == "webhook"


@pytest.mark.parametrize(("receiver", "expected"), [
    ({"name": "x", "type": "teams", "url": "https://h.example"},
     "alerting.receivers[0] (in {path}): `type` must be one of 'webhook', 'slack', "
     "'alertmanager', 'pagerduty'"),
    ({"name": "x", "type": "slack", "url": "ftp://h.example"},
     "alerting.receivers[0].url (in {path}): must be an http:// or https:// URL with a host"),
    ({"name": "x", "type": "pagerduty"},
     "alerting.receivers[0].routing_key (in {path}): Field required"),
    ({"name": "x", "type": "pagerduty", "routing_key": "a" * 32, "secrets": ["s" * 24]},
     "alerting.receivers[0].secrets (in {path}): unknown setting"),
])
def test_errors_name_the_key_as_written(tmp_path: Path, receiver: dict[str, object],
                                        expected: str) -> None:
    path = tmp_path / "vitalscope.yaml"
    path.write_text(yaml.safe_dump({"alerting": {"receivers": [receiver]}}))
    with pytest.raises(ConfigError) as caught:
        load_settings(path, data=tmp_path / "data")
    assert caught.value.lines == ["configuration error: " + expected.format(path=path)]
