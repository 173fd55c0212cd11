"""What every command shares: --config/--data options, settings, and user-facing errors."""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from vitalscope.app.settings import load_settings
from vitalscope.config import ConfigError, Settings
from vitalscope.datadir import DataDirInUse
from vitalscope.redisstore.embedded import RedisUnavailable
from vitalscope.runtime import StartupError
from vitalscope.storage.clickhouse import ClickHouseUnavailable
from vitalscope.storage.migrator import MigrationError

F = TypeVar("F", bound=Callable[..., Any])

# Failures a user can act on: one line on stderr, no traceback.
USER_ERRORS: tuple[type[Exception], ...] = (
    DataDirInUse, StartupError, ClickHouseUnavailable, RedisUnavailable, MigrationError,
)


def fail(message: str, code: int = 1) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def settings_options(func: F) -> F:
    """--config and --data on a command; they override VITALSCOPE_CONFIG / VITALSCOPE_DATA."""
    func = click.option(
        "--data", "data", type=click.Path(path_type=Path), default=None,
        help="Data folder (embedded mode). Default: $VITALSCOPE_DATA or ./data.",
    )(func)
    func = click.option(
        "--config", "config", type=click.Path(path_type=Path), default=None,
        help="YAML configuration file. Default: $VITALSCOPE_CONFIG.",
    )(func)
    return func


def load(config: Path | None, **overrides: Any) -> Settings:
    try:
        settings = load_settings(config, **overrides)
    except ConfigError as exc:
        for line in exc.lines:
            click.echo(line, err=True)
        sys.exit(2)
    setup_logging(settings.log_level)
    return settings


def user_errors(func: F) -> F:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except USER_ERRORS as exc:
            fail(str(exc))
        except ConfigError as exc:
            for line in exc.lines:
                click.echo(line, err=True)
            sys.exit(2)

    return wrapper  # type: ignore[return-value]


def setup_logging(level: str) -> None:
    logging.basicConfig(
        level=level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
        force=True,
    )
    # Their retry warnings repeat what our one-line errors already say.
    for noisy in ("urllib3", "clickhouse_connect", "httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
