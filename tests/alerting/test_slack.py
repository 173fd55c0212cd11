"""Slack messages over HTTP to a real receiver: page- and config-sent strings stay text
(`<!channel>` does not ping, `<https://...|click>` is no link), our own `>` is escaped, a
large group says how many alerts it does not show, and long values stay within Slack's
limits."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import numpy as np
from clickhouse_connect.driver.client import Client

from alerting.engine import Evaluator
from alerting.model import Alert
from alerting.notification import Notification
from alerting.receivers.slack import HEADER_CHARS, SECTION_CHARS, shorten
from tests.alerting.conftest import NOW, Receiver, insert_vitals, lognormal, spread
from vitalscope.config.alerting import AlertingSettings

DAY = 86400.0
PING, LINK = "<!channel>", "<https://evil.example|click>"


def _settings(receiver: Receiver) -> AlertingSettings:
    return AlertingSettings.model_validate({
        "receivers": [{"name": "slack", "type": "slack", "url": receiver.url + "/services/x"}],
        "allow_networks": ["127.0.0.1/32"], "group_wait": 0, "group_interval": 0})


def _alert(i: int, **changes: Any) -> Alert:
    fields: dict[str, Any] = {
        "fingerprint": f"f{i}", "rule": f"lcp-{i}", "kind": "threshold",
        "labels": {"rule": f"lcp-{i}", "site": "shop"}, "state": "firing",
        "value": 3000.0, "summary": f"LCP p75 of shop is 3000 (> {i})", "description": "",
        "details": {}, "receivers": [], "active_since": NOW, "starts_at": NOW, **changes}
    return Alert(**fields)


def _send(receiver: Receiver, evaluator: Evaluator, alerts: list[Alert],
          group_labels: dict[str, str]) -> dict[str, Any]:
    evaluator.pipeline.enqueue(Notification(receiver="slack", group_key="g",
                                            group_labels=group_labels, alerts=alerts), NOW)
    assert [a.outcome for a in evaluator.deliver_due(NOW)] == ["delivered"]
    (request,) = receiver.requests()
    assert request["path"] == "/services/x"
    body: dict[str, Any] = json.loads(request["body"])
    return body


def test_hostile_page_groups_and_labels_stay_text(
        receiver: Receiver, make_evaluator: Callable[[AlertingSettings], Evaluator]) -> None:
    causes = [{"dimension": "page_group", "value": PING, "change": 0.8},
              {"dimension": "page_group", "value": LINK, "change": 0.5},
              {"dimension": "release", "value": "r2 & `<@U123>`", "change": 0.25},
              {"dimension": "server_timing", "value": "db", "change": 1.0},
              {"dimension": "cache", "value": "cdn", "change": -0.4},
              {"dimension": "page_group", "value": "/cart", "change": 0.1},
              {"dimension": "page_group", "value": "/search", "change": 0.05}]
    alert = _alert(1, rule="lcp <!here>", summary="LCP p75 of shop rose +43% (2790 -> 4002, "
                   "p=3.9e-13)", details={"causes": causes})
    body = _send(receiver, make_evaluator(_settings(receiver)), [alert],
                 {"site": "<!channel>", "rule": "a&b"})
    assert body == {
        "text": ":red_circle: [FIRING] site=&lt;!channel&gt;, rule=a&amp;b",
        "blocks": [
            {"type": "header", "text": {
                "type": "plain_text", "text": ":red_circle: [FIRING] site=<!channel>, rule=a&b"}},
            {"type": "section", "text": {"type": "mrkdwn", "text": (
                "*lcp &lt;!here&gt;* (firing): LCP p75 of shop rose +43% (2790 -&gt; 4002, "
                "p=3.9e-13)"
                "\n• page_group `&lt;!channel&gt;`: +80%"
                "\n• page_group `&lt;https://evil.example|click&gt;`: +50%"
                "\n• release `r2 &amp; ˋ&lt;@U123&gt;ˋ`: +25%"
                "\n• server_timing `db`: +100%"
                "\n• cache `cdn`: -40%"
                "\n• and 2 more causes")}},
        ]}


def test_a_group_of_60_says_how_many_more(
        receiver: Receiver, make_evaluator: Callable[[AlertingSettings], Evaluator]) -> None:
    alerts = [_alert(i) for i in range(60)]
    body = _send(receiver, make_evaluator(_settings(receiver)), alerts, {"site": "shop"})
    assert body == {
        "text": ":red_circle: [FIRING] site=shop",
        "blocks": [
            {"type": "header", "text": {"type": "plain_text",
                                        "text": ":red_circle: [FIRING] site=shop"}},
            *({"type": "section", "text": {
                "type": "mrkdwn",
                "text": f"*lcp-{i}* (firing): LCP p75 of shop is 3000 (&gt; {i})"}}
              for i in range(20)),
            {"type": "context", "elements": [{"type": "mrkdwn", "text": (
                "and 40 more alerts in this group: the Alerts page of the dashboard lists "
                "them all.")}]},
        ]}


def test_long_values_are_cut_within_slack_limits(
        receiver: Receiver, make_evaluator: Callable[[AlertingSettings], Evaluator]) -> None:
    alert = _alert(1, summary="<" * 5000, labels={"rule": "lcp-1"})
    body = _send(receiver, make_evaluator(_settings(receiver)), [alert], {"site": "x" * 400})
    header, section = body["blocks"]
    assert len(header["text"]["text"]) == HEADER_CHARS
    assert header["text"]["text"].endswith("x…")
    text = section["text"]["text"]
    assert len(text) <= SECTION_CHARS and text.endswith("&lt;…")
    assert text.startswith("*lcp-1* (firing): &lt;&lt;")
    assert len(body["text"]) <= SECTION_CHARS


def test_shorten_never_cuts_an_entity() -> None:
    assert shorten("ab&amp;cd", 5) == "ab…"
    assert shorten("ab&amp;cd", 8) == "ab&amp;…"
    assert shorten("abc", 3) == "abc"


def test_a_regression_on_a_hostile_page_group_reaches_slack_as_text(
        clickhouse: Client, receiver: Receiver, rng: np.random.Generator,
        make_evaluator: Callable[[AlertingSettings], Evaluator]) -> None:
    """Page groups written by a page holding the site key, through the real evaluator."""
    rows: list[tuple[str, str, float, float, str, str]] = []
    for day in range(1, 8):
        start = NOW - day * DAY - 1800
        for group in ("/home", PING, LINK):
            rows += [("shop", "LCP", t, v, group, "r1") for t, v in zip(
                spread(rng, start, start + 3600, 60), lognormal(rng, 2000, 60), strict=True)]
    for group, median in (("/home", 2000), (PING, 4000), (LINK, 3800)):
        rows += [("shop", "LCP", t, v, group, "<b>r2</b>") for t, v in zip(
            spread(rng, NOW - 1800, NOW, 150), lognormal(rng, median, 150), strict=True)]
    insert_vitals(clickhouse, rows)
    settings = AlertingSettings.model_validate({
        "rules": [{"name": "lcp-regression", "kind": "regression", "site": "shop",
                   "metric": "LCP", "window": "30m", "for": 0, "min_samples": 200,
                   "receivers": ["slack"]}],
        "receivers": [{"name": "slack", "type": "slack", "url": receiver.url + "/services/x"}],
        "allow_networks": ["127.0.0.1/32"], "group_wait": 0, "group_interval": 0})
    evaluator = make_evaluator(settings)
    assert [a.rule for a in evaluator.cycle(NOW).firing] == ["lcp-regression"]
    assert [a.outcome for a in evaluator.deliver_due(NOW)] == ["delivered"]
    (body,) = receiver.bodies()
    (section,) = [b["text"]["text"] for b in body["blocks"] if b["type"] == "section"]
    assert "page_group `&lt;!channel&gt;`: +" in section
    assert "page_group `&lt;https://evil.example|click&gt;`: +" in section
    assert "release `&lt;b&gt;r2&lt;/b&gt;`: +" in section
    assert re.search(r"\(\d+ -&gt; \d+, p=", section), section
    for text in [body["text"], section]:
        assert "<" not in text and ">" not in text, text
