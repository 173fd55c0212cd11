"""Route dependencies that insist the auth gate (`vitalscope.auth.gate`) let the request in.
The gate authenticates before the body is read; these make a route mounted outside the
gate's prefixes refuse everyone instead of answering anonymously."""

from __future__ import annotations

from fastapi import HTTPException, Request, status

from vitalscope.auth.gate import USER_KEY


def gated_user(request: Request) -> str:
    user = request.scope.get(USER_KEY)
    if not isinstance(user, str):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "login or admin bearer token required",
                            headers={"WWW-Authenticate": "Bearer"})
    return user


def require_admin(request: Request) -> None:
    gated_user(request)
