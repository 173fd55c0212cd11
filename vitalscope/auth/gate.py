"""The gate in front of routing: every request under /admin/v1 and /api/v1 is
authenticated before FastAPI reads its body, so an anonymous caller learns nothing about
what a route accepts (401 whatever it sent). The route dependencies check again what the
gate found (`require_admin`, `require_login`)."""

from __future__ import annotations

import json
import logging

import redis
from starlette.types import ASGIApp, Receive, Scope, Send

from vitalscope.auth.guard import AdminOff, Guard, Throttled

log = logging.getLogger("vitalscope.auth")
USER_KEY = "vitalscope.user"  # scope key: who the gate let through
ADMIN_PREFIX = "/admin/v1"
LOGIN_PREFIX = "/api/v1"


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix + "/")


async def respond(send: Send, status: int, message: str,
                  headers: list[tuple[bytes, bytes]] | None = None) -> None:
    body = json.dumps({"error": f"http_{status}", "message": message}).encode()
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
        (b"cache-control", b"no-store"), *(headers or [])]})
    await send({"type": "http.response.body", "body": body})


class AuthGate:
    def __init__(self, app: ASGIApp, guard: Guard) -> None:
        self.app = app
        self.guard = guard

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        admin = _under(path, ADMIN_PREFIX)
        if not admin and not _under(path, LOGIN_PREFIX):
            await self.app(scope, receive, send)
            return
        try:
            user = await (self.guard.admin_user(scope) if admin
                          else self.guard.request_user(scope))
        except AdminOff:
            await respond(send, 404, "the admin API is off: set VITALSCOPE_ADMIN_TOKEN to "
                          "turn it on")
            return
        except Throttled as exc:
            await respond(send, 429, str(exc),
                          [(b"retry-after", str(exc.retry_after).encode())])
            return
        except redis.RedisError as exc:
            log.warning("sign-in store unavailable: %s", type(exc).__name__)
            await respond(send, 503, "sign-in is unavailable (Redis does not answer); retry",
                          [(b"retry-after", b"2")])
            return
        if user is None:
            message = ("admin token missing or wrong" if admin
                       else "login or admin bearer token required")
            await respond(send, 401, message, [(b"www-authenticate", b"Bearer")])
            return
        await self.app({**scope, USER_KEY: user}, receive, send)
