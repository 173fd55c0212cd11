"""Hypothesis strategies for documents of a JSON Schema (the subset msgspec generates):
valid documents, and documents broken in one place."""

from __future__ import annotations

import re
from typing import Any

from hypothesis import strategies as st

# `^[...]+` then end of string, as collector/wire.py writes it (END).
_CHAR_CLASS = re.compile(r"^\^\[([^\]]+)\]\+\(\?!\[\\s\\S\]\)$")
# JSON has no NaN or infinity: json.dumps(allow_nan=False) would raise on them.
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=4),
    max_leaves=10,
)


class SchemaStrategies:
    def __init__(self, schema: dict[str, Any]) -> None:
        self.defs: dict[str, Any] = schema.get("$defs", {})
        self.root = schema

    def _resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            node = self.defs[node["$ref"].rsplit("/", 1)[-1]]
        return node

    def _string(self, node: dict[str, Any]) -> st.SearchStrategy[str]:
        low, high = node.get("minLength", 0), min(node.get("maxLength", 40), 80)
        pattern = node.get("pattern")
        if pattern is None:
            return st.text(min_size=low, max_size=high)
        if match := _CHAR_CLASS.match(pattern):
            return st.from_regex(f"[{match.group(1)}]{{{max(low, 1)},{high}}}", fullmatch=True)
        return st.from_regex(pattern).map(lambda s: s[:high]).filter(
            lambda s: low <= len(s) and re.search(pattern, s) is not None)

    def valid(self, node: dict[str, Any] | None = None) -> st.SearchStrategy[Any]:
        node = self._resolve(node if node is not None else self.root)
        if "anyOf" in node:
            return st.one_of([self.valid(option) for option in node["anyOf"]])
        if "enum" in node:
            return st.sampled_from(node["enum"])
        if "const" in node:
            return st.just(node["const"])
        kind = node.get("type")
        if kind == "object" and "properties" in node:
            required = set(node.get("required", []))
            fields = {name: self.valid(sub) for name, sub in node["properties"].items()}
            optional = [name for name in fields if name not in required]
            objects = st.fixed_dictionaries(
                {name: fields[name] for name in required},
                optional={name: fields[name] for name in optional},
            )
            return objects.map(lambda d: _apply_if_then(node, d))
        if kind == "object":
            keys = self._string(node.get("propertyNames", {"type": "string"}))
            return st.dictionaries(keys, self.valid(node.get("additionalProperties", {})),
                                   min_size=node.get("minProperties", 0),
                                   max_size=min(node.get("maxProperties", 5), 5))
        if kind == "array":
            return st.lists(self.valid(node["items"]), min_size=node.get("minItems", 0),
                            max_size=min(node.get("maxItems", 5), 5))
        if kind == "string":
            return self._string(node)
        if kind == "integer":
            return st.integers(node.get("minimum"), node.get("maximum"))
        if kind == "number":
            return st.floats(node.get("minimum"), node.get("maximum"), allow_nan=False,
                             allow_infinity=False)
        if kind == "boolean":
            return st.booleans()
        if kind == "null":
            return st.none()
        return JSON_VALUES

    def broken(self) -> st.SearchStrategy[Any]:
        """A valid document with one value replaced, one key added or one removed."""
        return self.valid().flatmap(_break)


def _apply_if_then(node: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    """`if {p: const c} then {q: maximum m}`: the one conditional form used here."""
    if "if" not in node:
        return document
    condition = node["if"]["properties"]
    if all(document.get(k) == v["const"] for k, v in condition.items()):
        for name, limit in node["then"]["properties"].items():
            if name in document and "maximum" in limit:
                document[name] = min(document[name], limit["maximum"])
    return document


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path]
    if isinstance(value, dict):
        for key, sub in value.items():
            out += _paths(sub, (*path, key))
    elif isinstance(value, list):
        for index, sub in enumerate(value):
            out += _paths(sub, (*path, index))
    return out


def _set(document: Any, path: tuple[Any, ...], change: str, new: Any) -> Any:
    if not path:
        return new if change == "replace" else document
    parent = document
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    if change == "replace":
        parent[last] = new
    elif change == "remove":
        del parent[last]
    elif isinstance(parent[last], dict):
        parent[last]["zz_unknown"] = new
    return document


def _break(document: Any) -> st.SearchStrategy[Any]:
    return st.tuples(st.sampled_from(_paths(document)),
                     st.sampled_from(["replace", "remove", "add"]), JSON_VALUES).map(
        lambda t: _set(document, t[0], t[1], t[2]))
