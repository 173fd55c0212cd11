"""Settings of the synthetics (the `synthetics:` section of the YAML file): the checks as code
and how they are scheduled and run."""

from __future__ import annotations

import re
from collections.abc import Callable
from contextvars import ContextVar
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidatorFunctionWrapHandler,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from vitalscope.config.synthetics_steps import StepConfig
from vitalscope.names import NAME as CHECK_NAME

HOST_PATTERN = re.compile(r"^(\*\.)?[a-z0-9.-]+(:\d{1,5})?$|^\[[0-9a-f:.]+\](:\d{1,5})?$")


def _check_cron(expression: str) -> str:
    from apscheduler.triggers.cron import CronTrigger

    try:
        CronTrigger.from_crontab(expression, timezone="UTC")
    except ValueError as exc:
        raise ValueError(f"cron {expression!r} is not valid: {exc}") from None
    return expression


# Checking a flow file means running the user's Python: that is the synthetics feature's work
# (synthetics/flows.py:load_flow_file), handed in by whoever loads the settings to start a
# process (vitalscope/app/settings.py). It runs here, in the check's validation, so a broken
# flow is refused at start in the same one line per problem as anything else wrong with its
# check. Without one (the reference, tests of the settings alone) a flow path is only resolved.
FlowFileCheck = Callable[[Path], object]
flow_file_check: ContextVar[FlowFileCheck | None] = ContextVar(
    "vitalscope_flow_file_check", default=None)


class CheckConfig(BaseModel):
    """A synthetic check: a browser flow run on a schedule."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="Unique name: lowercase letters, digits, '.', '-' or '_'.")
    steps: list[StepConfig] = Field(
        default_factory=list, description="Steps run in order (see `steps[]`); or use `flow`."
    )
    flow: Path | None = Field(
        default=None,
        description="Python file defining `async def flow(page, check)`, instead of steps. "
        "Relative to the current directory.",
    )
    base_url: str | None = Field(
        default=None,
        description="URL that relative `goto` paths are joined to; its host is allowed.",
    )
    interval_s: float | None = Field(
        default=None, ge=1, le=86400,
        description="Run every this many seconds (default `synthetics.default_interval_s` "
        "unless `cron` is given).",
    )
    cron: str | None = Field(
        default=None, description="Crontab schedule in UTC (`*/5 * * * *`), instead of interval_s."
    )
    timeout_s: float | None = Field(
        default=None, gt=0, le=600,
        description="Seconds one attempt may take; default `synthetics.default_timeout_s`.",
    )
    retries: int | None = Field(
        default=None, ge=0, le=5,
        description="Attempts after a failed one before the run counts as failed; a run that "
        "passes on retry is recorded as flaky. Default `synthetics.default_retries`.",
    )
    page_groups: dict[str, str] = Field(
        default_factory=dict,
        description="URL path pattern -> page group of the lab vitals (`/product/*: "
        "/product/:id`), to match the real-user page groups. Default: the path itself; a "
        "goto step's `page_group` wins.",
    )
    tags: list[str] = Field(default_factory=list, description="Free labels (`team:shop`).")
    location: str | None = Field(
        default=None, description="Location label of the results; default `synthetics.location`."
    )
    site: str | None = Field(
        default=None, description="Site whose real-user data the lab vitals compare with."
    )
    allowed_hosts: list[str] | None = Field(
        default=None,
        description="Hosts the browser may contact (`shop.example`, `*.cdn.example`, "
        "`127.0.0.1:8080`). Default: the hosts named in the steps and base_url.",
    )
    final_screenshot: bool | None = Field(
        default=None,
        description="Keep a screenshot of a passing run too; default "
        "`synthetics.final_screenshot`.",
    )
    enabled: bool = Field(default=True, description="A disabled check is not scheduled.")

    @model_validator(mode="wrap")
    @classmethod
    def _name_the_check(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        """Every problem is told with the check's name and step number, not only its index."""
        name = data.get("name") if isinstance(data, dict) else None
        try:
            check = handler(data)
            check._consistent()
            return check
        except ValueError as exc:
            if isinstance(exc, ValidationError):
                raise _named(exc, data) from None
            raise PydanticCustomError(
                "check", "{message}", {"message": f"check {name!r}: {exc}"}) from None

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not CHECK_NAME.fullmatch(value):
            raise ValueError(f"{value!r} is not a check name: use 1-63 lowercase letters, "
                             "digits, '.', '-' or '_'")
        return value

    @field_validator("cron")
    @classmethod
    def _cron(cls, value: str | None) -> str | None:
        return None if value is None else _check_cron(value)

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, value: str | None) -> str | None:
        if value is not None and not _is_http_url(value):
            raise ValueError(f"base_url {value!r} must be an http(s) URL")
        return value

    @field_validator("allowed_hosts")
    @classmethod
    def _hosts(cls, values: list[str] | None) -> list[str] | None:
        if values is None:
            return None
        cleaned = [v.strip().lower() for v in values]
        for value in cleaned:
            if not HOST_PATTERN.match(value):
                raise ValueError(f"allowed host {value!r} is not a host like shop.example, "
                                 "*.shop.example or 127.0.0.1:8080")
        return cleaned

    @field_validator("flow")
    @classmethod
    def _flow(cls, value: Path | None) -> Path | None:
        if value is None:
            return None
        path = value.expanduser().resolve()
        check = flow_file_check.get()
        if check is not None:
            check(path)
        return path

    def _consistent(self) -> None:
        if bool(self.steps) == (self.flow is not None):
            raise ValueError("give either steps or flow (a Python file), not both or neither")
        if self.interval_s is not None and self.cron is not None:
            raise ValueError("give either interval_s or cron, not both")
        for index, step in enumerate(self.steps, start=1):
            if step.action == "goto" and step.url and not _is_http_url(step.url) \
                    and self.base_url is None:
                raise ValueError(f"step {index} (goto): {step.url!r} is not an absolute "
                                 "http(s) URL and the check has no base_url")
        if self.flow is not None and self.allowed_hosts is None and self.base_url is None:
            raise ValueError("a flow check needs allowed_hosts or base_url (the hosts its "
                             "browser may visit)")

    def absolute_url(self, url: str) -> str:
        return url if _is_http_url(url) else urljoin(self.base_url or "", url)


