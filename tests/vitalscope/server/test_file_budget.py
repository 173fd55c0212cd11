"""The connection cap comes out of the open-files limit: raised to the hard limit when that
helps, lowered below http.max_connections when the limit cannot hold it, refused at start
when nothing useful is left."""

from __future__ import annotations

import json
import resource
import subprocess
import sys

import pytest

from vitalscope.config.http import HttpSettings
from vitalscope.runtime import StartupError
from vitalscope.server.limits.budget import FileHandleBudget
from vitalscope.server.limits.edge import effective_cap

PROBE = ("import json; from vitalscope.server.limits.budget import file_handle_budget as f;"
         "b = f(128, 1000); import resource;"
         "print(json.dumps([b.limit, b.raised_from, b.connection_ceiling,"
         " resource.getrlimit(resource.RLIMIT_NOFILE)[0]]))")


def _probe(soft: int, hard: int) -> list[int | None]:
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))

    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                          timeout=60, check=True, preexec_fn=limit)
    result: list[int | None] = json.loads(done.stdout)
    return result


def _hard(at_most: int) -> int:
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    return at_most if hard == resource.RLIM_INFINITY else min(hard, at_most)


def test_a_low_soft_limit_is_raised_to_the_hard_limit() -> None:
    target = _hard(4096)
    limit, raised_from, ceiling, soft_now = _probe(256, target)
    assert (limit, raised_from, soft_now) == (target, 256, target)
    assert ceiling is not None and 0 < ceiling < target - 128


def test_a_soft_limit_that_holds_the_connections_is_left_alone() -> None:
    limit, raised_from, _, soft_now = _probe(2048, _hard(4096))
    assert (limit, raised_from, soft_now) == (2048, None, 2048)


def test_the_cap_is_the_smaller_of_the_setting_and_what_the_limit_leaves() -> None:
    budget = FileHandleBudget(limit=1024, raised_from=None, open_at_start=80, reserve=512)
    assert effective_cap(HttpSettings(max_connections=4096), budget) == 1024 - 80 - 512
    assert effective_cap(HttpSettings(max_connections=100), budget) == 100


def test_a_limit_that_leaves_nothing_for_connections_stops_start_up() -> None:
    budget = FileHandleBudget(limit=256, raised_from=None, open_at_start=80, reserve=200)
    with pytest.raises(StartupError, match=r"open-files limit \(256\) leaves 0 handles.*ulimit"):
        effective_cap(HttpSettings(), budget)
