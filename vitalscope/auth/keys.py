"""Redis keys of sign-in. Nothing here holds a raw address, account name or session id:
each is a keyed hash (see `Guard`)."""

from __future__ import annotations

SESSION = "vs:auth:session:"  # + digest of the session id: hash u (user), fp, c (created ms)
ACCOUNT_SESSIONS = "vs:auth:account-sessions:"  # + account digest: set of session digests
FAILURES = "vs:auth:fail:"  # + "c:" client digest | "a:" account digest: hash n, until (ms)
