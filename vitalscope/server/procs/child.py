"""The child's side of `group.py`: its spec read from stdin, and the watch on its parent."""

from __future__ import annotations

import pickle
import sys
import threading
from collections.abc import Callable
from typing import Any

from vitalscope.server.procs.group import SPEC_HEADER


def read_spec() -> Any:
    stream = sys.stdin.buffer
    (size,) = SPEC_HEADER.unpack(stream.read(SPEC_HEADER.size))
    # The parent wrote it into this process's own pipe: nobody else can.
    return pickle.loads(stream.read(size))  # noqa: S301


def watch_parent(on_gone: Callable[[], None]) -> None:
    """Calls `on_gone` (from another thread) when stdin ends: the parent closed it or died."""

    def wait() -> None:
        while sys.stdin.buffer.read(4096):
            pass
        on_gone()

    threading.Thread(target=wait, name="parent-watch", daemon=True).start()
