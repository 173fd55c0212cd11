"""Bots and crawlers are not real users: their beacons are dropped (and counted)."""

from __future__ import annotations

from collector.context import BeaconContext


class BotFilter:
    def __init__(self, markers: list[str]) -> None:
        self.markers = tuple(m.lower() for m in markers if m)

    def __call__(self, context: BeaconContext) -> str | None:
        if context.spider:
            return "bot"
        lowered = context.user_agent.lower()
        if not lowered:
            return "no_user_agent"
        if any(marker in lowered for marker in self.markers):
            return "bot"
        return None
