"""Python flow files: `async def flow(page, check)` for what YAML steps cannot say. `check`
gives the flow its configuration and a way to time its own steps."""

from __future__ import annotations

import asyncio
import importlib.util
import inspect
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from synthetics.model import StepResult
from vitalscope.config.synthetics import CheckConfig

if TYPE_CHECKING:
    from playwright.async_api import Page

Flow = Callable[["Page", "FlowCheck"], Awaitable[Any]]


def load_flow_file(path: Path) -> Any:
    """The `flow` coroutine function of a Python flow file. Raises ValueError saying what is
    wrong, so a bad file is refused at start like any other configuration error."""
    if not path.is_file():
        raise ValueError(f"flow file {path} does not exist")
    spec = importlib.util.spec_from_file_location(f"vitalscope_flow_{path.stem}", path)
    if spec is None or spec.loader is None:
        raise ValueError(f"flow file {path} cannot be loaded as Python")
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as exc:  # a user's file: any error is reported as a config problem
        raise ValueError(f"flow file {path} fails to load: {type(exc).__name__}: {exc}") from None
    flow = getattr(module, "flow", None)
    if flow is None or not inspect.iscoroutinefunction(flow):
        raise ValueError(f"flow file {path} must define `async def flow(page, check)`")
    if len(inspect.signature(flow).parameters) != 2:
        raise ValueError(f"flow file {path}: `flow` must take (page, check)")
    return flow


@cache
def _load(path: Path, mtime: float) -> Flow:
    flow: Flow = load_flow_file(path)
    return flow


def load_flow(path: Path) -> Flow:
    """The flow of a file, loaded again only when the file changed."""
    return _load(path, path.stat().st_mtime)


class FlowCheck:
    """The `check` argument of a flow."""

    def __init__(self, config: CheckConfig, started: float, steps: list[StepResult]) -> None:
        self.config = config
        self.name = config.name
        self.base_url = config.base_url
        self._started = started
        self._steps = steps
        self.current: str | None = None

    def url(self, path: str) -> str:
        """`path` joined to the check's base_url."""
        return self.config.absolute_url(path)

    @asynccontextmanager
    async def step(self, name: str) -> AsyncIterator[None]:
        """Times a part of the flow as a step of its own: `async with check.step("pay"):`."""
        began = time.monotonic()
        self.current = name
        number = len(self._steps) + 1
        try:
            yield
        except BaseException as exc:
            if isinstance(exc, asyncio.CancelledError):
                error = "interrupted at the attempt's timeout"
            else:
                error = str(exc).splitlines()[0][:500] if str(exc) else type(exc).__name__
            self._steps.append(StepResult(
                number, "flow", name, "failed", (began - self._started) * 1000,
                (time.monotonic() - began) * 1000, error=error))
            raise
        finally:
            self.current = None
        self._steps.append(StepResult(number, "flow", name, "passed",
                                      (began - self._started) * 1000,
                                      (time.monotonic() - began) * 1000))
