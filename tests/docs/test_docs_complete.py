"""The docs say everything a user can call: every CLI command, setting and HTTP endpoint."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from starlette.routing import BaseRoute, Mount, Route

from collector.asgi import INGEST_PATHS
from vitalscope.app.assembly import build_app
from vitalscope.app.cli.reference import commands, render_reference
from vitalscope.config import Settings
from vitalscope.config.reference import undocumented
from vitalscope.runtime import Role, Runtime

ROOT = Path(__file__).parents[2]


def _docs_text() -> str:
    files = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    return "\n".join(path.read_text() for path in files)


def test_every_command_has_help_and_the_cli_reference_is_current() -> None:
    missing = [path for path, command in commands() if not (command.help or "").strip()]
    assert missing == []
    assert (ROOT / "docs" / "cli.md").read_text() == render_reference(), (
        "docs/cli.md is stale: run `python -m vitalscope.app.cli.reference > docs/cli.md`")


def test_every_setting_is_documented() -> None:
    assert undocumented() == []
    assert "configuration.md" in (ROOT / "README.md").read_text()


def _paths(routes: list[BaseRoute], prefix: str = "") -> Iterator[str]:
    for route in routes:
        if isinstance(route, Mount):
            yield prefix + route.path + "/"
        elif isinstance(route, Route):
            yield prefix + route.path
        elif hasattr(route, "original_router"):
            # FastAPI >= 0.16x keeps included routers as one route each; their routes,
            # hidden ones (include_in_schema=False) included, are on the original router.
            context = getattr(route, "include_context", None)
            yield from _paths(route.original_router.routes,
                              prefix + getattr(context, "prefix", ""))


def _pattern(path: str) -> re.Pattern[str]:
    # A documented path may name its parameters differently ({id}, <id>, NAME, ...).
    parts = re.split(r"\{[^}]+\}", path)
    return re.compile(r"[^\s`|()]+".join(re.escape(p) for p in parts) + r"(?![\w/-])")


@pytest.fixture
def serve_app(settings: Settings) -> Iterator[FastAPI]:
    runtime = Runtime.open(settings, Role.SERVE, migrate=True)
    try:
        yield build_app(runtime)
    finally:
        runtime.close()


def test_every_endpoint_is_documented(serve_app: FastAPI) -> None:
    docs = _docs_text()
    paths = sorted({*_paths(serve_app.routes), *INGEST_PATHS})
    assert "/v1/beacon" in paths and "/api/v1/overview" in paths and "/dashboard/" in paths
    missing = [path for path in paths if not _pattern(path).search(docs)]
    assert missing == [], f"endpoints not named in README.md or docs/*.md: {missing}"
