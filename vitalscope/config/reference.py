"""The configuration reference (docs/configuration.md), generated from the settings model."""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from vitalscope.config.settings import Settings, field_env_name

HEADER = """# Configuration reference

Generated from the settings model by `vitalscope config reference`; do not edit by hand.

Every setting can be given in the YAML file (`--config` / `VITALSCOPE_CONFIG`), as an
environment variable, and for a few as a command-line flag. Flags win over environment
variables, which win over the file. Nested keys use `__` in environment variable names
(`VITALSCOPE_COLLECTOR__BODY_LIMIT_BYTES`); lists (sites, checks, rules, receivers) are
best kept in the YAML file. An unknown key or a wrong value stops start-up with one line
naming the key and the problem.

"""


@dataclass(frozen=True)
class Entry:
    key: str
    env: str | None
    type: str
    default: str
    description: str


def _type_name(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (types.UnionType, typing.Union):
        return " | ".join(_type_name(a) for a in args)
    if origin is typing.Literal:
        return " | ".join(repr(a) for a in args)
    if origin in (list, tuple, set):
        return f"list of {_type_name(args[0])}" if args else "list"
    if origin is dict:
        return "mapping"
    if annotation is type(None):
        return "none"
    name = getattr(annotation, "__name__", str(annotation))
    return {"SecretStr": "secret", "str": "string", "int": "integer", "float": "number",
            "bool": "boolean", "Path": "path"}.get(name, name)


def _default(field: FieldInfo) -> str:
    if field.default_factory is not None:
        value = field.default_factory()  # type: ignore[call-arg]
        return "" if isinstance(value, BaseModel) else repr(value)
    if field.default is PydanticUndefined:
        return "required"
    if field.default is None:
        return ""
    return str(field.default) if not isinstance(field.default, str) else repr(field.default)


def _model_of(annotation: Any) -> tuple[type[BaseModel] | None, bool]:
    """The model inside an annotation and whether it is a list of them."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, False
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is list and args and isinstance(args[0], type) and issubclass(args[0], BaseModel):
        return args[0], True
    return None, False


def entries(model: type[BaseModel] = Settings, prefix: tuple[str, ...] = (),
            in_list: bool = False) -> Iterator[Entry]:
    for name, field in model.model_fields.items():
        path = (*prefix, name)
        key = ".".join(path).replace(".[]", "[]")
        inner, is_list = _model_of(field.annotation)
        env = None if in_list else field_env_name(path)
        yield Entry(key, env, _type_name(field.annotation), _default(field),
                    (field.description or "").strip())
        if inner is not None:
            child_prefix = (*path, "[]") if is_list else path
            yield from entries(inner, child_prefix, in_list or is_list)


def undocumented() -> list[str]:
    return [e.key for e in entries() if not e.description]


def render_reference() -> str:
    lines = [HEADER, "| key | environment variable | type | default | description |",
             "|---|---|---|---|---|"]
    for entry in entries():
        env = f"`{entry.env}`" if entry.env else "(YAML only)"
        default = f"`{entry.default}`" if entry.default else ""
        description = entry.description.replace("|", "\\|").replace("\n", " ")
        type_name = entry.type.replace("|", "\\|")
        lines.append(f"| `{entry.key}` | {env} | {type_name} | {default} | {description} |")
    return "\n".join(lines) + "\n"
