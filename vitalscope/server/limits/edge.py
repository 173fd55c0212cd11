"""The limits of one process's HTTP edge, settled once at start: the settings, the
effective connection cap (what the open-files limit allows) and the shared gate."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from vitalscope.config.http import HttpSettings
from vitalscope.runtime import StartupError
from vitalscope.server.limits import responses
from vitalscope.server.limits.budget import FileHandleBudget, file_handle_budget
from vitalscope.server.limits.gate import ConnectionGate

log = logging.getLogger("vitalscope.http")
MIN_CONNECTIONS = 16


@dataclass(frozen=True)
class EdgeLimits:
    max_header_bytes: int
    header_timeout_s: float
    body_timeout_s: float
    keep_alive_timeout_s: int
    gate: ConnectionGate
    headers_too_large: bytes = field(init=False)
    header_timeout: bytes = field(init=False)
    body_timeout: bytes = field(init=False)
    busy: bytes = field(init=False)

    def __post_init__(self) -> None:
        set_ = object.__setattr__  # frozen: the canned answers are made once, here
        set_(self, "headers_too_large", responses.headers_too_large(self.max_header_bytes))
        set_(self, "header_timeout", responses.request_timeout("headers",
                                                               self.header_timeout_s))
        set_(self, "body_timeout", responses.request_timeout("body", self.body_timeout_s))
        set_(self, "busy", responses.busy(self.gate.cap))

    @classmethod
    def from_settings(cls, settings: HttpSettings, cap: int) -> EdgeLimits:
        return cls(settings.max_header_bytes, settings.header_timeout_s,
                   settings.body_timeout_s, settings.keep_alive_timeout_s,
                   ConnectionGate(cap))


def effective_cap(settings: HttpSettings, budget: FileHandleBudget) -> int:
    ceiling = budget.connection_ceiling
    if ceiling < MIN_CONNECTIONS:
        raise StartupError(
            f"the open-files limit ({budget.limit}) leaves {ceiling} handles for connections "
            f"after {budget.open_at_start} open and http.file_handle_reserve "
            f"{budget.reserve}: raise `ulimit -n` (LimitNOFILE, --ulimit nofile) or lower "
            "the reserve")
    return min(settings.max_connections, ceiling)


def edge_limits(settings: HttpSettings) -> EdgeLimits:
    """Called once per process, after storage is open (its handles count as in use)."""
    budget = file_handle_budget(settings.file_handle_reserve, settings.max_connections)
    cap = effective_cap(settings, budget)
    raised = (f", raised from {budget.raised_from}" if budget.raised_from is not None else "")
    log.info("HTTP connection cap %d (http.max_connections %d; open-files limit %d%s, "
             "%d open at start, %d reserved)", cap, settings.max_connections, budget.limit,
             raised, budget.open_at_start, budget.reserve)
    return EdgeLimits.from_settings(settings, cap)
