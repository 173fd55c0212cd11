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


class CollectorSettings(BaseModel):
    """Settings of the collector."""

    model_config = ConfigDict(extra="forbid")

    stream_max_len: int = Field(
        default=1_000_000, ge=100,
        description="Entries the ingest stream may hold (queued + unacknowledged) before "
        "beacons are refused with 503 + Retry-After.",
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
    cardinality: CardinalityLimits = Field(
        default_factory=CardinalityLimits,
        description="Per site and UTC day, distinct page groups, server-timing names, tag "
        "keys and tag values admitted; later new values are stored as `(other)` "
        "(docs/collector.md).",
    )
    site_cardinality: dict[str, CardinalityLimits] = Field(
        default_factory=dict, description="Per-site overrides of `cardinality`, by site name "
        "(caps not named keep the value of `cardinality`).",
    )
    cardinality_cache_values: int = Field(
        default=100_000, ge=1000, description="Admitted values each collector process "
        "remembers (so known values cost no Redis round trip); past it, whole site-days are "
        "forgotten, oldest first, and asked again.",
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
        "is recognised and its copy dropped (a beacon resent after its answer was lost). Costs "
        "Redis about 80 bytes per event for up to twice this window; 0 turns it off.",
    )
    consumer_name: str | None = Field(
        default=None, description="Name of this flusher in the consumer group; default the "
        "host name, so a restarted worker picks up its own pending entries at once.",
    )
