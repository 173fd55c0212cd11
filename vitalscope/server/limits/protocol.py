"""uvicorn's httptools protocol with the limits uvicorn lacks: a cap on header bytes (httptools
has none), a deadline for the headers from the first byte (or from the connection), a
deadline for the body, and the process-wide connection cap counted on sockets (uvicorn's
limit_concurrency counts requests, once headers are in).

The fast path stays uvicorn's: a request arriving whole in one read arms no timer; a deadline
is armed only when a read ends in the middle of the headers or the body. Refusals are
written here and the connection lingers briefly (write side closed, input discarded) so a
client still sending reads the answer instead of a reset."""

from __future__ import annotations

import asyncio
from asyncio import TimerHandle
from typing import Any, ClassVar

import httptools
from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import ServerState

from vitalscope.server.limits.edge import EdgeLimits

# Phases of the current request: what the peer owes us, and so which deadline runs.
IDLE = 0  # between requests: uvicorn's keep-alive timer runs
HEADERS = 1  # request line and headers being read: header deadline
BODY = 2  # body being read: body deadline
APP = 3  # request read, the app answers: no deadline of ours
CLOSING = 4  # refused: discarding input until the peer or the linger ends it
LINGER_S = 2.0


class _HeadersTooLarge(Exception):
    """Raised from a parser callback to stop parsing the request."""


class LimitedHttpToolsProtocol(HttpToolsProtocol):
    limits: ClassVar[EdgeLimits]

    def __init__(self, config: Config, server_state: ServerState, app_state: dict[str, Any],
                 _loop: asyncio.AbstractEventLoop | None = None) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.admitted = False
        self.phase = HEADERS
        self.timed_phase = HEADERS
        self.header_bytes = 0  # bytes read since the request began, until its headers end
        self.deadline: TimerHandle | None = None

    # Connection

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        limits = self.limits
        if not limits.gate.enter():
            self.phase = CLOSING
            transport.write(limits.busy)
            transport.close()  # at once: the point is to give the handle back
            return
        self.admitted = True
        super().connection_made(transport)
        # Nothing read yet: the first request's header clock runs from the connection.
        self.deadline = self.loop.call_later(limits.header_timeout_s, self._expire)

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.admitted:
            return
        self.admitted = False
        self.limits.gate.leave()
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self.phase == CLOSING:
            return
        self._unset_keepalive_if_required()
        if self.phase <= HEADERS:
            self.header_bytes += len(data)
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError:
            if self.phase == CLOSING:
                self._refuse(self.limits.headers_too_large)
            else:
                self.logger.warning("Invalid HTTP request received.")
                self.send_400_response("Invalid HTTP request received.")
            return
        except httptools.HttpParserUpgrade:
            # No WebSocket here (ws="none"): answered as a plain request, as uvicorn does.
            self._unsupported_upgrade_warning()
        phase = self.phase
        if phase != self.timed_phase:
            self._retime(phase)
        if phase == HEADERS and self.header_bytes > self.limits.max_header_bytes:
            self._refuse(self.limits.headers_too_large)

    # Parser callbacks

    def on_message_begin(self) -> None:
        self.phase = HEADERS
        super().on_message_begin()

    def on_headers_complete(self) -> None:
        size = len(self.url) + sum([len(name) + len(value) + 4 for name, value in self.headers])
        if size > self.limits.max_header_bytes:
            self.phase = CLOSING
            raise _HeadersTooLarge
        self.phase = BODY
        self.header_bytes = 0
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self.phase = APP
        super().on_message_complete()

    def on_response_complete(self) -> None:
        if self.phase == APP:  # an early answer (e.g. 413) leaves the body deadline running
            self.phase = IDLE
        super().on_response_complete()

    # Deadlines

    def _disarm(self) -> None:
        if self.deadline is not None:
            self.deadline.cancel()
            self.deadline = None

    def _retime(self, phase: int) -> None:
        self._disarm()
        self.timed_phase = phase
        if phase == HEADERS:
            self.deadline = self.loop.call_later(self.limits.header_timeout_s, self._expire)
        elif phase == BODY:
            self.deadline = self.loop.call_later(self.limits.body_timeout_s, self._expire)

    def _expire(self) -> None:
        self.deadline = None
        if self.transport.is_closing() or self.phase == CLOSING:
            return
        phase = self.phase
        cycle = self.cycle
        if cycle is not None and not cycle.response_complete:
            if cycle.response_started:  # too late for a 408: cut the connection
                self.transport.close()
                return
            cycle.disconnected = True  # the app's receive() ends; what it sends is dropped
            cycle.message_event.set()
        if phase == HEADERS and self.header_bytes == 0:
            self.transport.close()  # a connection that never sent a byte gets no answer
        else:
            self._refuse(self.limits.body_timeout if phase == BODY
                         else self.limits.header_timeout)

    def _refuse(self, answer: bytes) -> None:
        self.phase = CLOSING
        self._disarm()
        self._unset_keepalive_if_required()
        transport = self.transport
        transport.write(answer)
        if transport.can_write_eof():
            transport.write_eof()
        self.flow.resume_reading()  # keep draining the input so the answer is not reset
        self.deadline = self.loop.call_later(LINGER_S, transport.close)


def limited_protocol(limits: EdgeLimits) -> type[LimitedHttpToolsProtocol]:
    """The protocol class for uvicorn.Config(http=...), bound to the process's limits."""
    return type("EdgeProtocol", (LimitedHttpToolsProtocol,), {"limits": limits})
