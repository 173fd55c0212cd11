"""The OpenAPI schema as the API behaves: who may call what (bearer token, login session), and
what the routes cannot say in their signatures: an alert rule's body (which fields each kind
needs, the receivers this server knows)."""

from __future__ import annotations

import copy
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from vitalscope.config.alerting import _REQUIRED, BY_MODES, QUANTILES, SEGMENT_KEYS, RuleConfig
from vitalscope.names import NAME
from vitalscope.runtime import Runtime

BEARER: dict[str, list[str]] = {"bearer": []}
SESSION: dict[str, list[str]] = {"session": []}
SECURITY_SCHEMES = {
    "bearer": {"type": "http", "scheme": "bearer",
               "description": "The admin token (`data/secrets/admin-token`)."},
    "session": {"type": "apiKey", "in": "cookie", "name": "vs_session",
                "description": "The dashboard's login session."},
}
NON_NULL = {"number": {"type": "number"}, "string": {"type": "string"}}


def rule_schema(receivers: list[str]) -> dict[str, Any]:
    """The body of POST /admin/v1/alerts/rules: RuleConfig, with what its validators check."""
    schema = copy.deepcopy(RuleConfig.model_json_schema(by_alias=True))
    props = schema["properties"]
    props["name"]["pattern"] = NAME.pattern
    props["quantile"]["enum"] = list(QUANTILES)
    props["segment"]["propertyNames"] = {"enum": list(SEGMENT_KEYS)}
    props["receivers"]["items"] = {"enum": receivers} if receivers else {"not": {"type": "string"}}
    if not receivers:
        props["receivers"]["maxItems"] = 0
    for field in ("window", "for", "keep_firing_for"):
        props[field]["description"] += " Seconds (the API also reads `30m`, `2h`, ...)."
    kinds: list[dict[str, Any]] = []
    for kind, needed in _REQUIRED.items():
        then: dict[str, Any] = {"required": list(needed), "properties": {
            field: {"type": "number"} if field == "value" else {"type": "string"}
            for field in needed}}
        if kind == "synthetic_failure":
            then["properties"]["site"] = {"type": "null"}
        then["properties"]["by"] = {"enum": ["site", *BY_MODES.get(kind, ())]}
        if kind == "cache_hit_rate":
            then["properties"]["min_effect"] = {
                "anyOf": [{"type": "null"}, {"type": "number", "exclusiveMaximum": 1}]}
        kinds.append({"if": {"properties": {"kind": {"const": kind}}, "required": ["kind"]},
                      "then": then})
    # `by: nav_type` splits by navigation type, so its segment cannot fix one.
    kinds.append({"if": {"properties": {"by": {"const": "nav_type"}}, "required": ["by"]},
                  "then": {"properties": {"segment": {"not": {"required": ["nav_type"]}}}}})
    schema["allOf"] = kinds
    return schema


def _secure(operation: dict[str, Any], path: str) -> None:
    if path.startswith("/admin/"):
        operation["security"] = [BEARER]
    elif path.startswith("/api/v1/"):
        operation["security"] = [BEARER, SESSION]


def install(app: FastAPI, runtime: Runtime) -> None:
    """Replaces `app.openapi` by one that completes FastAPI's schema."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = get_openapi(title=app.title, version=app.version, routes=app.routes,
                             description=app.description)
        schema.setdefault("components", {})["securitySchemes"] = SECURITY_SCHEMES
        for path, item in schema.get("paths", {}).items():
            for operation in item.values():
                _secure(operation, path)
        rules = schema["paths"].get("/admin/v1/alerts/rules", {}).get("post")
        if rules is not None:
            receivers = [r.name for r in runtime.settings.alerting.receivers]
            rules["requestBody"] = {"required": True, "content": {
                "application/json": {"schema": rule_schema(receivers)}}}
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
