"""SIGUSR1 writes every thread's Python stack to stderr and the process carries on: how an
operator (or a test whose server would not stop) sees where a process is stuck, without
a debugger and without stopping it."""

from __future__ import annotations

import faulthandler
import signal
import sys

SIGNAL = signal.SIGUSR1


def enable() -> None:
    faulthandler.register(SIGNAL, file=sys.stderr, all_threads=True, chain=False)
