"""One typed settings object, read from VITALSCOPE_* variables and an optional YAML file."""

from vitalscope.config.errors import ConfigError
from vitalscope.config.loader import load_settings
from vitalscope.config.settings import Settings

__all__ = ["ConfigError", "Settings", "load_settings"]
