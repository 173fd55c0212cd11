"""Server-side sessions against a real `vitalscope serve` over HTTP and real Redis: a copied
cookie dies with its logout, idle and absolute expiry, a password change ends the
account's sessions, Secure cookies behind https, and Redis holds no session id or address."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx
import redis

from tests.support.redis_replies import as_bytes
from tests.support.serve import ServeProcess
from tests.vitalscope.auth.conftest import PASSWORD, USER, ServeMaker
from vitalscope.auth.guard import COOKIE
from vitalscope.redisstore import keys


def login(server: ServeProcess, headers: dict[str, str] | None = None,
          **form: str) -> httpx.Response:
    answer = httpx.post(server.url + "/login", data={"next": "/dashboard/", **form},
                        headers=headers)
    assert answer.status_code == 303, answer.text
    return answer


def signed_in(server: ServeProcess, cookie: str) -> bool:
    answer = httpx.get(server.url + "/api/v1/sites", cookies={COOKIE: cookie})
    assert answer.status_code in (200, 401), answer.text
    return answer.status_code == 200


def poll(condition: Callable[[], bool], timeout: float, every: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return condition()


def test_a_copied_cookie_stops_working_at_logout(auth_serve: ServeMaker) -> None:
    server = auth_serve()
    cookie = login(server, username=USER, password=PASSWORD).cookies[COOKIE]
    other = login(server, token=server.admin_token()).cookies[COOKIE]
    assert signed_in(server, cookie) and signed_in(server, other)
    out = httpx.get(server.url + "/logout", cookies={COOKIE: cookie})
    assert out.status_code == 303
    # The copy kept by someone else (same value) is dead too; the other session lives on.
    assert not signed_in(server, cookie)
    assert httpx.get(server.url + "/dashboard/", cookies={COOKIE: cookie}).status_code == 303
    assert signed_in(server, other)


def test_idle_sessions_end_and_active_ones_do_not_outlive_the_absolute_limit(
        auth_serve: ServeMaker, redis_client: redis.Redis) -> None:
    # Idle limit 3 s, absolute limit 9 s: far enough apart that a loaded machine, whose
    # requests can take a second or more, does not idle the active session out first.
    server = auth_serve(VITALSCOPE_DASHBOARD__SESSION_IDLE_MINUTES="0.05",
                        VITALSCOPE_DASHBOARD__SESSION_HOURS="0.0025")
    idle = login(server, username=USER, password=PASSWORD).cookies[COOKIE]
    assert signed_in(server, idle)
    assert poll(lambda: not signed_in(server, idle), timeout=20, every=3.5)

    active = login(server, username=USER, password=PASSWORD).cookies[COOKIE]
    started = time.monotonic()
    # Used every 0.3 s it never idles out, yet it ends at its absolute limit.
    assert poll(lambda: not signed_in(server, active), timeout=30, every=0.3)
    assert time.monotonic() - started >= 9 - 0.5
    assert not [k for k in redis_client.scan_iter(keys.SESSION + "*")]


def test_a_password_change_ends_every_session_of_that_account(
        auth_serve: ServeMaker) -> None:
    server = auth_serve()
    first = login(server, username=USER, password=PASSWORD).cookies[COOKIE]
    second = login(server, username=USER, password=PASSWORD).cookies[COOKIE]
    admin = login(server, token=server.admin_token()).cookies[COOKIE]
    assert server.stop() == 0
    # Same data folder (same admin token) and Redis, new password for the user.
    changed = auth_serve(VITALSCOPE_DASHBOARD__PASSWORD="another-Long-passphrase-42")
    assert not signed_in(changed, first) and not signed_in(changed, second)
    assert signed_in(changed, admin)


def test_the_cookie_is_secure_behind_https(auth_serve: ServeMaker) -> None:
    plain = auth_serve()
    cookie = login(plain, username=USER, password=PASSWORD).headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
    # A TLS-terminating proxy on a trusted (loopback) address says https.
    proxied = login(plain, {"X-Forwarded-Proto": "https"}, username=USER, password=PASSWORD)
    assert "secure" in proxied.headers["set-cookie"].lower()
    assert plain.stop() == 0
    public = auth_serve(VITALSCOPE_PUBLIC_URL="https://rum.example.com")
    cookie = login(public, username=USER, password=PASSWORD).headers["set-cookie"].lower()
    assert "secure" in cookie and "httponly" in cookie
    out = httpx.get(public.url + "/logout").headers["set-cookie"].lower()
    assert "secure" in out


def test_redis_holds_no_session_id_address_or_account_name(
        auth_serve: ServeMaker, redis_client: redis.Redis) -> None:
    server = auth_serve()
    client = {"X-Forwarded-For": "203.0.113.77"}
    cookie = login(server, client, username=USER, password=PASSWORD).cookies[COOKIE]
    refused = httpx.post(server.url + "/login", headers=client,
                         data={"username": USER, "password": "wrong-password-guess"})
    assert refused.status_code == 401
    stored = b""
    every = [key for prefix in (keys.SESSION, keys.ACCOUNT_SESSIONS, keys.FAILURES)
             for key in redis_client.scan_iter(prefix + "*")]
    for key in every:
        stored += as_bytes(key)
        kind = redis_client.type(key)
        if kind == b"hash":
            stored += b"".join(as_bytes(k) + as_bytes(v)
                               for k, v in redis_client.hgetall(key).items())
        elif kind == b"set":
            stored += b"".join(as_bytes(m) for m in redis_client.smembers(key))
    assert keys.SESSION.encode() in stored and keys.FAILURES.encode() in stored
    for secret in (cookie, "203.0.113.77", "127.0.0.1", PASSWORD):
        assert secret.encode() not in stored, secret
