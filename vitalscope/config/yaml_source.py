"""The YAML configuration file as a pydantic-settings source (below environment variables)."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from pydantic.fields import FieldInfo
from pydantic_settings import PydanticBaseSettingsSource

# The loader reads the file once and hands the parsed mapping to the source through this, so
# the settings class itself stays free of file-system state.
yaml_data: ContextVar[dict[str, Any]] = ContextVar("vitalscope_yaml_data", default={})  # noqa: B039


class YamlSource(PydanticBaseSettingsSource):
    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        data = yaml_data.get()
        return data.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return dict(yaml_data.get())
