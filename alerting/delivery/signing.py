"""Standard Webhooks signatures: `webhook-signature: v1,<base64 HMAC-SHA256 of
id.timestamp.body>`, one signature per secret while secrets rotate."""

from __future__ import annotations

import base64
import hashlib
import hmac

MIN_SECRET_BYTES = 24


def secret_bytes(secret: str) -> bytes:
    """Key bytes of a signing secret: `whsec_<base64>` as Standard Webhooks issues them, or
    the UTF-8 bytes of any other string."""
    if secret.startswith("whsec_"):
        try:
            return base64.b64decode(secret.removeprefix("whsec_"), validate=True)
        except ValueError:
            raise ValueError("a whsec_ secret must be base64 after the prefix") from None
    return secret.encode()


def sign(secret: str, webhook_id: str, timestamp: int, body: bytes) -> str:
    message = f"{webhook_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_bytes(secret), message, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signature_header(secrets: list[str], webhook_id: str, timestamp: int, body: bytes) -> str:
    return " ".join(sign(s, webhook_id, timestamp, body) for s in secrets)


def verify(secret: str, headers: dict[str, str], body: bytes, *, now: int,
           tolerance_s: int = 300) -> bool:
    """What a receiver does (also shown in docs/alerting.md)."""
    webhook_id = headers["webhook-id"]
    timestamp = int(headers["webhook-timestamp"])
    if abs(now - timestamp) > tolerance_s:
        return False
    expected = sign(secret, webhook_id, timestamp, body)
    return any(hmac.compare_digest(expected, given)
               for given in headers["webhook-signature"].split())
