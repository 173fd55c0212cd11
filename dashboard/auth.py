"""Dashboard and API login: the admin token (bearer or login form) or the user name and
password from settings. A login is a signed, expiring, HttpOnly SameSite cookie."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

from starlette.requests import HTTPConnection

from vitalscope.runtime import Runtime

COOKIE = "vs_session"


class Authenticator:
    def __init__(self, runtime: Runtime) -> None:
        settings = runtime.settings.dashboard
        self.admin_token = runtime.admin_token
        self.username = settings.username
        self.password = settings.password.get_secret_value() if settings.password else None
        self.lifetime_s = int(settings.session_hours * 3600)
        secret = self.admin_token or self.password or ""
        # Derived from the login secrets: changing them ends every session.
        self._key = hashlib.sha256(b"vitalscope-session\0" + secret.encode()).digest()

    @property
    def configured(self) -> bool:
        return bool(self.admin_token or (self.username and self.password))

    def check_credentials(self, token: str, username: str, password: str) -> str | None:
        """The user a login form names, or None."""
        if token and self.admin_token and hmac.compare_digest(token.encode(),
                                                              self.admin_token.encode()):
            return "admin"
        if (username and password and self.username and self.password
                and hmac.compare_digest(username.encode(), self.username.encode())
                and hmac.compare_digest(password.encode(), self.password.encode())):
            return username
        return None

    def _sign(self, payload: bytes) -> str:
        return hmac.new(self._key, payload, hashlib.sha256).hexdigest()

    def session_cookie(self, user: str) -> str:
        payload = base64.urlsafe_b64encode(
            json.dumps({"u": user, "exp": int(time.time()) + self.lifetime_s}).encode())
        return payload.decode() + "." + self._sign(payload)

    def _session_user(self, value: str) -> str | None:
        payload, _, signature = value.partition(".")
        if not payload or not hmac.compare_digest(self._sign(payload.encode()), signature):
            return None
        try:
            data = json.loads(base64.urlsafe_b64decode(payload.encode()))
        except ValueError:
            return None
        if not isinstance(data, dict) or int(data.get("exp", 0)) < time.time():
            return None
        user = data.get("u")
        return user if isinstance(user, str) else None

    def user(self, connection: HTTPConnection) -> str | None:
        """Who makes this request: bearer admin token or a valid session cookie."""
        if not self.configured:
            return None
        scheme, _, token = connection.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            return self.check_credentials(token.strip(), "", "")
        cookie = connection.cookies.get(COOKIE)
        return self._session_user(cookie) if cookie else None
