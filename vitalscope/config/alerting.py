"""Settings of the alerting (the `alerting:` section of the YAML file)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class AlertingSettings(BaseModel):
    """Settings of the alerting."""

    model_config = ConfigDict(extra="forbid")
