"""The synthetics SOCKS tunnel on a real loopback socket under uvloop (what the runner uses):
a browser that leaves while the tunnel is still dialing out ends its connection quietly."""

from __future__ import annotations

import asyncio
import logging
import socket
import struct

import pytest
import uvloop

from synthetics.tunnel import Tunnel


def test_a_client_that_leaves_while_the_tunnel_dials_is_no_error(
        caplog: pytest.LogCaptureFixture) -> None:
    async def scenario() -> list[str]:
        errors: list[str] = []
        asyncio.get_running_loop().set_exception_handler(
            lambda _loop, context: errors.append(str(context.get("exception"))))
        upstream = await asyncio.start_server(lambda _r, w: w.close(), "127.0.0.1", 0)
        port = upstream.sockets[0].getsockname()[1]
        left = asyncio.Event()

        async def resolve(_host: str, _port: int) -> list[str]:
            await left.wait()  # answers only once the client has gone
            return ["127.0.0.1"]

        tunnel = Tunnel(resolve)
        proxy_port = int((await tunnel.start()).rsplit(":", 1)[1])
        reader, writer = await asyncio.open_connection("127.0.0.1", proxy_port)
        writer.write(b"\x05\x01\x00")
        assert await reader.readexactly(2) == b"\x05\x00"
        writer.write(b"\x05\x01\x00\x03\x09localhost" + struct.pack("!H", port))
        await writer.drain()
        writer.transport.get_extra_info("socket").setsockopt(
            socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        writer.close()
        await asyncio.sleep(0.2)  # the tunnel sees the reset before it replies
        left.set()
        for _ in range(50):
            if not tunnel._tasks:
                break
            await asyncio.sleep(0.05)
        assert not tunnel._tasks
        await tunnel.close()
        upstream.close()
        return errors

    with caplog.at_level(logging.ERROR):
        errors = uvloop.run(scenario())
    assert errors == []
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
