"""Settings of the collector (the `collector:` section of the YAML file)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class CollectorSettings(BaseModel):
    """Settings of the collector."""

    model_config = ConfigDict(extra="forbid")
