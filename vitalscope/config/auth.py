"""Settings of sign-in: throttling of wrong passwords and tokens (the `auth:` section)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator


class AuthSettings(BaseModel):
    """Throttling of wrong credentials (login form, admin API, /api/v1 bearer tokens)."""

    model_config = ConfigDict(extra="forbid")

    client_free_failures: int = Field(
        default=5, ge=1, le=1000,
        description="Wrong passwords or tokens a client (its address) may send before it is "
        "locked out; each further failure doubles the lockout.",
    )
    account_free_failures: int = Field(
        default=20, ge=1, le=10_000,
        description="Wrong passwords for one account (from any client) before the account "
        "is locked out; each further failure doubles the lockout. While locked, even the right "
        "password is answered 429 (so guessing learns nothing). Wrong tokens count per client "
        "only: the admin token's strength is checked at start, and an account lockout would "
        "let anyone lock the admin API out.",
    )
    lockout_base_s: float = Field(
        default=2.0, gt=0, le=3600,
        description="Seconds of the first lockout; the n-th further failure locks for "
        "base x 2^(n-1) seconds, up to `lockout_max_s`.",
    )
    lockout_max_s: float = Field(
        default=900.0, gt=0, le=86_400, description="Longest lockout in seconds.",
    )
    failure_memory_s: float = Field(
        default=3600.0, gt=0, le=604_800,
        description="Seconds after the last failure before a client's or account's failure "
        "count starts again from zero (a success also clears the client's count).",
    )

    @model_validator(mode="after")
    def _ordered(self) -> AuthSettings:
        if self.lockout_max_s < self.lockout_base_s:
            raise ValueError("lockout_max_s must be at least lockout_base_s")
        return self
