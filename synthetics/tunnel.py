"""The only way out of a run's browser: a SOCKS5 proxy on 127.0.0.1 that the run's context is
configured with. Every TCP connection the browser opens (documents, redirect hops, which
Playwright does not route, sub-resources, workers, WebSockets) arrives here as "connect to
host:port"; the guard checks that host and port and the tunnel connects to the address the
guard resolved and checked, never to a fresh lookup. One tunnel per attempt, closed with it.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import struct
from collections.abc import Awaitable, Callable

from synthetics.policy import Refused

# SOCKS5 (RFC 1928) constants.
VERSION = 5
NO_AUTH = 0
NO_ACCEPTABLE_METHOD = 0xFF
CONNECT = 1
IPV4, DOMAIN, IPV6 = 1, 3, 4
SUCCEEDED, NOT_ALLOWED, HOST_UNREACHABLE = 0, 2, 4
COMMAND_NOT_SUPPORTED, ADDRESS_NOT_SUPPORTED = 7, 8
HANDSHAKE_TIMEOUT_S = 10.0
CONNECT_TIMEOUT_S = 10.0
CHUNK = 64 * 1024

# host, port -> the checked addresses to connect to (raises Refused).
Resolver = Callable[[str, int], Awaitable[list[str]]]


class Tunnel:
    """Accepts the browser's connections and passes on only those the resolver allows."""

    def __init__(self, resolve: Resolver) -> None:
        self.resolve = resolve
        self.connections = 0
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> str:
        """Starts listening; returns the proxy URL for the browser context."""
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        return f"socks5://127.0.0.1:{port}"

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
        for writer in list(self._writers):
            writer.close()
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._server is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 2)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        self._writers.add(writer)
        upstream: asyncio.StreamWriter | None = None
        try:
            target = await asyncio.wait_for(self._handshake(reader, writer), HANDSHAKE_TIMEOUT_S)
            if target is None:
                return
            host, port = target
            try:
                addresses = await self.resolve(host, port)
            except Refused:
                await _reply(writer, NOT_ALLOWED)
                return
            opened = await _open(addresses, port)
            if opened is None:
                await _reply(writer, HOST_UNREACHABLE)
                return
            up_reader, upstream = opened
            self._writers.add(upstream)
            self.connections += 1
            await _reply(writer, SUCCEEDED)
            await asyncio.gather(_pipe(reader, upstream), _pipe(up_reader, writer))
        except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError):
            pass  # the browser or the server went away; the browser reports its side
        except asyncio.CancelledError:
            # close() cancels the connections still open; asyncio's stream callback then asks
            # the task for its exception, which for a cancelled task raises and is logged as
            # an error. Ending normally is the truth: the attempt is over.
            pass
        finally:
            for end in (upstream, writer):
                if end is not None:
                    self._writers.discard(end)
                    end.close()
            self._tasks.discard(task)

    async def _handshake(self, reader: asyncio.StreamReader,
                         writer: asyncio.StreamWriter) -> tuple[str, int] | None:
        version, count = await reader.readexactly(2)
        methods = await reader.readexactly(count)
        if version != VERSION or NO_AUTH not in methods:
            await _send(writer, bytes((VERSION, NO_ACCEPTABLE_METHOD)))
            return None
        await _send(writer, bytes((VERSION, NO_AUTH)))
        version, command, _, kind = await reader.readexactly(4)
        if kind == IPV4:
            host = str(ipaddress.IPv4Address(await reader.readexactly(4)))
        elif kind == IPV6:
            host = str(ipaddress.IPv6Address(await reader.readexactly(16)))
        elif kind == DOMAIN:
            (length,) = await reader.readexactly(1)
            host = (await reader.readexactly(length)).decode("idna").lower()
        else:
            await _reply(writer, ADDRESS_NOT_SUPPORTED)
            return None
        (port,) = struct.unpack("!H", await reader.readexactly(2))
        if version != VERSION or command != CONNECT:  # no BIND, no UDP: nothing but TCP out
            await _reply(writer, COMMAND_NOT_SUPPORTED)
            return None
        return host, port


async def _open(addresses: list[str], port: int
                ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | None:
    for address in addresses:
        try:
            return await asyncio.wait_for(asyncio.open_connection(address, port),
                                          CONNECT_TIMEOUT_S)
        except (OSError, TimeoutError):
            continue
    return None


async def _send(writer: asyncio.StreamWriter, data: bytes) -> None:
    # uvloop raises RuntimeError, not an OSError, for a write to a transport the other side
    # has already closed (a browser giving up while the tunnel dials out).
    if writer.is_closing():
        raise ConnectionResetError("the other side closed the connection")
    writer.write(data)
    await writer.drain()


async def _reply(writer: asyncio.StreamWriter, code: int) -> None:
    await _send(writer, bytes((VERSION, code, 0, IPV4, 0, 0, 0, 0, 0, 0)))


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(CHUNK):
            await _send(writer, data)
    except OSError:
        # A side reset or closed its socket (a page left mid-download, the browser closed
        # the context): the connection is over, which is no error of the run.
        return
    finally:
        # uvloop raises RuntimeError, not OSError, on a transport closed meanwhile (the
        # tunnel shutting down cancels both directions).
        with contextlib.suppress(OSError, RuntimeError):
            if not writer.is_closing() and writer.can_write_eof():
                writer.write_eof()
