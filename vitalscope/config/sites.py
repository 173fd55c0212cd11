"""Sites declared in the YAML configuration (monitoring as code)."""

from __future__ import annotations

from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from vitalscope.names import SITE_NAME


def normalise_origin(value: str) -> str:
    """An origin is scheme://host[:port] with nothing after it, as browsers send it."""
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{value!r} is not an origin like https://shop.example")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError(f"{value!r} has a path; an origin is only scheme://host[:port]")
    host = parts.hostname.lower()
    default_port = {"http": 80, "https": 443}[parts.scheme]
    port = f":{parts.port}" if parts.port and parts.port != default_port else ""
    return f"{parts.scheme}://{host}{port}"


def check_site_name(value: str) -> str:
    if not SITE_NAME.fullmatch(value):
        raise ValueError(
            f"{value!r} is not a site name: use 1-63 lowercase letters, digits, '-' or '_'"
        )
    return value


class SiteConfig(BaseModel):
    """A site whose beacons the collector accepts."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="Short unique name, used in URLs and alerts.")
    origins: list[str] = Field(
        default_factory=list,
        description="Origins allowed to send beacons (https://shop.example). Empty: any origin.",
    )
    key: str | None = Field(
        default=None,
        description="Public ingest key; generated and kept in ClickHouse when not given.",
    )
    server_key: SecretStr | None = Field(
        default=None,
        description="Secret key for POST /v1/server-timings; generated when not given.",
    )
    enabled: bool = Field(default=True, description="A disabled site's beacons are refused.")

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return check_site_name(value)

    @field_validator("origins")
    @classmethod
    def _origins(cls, values: list[str]) -> list[str]:
        return [normalise_origin(v) for v in values]
