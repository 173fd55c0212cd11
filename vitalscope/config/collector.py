"""Settings of the collector (the `collector:` section of the YAML file)."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, IPvAnyNetwork, field_validator


class PageGroupRule(BaseModel):
    """A route grouping rule: URL paths matching `pattern` belong to page group `group`."""

    model_config = ConfigDict(extra="forbid")

    pattern: str = Field(description="Regular expression matched against the URL path, "
                         "e.g. `^/product/[^/]+$`.")
    group: str = Field(max_length=256, description="Page group of matching paths, e.g. "
                       "`/product/:id`.")

    @field_validator("pattern")
    @classmethod
    def _pattern(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a regular expression: {exc}") from None
        return value


class RateLimit(BaseModel):
    """A token bucket: `per_second` sustained, bursts up to `burst`."""

    model_config = ConfigDict(extra="forbid")

    per_second: float = Field(gt=0, description="Tokens per second refilled: requests of up "
                              "to `rate_limit_token_bytes` take one each.")
    burst: float = Field(ge=1, description="Bucket size in tokens: what may arrive at once.")


class CardinalityLimits(BaseModel):
    """Distinct values one site may create per UTC day; a new value past a cap is stored as
    `(other)`."""

    model_config = ConfigDict(extra="forbid")

    page_groups: int = Field(default=2000, ge=1, description="Distinct page groups.")
    server_timing_names: int = Field(default=1000, ge=1,
                                     description="Distinct server-timing names.")
    tag_keys: int = Field(default=1000, ge=1, description="Distinct tag keys.")
    tag_values: int = Field(default=2000, ge=1,
                            description="Distinct tag values (over all keys).")
    releases: int = Field(default=200, ge=1, description="Distinct release tags (`rel`).")
    targets: int = Field(default=5000, ge=1, description=(
        "Distinct attribution targets (`tgt`: the LCP element, INP target, CLS shift)."))
    scripts: int = Field(default=2000, ge=1, description=(
        "Distinct script URLs behind slow interactions (INP attribution)."))
    error_groups: int = Field(default=5000, ge=1, description=(
        "Distinct JS error groups (fingerprints); a new one past the cap is counted in the "
        "one group `(other)`."))


class CollectorSettings(BaseModel):
    """Settings of the collector."""

    model_config = ConfigDict(extra="forbid")

    stream_max_len: int = Field(
        default=1_000_000, ge=100,
        description="Entries the ingest stream may hold (queued + unacknowledged) before "
        "beacons are refused with 503 + Retry-After.",
    )
    stream_max_bytes: int = Field(
        default=128 * 1024 * 1024, ge=1024 * 1024,
        description="Bytes of entries the ingest stream may hold unacknowledged (queued + "
        "being inserted) before beacons are refused with 503 `queue_full_bytes` + "
        "Retry-After. Keep it well under Redis's `maxmemory` (see docs/collector.md).",
    )
    stream_site_share: float = Field(
        default=0.5, gt=0, le=1,
        description="Share of `stream_max_bytes` the unacknowledged entries of one site may "
        "hold while more than one site is configured: past it that site's requests get 503 "
        "`queue_full_site` + Retry-After while other sites' still go in, so a flood on one "
        "public key cannot fill the queue for every site. 1 turns it off.",
    )
    replica_acks: int = Field(
        default=0, ge=0, le=5,
        description="Replicas that must hold an appended beacon before the collector answers "
        "204, and the flusher's bookkeeping of a batch before it inserts it (Redis `WAIT`): "
        "with 1, a Sentinel failover loses no accepted beacon (docs/redis-ha.md). 0: no wait. "
        "Not with `redis+cluster://`.",
    )
    replica_ack_timeout_ms: int = Field(
        default=1000, ge=10, le=30_000,
        description="How long to wait for `replica_acks`; past it the beacon gets 503 + "
        "Retry-After (it is stored once even if the client sends it again) and the flusher "
        "retries the batch.",
    )
    max_entry_bytes: int = Field(
        default=256 * 1024, ge=16 * 1024,
        description="Largest stream entry one beacon may become (its rows encoded, page "
        "context repeated on every row); a larger beacon is refused with 413 "
        "`entry_too_large`. It bounds the Redis memory one accepted beacon costs.",
    )
    site_rate_limit: RateLimit = Field(
        default_factory=lambda: RateLimit(per_second=2000, burst=4000),
        description="Requests per site (beacons and server-timing batches), in tokens: a "
        "request takes one per started `rate_limit_token_bytes` of its stream entry.",
    )
    site_rate_limits: dict[str, RateLimit] = Field(
        default_factory=dict, description="Per-site overrides of `site_rate_limit`, by site name.",
    )
    client_rate_limit: RateLimit = Field(
        default_factory=lambda: RateLimit(per_second=20, burst=200),
        description="Requests per client IP (the IP is used for this only, never stored), in "
        "tokens like `site_rate_limit`.",
    )
    rate_limit_token_bytes: int = Field(
        default=8192, ge=1024,
        description="Bytes of stream entry one rate-limit token pays for: a request takes one "
        "token per started block of this size (at least one, at most the bucket's burst), "
        "since what a request costs grows with its size. A typical beacon (about 2.5 KB) "
        "takes one; the largest (a 64 KiB body, up to `max_entry_bytes` encoded) take up "
        "to 32.",
    )
    client_ip_header: str | None = Field(
        default=None,
        description="Header in which trusted proxies (`trusted_proxies`) pass the client IP "
        "on, e.g. `X-Forwarded-For` (read from the right). Unset: the TCP peer address.",
    )
    trusted_proxies: list[IPvAnyNetwork] = Field(
        default_factory=list,
        description="Addresses or CIDRs of your reverse proxies / load balancers, e.g. "
        "`10.0.0.0/8`. Only when the TCP peer is one of them are `client_ip_header` and "
        "`country_header` believed; the client is then the right-most address of "
        "`client_ip_header` that is not a trusted proxy. Empty: every peer is a client.",
    )
    event_max_age_s: int = Field(
        default=7 * 86_400, ge=60,
        description="Events older than this (seconds before the receive time, after clock-"
        "skew correction) are dropped and counted; a beacon whose page view started earlier "
        "is dropped whole.",
    )
    event_max_ahead_s: float = Field(
        default=10.0, ge=0,
        description="Events later than the receive time by more than this (after clock-skew "
        "correction) are dropped and counted; default the clock-skew tolerance.",
    )
    cardinality: CardinalityLimits = Field(
        default_factory=CardinalityLimits,
        description="Per site and UTC day, distinct page groups, server-timing names, tag "
        "keys and values, releases, attribution targets, script URLs and error groups "
        "admitted; later new values are stored as `(other)` (docs/collector.md).",
    )
    site_cardinality: dict[str, CardinalityLimits] = Field(
        default_factory=dict, description="Per-site overrides of `cardinality`, by site name "
        "(caps not named keep the value of `cardinality`).",
    )
    cardinality_cache_values: int = Field(
        default=100_000, ge=1000, description="Admitted values each collector process "
        "remembers (so known values cost no Redis round trip), a value counting one per "
        "started 256 characters; past it, whole site-days are forgotten, oldest first, and "
        "asked again.",
    )
    country_header: str | None = Field(
        default=None,
        description="Header a trusted proxy (`trusted_proxies`) sets to the client's ISO "
        "country code, e.g. `CF-IPCountry`; ignored from other peers. Unset: country stays "
        "empty.",
    )
    url_query_allowlist: list[str] = Field(
        default_factory=list,
        description="Query parameters kept in stored URLs; everything else in the query and "
        "the fragment is stripped.",
    )
    page_groups: list[PageGroupRule] = Field(
        default_factory=list,
        description="Route grouping rules applied (first match wins) when a beacon has no "
        "`grp`; without a match ids in the path become `:id`.",
    )
    bot_user_agents: list[str] = Field(
        default_factory=lambda: ["bot", "crawl", "spider", "slurp", "facebookexternalhit",
                                 "preview", "monitor", "pingdom", "curl/", "wget/"],
        description="Case-insensitive substrings of user agents whose beacons are dropped as "
        "bots (besides what ua-parser recognises as a spider).",
    )
    sites_refresh_s: float = Field(
        default=30.0, gt=0, description="Seconds between reloads of the site keys (they also "
        "reload within a second of `vs:sites:generation` changing).",
    )
    flush_max_entries: int = Field(
        default=5000, ge=1, description="Beacons per ClickHouse insert batch at most.",
    )
    flush_max_bytes: int = Field(
        default=16 * 1024 * 1024, ge=64 * 1024,
        description="Bytes of stream entries per ClickHouse insert batch: a batch stops "
        "filling once it holds this much (it holds at least one entry), so a batch's memory "
        "in the flusher stays near this bound whatever the entries weigh.",
    )
    flush_interval_s: float = Field(
        default=1.0, gt=0, le=60, description="Seconds a batch waits to fill before it is "
        "inserted anyway.",
    )
    retry_max_backoff_s: float = Field(
        default=5.0, gt=0, description="Longest pause between insert retries while ClickHouse "
        "fails.",
    )
    dead_letter_after: int = Field(
        default=1, ge=1, description="Attempts of an insert ClickHouse refuses for its rows "
        "(not an outage) before the rows are split to find the refused ones, which go to the "
        "dead-letter stream.",
    )
    dead_letter_retention_s: float = Field(
        default=604_800, gt=0, description="Seconds a dead letter is kept; older ones are "
        "trimmed and counted in `vitalscope_dead_letters_trimmed_total`.",
    )
    dead_letter_max: int = Field(
        default=100_000, ge=1, description="Dead letters kept at most; the oldest beyond it "
        "are trimmed and counted in `vitalscope_dead_letters_trimmed_total`.",
    )
    queue_max_age_s: float = Field(
        default=300.0, gt=0, description="Seconds the oldest unacknowledged entry of the "
        "ingest stream may wait before `/readyz` answers 503 (ingestion is stuck or behind).",
    )
    claim_idle_s: float = Field(
        default=60.0, gt=0, description="Seconds an entry stays unacknowledged before another "
        "flusher reclaims it from a dead consumer (XAUTOCLAIM).",
    )
    dedup_window_s: int = Field(
        default=21_600, ge=0, description="Seconds during which an event id already stored "
        "is recognised and its copy dropped (a beacon resent after its answer was lost). A "
        "window also ends early once it holds `dedup_max_events`; 0 turns it off.",
    )
    dedup_max_events: int = Field(
        default=500_000, ge=1000,
        description="Event ids one deduplication window may hold; the window then ends early "
        "and the one before it is deleted, so at most twice this many ids are kept (about 90 "
        "bytes of Redis memory each, see docs/collector.md).",
    )
    consumer_name: str | None = Field(
        default=None, description="Name of this flusher in the consumer group; default the "
        "host name, so a restarted worker picks up its own pending entries at once.",
    )
