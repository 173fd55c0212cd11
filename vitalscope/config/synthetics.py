"""Settings of the synthetics (the `synthetics:` section of the YAML file)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class SyntheticsSettings(BaseModel):
    """Settings of the synthetics."""

    model_config = ConfigDict(extra="forbid")
