"""Settings of the HTTP edge of every listening role (the `http:` section of the YAML file):
what a client may cost the process in header bytes, time and sockets."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class HttpSettings(BaseModel):
    """Limits the server enforces on every connection, whatever the role."""

    model_config = ConfigDict(extra="forbid")

    max_header_bytes: int = Field(
        default=32_768, ge=1024, le=1_048_576,
        description="Bytes of request line and headers a request may have; more is refused "
        "with 431 and the connection closed.",
    )
    header_timeout_s: float = Field(
        default=10.0, gt=0, le=300,
        description="Seconds a client has to send a request's line and headers, counted from "
        "its first byte (from the connection for the first request); later: 408 and close.",
    )
    body_timeout_s: float = Field(
        default=30.0, gt=0, le=600,
        description="Seconds a client has to send a request's body once its headers are in "
        "(a total, not a gap between reads: trickling does not extend it); later: 408 and "
        "close.",
    )
    keep_alive_timeout_s: int = Field(
        default=5, ge=1, le=300,
        description="Whole seconds an idle keep-alive connection stays open between requests. "
        "Keep it above the reverse proxy's upstream keep-alive timeout.",
    )
    max_connections: int = Field(
        default=4096, ge=1, le=1_000_000,
        description="Open client connections at once, per process (each of `processes` "
        "holds its own); more are answered 503 + Retry-After and closed. Lowered at start "
        "to what the open-files limit leaves after `file_handle_reserve` (the effective "
        "value is logged).",
    )
    file_handle_reserve: int = Field(
        default=512, ge=16, le=1_000_000,
        description="File handles kept out of the connection budget for ClickHouse (chDB "
        "opens table parts), Redis, logs and browsers of synthetic checks, per process.",
    )
    processes: int = Field(
        default=0, ge=0, le=256,
        description="Processes accepting connections on the port of `serve` and "
        "`collector` (SO_REUSEPORT; docs/collector.md, \"Processes\"). 0: one per CPU core "
        "the process may run on. 1: one process does everything, as before. With 2 or "
        "more, `serve` runs that many ingest processes (Redis only; other requests are "
        "forwarded to the process holding chDB, which runs the flusher, scheduler, "
        "alerting and dashboard) and `collector` that many identical collectors. A "
        "process that exits unasked is restarted. Also `--processes`.",
    )
