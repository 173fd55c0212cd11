"""Which sites people looked at lately, and at which preset range: what dashboard/warm.py
keeps warm. One sorted set in Redis (`keys.DASHBOARD_VIEWS`) shared by every dashboard
process, `range:site` scored by the time of the last view, trimmed to the newest
`warm_sites * len(RANGES)` members and to `warm_view_s` on every write; so it stays small
whatever the traffic. Custom ranges are not default views and are not recorded."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable

import redis

from dashboard.filters import RANGES, Filters
from vitalscope.names import SITE_NAME
from vitalscope.redisstore import keys

# A process writes a view it already wrote at most this often: page loads, live refreshes
# and API calls then cost Redis one write per site and range every few seconds.
RECORD_EVERY_S = 5.0


class ViewLog:
    def __init__(self, client: redis.Redis | None, max_sites: int, keep_s: float,
                 clock: Callable[[], float] = time.time) -> None:
        self.client = client if max_sites > 0 else None
        self.max_sites = max_sites
        self.keep_s = keep_s
        self.clock = clock  # wall clock: the scores are shared by every process
        self._written: dict[str, float] = {}

    @property
    def enabled(self) -> bool:
        return self.client is not None

    def record(self, f: Filters) -> None:
        """Called for every page render and API answer; Redis trouble costs only warming."""
        if self.client is None or f.range not in RANGES:
            return
        member, now = f"{f.range}:{f.site}", self.clock()
        if now - self._written.get(member, float("-inf")) < RECORD_EVERY_S:
            return
        if len(self._written) >= 4 * self.max_sites * len(RANGES):
            self._written.clear()  # bounded; the worst case is one more write each
        self._written[member] = now
        pipe = self.client.pipeline(transaction=False)
        pipe.zadd(keys.DASHBOARD_VIEWS, {member: now})
        pipe.zremrangebyscore(keys.DASHBOARD_VIEWS, "-inf", now - self.keep_s)
        pipe.zremrangebyrank(keys.DASHBOARD_VIEWS, 0, -(self.max_sites * len(RANGES) + 1))
        pipe.expire(keys.DASHBOARD_VIEWS, int(self.keep_s) + 1)
        with contextlib.suppress(redis.RedisError):
            pipe.execute()

    def active(self) -> dict[str, list[str]]:
        """The `max_sites` sites viewed most recently within `keep_s`, newest first, each with
        the preset ranges viewed (newest first)."""
        if self.client is None:
            return {}
        members = self.client.zrevrangebyscore(keys.DASHBOARD_VIEWS, "+inf",
                                               self.clock() - self.keep_s)
        out: dict[str, list[str]] = {}
        for raw in members:
            range_, _, site = (raw.decode() if isinstance(raw, bytes) else str(raw)).partition(
                ":")
            if range_ not in RANGES or not SITE_NAME.fullmatch(site):
                continue  # not written by record(): never a query parameter
            if site not in out and len(out) >= self.max_sites:
                continue
            out.setdefault(site, []).append(range_)
        return out
