"""`vitalscope serve` on the tests' own Redis, so a test can look at what sign-in keeps."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.support.serve import ServeProcess, clean_env
from vitalscope.redisstore.embedded import EmbeddedRedis

PASSWORD = "plum-Orbit-7-quietly-sings"
USER = "alice"

ServeMaker = Callable[..., ServeProcess]


@pytest.fixture
def auth_serve(serve_factory: Callable[..., ServeProcess], redis_server: EmbeddedRedis,
               redis_client: Any) -> ServeMaker:
    """A started serve on the shared Redis (flushed per test) with a user and password."""

    def make(**env: str) -> ServeProcess:
        settings = {"VITALSCOPE_REDIS_URL": redis_server.url,
                    "VITALSCOPE_DASHBOARD__USERNAME": USER,
                    "VITALSCOPE_DASHBOARD__PASSWORD": PASSWORD, **env}
        return serve_factory(env=clean_env(**settings)).start()

    return make
