"""Bots and crawlers are not real users: their beacons are dropped (and counted)."""

from __future__ import annotations

from functools import lru_cache

from collector.context import BeaconContext


class BotFilter:
    def __init__(self, markers: list[str]) -> None:
        self.markers = tuple(m.lower() for m in markers if m)
        # User agents repeat across beacons: each distinct one is searched once. Only UAs of
        # ordinary length are kept (4096 of at most 512 characters: ~2 MiB).
        self._cached = lru_cache(maxsize=4096)(self._search)

    def _search(self, user_agent: str) -> bool:
        lowered = user_agent.lower()
        return any(marker in lowered for marker in self.markers)

    def __call__(self, context: BeaconContext) -> str | None:
        if context.spider:
            return "bot"
        if not context.user_agent:
            return "no_user_agent"
        agent = context.user_agent
        if self._cached(agent) if len(agent) <= 512 else self._search(agent):
            return "bot"
        return None
