"""The `Allow` header of a 405: every method the path answers to. Starlette names only the
methods of the first route whose path matched, and FastAPI makes one route per method (GET
and POST /admin/v1/sites are two routes), so its header left out the others. The methods
come from the OpenAPI schema, which lists every route of the API by path."""

from __future__ import annotations

import re
from typing import Any

from starlette.requests import Request

HTTP_METHODS = frozenset({"get", "put", "post", "delete", "patch", "head", "options", "trace"})


def _compile(paths: dict[str, Any]) -> list[tuple[re.Pattern[str], frozenset[str]]]:
    table = []
    for template, item in paths.items():
        pattern = re.sub(r"\\\{[^}:]+:path\\\}", ".+", re.escape(template))
        pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", pattern)
        methods = frozenset(m.upper() for m in item if m in HTTP_METHODS)
        table.append((re.compile(pattern), methods))
    return table


def allowed_methods(request: Request) -> str | None:
    """The methods the schema documents for this request's path; None when it has none."""
    state = request.app.state
    table = getattr(state, "allow_table", None)
    if table is None:
        table = state.allow_table = _compile(request.app.openapi().get("paths", {}))
    methods: set[str] = set()
    for pattern, verbs in table:
        if pattern.fullmatch(request.url.path):
            methods |= verbs
    return ", ".join(sorted(methods)) or None
