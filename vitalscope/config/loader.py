"""Reading the settings: YAML file, environment, command-line overrides, then checks."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from vitalscope.config.errors import ConfigError, from_validation_error
from vitalscope.config.settings import ENV_NESTED_DELIMITER, ENV_PREFIX, Settings
from vitalscope.config.synthetics import FlowFileCheck, flow_file_check
from vitalscope.config.yaml_source import yaml_data


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError([f"configuration error: config file {path} does not exist"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([f"configuration error: cannot read {path}: {exc}"]) from None
    try:
        loaded = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise ConfigError([f"configuration error: {path}{where}: {problem}"]) from None
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise ConfigError([f"configuration error: {path}: the top level must be a mapping"])
    if "config" in loaded:
        raise ConfigError([f"configuration error: config (in {path}): unknown setting"])
    return loaded


def _unknown_environment_keys() -> list[str]:
    """pydantic-settings ignores VITALSCOPE_* variables that match no field; a typo there must
    not silently fall back to a default, so they are refused like unknown YAML keys."""
    lines = []
    for name in sorted(os.environ):
        if not name.startswith(ENV_PREFIX):
            continue
        path = name[len(ENV_PREFIX):].lower().split(ENV_NESTED_DELIMITER)
        model: type[BaseModel] | None = Settings
        for part in path:
            if model is None or part not in model.model_fields:
                lines.append(f"configuration error: {name}: unknown setting")
                break
            annotation = model.model_fields[part].annotation
            model = annotation if isinstance(annotation, type) and issubclass(
                annotation, BaseModel) else None
    return lines


def load_settings(config: Path | str | None = None, *,
                  check_flow_file: FlowFileCheck | None = None, **overrides: Any) -> Settings:
    """Settings from (lowest first) defaults, the YAML file, VITALSCOPE_* variables and the
    given overrides (command-line flags). Raises ConfigError with one line per problem.
    `check_flow_file` raises ValueError for a flow file that cannot run (see
    `config.synthetics.flow_file_check`)."""
    config_path = Path(config) if config else None
    if config_path is None and os.environ.get("VITALSCOPE_CONFIG"):
        config_path = Path(os.environ["VITALSCOPE_CONFIG"])
    unknown = _unknown_environment_keys()
    if unknown:
        raise ConfigError(unknown)
    data = _read_yaml(config_path) if config_path else {}
    token = yaml_data.set(data)
    check_token = flow_file_check.set(check_flow_file)
    try:
        clean = {k: v for k, v in overrides.items() if v is not None}
        if config_path is not None:
            clean["config"] = config_path
        return Settings(**clean)
    except ValidationError as exc:
        raise from_validation_error(exc, str(config_path) if config_path else None) from None
    finally:
        flow_file_check.reset(check_token)
        yaml_data.reset(token)
