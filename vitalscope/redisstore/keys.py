"""Every Redis key of Vitalscope, built here and nowhere else (every one starts with `vs:`;
tests/vitalscope/redisstore/test_keys.py fails on a `"vs:` literal anywhere else). Lua
scripts get their keys through KEYS, never by joining strings, so a key renamed here is
renamed for every reader and writer at once (the flusher bumps `site_generation` and the
dashboard cache reads it: both through this module).

Redis Cluster (docs/redis-ha.md): every Lua script and MULTI must touch keys of one hash slot,
so the keys used together carry a common hash tag (the part in `{}`, which alone decides the
slot): `{ingest}` for the ingest queue and what the flusher's MULTI and the append script
touch with it (stream, byte count, batches, dedup windows, dead letters, rate-limit buckets,
site generations), `{alerts}` for the alert engine (the outbox and its due set share a
MULTI), `{auth}` for sign-in (a session and its account's set share a MULTI; the throttle
script reads a client's and an account's failures), `{sites}` for the sites snapshot of
`serve`'s ingest processes (written with its version in one MULTI), `{<site>:<day>}` for a
site's cardinality sets of one day (the admit script takes every kind of a request).
Everything else (dashboard cache, synthetics, the client day keys) is one key per call (or a
pipeline without MULTI) and spreads over the cluster. The ingest queue is one stream, so it
lives on one shard whatever the tags.
Keys of Vitalscope before the tags are in `LEGACY_*`: `layout.py` renames them once on an
existing Redis, so an upgrade keeps queued beacons, alert states and sessions."""

from __future__ import annotations

# Ingest queue (collector/appender.py, collector/flusher/).
STREAM = "vs:{ingest}:stream"
STREAM_BYTES = "vs:{ingest}:stream:bytes"  # bytes of the stream's unacknowledged entries
# The same per site: site bucket key (`site_bucket`) -> bytes (collector/append.lua, ack.lua).
STREAM_SITE_BYTES = "vs:{ingest}:stream:site-bytes"
GROUP = "flushers"  # the stream's consumer group (a group name, not a key)
DEAD_LETTERS = "vs:{ingest}:dead"
DEAD_LETTERS_TRIMMED = "vs:{ingest}:dead:trimmed"  # "cause:kind" -> dead letters trimmed
BATCHES = "vs:{ingest}:batches"  # batch id -> entry ids of a batch being inserted
SEEN = "vs:{ingest}:seen:"  # prefix of `seen_shard`, for tests that count the claims
SEEN_WINDOW = "vs:{ingest}:seen-window"  # current window: number, start, events claimed
SITE_BUCKET = "vs:{ingest}:rl:site:"  # prefix of `site_bucket`
CLIENT_BUCKET = "vs:{ingest}:rl:ip:"  # prefix of `client_bucket`
CLIENT_DAY_KEY = "vs:rl:daykey:"  # prefix of `client_day_key`


def seen_shard(window: int, shard: int) -> str:
    """One shard of a deduplication window: event digest -> batch that stored it."""
    return f"{SEEN}{window}:{shard}"


def site_bucket(site: str) -> str:
    """A site's ingest token bucket."""
    return SITE_BUCKET + site


def client_bucket(client: str) -> str:
    """A client's ingest token bucket, by keyed hash of its address
    (collector/client_identity.py)."""
    return CLIENT_BUCKET + client


def client_day_key(day: int) -> str:
    """That UTC day's random key for hashing client addresses."""
    return f"{CLIENT_DAY_KEY}{day}"


CARDINALITY = "vs:card:"


def cardinality_set(site: str, kind: str, day: int) -> str:
    """The values of one kind (page group, server-timing name, ...) admitted for a site on
    one UTC day (days since the epoch). The site and day are the hash tag: admit.lua takes
    every kind of a request at once."""
    return f"{CARDINALITY}{{{site}:{day}}}:{kind}"


REPLICATION_BARRIER = "vs:{ingest}:replicated"  # written before WAIT (replicas.py)


# Sites and the dashboard cache.
SITES_GENERATION = "vs:sites:generation"  # bumped when sites change: collectors reload
# The sites as `serve`'s ingest processes read them (they have no chDB), and its version,
# bumped with each rewrite (vitalscope/sites/snapshot.py), in one MULTI: one hash tag.
SITES_SNAPSHOT = "vs:{sites}:snapshot"
SITES_SNAPSHOT_VERSION = "vs:{sites}:snapshot:version"


def site_generation(site: str) -> str:
    """Bumped by the flusher after every insert carrying the site's data; the dashboard
    cache keys its results by it (dashboard/cache.py)."""
    return f"vs:{{ingest}}:site:{site}:generation"


def dashboard_result(site: str, generation: int, query: str, digest: str) -> str:
    """A cached query result, for one generation of the site's data."""
    return f"vs:dash:q:{site}:{generation}:{query}:{digest}"