def _named(exc: ValidationError, data: Any) -> ValidationError:
    """The errors of a check with the check's name and step number in each message."""
    name = data.get("name") if isinstance(data, dict) else None
    steps = data.get("steps") if isinstance(data, dict) else None
    errors = []
    for err in exc.errors(include_url=False):
        loc = err["loc"]
        where = f"check {name!r}" if isinstance(name, str) else "check"
        if len(loc) >= 2 and loc[0] == "steps" and isinstance(loc[1], int):
            raw = steps[loc[1]] if isinstance(steps, list) and loc[1] < len(steps) else {}
            action = _action_of(raw)
            where += f", step {loc[1] + 1}" + (f" ({action})" if action else "")
        message = str(err["msg"]).removeprefix("Value error, ")
        errors.append(InitErrorDetails(
            type=PydanticCustomError("check", "{message}", {"message": f"{where}: {message}"}),
            loc=loc, input=err.get("input"),
        ))
    return ValidationError.from_exception_data(exc.title, errors)


def _is_http_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _action_of(raw: Any) -> str | None:
    if not isinstance(raw, dict):
        return None
    if isinstance(raw.get("action"), str):
        return str(raw["action"])
    from vitalscope.config.synthetics_steps import ACTIONS

    return next((k for k in raw if k in ACTIONS), None)


class SyntheticsSettings(BaseModel):
    """Settings of the synthetics."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = Field(
        default=True,
        description="Run the scheduler in `serve` and `worker`. Off: checks run only by hand.",
    )
    checks: list[CheckConfig] = Field(
        default_factory=list, description="Synthetic checks as code (see `checks[]`)."
    )
    concurrency: int = Field(
        default=2, ge=1, le=32,
        description="Runs at once per process (each is a browser context of one shared browser).",
    )
    default_interval_s: float = Field(
        default=300, ge=1, le=86400, description="Interval of checks that give no schedule."
    )
    default_timeout_s: float = Field(
        default=30, gt=0, le=600, description="Seconds one attempt of a check may take."
    )
    step_timeout_s: float = Field(
        default=10, gt=0, le=600, description="Seconds one step may take unless it says otherwise."
    )
    default_retries: int = Field(
        default=1, ge=0, le=5, description="Attempts after a failed one before a run fails."
    )
    jitter_s: float = Field(
        default=5, ge=0, le=3600,
        description="Up to this many seconds of random delay per scheduled run, so checks "
        "do not all start on the same second.",
    )
    location: str = Field(
        default="local", min_length=1, max_length=64,
        description="Location label of this process's results (e.g. `eu-west`).",
    )
    final_screenshot: bool = Field(
        default=False, description="Keep a screenshot of passing runs too (failures always do)."
    )
    artifacts_retention_days: float = Field(
        default=14, gt=0, le=3650,
        description="Screenshots and traces older than this are deleted from "
        "`<data>/artifacts/synthetics`.",
    )
    browser_executable: Path | None = Field(
        default=None,
        description="Chromium to run. Default: Playwright's own browser when installed, "
        "else /usr/bin/chromium.",
    )
    lease_ttl_s: float = Field(
        default=15, ge=1, le=600,
        description="Distributed mode: seconds a dead scheduler's lease lasts before another "
        "worker takes over (renewed every third of it).",
    )

    @model_validator(mode="after")
    def _unique_checks(self) -> SyntheticsSettings:
        seen: set[str] = set()
        for check in self.checks:
            if check.name in seen:
                raise ValueError(f"checks: {check.name!r} is declared twice")
            seen.add(check.name)
        return self

    def check(self, name: str) -> CheckConfig | None:
        return next((c for c in self.checks if c.name == name), None)
