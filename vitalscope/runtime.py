"""What a process holds while it runs: settings, the data-folder lock, Redis, ClickHouse.

`Runtime.open` brings them up in order and `close` takes them down in reverse, so every
entry point (serve, the distributed roles, CLI commands, tests) shares one start-up path.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from enum import StrEnum

import redis
from clickhouse_connect.driver.client import Client

from vitalscope.config import Settings
from vitalscope.datadir import DataDir, FolderLock
from vitalscope.redisstore import layout
from vitalscope.redisstore.client import is_cluster, sync_client
from vitalscope.redisstore.embedded import EmbeddedRedis
from vitalscope.storage.clickhouse import connect
from vitalscope.storage.migrator import Migrator

log = logging.getLogger("vitalscope")

ADMIN_TOKEN_SECRET = "admin-token"  # noqa: S105 - a file name, not a secret


class Role(StrEnum):
    SERVE = "serve"
    COLLECTOR = "collector"
    WORKER = "worker"
    DASHBOARD = "dashboard"
    CLI = "cli"


class StartupError(Exception):
    """Start-up cannot go on; the message says why and what to do."""


@dataclass
class Runtime:
    settings: Settings
    role: Role
    datadir: DataDir
    lock: FolderLock | None = None
    embedded_redis: EmbeddedRedis | None = None
    redis_url: str | None = None
    clickhouse: Client | None = None
    admin_token: str | None = None
    admin_token_created: bool = False
    _redis: redis.Redis | None = field(default=None, repr=False)

    @classmethod
    def open(cls, settings: Settings, role: Role, *, with_redis: bool = True,
             with_clickhouse: bool = True, migrate: bool = False) -> Runtime:
        runtime = cls(settings, role, DataDir(settings.data_dir))
        try:
            runtime._open(with_redis, with_clickhouse, migrate)
        except BaseException:
            runtime.close()
            raise
        return runtime

    def _open(self, with_redis: bool, with_clickhouse: bool, migrate: bool) -> None:
        settings = self.settings
        distributed = self.role in (Role.COLLECTOR, Role.WORKER, Role.DASHBOARD)
        if distributed and settings.embedded_clickhouse:
            raise StartupError(
                f"`vitalscope {self.role}` is a distributed role and needs a ClickHouse server: "
                "set VITALSCOPE_CLICKHOUSE_URL=http://host:8123 (or run `vitalscope serve`)"
            )
        if distributed and settings.embedded_redis:
            raise StartupError(
                f"`vitalscope {self.role}` is a distributed role and needs a Redis server: "
                "set VITALSCOPE_REDIS_URL=redis://host:6379/0 (or run `vitalscope serve`)"
            )
        needs_folder = (with_clickhouse and settings.embedded_clickhouse) or (
            with_redis and settings.embedded_redis)
        if needs_folder:
            self.lock = FolderLock(self.datadir)
            self.lock.acquire()
        if with_redis:
            if settings.redis_url is not None:
                self.redis_url = settings.redis_url.get_secret_value()
            else:
                self.embedded_redis = EmbeddedRedis(
                    self.datadir.redis_dir, settings.redis_appendfsync,
                    settings.redis_server_binary, settings.redis_maxmemory_mib,
                )
                self.embedded_redis.start()
                self.redis_url = self.embedded_redis.url
            if not is_cluster(self.redis_url):
                try:
                    layout.upgrade(self.redis)
                except (redis.RedisError, OSError) as exc:
                    # A role starts while Redis is down and answers 503 until it is back;
                    # the next process to start moves the keys.
                    log.warning("Redis key layout not checked (%s)", type(exc).__name__)
        if with_clickhouse:
            self.clickhouse = connect(settings, create_database=migrate)
            if migrate:
                applied = Migrator(self.clickhouse, settings.clickhouse_cluster).apply()
                for migration in applied:
                    log.info("applied migration %s", migration.file_name)
        if settings.admin_token is not None:
            self.admin_token = settings.admin_token.get_secret_value()
        elif self.role in (Role.SERVE, Role.CLI) or not distributed:
            self.admin_token, self.admin_token_created = self.datadir.secret(ADMIN_TOKEN_SECRET)

    def new_clickhouse_client(self) -> Client:
        """Another client for a thread of its own (chDB clients of one folder run queries
        concurrently; HTTP clients keep their own connection pool)."""
        return connect(self.settings)

    @property
    def redis(self) -> redis.Redis:
        if self.redis_url is None:
            raise RuntimeError("this runtime was opened without Redis")
        if self._redis is None:
            self._redis = sync_client(self.redis_url)
        return self._redis

    def require_clickhouse(self) -> Client:
        if self.clickhouse is None:
            raise RuntimeError("this runtime was opened without ClickHouse")
        return self.clickhouse

    def close(self) -> None:
        if self._redis is not None:
            self._redis.close()
            self._redis = None
        if self.clickhouse is not None:
            self.clickhouse.close()
            self.clickhouse = None
        if self.embedded_redis is not None:
            self.embedded_redis.stop()
            self.embedded_redis = None
        if self.lock is not None:
            self.lock.release()
            self.lock = None
