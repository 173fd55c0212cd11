"""The receiver registry: the one place that lists receiver kinds. Each kind is one module
(`<kind>.py`, see `base.ReceiverKind`) with its config model, renderer and request; the
settings validate `alerting.receivers[]` with the discriminated union of the config models
built here (on `type`, `webhook` when absent), and the delivery pipeline and
`vitalscope alerts test` render and send through `render` and `request`.

Adding a kind: write `alerting/receivers/<kind>.py` with a `KIND` and list it in `_KINDS`."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any, Union

from pydantic import Discriminator, Tag

from alerting.receivers import alertmanager, pagerduty, slack, webhook
from alerting.receivers.base import ReceiverBase, ReceiverKind, RenderContext, Request

if TYPE_CHECKING:
    from alerting.notification import Notification

_KINDS: tuple[ReceiverKind[Any], ...] = (webhook.KIND, slack.KIND, alertmanager.KIND,
                                         pagerduty.KIND)
KINDS: dict[str, ReceiverKind[Any]] = {kind.name: kind for kind in _KINDS}
DEFAULT_KIND = webhook.KIND.name
KEPT_ALIVE_KINDS = frozenset(kind.name for kind in _KINDS if kind.kept_alive)


def tag(kind: str) -> str:
    """How a tagged-union member is named in a validation error's location; written
    `field=value` so the error formatter (vitalscope/config/errors.py) can leave out a key
    the user never wrote."""
    return f"type={kind}"


def _tag_of(value: Any) -> str | None:
    kind = value.get("type", DEFAULT_KIND) if isinstance(value, dict) else \
        getattr(value, "type", None)
    return tag(kind) if isinstance(kind, str) and kind in KINDS else None


if TYPE_CHECKING:
    ReceiverConfig = ReceiverBase
else:
    ReceiverConfig = Annotated[
        Union[tuple(Annotated[kind.config, Tag(tag(kind.name))] for kind in _KINDS)],  # noqa: UP007
        Discriminator(_tag_of, custom_error_type="receiver_type",
                      custom_error_message="`type` must be one of "
                      + ", ".join(repr(name) for name in KINDS))]


def kind_of(receiver: ReceiverBase | None) -> ReceiverKind[Any]:
    """The kind of a receiver (a receiver no longer configured renders as a webhook: its
    notification only goes to the dead-letter list)."""
    return KINDS[receiver.type if receiver is not None else DEFAULT_KIND]


def render(receiver: ReceiverBase | None, n: Notification, context: RenderContext) -> bytes:
    """The exact body bytes (stored once, so every retry sends the same bytes under the same
    webhook-id)."""
    body = kind_of(receiver).render(n, context)
    return json.dumps(body, separators=(",", ":"), default=str).encode()


def request(receiver: ReceiverBase, body: bytes) -> Request:
    return kind_of(receiver).request(receiver, body)
