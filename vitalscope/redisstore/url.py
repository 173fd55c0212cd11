"""The forms of `redis_url`, parsed once: the settings validate with it at start (a wrong URL
is a clear error before any process runs) and `client.py` builds its clients from it.
No redis-py here: the settings import this module.

- `redis://[user:password@]host:port/db`, `rediss://...`, `unix://path?db=N`: one server.
- `redis+sentinel://[user:password@]host:port,host:port/SERVICE[/db][?options]`: the master
  of SERVICE, found through those sentinels (`rediss+sentinel://` for TLS). Options:
  `sentinel_username`, `sentinel_password` (when the sentinels themselves ask for one).
- `redis+cluster://[user:password@]host:port,host:port[/0]`: a Redis Cluster, reached first
  through any of the nodes named (`rediss+cluster://` for TLS). A cluster has database 0 only.

Passwords and names are percent-encoded as in any URL."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import parse_qs, unquote, urlsplit

Mode = Literal["single", "sentinel", "cluster"]

_SINGLE = ("redis://", "rediss://", "unix://")
_SERVICE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_HOST = re.compile(r"^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]{1,253})$")
_SENTINEL_OPTIONS = {"sentinel_username", "sentinel_password"}
FORMS = ("redis://, rediss://, unix://, redis+sentinel://host:port,host:port/SERVICE[/db] "
         "or redis+cluster://host:port,host:port")


class RedisUrlError(ValueError):
    """What is wrong with a `redis_url`; never carries the URL (it may hold a password)."""


@dataclass(frozen=True)
class RedisTarget:
    mode: Mode
    url: str = ""  # the URL itself, for mode "single" (redis-py parses it)
    nodes: tuple[tuple[str, int], ...] = ()  # sentinels or cluster seed nodes
    service: str = ""  # the Sentinel service name
    db: int = 0
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    sentinel_username: str | None = None
    sentinel_password: str | None = field(default=None, repr=False)
    tls: bool = False


def _nodes(netloc: str, scheme: str) -> tuple[tuple[str, int], ...]:
    nodes = []
    for part in netloc.split(","):
        host, colon, port = part.rpartition(":")
        if not colon or not port.isdigit() or not 0 < int(port) < 65536:
            raise RedisUrlError(f"{scheme}: each address needs host:port (got {part!r})")
        if not _HOST.match(host):
            raise RedisUrlError(f"{scheme}: {host!r} is not a host name or address")
        nodes.append((host.strip("[]"), int(port)))
    return tuple(nodes)


def parse(url: str) -> RedisTarget:
    """The target of `url`; RedisUrlError naming what is wrong otherwise."""
    if url.startswith(_SINGLE):
        return RedisTarget("single", url=url)
    scheme, sep, _ = url.partition("://")
    if not sep or scheme not in ("redis+sentinel", "rediss+sentinel", "redis+cluster",
                                 "rediss+cluster"):
        raise RedisUrlError(f"must start with one of {FORMS}")
    mode: Mode = "sentinel" if scheme.endswith("sentinel") else "cluster"
    # urlsplit would reject the comma-separated ports, so the authority is split by hand.
    rest = url[len(scheme) + 3:]
    authority, _, tail = rest.partition("/")
    path, _, query = tail.partition("?")
    if "?" in authority:
        authority, _, query = authority.partition("?")
    userinfo, at, hosts = authority.rpartition("@")
    if not hosts:
        raise RedisUrlError(f"{scheme}: name at least one host:port")
    username = password = None
    if at:
        user, colon, secret = userinfo.partition(":")
        username = unquote(user) or None
        password = unquote(secret) if colon else None
    options = {k: v[-1] for k, v in parse_qs(query, keep_blank_values=True).items()}
    nodes = _nodes(hosts, scheme)
    segments = [s for s in path.split("/") if s]
    if mode == "cluster":
        if options:
            raise RedisUrlError(f"{scheme}: takes no options (got {sorted(options)})")
        if segments not in ([], ["0"]):
            raise RedisUrlError(f"{scheme}: a Redis Cluster has database 0 only")
        return RedisTarget("cluster", nodes=nodes, username=username, password=password,
                           tls=scheme.startswith("rediss"))
    unknown = set(options) - _SENTINEL_OPTIONS
    if unknown:
        raise RedisUrlError(f"{scheme}: unknown option(s) {sorted(unknown)}; known: "
                            f"{sorted(_SENTINEL_OPTIONS)}")
    if not segments or len(segments) > 2 or not _SERVICE.match(segments[0]):
        raise RedisUrlError(f"{scheme}: the path is /SERVICE or /SERVICE/db, SERVICE being the "
                            "name the sentinels monitor (letters, digits, . _ -)")
    db = 0
    if len(segments) == 2:
        if not segments[1].isdigit():
            raise RedisUrlError(f"{scheme}: the database must be a number")
        db = int(segments[1])
    return RedisTarget("sentinel", nodes=nodes, service=segments[0], db=db,
                       username=username, password=password,
                       sentinel_username=options.get("sentinel_username") or None,
                       sentinel_password=options.get("sentinel_password") or None,
                       tls=scheme.startswith("rediss"))


def check(url: str) -> None:
    """Raises RedisUrlError for a URL no client can be built from."""
    target = parse(url)
    if target.mode == "single" and not url.startswith("unix://"):
        try:
            split = urlsplit(url)
            _ = split.port  # raises for a port out of range or not a number
        except ValueError:
            raise RedisUrlError("the port must be a number from 1 to 65535") from None
        if not split.hostname:
            raise RedisUrlError("name a host: redis://host:6379/0")
