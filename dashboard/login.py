"""Login and logout pages (plain HTML forms, no script) and the guard in front of the Dash
app: a browser without a session is sent to the login page, a script gets 401."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, quote

import redis
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from vitalscope.auth.gate import respond
from vitalscope.auth.guard import COOKIE, Guard, Throttled
from vitalscope.server.secheaders import csp_hash

router = APIRouter(include_in_schema=False)
MAX_FORM_BYTES = 8192
# Who is signed in, as the guard tells the Dash app (a client-sent value is removed first).
USER_HEADER = b"x-vitalscope-user"

_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Vitalscope · sign in</title>
<link rel="icon" href="data:,"><meta name="viewport" content="width=device-width">
<style>body{{font-family:system-ui,sans-serif;background:#f4f6f8;display:flex;
justify-content:center;padding-top:10vh}}form{{background:#fff;padding:2rem;border-radius:8px;
box-shadow:0 1px 4px #0002;width:22rem}}label{{display:block;margin:.8rem 0 .2rem}}
input{{width:100%;padding:.5rem;box-sizing:border-box}}button{{margin-top:1.2rem;width:100%;
padding:.6rem;background:#1a73e8;color:#fff;border:0;border-radius:4px}}
.error{{color:#b00020}}.hint{{color:#555;font-size:.85rem}}</style></head><body>
<form method="post" action="/login"><h1>Vitalscope</h1>{error}
<input type="hidden" name="next" value="{next}">
<label for="token">Admin token</label><input id="token" name="token" type="password"
autocomplete="current-password">
<p class="hint">or, when configured, a user name and password:</p>
<label for="username">User name</label><input id="username" name="username"
autocomplete="username">
<label for="password">Password</label><input id="password" name="password" type="password">
<button type="submit">Sign in</button></form></body></html>"""


_STYLE = re.search(r"<style>(.*?)</style>", _PAGE.format(next="", error=""), re.DOTALL)
assert _STYLE is not None
# The page has no script at all; its one inline style block is allowed by its hash.
POLICY = (f"default-src 'none'; style-src {csp_hash(_STYLE.group(1))}; img-src data:; "
          "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")


def safe_next(value: str | None) -> str:
    """Only paths of this server: no scheme, no `//host`, no backslash tricks."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/dashboard/"
    return value


def _page(next_path: str, error: str = "", status_code: int = 200) -> HTMLResponse:
    body = _PAGE.format(next=html.escape(next_path),
                        error=f'<p class="error">{html.escape(error)}</p>' if error else "")
    return HTMLResponse(body, status_code=status_code,
                        headers={"Cache-Control": "no-store"})


def _guard(request: Request) -> Guard:
    guard: Guard = request.app.state.guard
    return guard


@router.get("/login")
async def login_form(request: Request) -> HTMLResponse:
    guard = _guard(request)
    error = "" if guard.configured else ("No login is configured: set VITALSCOPE_ADMIN_TOKEN "
                                         "or dashboard.username and dashboard.password.")
    return _page(safe_next(request.query_params.get("next")), error)


@router.post("/login")
async def login(request: Request) -> Response:
    guard = _guard(request)
    raw = await request.body()
    if len(raw) > MAX_FORM_BYTES:
        return _page("/dashboard/", "The form is too large.", 413)
    form = {k: v[0] for k, v in parse_qs(raw.decode("utf-8", "replace")).items()}
    next_path = safe_next(form.get("next"))
    try:
        identity = await guard.check(request.scope, token=form.get("token", "").strip(),
                                     username=form.get("username", ""),
                                     password=form.get("password", ""))
    except Throttled as exc:
        page = _page(next_path, f"Too many wrong attempts: try again in {exc.retry_after} s.",
                     429)
        page.headers["Retry-After"] = str(exc.retry_after)
        return page
    except redis.RedisError:
        return _page(next_path, "Sign-in is unavailable right now; try again.", 503)
    if identity is None:
        return _page(next_path, "Wrong token or user name and password.", 401)
    # A session the browser held before signing in is not carried over (fixation).
    await guard.close_session(request.scope)
    response = RedirectResponse(next_path, status_code=303)
    response.set_cookie(COOKIE, await guard.open_session(identity), httponly=True,
                        samesite="lax", secure=guard.cookie_secure(request.scope),
                        max_age=guard.session_max_age_s, path="/")
    response.headers["Cache-Control"] = "no-store"
    return response


@router.api_route("/logout", methods=["GET", "POST"])
async def logout(request: Request) -> Response:
    guard = _guard(request)
    await guard.close_session(request.scope)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax",
                           secure=guard.cookie_secure(request.scope))
    return response


class LoginRequired:
    """ASGI guard in front of the mounted Dash app."""

    def __init__(self, app: ASGIApp, guard: Guard) -> None:
        self.app = app
        self.guard = guard

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            request = Request(scope)
            try:
                user = await self.guard.request_user(scope)
            except Throttled as exc:
                await respond(send, 429, str(exc),
                              [(b"retry-after", str(exc.retry_after).encode())])
                return
            except redis.RedisError:
                await respond(send, 503, "sign-in is unavailable (Redis does not answer); "
                              "retry", [(b"retry-after", b"2")])
                return
            if user is None:
                response: Response
                if request.method == "GET" and "_dash-" not in request.url.path:
                    target = request.url.path + (f"?{request.url.query}" if request.url.query
                                                 else "")
                    response = RedirectResponse(f"/login?next={quote(target, safe='/')}",
                                                status_code=303)
                else:
                    response = Response('{"error": "http_401", "message": "login required"}',
                                        status_code=401, media_type="application/json")
                await response(scope, receive, send)
                return
            headers = [(k, v) for k, v in scope["headers"] if k.lower() != USER_HEADER]
            scope = {**scope, "headers": [*headers, (USER_HEADER, user.encode())]}
        await self.app(scope, receive, send)
