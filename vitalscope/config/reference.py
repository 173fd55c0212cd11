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
    if origin is typing.Annotated:
        return _type_name(args[0])
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


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _members(annotation: Any) -> list[type[BaseModel]]:
    """The models of a union of models (a tagged union: `Annotated[Union[Annotated[Model,
    Tag], ...], Discriminator]`), or none."""
    if typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    if typing.get_origin(annotation) not in (types.UnionType, typing.Union):
        return []
    members = [typing.get_args(m)[0] if typing.get_origin(m) is typing.Annotated else m
               for m in typing.get_args(annotation)]
    return members if all(_is_model(m) for m in members) else []


def _model_of(annotation: Any) -> tuple[list[type[BaseModel]], bool]:
    """The model inside an annotation (several for a union of models) and whether it is a
    list of them."""
    if _is_model(annotation):
        return [annotation], False
    if _members(annotation):
        return _members(annotation), False
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is list and args and _is_model(args[0]):
        return [args[0]], True
    if origin is list and args and _members(args[0]):
        return _members(args[0]), True
    return [], False


def _tag_value(field: FieldInfo) -> str | None:
    """The value a union member's discriminator field holds (`type: Literal["slack"]`)."""
    args = typing.get_args(field.annotation)
    if typing.get_origin(field.annotation) is typing.Literal and len(args) == 1:
        return str(args[0])
    return None


def _union_entries(members: list[type[BaseModel]], prefix: tuple[str, ...],
                   in_list: bool) -> Iterator[Entry]:
    """A union's fields: the discriminator once with every value; a field the same in every
    member once; the others once per set of members where they are the same, their
    description starting with the kinds they belong to."""
    names = list(dict.fromkeys(n for m in members for n in m.model_fields))
    tag_field = next((n for n in names if all(
        n in m.model_fields and _tag_value(m.model_fields[n]) is not None for m in members)),
        None)
    for name in names:
        having = [m for m in members if name in m.model_fields]
        if name == tag_field:
            fields = [m.model_fields[name] for m in members]
            default = next((_default(f) for f in fields if _default(f) != "required"),
                           "required")
            yield Entry(_key((*prefix, name)),
                        None if in_list else field_env_name((*prefix, name)),
                        " | ".join(repr(_tag_value(f)) for f in fields), default,
                        " ".join((f.description or "").strip() for f in fields))
            continue
        groups: dict[Entry, list[str]] = {}
        for model in having:
            for entry in _field_entries(name, model.model_fields[name], prefix, in_list):
                groups.setdefault(entry, []).append(
                    str(_tag_value(model.model_fields[tag_field])) if tag_field else "")
        for entry, kinds in groups.items():
            if len(kinds) == len(members) or tag_field is None:
                yield entry
            else:
                yield Entry(entry.key, entry.env, entry.type, entry.default,
                            ", ".join(f"`{k}`" for k in kinds) + ": " + entry.description)


def _key(path: tuple[str, ...]) -> str:
    return ".".join(path).replace(".[]", "[]")


def _field_entries(name: str, field: FieldInfo, prefix: tuple[str, ...], in_list: bool
                   ) -> Iterator[Entry]:
    path = (*prefix, name)
    inner, is_list = _model_of(field.annotation)
    env = None if in_list else field_env_name(path)
    yield Entry(_key(path), env, _type_name(field.annotation), _default(field),
                (field.description or "").strip())
    child_prefix = (*path, "[]") if is_list else path
    if len(inner) == 1:
        yield from entries(inner[0], child_prefix, in_list or is_list)
    elif inner:
        yield from _union_entries(inner, child_prefix, in_list or is_list)


def entries(model: type[BaseModel] = Settings, prefix: tuple[str, ...] = (),
            in_list: bool = False) -> Iterator[Entry]:
    for name, field in model.model_fields.items():
        yield from _field_entries(name, field, prefix, in_list)


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