def dashboard_latest(site: str, query: str, digest: str) -> str:
    """Which generation the newest cached result of a query holds, when it was computed and
    whether the site's data was arriving then (dashboard/cache.py, the freshness budget)."""
    return f"vs:dash:latest:{site}:{query}:{digest}"


# Which sites the dashboard showed lately, at which preset range: a sorted set of
# `range:site` scored by the time of the last view, bounded (dashboard/views.py).
DASHBOARD_VIEWS = "vs:dash:views"


def dashboard_warm(site: str) -> str:
    """Held (with an expiry) while a site's default views count as warmed, so every dashboard
    process together warms a site at most once per period (dashboard/warm.py)."""
    return f"vs:dash:warm:{site}"


# Sign-in. Nothing here holds a raw address, account name or session id: each is a keyed
# hash (see `vitalscope.auth.guard.Guard`).
SESSION = "vs:{auth}:session:"  # prefix of `session`
ACCOUNT_SESSIONS = "vs:{auth}:account-sessions:"  # prefix of `account_sessions`
FAILURES = "vs:{auth}:fail:"  # prefix of `failures`


def session(digest: str) -> str:
    """A session, by digest of its id: hash u (user), fp, c (created ms)."""
    return SESSION + digest


def account_sessions(digest: str) -> str:
    """An account's sessions, by digest of the account: set of session digests."""
    return ACCOUNT_SESSIONS + digest


def failures(kind: str, digest: str) -> str:
    """Failed credential checks of a client (kind "c") or an account ("a"): hash n, until."""
    return f"{FAILURES}{kind}:{digest}"


# Alerting.
ALERTS_LEADER = "vs:{alerts}:leader"  # the evaluator's lease
ALERTS_RULES = "vs:{alerts}:rules"
ALERTS_STATE = "vs:{alerts}:state"
ALERTS_SILENCES = "vs:{alerts}:silences"
ALERTS_GROUPS = "vs:{alerts}:groups"
ALERTS_KEEPALIVE = "vs:{alerts}:keepalive"  # receiver -> what was last posted to it
ALERTS_OUTBOX = "vs:{alerts}:outbox"
ALERTS_OUTBOX_DUE = "vs:{alerts}:outbox:due"
ALERTS_DEAD_LETTERS = "vs:{alerts}:deadletter"
ALERTS_RECEIVERS_DISABLED = "vs:{alerts}:receivers:disabled"


# Synthetics.
SYNTHETICS_SCHEDULER_LEASE = "vs:synthetics:scheduler:lease"
SYNTHETICS_RUNS = "vs:synthetics:runs"  # stream of run requests


def synthetics_check_busy(check: str) -> str:
    """Held while a check's run is queued or running."""
    return f"vs:synthetics:check:{check}:busy"


def synthetics_result(run_id: str) -> str:
    """The result of a manual run, for the caller waiting on it."""
    return f"vs:synthetics:result:{run_id}"


# The keys as they were named before the hash tags, for `layout.py` only: fixed names, then
# the prefixes of families (moved key by key, found with SCAN).
LEGACY_RENAMED = {
    "vs:ingest:stream": STREAM,
    "vs:ingest:stream:bytes": STREAM_BYTES,
    "vs:ingest:dead": DEAD_LETTERS,
    "vs:ingest:dead:trimmed": DEAD_LETTERS_TRIMMED,
    "vs:ingest:batches": BATCHES,
    "vs:ingest:seen-window": SEEN_WINDOW,
    "vs:alerts:leader": ALERTS_LEADER,
    "vs:alerts:rules": ALERTS_RULES,
    "vs:alerts:state": ALERTS_STATE,
    "vs:alerts:silences": ALERTS_SILENCES,
    "vs:alerts:groups": ALERTS_GROUPS,
    "vs:alerts:keepalive": ALERTS_KEEPALIVE,
    "vs:alerts:outbox": ALERTS_OUTBOX,
    "vs:alerts:outbox:due": ALERTS_OUTBOX_DUE,
    "vs:alerts:deadletter": ALERTS_DEAD_LETTERS,
    "vs:alerts:receivers:disabled": ALERTS_RECEIVERS_DISABLED,
}
LEGACY_PREFIXES = {
    "vs:ingest:seen:": SEEN,
    "vs:auth:session:": SESSION,
    "vs:auth:account-sessions:": ACCOUNT_SESSIONS,
    "vs:auth:fail:": FAILURES,
}
# Rate-limit buckets are not moved: they refill by themselves within seconds.
LAYOUT = "vs:layout"  # "2" once the keys carry their hash tags, "3" the cardinality sets too


def legacy_cardinality_set(site: str, kind: str, day: str) -> str:
    """A cardinality set before layout 3 (`*` arguments make the SCAN pattern)."""
    return f"{CARDINALITY}{site}:{kind}:{day}"


def legacy_site_generation(site: str) -> str:
    return f"vs:site:{site}:generation"
