"""Slack incoming-webhook messages (`text` and Block Kit `blocks`).

Slack reads `<...>` in mrkdwn as links and mentions (`<!channel>` pings a channel,
`<https://x|click>` is a link) and `&`, `<`, `>` must be written as entities. Page groups,
causes, rule names and labels come from beacons or configuration, and our own summaries
hold `>` (`(> 2500)`, `2790 -> 4002`), so every string put into mrkdwn goes through
`mrkdwn`. Header blocks are `plain_text`, which Slack never reads as markup. Long messages
are shortened within Slack's limits (a section's text 3000 characters, a header 150, 50
blocks a message); a group with more alerts than are shown says how many more it holds."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from alerting.receivers.base import (
    ReceiverKind,
    RenderContext,
    Request,
    WebhookReceiverBase,
    error_group_notes,
    json_request,
)

if TYPE_CHECKING:
    from alerting.model import Alert
    from alerting.notification import Notification

SECTION_CHARS = 3000
HEADER_CHARS = 150
MAX_BLOCKS = 50
SHOWN_ALERTS = 20  # a readable message; header + 20 + "and N more" stays within 50 blocks
SHOWN_CAUSES = 5
ELLIPSIS = "…"


class SlackReceiver(WebhookReceiverBase):
    type: Literal["slack"] = Field(description="`slack`: Slack incoming webhook (Block Kit).")


def mrkdwn(text: object) -> str:
    """`text` as literal mrkdwn: Slack's three control characters as entities."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _code(text: object) -> str:
    # Slack has no escape for a backtick inside inline code; one would end the span early.
    return f"`{mrkdwn(text).replace('`', 'ˋ')}`"


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters, ending in an ellipsis when cut, never inside an entity
    (`&am` would show as text and break the characters around it)."""
    if len(text) <= limit:
        return text
    cut = text[:limit - len(ELLIPSIS)]
    amp = cut.rfind("&", max(0, len(cut) - 5))
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut + ELLIPSIS


def _more(count: int, what: str) -> str:
    return f"and {count} more {what}{'' if count == 1 else 's'}"


def _section(alert: Alert) -> dict[str, Any]:
    causes = alert.details.get("causes") or []
    why = "".join(f"\n• {mrkdwn(c['dimension'])} {_code(c['value'])}: {c['change']:+.0%}"
                  for c in causes[:SHOWN_CAUSES])
    if len(causes) > SHOWN_CAUSES:
        why += f"\n• {_more(len(causes) - SHOWN_CAUSES, 'cause')}"
    text = f"*{mrkdwn(alert.rule)}* ({alert.state}): {mrkdwn(alert.summary)}{why}"
    notes = error_group_notes(alert.details)
    if notes:
        frame = notes.get("original_frame") or notes.get("minified_frame")
        if frame:
            text += f"\n• top frame {_code(frame)}"
        # The URL is ours (public_url, site, a number), escaped all the same; Slack reads
        # `<url|label>` as a link.
        text += f"\n• <{mrkdwn(notes['group_url'])}|error group on the dashboard>"
    return {"type": "section", "text": {"type": "mrkdwn", "text": shorten(text, SECTION_CHARS)}}


def slack_body(n: Notification, context: RenderContext) -> dict[str, Any]:
    if n.kind == "test":
        text = "Vitalscope test notification: this receiver works."
        return {"text": text, "blocks": [{"type": "section",
                                          "text": {"type": "mrkdwn", "text": text}}]}
    icon = ":red_circle:" if n.status == "firing" else ":large_green_circle:"
    prefix = f"{icon} [{n.status.upper()}] "
    labels = ", ".join(f"{k}={v}" for k, v in n.group_labels.items())
    blocks: list[dict[str, Any]] = [{"type": "header", "text": {
        "type": "plain_text", "text": shorten(prefix + labels, HEADER_CHARS)}}]
    blocks += [_section(alert) for alert in n.alerts[:SHOWN_ALERTS]]
    hidden = len(n.alerts) - SHOWN_ALERTS
    if hidden > 0:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": (
            f"{_more(hidden, 'alert')} in this group: the Alerts page of the dashboard "
            "lists them all.")}]})
    assert len(blocks) <= MAX_BLOCKS
    # The notification text (shown in pushes and where blocks are not) is mrkdwn too.
    return {"text": shorten(prefix + mrkdwn(labels), SECTION_CHARS), "blocks": blocks}


def slack_request(receiver: SlackReceiver, body: bytes) -> Request:
    return json_request(receiver.url.get_secret_value(), body,
                        secrets=receiver.signing_secrets())


KIND = ReceiverKind("slack", SlackReceiver, slack_body, slack_request)
