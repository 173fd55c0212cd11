"""Settings of the dashboard (the `dashboard:` section of the YAML file)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class DashboardSettings(BaseModel):
    """Settings of the dashboard."""

    model_config = ConfigDict(extra="forbid")
