"""Who makes a request: the admin token (bearer or login form), the dashboard user name and
password, or a session opened by one of them. Every credential check passes the throttle
first; sessions live in Redis (`SessionStore`)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie

import redis.asyncio as aioredis
from starlette.types import Scope

from vitalscope.auth.metrics import ATTEMPTS
from vitalscope.auth.peer import client_address, is_https
from vitalscope.auth.sessions import SessionStore
from vitalscope.auth.throttle import Throttle
from vitalscope.forwarded import LOOPBACK, TrustedProxies
from vitalscope.redisstore.client import async_client
from vitalscope.runtime import Runtime

COOKIE = "vs_session"
ADMIN = "admin"


@dataclass(frozen=True)
class Identity:
    """A checked credential: who, and the fingerprint of what they signed in with."""

    user: str
    fingerprint: str


class Throttled(Exception):
    """Too many wrong credentials from this client or for this account."""

    def __init__(self, retry_after: int) -> None:
        self.retry_after = max(retry_after, 1)
        super().__init__(f"too many wrong credentials: retry in {self.retry_after} s")


class AdminOff(Exception):
    """A distributed role without an admin token has no admin API."""


def _fingerprint(user: str, credential: str) -> str:
    # Slow on purpose: it is stored in Redis with each session, and must not let a reader of
    # Redis test password guesses quickly. Computed once per account at start.
    salt = b"vitalscope-session\0" + user.encode()
    return hashlib.scrypt(credential.encode(), salt=salt, n=2**14, r=8, p=1,
                          dklen=16).hex()


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return ""


def bearer(scope: Scope) -> str | None:
    scheme, _, value = _header(scope, b"authorization").partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def session_cookie(scope: Scope) -> str | None:
    raw = _header(scope, b"cookie")
    if not raw:
        return None
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(raw)
    except CookieError:  # a malformed Cookie header is no session, not an error
        return None
    morsel = jar.get(COOKIE)
    return morsel.value if morsel is not None else None


class Guard:
    name = "sign-in"

    def __init__(self, runtime: Runtime) -> None:
        settings = runtime.settings
        self.public_url = settings.effective_public_url
        # The same proxies the collector and the app's proxy-headers layer trust.
        self.proxies = TrustedProxies((*LOOPBACK, *settings.collector.trusted_proxies))
        self.admin_token = runtime.admin_token
        self.admin_api_on = runtime.admin_token is not None
        self.username = settings.dashboard.username
        password = settings.dashboard.password
        self.password = password.get_secret_value() if password else None
        self.session_max_age_s = int(settings.dashboard.session_hours * 3600)
        self._token_fp = _fingerprint(ADMIN, self.admin_token) if self.admin_token else ""
        self._password_fp = (_fingerprint(self.username, self.password)
                             if self.username and self.password else "")
        self._fingerprints: dict[str, set[str]] = {}
        if self._token_fp:
            self._fingerprints.setdefault(ADMIN, set()).add(self._token_fp)
        if self.username and self._password_fp:
            self._fingerprints.setdefault(self.username, set()).add(self._password_fp)
        # The key of the client and account hashes in Redis: derived from secrets Redis does
        # not hold, so its keys cannot be turned back into addresses by trying them all.
        material = "\0".join([self.admin_token or "", self.password or ""])
        self._key = (hashlib.sha256(b"vitalscope-throttle\0" + material.encode()).digest()
                     if material.strip("\0") else secrets.token_bytes(32))
        self._redis_url = runtime.redis_url
        self._redis: aioredis.Redis | None = None
        self._sessions: SessionStore | None = None
        self._throttle: Throttle | None = None
        self._auth_settings = settings.auth
        self._idle_s = settings.dashboard.session_idle_minutes * 60

    @property
    def configured(self) -> bool:
        return bool(self._fingerprints)

    def _connect(self) -> tuple[SessionStore, Throttle]:
        if self._sessions is None or self._throttle is None:
            if self._redis_url is None:
                raise RuntimeError("sign-in needs Redis")
            self._redis = async_client(self._redis_url)
            self._sessions = SessionStore(self._redis, self._idle_s, self.session_max_age_s)
            self._throttle = Throttle(self._redis, self._auth_settings, self._key)
        return self._sessions, self._throttle

    async def start(self) -> None:
        """Nothing to start: Redis is reached on the first sign-in check."""

    async def stop(self) -> None:
        if self._redis is not None:
            await self._redis.aclose()
            self._redis = self._sessions = self._throttle = None

    def cookie_secure(self, scope: Scope) -> bool:
        return is_https(scope, self.public_url, self.proxies)

    def _match(self, token: str, username: str, password: str) -> Identity | None:
        if token and self.admin_token and hmac.compare_digest(token.encode(),
                                                              self.admin_token.encode()):
            return Identity(ADMIN, self._token_fp)
        if (username and password and self.username and self.password
                and hmac.compare_digest(username.encode(), self.username.encode())
                and hmac.compare_digest(password.encode(), self.password.encode())):
            return Identity(self.username, self._password_fp)
        return None

    async def check(self, scope: Scope, *, token: str = "", username: str = "",
                    password: str = "") -> Identity | None:
        """The user these credentials name, or None; raises Throttled during a lockout
        (checked first, so a locked-out guess learns nothing)."""
        _, throttle = self._connect()
        kind = "token" if token else "password"
        client = client_address(scope, self.proxies)
        # A token is checked for strength at start, so guessing it needs the per-client limit
        # only; an account lockout would let anyone lock the admin out with wrong tokens.
        account = None if token else username
        wait, client_failed_before = await throttle.status(client, account)
        if wait:
            ATTEMPTS.labels(kind, "throttled").inc()
            raise Throttled(wait)
        user = self._match(token, username, password)
        if user is None:
            ATTEMPTS.labels(kind, "failure").inc()
            await throttle.failed(client, account)
            return None
        ATTEMPTS.labels(kind, "success").inc()
        if client_failed_before:
            await throttle.succeeded(client)
        return user

    async def admin_user(self, scope: Scope) -> str | None:
        """The admin API takes the admin token as a bearer token, nothing else."""
        if not self.admin_api_on:
            raise AdminOff
        token = bearer(scope)
        identity = await self.check(scope, token=token) if token else None
        return identity.user if identity else None

    async def request_user(self, scope: Scope) -> str | None:
        """Dashboard and /api/v1: a bearer admin token or a live session."""
        if not self.configured:
            return None
        token = bearer(scope)
        if token:
            identity = await self.check(scope, token=token)
            return identity.user if identity else None
        session_id = session_cookie(scope)
        if not session_id:
            return None
        sessions, _ = self._connect()
        session = await sessions.get(session_id)
        if session is None:
            return None
        current = self._fingerprints.get(session.user, set())
        if session.fingerprint not in current:
            # Opened with a password or token that has changed since: every such session
            # of this account ends now.
            await sessions.revoke_account(session.user, keep=frozenset(current))
            return None
        return session.user

    async def open_session(self, identity: Identity) -> str:
        sessions, _ = self._connect()
        return await sessions.open(identity.user, identity.fingerprint)

    async def close_session(self, scope: Scope) -> None:
        session_id = session_cookie(scope)
        if session_id:
            sessions, _ = self._connect()
            await sessions.close(session_id)
