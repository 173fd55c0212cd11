"""Browser, OS and device class from the User-Agent with ua-parser (a maintained parser)."""

from __future__ import annotations

from functools import lru_cache

from ua_parser import parse

from collector.context import BeaconContext

_TABLETS = ("ipad", "tablet", "kindle", "silk/", "playbook")


@lru_cache(maxsize=4096)
def _parse(user_agent: str) -> tuple[str, str, str, str, bool]:
    """(browser, major version, os, device class, spider) of a user agent; UAs repeat a lot."""
    result = parse(user_agent)
    agent, system, device = result.user_agent, result.os, result.device
    browser = agent.family if agent else "Other"
    version = (agent.major or "") if agent else ""
    os_name = system.family if system else "Other"
    spider = bool(device and device.family == "Spider")
    lowered = user_agent.lower()
    if any(marker in lowered for marker in _TABLETS):
        device_class = "tablet"
    elif "mobi" in lowered or (os_name in ("Android", "iOS") and "ipad" not in lowered):
        device_class = "mobile"
    else:
        device_class = "desktop"
    return browser, version, os_name, device_class, spider


def parse_user_agent(context: BeaconContext) -> str | None:
    if not context.user_agent:
        context.device = context.beacon.dev or ""
        return None
    browser, version, os_name, device_class, spider = _parse(context.user_agent[:512])
    context.browser, context.browser_version, context.os = browser, version, os_name
    # The SDK's own device class (from the page) wins over a guess from the UA string.
    context.device = context.beacon.dev or device_class
    context.spider = spider
    return None
