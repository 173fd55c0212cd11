"""The serving process's garbage-collector settings (vitalscope/server/gc_tuning.py)."""

from __future__ import annotations

import gc

from vitalscope.server.gc_tuning import GEN0_THRESHOLD, tune_gc


def test_tune_gc_raises_only_the_young_generation_threshold() -> None:
    before = gc.get_threshold()
    try:
        gc.set_threshold(700, 7, 9)
        tune_gc()
        assert gc.get_threshold() == (GEN0_THRESHOLD, 7, 9)
        assert GEN0_THRESHOLD > 700
    finally:
        gc.set_threshold(*before)
