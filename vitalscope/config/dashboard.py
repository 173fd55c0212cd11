"""Settings of the dashboard (the `dashboard:` section of the YAML file)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from vitalscope.config.strength import check_password


class DashboardSettings(BaseModel):
    """Settings of the dashboard."""

    model_config = ConfigDict(extra="forbid")

    refresh_s: int = Field(
        default=30, ge=0, le=3600,
        description="Seconds between live refreshes of the open dashboard page (0: off).",
    )
    cache_ttl_s: int = Field(
        default=300, ge=0, le=86400,
        description="Seconds a query result stays in the Redis cache (0: no cache). New data "
        "for a site invalidates its results at once, whatever the TTL (but see "
        "`cache_fresh_s`).",
    )
    cache_fresh_s: int = Field(
        default=30, ge=0, le=3600,
        description="Freshness budget of cached query results: while a site's data keeps "
        "arriving, a result computed less than this many seconds ago is served even though "
        "newer data exists, so the cache hits under live ingest; panels are then at most "
        "this far behind. The first new data after a quiet spell still shows at once. 0: "
        "every new insert recomputes (no budget).",
    )
    warm_sites: int = Field(
        default=20, ge=0, le=1000,
        description="Sites whose default views are warmed after flushes: the most recently "
        "viewed ones, at most this many. After new data for such a site, one low-priority "
        "background worker per dashboard process recomputes the queries of every page's "
        "default view (at each preset range viewed) into the cache, at most once per "
        "`cache_fresh_s`, skipped while the flusher is behind. 0 (or `cache_fresh_s: 0`): "
        "off.",
    )
    warm_view_s: int = Field(
        default=900, ge=1, le=86400,
        description="Seconds a dashboard view (page or API request) of a site keeps its "
        "default views warmed.",
    )
    session_hours: float = Field(
        default=12, gt=0, le=720,
        description="Hours a dashboard login lasts at most, however active (absolute expiry).",
    )
    session_idle_minutes: float = Field(
        default=60, gt=0, le=43_200,
        description="Minutes without a request after which a dashboard login ends (idle "
        "expiry).",
    )
    username: str | None = Field(
        default=None, min_length=1, max_length=64,
        description="User name for the dashboard login form (with `password`); the admin "
        "token always works too.",
    )
    password: SecretStr | None = Field(
        default=None, description="Password of `username` for the dashboard login form.",
    )
    self_monitoring_site: str | None = Field(
        default=None, pattern=r"^pk_[A-Za-z0-9_-]{8,64}$",
        description="Public key of a site this Vitalscope monitors: the dashboard's own pages "
        "then carry the Vitalscope SDK and report to it, so the product watches itself. Off "
        "by default.",
    )
    self_monitoring_url: str | None = Field(
        default=None, pattern=r"^https?://[A-Za-z0-9.:\[\]-]+$",
        description="Base URL (scheme, host, port) of the collector the dashboard's own pages "
        "load the SDK from and report to; default: the dashboard's own origin (`serve`).",
    )
    min_samples: int = Field(
        default=30, ge=0, le=1_000_000,
        description="Default minimum sample count of the pages table.",
    )

    @field_validator("password")
    @classmethod
    def _password(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            check_password(value.get_secret_value())
        return value
