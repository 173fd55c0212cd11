"""Dashboard pages declare themselves and the shell knows them only through the registry:
a page module that is not registered, or a shell that names a page, fails here."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil

import pytest

import dashboard.web.views
from dashboard.web import registry, shell
from dashboard.web.page import Page


def _declared() -> dict[str, Page]:
    found = {}
    for info in pkgutil.iter_modules(dashboard.web.views.__path__):
        module = importlib.import_module(f"dashboard.web.views.{info.name}")
        page = getattr(module, "PAGE", None)
        if isinstance(page, Page):
            found[module.__name__] = page
    return found


def test_every_declared_page_is_registered_once() -> None:
    declared = _declared()
    assert set(declared) >= {f"dashboard.web.views.{name}" for name in (
        "overview", "pages", "breakdowns", "servertiming", "synthetics", "alerts")}
    assert sorted(map(id, declared.values())) == sorted(map(id, registry.PAGES))
    assert len(registry.BY_PATH) == len(registry.PAGES)
    assert registry.PAGES[0].path == "/"


def test_the_shell_names_no_page() -> None:
    tree = ast.parse(inspect.getsource(shell))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                 for alias in node.names}
    assert not {m for m in imported if m and m.startswith("dashboard.web.views")}
    strings = {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant)
               and isinstance(node.value, str)}
    for page in registry.PAGES:
        assert page.path == "/" or page.path not in strings
        assert not set(page.live) & strings


def test_a_path_is_checked() -> None:
    render = registry.PAGES[0].layout
    for bad in ("errors", "/errors/"):
        with pytest.raises(ValueError, match=bad):
            Page(bad, "Errors", render)
