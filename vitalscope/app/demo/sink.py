"""A local webhook receiver for the demo: verifies Standard Webhooks signatures the way a
user's own receiver would, and prints each alert it accepts."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

TOLERANCE_S = 300


def signing_key(secret: str) -> bytes:
    """Standard Webhooks secrets are `whsec_` + base64; anything else is used as is."""
    if secret.startswith("whsec_"):
        return base64.b64decode(secret.removeprefix("whsec_"))
    return secret.encode()


def verify(secret: str, headers: dict[str, str], body: bytes, now: float | None = None) -> bool:
    msg_id = headers.get("webhook-id", "")
    timestamp = headers.get("webhook-timestamp", "")
    signatures = headers.get("webhook-signature", "")
    if not (msg_id and timestamp.isdigit() and signatures):
        return False
    if abs((now or time.time()) - int(timestamp)) > TOLERANCE_S:
        return False
    signed = f"{msg_id}.{timestamp}.".encode() + body
    expected = base64.b64encode(
        hmac.new(signing_key(secret), signed, hashlib.sha256).digest()).decode()
    return any(
        version == "v1" and hmac.compare_digest(sig, expected)
        for version, _, sig in (item.partition(",") for item in signatures.split())
    )


class WebhookSink:
    def __init__(self, secret: str, say: Callable[[str], None] = print) -> None:
        self.secret = secret
        self.say = say
        self.received: list[dict[str, Any]] = []
        self.rejected = 0

    async def receive(self, request: Request) -> Response:
        body = await request.body()
        headers = {k.lower(): v for k, v in request.headers.items()}
        if not verify(self.secret, headers, body):
            self.rejected += 1
            self.say("webhook sink: REJECTED a request with a bad signature")
            return JSONResponse({"error": "bad signature"}, status_code=401)
        try:
            payload = json.loads(body)
        except ValueError:
            return JSONResponse({"error": "not JSON"}, status_code=400)
        # Kept as received, so anyone (the demo's test included) can check the signature too.
        self.received.append({
            "headers": {k: v for k, v in headers.items() if k.startswith("webhook-")},
            "body": body.decode("utf-8", errors="replace"),
            "payload": payload,
        })
        for line in describe(payload):
            self.say(f"webhook sink: signature ok · {line}")
        return Response(status_code=204)

    async def listing(self, request: Request) -> Response:
        return JSONResponse({"received": self.received, "rejected": self.rejected})

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/hooks/vitalscope", self.receive, methods=["POST"]),
                                 Route("/received", self.listing)])


def describe(payload: Any) -> list[str]:
    """One readable line per alert of a `vitalscope.alerts/v1` notification."""
    if not isinstance(payload, dict):
        return ["(not a vitalscope.alerts/v1 notification)"]
    if payload.get("type") == "test":
        return [f"test notification for receiver {payload.get('receiver')}"]
    alerts = payload.get("alerts")
    if not isinstance(alerts, list) or not alerts:
        return [f"notification without alerts ({payload.get('status')})"]
    return [f"[{alert.get('status')}] {alert.get('rule')}: {alert.get('summary')}"[:240]
            for alert in alerts if isinstance(alert, dict)]
