"""Schemathesis hooks of tests/api/test_schema.py: what an OpenAPI schema cannot say, given to
the generator for the requests it means to be valid. Requests it means to be invalid are
sent as generated.

- A custom time range relates its parameters: `from` before `to`, at most 90 days, within
  the last 400 days (each parameter alone has its pattern in the schema).
- A matcher `name=~regex` needs a regular expression that compiles.
- A source-map upload's body is a source map (JSON, version 3) or a minified script (UTF-8),
  which `format: binary` cannot say.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import schemathesis
from schemathesis.core.parameters import ParameterLocation


def _negative(case: Any, location: ParameterLocation) -> bool:
    meta = case.meta
    return meta is None or meta.is_negative_at(location)


@schemathesis.hook
def map_case(context: Any, case: Any) -> Any:
    query = case.query
    if isinstance(query, dict) and not _negative(case, ParameterLocation.QUERY) and (
            query.get("range") == "custom" or "from" in query or "to" in query):
        now = datetime.now(UTC).replace(microsecond=0)
        query["from"] = (now - timedelta(hours=3)).isoformat()
        query["to"] = (now - timedelta(hours=1)).isoformat()
    if case.path == "/admin/v1/sourcemaps" and case.method.upper() == "PUT" \
            and not _negative(case, ParameterLocation.BODY):
        kind = query.get("kind", "map") if isinstance(query, dict) else "map"
        case.body = (b'{"version": 3, "sources": ["a.js"], "names": [], "mappings": "AAAA"}'
                     if kind == "map" else b"console.log(1)\n")
    body = case.body
    if isinstance(body, dict) and isinstance(body.get("matchers"), list) \
            and not _negative(case, ParameterLocation.BODY):
        body["matchers"] = [_compiling(m) for m in body["matchers"]]
    return case


def _compiling(matcher: Any) -> Any:
    if not isinstance(matcher, str):
        return matcher
    parts = re.match(r"^([^=!~]*)(=~|!~|!=|=)(.*)$", matcher, re.S)
    assert parts is not None, matcher  # every matcher has an operator
    name, op, value = parts.groups()
    if op in ("=~", "!~"):
        try:
            re.compile(value.strip().strip("\"'"))
        except re.error:
            value = re.escape(value.strip()).replace("\\ ", " ")
    return f"{name}{op}{value}"
