"""Throttling of wrong passwords and tokens against a real `vitalscope serve`: per client,
per account for passwords (from many clients; tokens count per client only), growing lockouts
answered 429 + Retry-After (the right credential too, while locked), counted in /metrics."""

from __future__ import annotations

import re
import time

import httpx

from tests.support.serve import ServeProcess
from tests.vitalscope.auth.conftest import PASSWORD, USER, ServeMaker

FAST = {"VITALSCOPE_AUTH__CLIENT_FREE_FAILURES": "2",
        "VITALSCOPE_AUTH__ACCOUNT_FREE_FAILURES": "4",
        "VITALSCOPE_AUTH__LOCKOUT_BASE_S": "1",
        "VITALSCOPE_AUTH__LOCKOUT_MAX_S": "8"}


def bearer(server: ServeProcess, token: str, client: str, path: str = "/admin/v1/sites",
           ) -> httpx.Response:
    return httpx.get(server.url + path, headers={"Authorization": f"Bearer {token}",
                                                 "X-Forwarded-For": client})


def wait_unlocked(server: ServeProcess, client: str, seconds: int) -> None:
    """Waits out a lockout of `seconds` (polling with the right token: 429 until it ends)."""
    deadline = time.monotonic() + seconds + 10
    while bearer(server, server.admin_token(), client).status_code == 429:
        assert time.monotonic() < deadline, "the lockout did not end"
        time.sleep(0.25)


def metric(server: ServeProcess, kind: str, outcome: str) -> float:
    text = httpx.get(server.url + "/metrics").text
    found = re.search(rf'vitalscope_auth_attempts_total{{kind="{kind}",outcome="{outcome}"}} '
                      r"([0-9.e+]+)", text)
    assert found, text
    return float(found.group(1))


def test_a_client_is_locked_out_for_longer_and_longer(auth_serve: ServeMaker) -> None:
    # Lockouts of 2 s, then 4 s.
    server = auth_serve(**{**FAST, "VITALSCOPE_AUTH__LOCKOUT_BASE_S": "2"})
    token, client = server.admin_token(), "198.51.100.1"
    # Two free failures, then the third locks.
    for _ in range(3):
        assert bearer(server, "wrong-" + token, client).status_code == 401
    locked = bearer(server, token, client)  # the right token, refused while locked
    assert locked.status_code == 429 and locked.headers["retry-after"] in ("1", "2")
    assert locked.json()["error"] == "http_429"
    # Another client is not locked.
    assert bearer(server, token, "198.51.100.2").status_code == 200
    wait_unlocked(server, client, 2)
    # That success cleared the client's count: two more free failures, then 2 s again.
    for _ in range(3):
        assert bearer(server, "wrong", client).status_code == 401
    assert bearer(server, "wrong", client).headers["retry-after"] in ("1", "2")
    # Wait it out with wrong tokens only (no success in between): the first one that gets
    # through is the 4th failure and doubles the lockout.
    deadline = time.monotonic() + 15
    while (answer := bearer(server, "wrong", client)).status_code == 429:
        assert time.monotonic() < deadline
        time.sleep(0.25)
    assert answer.status_code == 401
    assert bearer(server, "wrong", client).headers["retry-after"] in ("3", "4")
    assert metric(server, "token", "throttled") >= 3
    assert metric(server, "token", "failure") >= 7
    assert metric(server, "token", "success") >= 2


def test_an_account_is_locked_out_whatever_client_guesses(auth_serve: ServeMaker) -> None:
    server = auth_serve(**FAST)
    form = {"username": USER, "password": "not-the-password"}
    # Four clients, one wrong password each, stay within their own free failures...
    for n in range(5):
        answer = httpx.post(server.url + "/login", data=form,
                            headers={"X-Forwarded-For": f"192.0.2.{n}"})
        assert answer.status_code == 401, answer.text
    # ...but the account's fifth failure locked it: a fresh client with the right password
    # is refused until the lockout ends.
    right = {"username": USER, "password": PASSWORD}
    locked = httpx.post(server.url + "/login", data=right,
                        headers={"X-Forwarded-For": "192.0.2.200"})
    assert locked.status_code == 429 and int(locked.headers["retry-after"]) >= 1
    assert "Too many wrong attempts" in locked.text
    deadline = time.monotonic() + 10
    while (answer := httpx.post(server.url + "/login", data=right,
                                headers={"X-Forwarded-For": "192.0.2.200"})).status_code == 429:
        assert time.monotonic() < deadline
        time.sleep(0.25)
    assert answer.status_code == 303
    assert metric(server, "password", "failure") == 5
    assert metric(server, "password", "throttled") >= 1
    assert metric(server, "password", "success") == 1


def test_wrong_tokens_from_many_clients_never_lock_the_admin_token_out(
        auth_serve: ServeMaker) -> None:
    # Twice the account's free failures, one per client (within each client's own): a
    # password account would be locked now; the token still works from a fresh client.
    server = auth_serve(**FAST)
    for n in range(8):
        assert bearer(server, "wrong", f"203.0.113.{n}").status_code == 401
    assert bearer(server, server.admin_token(), "203.0.113.200").status_code == 200
    assert metric(server, "token", "failure") == 8


def test_api_v1_bearer_tokens_are_throttled_too(auth_serve: ServeMaker) -> None:
    # A lockout that outlasts a slow machine's next request (nothing here waits it out).
    server = auth_serve(**{**FAST, "VITALSCOPE_AUTH__LOCKOUT_BASE_S": "60",
                           "VITALSCOPE_AUTH__LOCKOUT_MAX_S": "120"})
    for _ in range(3):
        assert bearer(server, "nope", "198.51.100.9", "/api/v1/sites").status_code == 401
    assert bearer(server, server.admin_token(), "198.51.100.9",
                  "/api/v1/sites").status_code == 429
