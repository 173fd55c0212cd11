"""Refusals of the ingest path: a status, a machine code, the JSON path of the field at fault
and a message safe to show (input is never echoed back unescaped: the body is JSON-encoded,
and never at length: a name or value quoted from the request is cut to QUOTED_MAX characters,
so a refusal is never much bigger than its fixed text)."""

from __future__ import annotations

import re

import msgspec

_AT = re.compile(r"^(?P<text>.*?)(?: - at `(?P<path>\$[^`]*)`)?$", re.DOTALL)
_NAMED = re.compile(r"^Object (?:missing required|contains unknown) field `(?P<name>[^`]*)`")
_STEP_FIELD = re.compile(r"^(?P<name>[a-z]+): (?P<text>.*)$", re.DOTALL)
_QUOTED = re.compile(r"(['`])([^'`]*)\1")
_ENCODER = msgspec.json.Encoder()
QUOTED_MAX = 64
MESSAGE_MAX = 512


class IngestError(Exception):
    """A request the collector refuses; `status` is always 4xx or 503."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None,
                 headers: list[tuple[bytes, bytes]] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.headers = headers or []

    def body(self) -> bytes:
        return _ENCODER.encode({"error": self.code, "field": self.field, "message": self.message})


def _clipped(name: str) -> str:
    return name if len(name) <= QUOTED_MAX else f"{name[:QUOTED_MAX]}... ({len(name)} characters)"


def _clip_quoted(text: str) -> str:
    clipped = _QUOTED.sub(lambda m: m[1] + _clipped(m[2]) + m[1], text)
    return clipped if len(clipped) <= MESSAGE_MAX else clipped[:MESSAGE_MAX] + "..."


def _join(path: str, name: str) -> str:
    name = _clipped(name)
    return f"{path}.{name}" if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) else (
        f"{path}[{_ENCODER.encode(name).decode()}]")


def from_validation(exc: msgspec.ValidationError) -> IngestError:
    """msgspec's message as an error naming the field by its JSON path ($.e[0].val)."""
    match = _AT.match(str(exc))
    assert match is not None  # the pattern matches any text
    text, path = match.group("text"), match.group("path") or "$"
    code = "invalid_field"
    if named := _NAMED.match(text):
        path = _join(path, named.group("name"))
        code = "missing_field" if "missing" in text else "unknown_field"
    elif step := _STEP_FIELD.match(text):
        path, text = _join(path, step.group("name")), step.group("text")
    if len(path) > MESSAGE_MAX:
        path = path[:MESSAGE_MAX] + "..."
    return IngestError(400, code, f"{path}: {_clip_quoted(text)}", path)


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def from_decode(exc: Exception, body: bytes) -> IngestError:
    """Decided here, not from msgspec's message: its wording for bad UTF-8 changed between
    releases (0.23 says "malformed" for a leading invalid byte), and clients key on the code.
    Only the error path pays for the extra UTF-8 check."""
    if isinstance(exc, UnicodeDecodeError) or not _is_utf8(body):
        return IngestError(400, "invalid_encoding", "body is not UTF-8", "$")
    return IngestError(400, "invalid_json", f"body is not valid JSON ({exc})", "$")
