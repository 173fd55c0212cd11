"""The port every process of a run accepts on, through SO_REUSEPORT: the kernel spreads new
connections over the listening sockets by their addresses, so a burst of connections is not
taken by whichever process woke first (as it would be from one inherited socket)."""

from __future__ import annotations

import socket

from vitalscope.runtime import StartupError

BACKLOG = 2048


def bound(host: str, port: int, *, reuse_port: bool) -> socket.socket:
    """A TCP socket bound to the configured address, or a StartupError naming it."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuse_port:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise StartupError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    return sock


def reserve(host: str, port: int) -> socket.socket:
    """The parent's claim on the port (port 0: the kernel picks one): bound, never listening,
    so it takes no connection, and the port stays the run's while children restart."""
    return bound(host, port, reuse_port=True)


def listen(host: str, port: int) -> socket.socket:
    """One process's listening socket on the run's port."""
    sock = bound(host, port, reuse_port=True)
    sock.listen(BACKLOG)
    return sock


def listen_unix(path: str) -> socket.socket:
    """The private socket of the process holding chDB, for the others' forwarded requests."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.bind(path)
    except OSError as exc:
        sock.close()
        raise StartupError(f"cannot listen on {path}: {exc.strerror}") from None
    sock.listen(BACKLOG)
    return sock
