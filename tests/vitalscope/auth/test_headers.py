"""Security headers on every dashboard, login and API answer of a real `vitalscope serve`
(refusals included), with a CSP that allows no inline script but by hash."""

from __future__ import annotations

import base64
import hashlib
import re

import httpx

from tests.support.serve import ServeProcess
from tests.vitalscope.auth.conftest import ServeMaker

PATHS = ["/login", "/logout", "/dashboard/", "/api/v1/sites", "/admin/v1/sites", "/healthz",
         "/api/openapi.json", "/sdk.js", "/no/such/page"]


def directives(policy: str) -> dict[str, list[str]]:
    parts = [p.split() for p in policy.split(";") if p.strip()]
    return {p[0]: p[1:] for p in parts}


def check(answer: httpx.Response) -> dict[str, list[str]]:
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["referrer-policy"] == "no-referrer"
    assert answer.headers["x-frame-options"] == "DENY"
    policy = directives(answer.headers["content-security-policy"])
    assert policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in policy.get("script-src", [])
    assert "'unsafe-eval'" not in policy.get("script-src", [])
    return policy


def script_hashes(html: str) -> set[str]:
    """Hashes of the inline scripts a browser would run (not JSON data, not those inside a
    comment such as Dash's `<!--[if IE]>` notice)."""
    html = re.sub(r"<!--.*?-->", "", html, flags=re.DOTALL)
    inline = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>(.*?)</script>",
                        html, re.DOTALL)
    return {"'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
            for s in inline}


def test_every_answer_carries_the_headers(auth_serve: ServeMaker) -> None:
    server: ServeProcess = auth_serve()
    bearer = {"Authorization": f"Bearer {server.admin_token()}"}
    for path in PATHS:
        for headers in ({}, bearer):
            check(httpx.get(server.url + path, headers=headers))
    check(httpx.post(server.url + "/admin/v1/sites", content=b"{"))
    check(httpx.post(server.url + "/login", data={"token": "wrong"}))
    # JSON allows nothing; the login page only its own style block.
    assert directives(httpx.get(server.url + "/api/v1/sites", headers=bearer)
                      .headers["content-security-policy"])["default-src"] == ["'none'"]
    login = check(httpx.get(server.url + "/login"))
    assert "script-src" not in login and login["default-src"] == ["'none'"]


def test_the_dashboard_policy_allows_exactly_its_inline_scripts(auth_serve: ServeMaker) -> None:
    server = auth_serve()
    cookie = httpx.post(server.url + "/login", data={"token": server.admin_token()}).cookies
    page = httpx.get(server.url + "/dashboard/", cookies=cookie)
    assert page.status_code == 200
    policy = check(page)
    inline = script_hashes(page.text)
    assert inline, "Dash's index page has its inline renderer script"
    allowed = set(policy["script-src"])
    assert inline <= allowed and "'self'" in allowed
    # Only hashes (and this server) may run script: nothing a page could inject.
    assert all(s == "'self'" or s.startswith("'sha256-") for s in allowed), allowed
    docs = httpx.get(server.url + "/api/docs")
    assert script_hashes(docs.text) <= set(check(docs)["script-src"])
