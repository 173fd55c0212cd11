"""Admin authentication: a bearer token compared in constant time."""

from __future__ import annotations

import hmac

from fastapi import HTTPException, Request, status


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def require_admin(request: Request) -> None:
    expected: str | None = request.app.state.runtime.admin_token
    given = bearer_token(request)
    if expected is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "the admin API is off: set "
                            "VITALSCOPE_ADMIN_TOKEN to turn it on")
    if given is None or not hmac.compare_digest(given.encode(), expected.encode()):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, "admin token missing or wrong",
            headers={"WWW-Authenticate": "Bearer"},
        )
