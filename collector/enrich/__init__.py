"""Enrichment: named steps run in order on each beacon; each enriches the context or drops
the beacon with a reason (counted in /metrics as vitalscope_ingest_dropped_total)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from collector.context import BeaconContext
from collector.enrich.bots import BotFilter
from collector.enrich.cache_status import derive_cache_status
from collector.enrich.country import CountryFromHeader
from collector.enrich.error_groups import group_errors
from collector.enrich.event_window import EventWindow
from collector.enrich.receive_time import correct_clock_skew
from collector.enrich.scripts import ScriptParty
from collector.enrich.urls import UrlNormaliser
from collector.enrich.user_agent import parse_user_agent
from vitalscope.config.collector import CollectorSettings

# A step returns None to go on, or the reason it drops the beacon.
StepFunc = Callable[[BeaconContext], str | None]


@dataclass(frozen=True)
class Step:
    name: str
    run: StepFunc


def default_steps(settings: CollectorSettings) -> list[Step]:
    urls = UrlNormaliser(settings.url_query_allowlist, settings.page_groups)
    # Steps with settings are objects run through their bound __call__: calling the object
    # itself goes through its type's call slot, which builds an argument tuple on every call
    # (about 90 ns a step on every beacon).
    return [
        Step("receive_time", correct_clock_skew),
        Step("event_window",
             EventWindow(settings.event_max_age_s, settings.event_max_ahead_s).__call__),
        Step("user_agent", parse_user_agent),
        Step("bots", BotFilter(settings.bot_user_agents).__call__),
        Step("country", CountryFromHeader(settings.country_header).__call__),
        Step("url", urls.__call__),
        Step("cache_status", derive_cache_status),
        Step("error_groups", group_errors),
        # After `url`: a site without origins is judged by its page's host.
        Step("script_party", ScriptParty(urls).__call__),
    ]


def enrich(steps: list[Step], context: BeaconContext) -> str | None:
    """Runs the steps; the first drop reason ends the run and is returned."""
    for step in steps:
        reason = step.run(context)
        if reason is not None:
            return reason
    return None
