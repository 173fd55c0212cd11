"""Authentication before body parsing: every route of the app (walked from FastAPI's route
table), called anonymously with a malformed body, answers 401 (the dashboard mount 303 to
the login page for a GET) unless it is one of the public routes listed here."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from fastapi.routing import iter_route_contexts

from tests.support.serve import ServeProcess, clean_env
from vitalscope.app.assembly import build_app
from vitalscope.config import Settings
from vitalscope.runtime import Role, Runtime

# Routes anyone may call, and why.
PUBLIC = {
    "/healthz": "liveness probe",
    "/readyz": "readiness probe",
    "/login": "the sign-in form",
    "/logout": "ends the caller's own session",
    "/api/docs": "the API reference page (the schema it reads is public too)",
    "/api/openapi.json": "the API schema",
    "/metrics": "the Prometheus scrape, unauthenticated as scrapers expect (docs/operations.md)",
}
PUBLIC_PREFIXES = {"/sdk": "the browser SDK (/sdk.js, /sdk/<version>/...), loaded by every "
                           "monitored page",
                   "/dashboard/vendor": "public libraries the dashboard loads (its Plotly "
                                        "bundle), holding nothing of ours"}
MALFORMED = b'{"name": [unterminated'
SAMPLE_PARAMS = {"name": "x", "version": "0.0.0", "check": "x", "run_id": "x", "rule": "x",
                 "silence_id": "x", "receiver": "x", "path": "x", "file": "x", "site": "x"}


def _routes(settings: Settings) -> list[tuple[str, str]]:
    runtime = Runtime.open(settings, Role.SERVE, with_clickhouse=False)
    try:
        app = build_app(runtime)
        found = []
        for route in iter_route_contexts(app.routes):
            assert route.path is not None
            for method in sorted(route.methods or {"GET", "POST", "PUT", "DELETE"}):
                if method != "HEAD":
                    found.append((route.path, method))
        return found
    finally:
        runtime.close()


def _concrete(path: str) -> str:
    return re.sub(r"{(\w+)(:\w+)?}", lambda m: SAMPLE_PARAMS.get(m.group(1), "x"), path)


@pytest.fixture(scope="module")
def anonymous_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeProcess]:
    # Lockouts are tested elsewhere: here every wrong token must reach the check.
    server = ServeProcess(tmp_path_factory.mktemp("gate") / "data", env=clean_env(
        VITALSCOPE_AUTH__CLIENT_FREE_FAILURES="1000",
        VITALSCOPE_AUTH__ACCOUNT_FREE_FAILURES="10000")).start()
    yield server
    assert server.stop() == 0
    assert "Traceback" not in server.logs(), server.logs()


def test_every_route_asks_who_before_reading_the_body(settings: Settings,
                                                      anonymous_server: ServeProcess) -> None:
    routes = _routes(settings)
    paths = {path for path, _ in routes}
    assert {"/admin/v1/sites", "/admin/v1/alerts/silences", "/api/v1/overview",
            "/dashboard"} <= paths, paths
    assert set(PUBLIC) <= paths, set(PUBLIC) - paths
    checked = 0
    for path, method in routes:
        if path in PUBLIC or path.startswith(tuple(PUBLIC_PREFIXES)):
            continue
        # The Dash mount: its own pages (the bare prefix only redirects to them).
        url = anonymous_server.url + _concrete(path) + ("/" if path == "/dashboard" else "")
        for headers in ({"Content-Type": "application/json"},
                        {"Content-Type": "application/json", "Authorization": "Bearer bad"}):
            answer = httpx.request(method, url, content=MALFORMED, headers=headers)
            expected = {303} if path == "/dashboard" and method == "GET" else {401}
            assert answer.status_code in expected, (method, path, answer.status_code,
                                                    answer.text)
            if answer.status_code == 401:
                assert answer.json()["error"] == "http_401"
                assert "content-security-policy" in answer.headers
        checked += 1
    assert checked >= 20, checked


def test_the_admin_routes_that_take_a_body_answer_401_not_422(
        anonymous_server: ServeProcess) -> None:
    for path in ("/admin/v1/sites", "/admin/v1/alerts/rules", "/admin/v1/alerts/silences"):
        answer = httpx.post(anonymous_server.url + path, content=b"{",
                            headers={"Content-Type": "application/json"})
        assert answer.status_code == 401, (path, answer.text)
        assert answer.headers["www-authenticate"] == "Bearer"
