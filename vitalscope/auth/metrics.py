"""Sign-in attempts in /metrics, by credential kind and outcome."""

from __future__ import annotations

from prometheus_client import Counter

ATTEMPTS = Counter(
    "vitalscope_auth_attempts",
    "Credential checks (login form, bearer tokens) by kind (password, token) and outcome "
    "(success, failure, throttled: refused with 429 during a lockout).",
    ["kind", "outcome"],
)
for _kind in ("password", "token"):
    for _outcome in ("success", "failure", "throttled"):
        ATTEMPTS.labels(_kind, _outcome)
