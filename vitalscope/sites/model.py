from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime

PUBLIC_KEY_PREFIX = "pk_"
SERVER_KEY_PREFIX = "sk_"


def new_public_key() -> str:
    # Public: it sits in every page's HTML. Long enough not to be guessed into someone
    # else's site, short enough for a script tag.
    return PUBLIC_KEY_PREFIX + secrets.token_urlsafe(15)


def new_server_key() -> str:
    return SERVER_KEY_PREFIX + secrets.token_urlsafe(32)


def hash_server_key(key: str) -> str:
    """Only this hash is stored; the key itself is shown once, at creation."""
    return hashlib.sha256(key.encode()).hexdigest()


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Site:
    name: str
    public_key: str
    server_key_hash: str
    origins: tuple[str, ...] = ()
    enabled: bool = True
    created_at: datetime | None = None
    updated_at: datetime | None = field(default=None, compare=False)

    def server_key_matches(self, candidate: str) -> bool:
        return hmac.compare_digest(hash_server_key(candidate), self.server_key_hash)

    def allows_origin(self, origin: str | None) -> bool:
        """No origins configured means any origin; otherwise an exact match."""
        if not self.origins:
            return True
        return origin is not None and origin.lower() in self.origins

    def public_dict(self) -> dict[str, object]:
        return {
            "site": self.name,
            "key": self.public_key,
            "origins": list(self.origins),
            "enabled": self.enabled,
            "created_at": _utc(self.created_at).isoformat() if self.created_at else None,
        }


@dataclass(frozen=True)
class SiteCredentials:
    """What `sites add` hands out, once: the public key and the secret server key."""

    site: str
    key: str
    server_key: str | None

    def as_dict(self) -> dict[str, str | None]:
        return {"site": self.site, "key": self.key, "server_key": self.server_key}
