"""What a run produces: per-step timings, lab vitals, console errors, failed requests and
artifacts, gathered per attempt and summarised per run."""

from __future__ import annotations

import fnmatch
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Literal
from urllib.parse import urlsplit

from synthetics.policy import check_hosts
from vitalscope.config import Settings
from vitalscope.config.synthetics import CheckConfig

RunStatus = Literal["passed", "failed", "flaky"]
StepStatus = Literal["passed", "failed"]


@dataclass(frozen=True)
class CheckPlan:
    """A check with every default of the `synthetics:` section filled in."""

    config: CheckConfig
    timeout_s: float
    step_timeout_s: float
    retries: int
    location: str
    final_screenshot: bool
    hosts: tuple[str, ...]

    @property
    def name(self) -> str:
        return self.config.name

    @property
    def max_duration_s(self) -> float:
        """Longest a run can take: every attempt at its timeout, plus time to save artifacts."""
        return (self.retries + 1) * (self.timeout_s + ARTIFACT_GRACE_S)

    @classmethod
    def of(cls, check: CheckConfig, settings: Settings) -> CheckPlan:
        synthetics = settings.synthetics
        return cls(
            config=check,
            timeout_s=check.timeout_s or synthetics.default_timeout_s,
            step_timeout_s=synthetics.step_timeout_s,
            retries=synthetics.default_retries if check.retries is None else check.retries,
            location=check.location or synthetics.location,
            final_screenshot=synthetics.final_screenshot if check.final_screenshot is None
            else check.final_screenshot,
            hosts=tuple(check_hosts(check)),
        )

    def page_group(self, url: str) -> str:
        """The page group of a URL: the first matching `page_groups` pattern, else the path."""
        path = urlsplit(url).path or "/"
        return next((group for pattern, group in self.config.page_groups.items()
                     if fnmatch.fnmatchcase(path, pattern)), path)


ARTIFACT_GRACE_S = 15.0


@dataclass
class StepResult:
    step: int
    action: str
    name: str
    status: StepStatus
    offset_ms: float
    duration_ms: float
    url: str = ""
    error: str = ""


@dataclass
class LabVital:
    url: str
    page_group: str
    metric: str
    value: float


@dataclass
class AttemptResult:
    attempt: int
    started_at: datetime
    duration_ms: float
    passed: bool
    error: str = ""
    failed_step: int = 0
    steps: list[StepResult] = field(default_factory=list)
    vitals: list[LabVital] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    screenshot: str = ""
    trace: str = ""


@dataclass
class RunResult:
    run_id: str
    check: str
    location: str
    site: str
    tags: list[str]
    trigger: str
    started_at: datetime
    finished_at: datetime
    attempts: list[AttemptResult]

    @property
    def status(self) -> RunStatus:
        if self.attempts and self.attempts[-1].passed:
            return "passed" if len(self.attempts) == 1 else "flaky"
        return "failed"

    @property
    def passed(self) -> bool:
        return self.status != "failed"

    @property
    def duration_ms(self) -> float:
        return (self.finished_at - self.started_at).total_seconds() * 1000

    @property
    def last(self) -> AttemptResult:
        return self.attempts[-1]

    @property
    def error(self) -> str:
        """The error of the last failed attempt (a flaky run keeps the error it recovered
        from, so the flake can be understood)."""
        failed = [a for a in self.attempts if not a.passed]
        return failed[-1].error if failed else ""

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["started_at"] = self.started_at.isoformat()
        data["finished_at"] = self.finished_at.isoformat()
        for attempt in data["attempts"]:
            attempt["started_at"] = attempt["started_at"].isoformat()
        data.update(status=self.status, duration_ms=self.duration_ms, error=self.error)
        return data
