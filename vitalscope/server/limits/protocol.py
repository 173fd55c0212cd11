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
IDLE = 0  # before or between requests: uvicorn's keep-alive timer runs after a response
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
        self.phase = IDLE
        self.timed_phase = HEADERS  # the deadline armed at the connection
        self.header_bytes = 0  # bytes read since the request began, until its headers end
        self.fresh = False  # the read being parsed began between requests
        self.exact = False  # the request's header bytes need measuring, not counting
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
        phase = self.phase
        if phase == APP:
            if self.cycle.response_complete:
                phase = self.phase = IDLE
        elif phase == CLOSING:
            return
        if self.timeout_keep_alive_task is not None:
            self.timeout_keep_alive_task.cancel()
            self.timeout_keep_alive_task = None
        if phase <= HEADERS:
            self.header_bytes += len(data)
        self.fresh = phase == IDLE
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

    # Parser callbacks (base methods called directly: cheaper than super() per request)

    def on_message_begin(self) -> None:
        if self.fresh:  # the read began with this request: header_bytes counts it whole
            self.fresh = False
        else:  # it began after other bytes of the read (pipelined): measure it exactly
            self.exact = True
        self.phase = HEADERS
        HttpToolsProtocol.on_message_begin(self)

    def on_headers_complete(self) -> None:
        limit = self.limits.max_header_bytes
        # header_bytes over-counts when the read went on into the body: then measure.
        if (self.exact or self.header_bytes > limit) and self._header_size() > limit:
            self.phase = CLOSING
            raise _HeadersTooLarge
        self.exact = False
        self.phase = BODY
        self.header_bytes = 0
        HttpToolsProtocol.on_headers_complete(self)

    def on_message_complete(self) -> None:
        self.phase = APP
        HttpToolsProtocol.on_message_complete(self)

    def _header_size(self) -> int:
        return len(self.url) + sum([len(name) + len(value) + 4 for name, value in self.headers])

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
        phase = self.phase
        if self.transport.is_closing() or phase == CLOSING:
            return
        if phase == BODY:
            cycle = self.cycle  # this request's: made when its headers ended
            if cycle.response_started:  # answered early (413...) or too late for a 408
                self.transport.close()
                return
            cycle.disconnected = True  # the app's receive() ends; what it sends is dropped
            cycle.message_event.set()
            self._refuse(self.limits.body_timeout)
        elif self.header_bytes == 0:
            self.transport.close()  # a connection that never sent a byte gets no answer
        else:
            self._refuse(self.limits.header_timeout)

    def _refuse(self, answer: bytes) -> None:
        self.phase = CLOSING
        self._disarm()
        cycle = self.cycle
        if cycle is not None and not cycle.response_complete and not cycle.disconnected:
            # An earlier (pipelined) request is still being answered: the refusal follows.
            cycle.on_response = lambda: self._answer_and_linger(answer)
            return
        self._answer_and_linger(answer)

    def _answer_and_linger(self, answer: bytes) -> None:
        transport = self.transport
        if transport.is_closing():
            return
        self._unset_keepalive_if_required()
        transport.write(answer)
        if transport.can_write_eof():
            transport.write_eof()
        self.flow.resume_reading()  # keep draining the input so the answer is not reset
        self.deadline = self.loop.call_later(LINGER_S, transport.close)


def limited_protocol(limits: EdgeLimits) -> type[LimitedHttpToolsProtocol]:
    """The protocol class for uvicorn.Config(http=...), bound to the process's limits."""
    return type("EdgeProtocol", (LimitedHttpToolsProtocol,), {"limits": limits})
