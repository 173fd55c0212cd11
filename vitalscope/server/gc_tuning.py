"""The garbage collector's settings of a serving process, set once before it serves."""

from __future__ import annotations

import gc

# Python's default runs a generation-0 pass every 700 net container allocations: a beacon
# makes about a hundred (rows, lists, dicts), so a pass came every few requests and went
# over every request still waiting for Redis, about 10k instructions per beacon in all
# (`python -m bench request_cpu --callgrind`). A larger threshold makes the passes rarer at
# the same cost each, since what they traverse is what the waiting requests hold, not how
# much was allocated since the last one. Still small enough for short pauses and memory
# that a cycle's garbage only waits a little longer to be freed (refcounting frees the rest).
GEN0_THRESHOLD = 10_000


def tune_gc() -> None:
    """Called by the composition root before a process starts serving HTTP."""
    _, gen1, gen2 = gc.get_threshold()
    gc.set_threshold(GEN0_THRESHOLD, gen1, gen2)
