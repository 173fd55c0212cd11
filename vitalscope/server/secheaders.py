"""Security headers on every response of the FastAPI app (dashboard, login pages, admin
and JSON APIs): a Content-Security-Policy, no framing, nosniff and no referrer.

Policies are chosen by path prefix. The default allows nothing (JSON and files need no
script); the dashboard and login pages register theirs, with the hashes of the inline
scripts and styles they were built with, never 'unsafe-inline' for scripts. The API docs
page gets the hashes of the inline script of the page FastAPI generated (it holds no
request data)."""

from __future__ import annotations

import base64
import hashlib
import re

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

DEFAULT_POLICY = ("default-src 'none'; frame-ancestors 'none'; base-uri 'none'; "
                  "form-action 'none'")
DOCS_POLICY = ("default-src 'none'; script-src https://cdn.jsdelivr.net {hashes}; "
               "style-src https://cdn.jsdelivr.net; img-src 'self' data: "
               "https://fastapi.tiangolo.com; connect-src 'self'; frame-ancestors 'none'; "
               "base-uri 'none'; form-action 'none'")
STATIC_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",  # for browsers without CSP frame-ancestors
}
_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.DOTALL)


def csp_hash(source: str | bytes) -> str:
    data = source.encode() if isinstance(source, str) else source
    return "'sha256-" + base64.b64encode(hashlib.sha256(data).digest()).decode() + "'"


class CspPolicies:
    """Content-Security-Policy by path prefix (longest prefix wins)."""

    def __init__(self, docs_path: str | None = None) -> None:
        self._prefixes: dict[str, str] = {}
        self.docs_path = docs_path

    def add(self, prefix: str, policy: str) -> None:
        self._prefixes[prefix] = policy

    def for_path(self, path: str) -> str:
        best = ""
        for prefix in self._prefixes:
            if (path == prefix.rstrip("/") or path.startswith(prefix)) and len(prefix) > len(best):
                best = prefix
        return self._prefixes[best] if best else DEFAULT_POLICY


class SecurityHeaders:
    def __init__(self, app: ASGIApp, policies: CspPolicies) -> None:
        self.app = app
        self.policies = policies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if path == self.policies.docs_path:
            await self._docs(scope, receive, send)
            return
        policy = self.policies.for_path(path)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                _add(message, policy)
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _docs(self, scope: Scope, receive: Receive, send: Send) -> None:
        start: Message | None = None
        body = b""

        async def collect(message: Message) -> None:
            nonlocal start, body
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                body += message.get("body", b"")

        await self.app(scope, receive, collect)
        assert start is not None
        hashes = " ".join(csp_hash(m) for m in _INLINE_SCRIPT.findall(body))
        _add(start, DOCS_POLICY.format(hashes=hashes))
        await send(start)
        await send({"type": "http.response.body", "body": body})


def _add(message: Message, policy: str) -> None:
    message["headers"] = list(message.get("headers", ()))
    headers = MutableHeaders(scope=message)
    headers.setdefault("content-security-policy", policy)
    for name, value in STATIC_HEADERS.items():
        headers.setdefault(name, value)
