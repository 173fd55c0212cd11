"""Settings of the collector (the `collector:` section of the YAML file)."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, field_validator


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

    per_second: float = Field(gt=0, description="Requests per second refilled.")
    burst: float = Field(ge=1, description="Bucket size: requests allowed at once.")


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
    max_entry_bytes: int = Field(
        default=256 * 1024, ge=16 * 1024,
        description="Largest stream entry one beacon may become (its rows encoded, page "
        "context repeated on every row); a larger beacon is refused with 413 "
        "`entry_too_large`. It bounds the Redis memory one accepted beacon costs.",
    )
    site_rate_limit: RateLimit = Field(
        default_factory=lambda: RateLimit(per_second=2000, burst=4000),
        description="Requests per site (beacons and server-timing batches).",
    )
    site_rate_limits: dict[str, RateLimit] = Field(
        default_factory=dict, description="Per-site overrides of `site_rate_limit`, by site name.",
    )
    client_rate_limit: RateLimit = Field(
        default_factory=lambda: RateLimit(per_second=20, burst=200),
        description="Requests per client IP (the IP is used for this only, never stored).",
    )
    client_ip_header: str | None = Field(
        default=None,
        description="Header carrying the client IP from a trusted proxy (first address of "
        "`X-Forwarded-For`). Unset: the TCP peer address.",
    )
    country_header: str | None = Field(
        default=None,
        description="Header a trusted proxy sets to the client's ISO country code, e.g. "
        "`CF-IPCountry`. Unset: country stays empty.",
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
        default=5, ge=1, description="Attempts after which data ClickHouse rejects (not an "
        "outage) goes, entry by entry, to the dead-letter stream.",
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
