"""What every receiver kind provides (`ReceiverKind`): its config model, its renderer (the
body, rendered once and stored in the outbox, so every retry sends the same bytes) and its
request (URL, headers, final body, Standard Webhooks or not). The config models here hold
the fields every kind shares; the settings validate them, nothing here runs at load time
but validation.

A kind module imports the alert model only for type checking: the settings import the
registry, and the alert model imports the settings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Generic, TypeVar
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from alerting.delivery.signing import MIN_SECRET_BYTES, secret_bytes
from vitalscope.fields import Duration
from vitalscope.names import NAME

if TYPE_CHECKING:
    from alerting.notification import Notification


class ReceiverBase(BaseModel):
    """Fields of every receiver; each kind adds its own and its `type`."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="Unique receiver name, used by rules and "
                      "`vitalscope alerts test NAME`.")
    type: str = Field(description="Kind of receiver.")
    timeout: Duration = Field(default=10.0, gt=0, le=120, description="Seconds per attempt.")
    max_attempts: int = Field(default=10, ge=1, le=50,
                              description="Attempts before a notification goes to the "
                              "dead-letter list.")

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not NAME.fullmatch(value):
            raise ValueError(f"{value!r} is not a receiver name: use 1-63 lowercase letters, "
                             "digits, '-', '_' or '.'")
        return value

    def signing_secrets(self) -> tuple[str, ...]:
        """Standard Webhooks secrets (none for kinds that do not sign)."""
        return ()


def http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an http:// or https:// URL with a host")
    return value


class WebhookReceiverBase(ReceiverBase):
    """A receiver at a URL the user gives (a secret: Slack's holds its token), signed with
    Standard Webhooks when it has secrets."""

    url: SecretStr = Field(description="http(s) URL of the receiver (kept out of logs: Slack "
                           "URLs are secrets).")
    secrets: list[SecretStr] = Field(
        default_factory=list,
        description="Signing secrets (>= 24 bytes; `whsec_<base64>` or plain text). Several "
        "while rotating: every one signs, receivers accept any.")

    @field_validator("url")
    @classmethod
    def _url(cls, value: SecretStr) -> SecretStr:
        http_url(value.get_secret_value())
        return value

    @field_validator("secrets")
    @classmethod
    def _secrets(cls, values: list[SecretStr]) -> list[SecretStr]:
        for position, secret in enumerate(values):
            if len(secret_bytes(secret.get_secret_value())) < MIN_SECRET_BYTES:
                raise ValueError(f"secret #{position + 1} is shorter than {MIN_SECRET_BYTES} "
                                 "bytes")
        return values

    def signing_secrets(self) -> tuple[str, ...]:
        return tuple(s.get_secret_value() for s in self.secrets)


@dataclass(frozen=True)
class RenderContext:
    """What a body may depend on besides the notification."""

    alive_for: float  # seconds a firing alert posted now stays firing without a renewal


@dataclass(frozen=True)
class Request:
    """One HTTP POST to a receiver. URL and body may hold secrets (a Slack URL, a PagerDuty
    routing key): they are left out of the repr so no log line can show them."""

    url: str = field(repr=False)
    body: bytes = field(repr=False)
    headers: dict[str, str]
    # webhook-id and webhook-timestamp headers, and webhook-signature with each secret.
    standard_webhooks: bool
    secrets: tuple[str, ...] = field(default=(), repr=False)


C = TypeVar("C", bound=ReceiverBase)


@dataclass(frozen=True)
class ReceiverKind(Generic[C]):
    name: str  # the `type` of its receivers
    config: type[C]
    render: Callable[[Notification, RenderContext], Any]  # a JSON-able body
    request: Callable[[C, bytes], Request]  # the stored body -> what is sent
    # Alert stores (Alertmanager) get every firing alert again each evaluation instead of
    # grouped notifications (alerting/pipeline/keepalive.py).
    kept_alive: bool = False


def iso(seconds: float) -> str | None:
    if not seconds:
        return None
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="milliseconds").replace(
        "+00:00", "Z")


def json_request(url: str, body: bytes, *, secrets: tuple[str, ...] = ()) -> Request:
    """The request of a kind that posts its stored body as it is, signed."""
    return Request(url, body, {"content-type": "application/json"}, standard_webhooks=True,
                   secrets=secrets)


def frame_text(frame: dict[str, Any] | None) -> str:
    """`function (file:line:column)` of a stack frame (beacon-sent: each kind escapes it for
    its format)."""
    if not frame:
        return ""
    where = f"{frame.get('file') or frame.get('url') or '?'}:{frame.get('line')}:" \
            f"{frame.get('column')}"
    return f"{frame['function']} ({where})" if frame.get("function") else where


def error_group_notes(details: dict[str, Any]) -> dict[str, str]:
    """An error-group alert's link and top frame as text (alerting/errorgroups.py): the
    original frame where the release's source map gave one, else the minified frame.
    Empty for other alerts."""
    if "group_url" not in details:
        return {}
    notes = {"group_url": str(details["group_url"])}
    original = frame_text(details.get("original_frame"))
    minified = frame_text(details.get("frame")) or str(details.get("top_frame") or "")
    if original:
        notes["original_frame"] = original
    if minified:
        notes["minified_frame"] = minified
    return notes
