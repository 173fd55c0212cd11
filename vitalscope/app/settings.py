"""The settings a process starts with: the settings package's own checks, and every flow file
of the synthetic checks loaded by the synthetics feature, so a broken flow is refused at
start (for serve, the roles, the demo and every CLI command) with the other problems."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from synthetics.flows import load_flow_file
from vitalscope.config import Settings
from vitalscope.config import load_settings as load_checked


def load_settings(config: Path | str | None = None, **overrides: Any) -> Settings:
    """Like `vitalscope.config.load_settings`, flow files included. Raises ConfigError."""
    return load_checked(config, check_flow_file=load_flow_file, **overrides)
