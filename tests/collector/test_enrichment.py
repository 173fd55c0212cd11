"""Enrichment steps on their own: cache status, page groups, URL scrubbing, fingerprints."""

from __future__ import annotations

import msgspec
import pytest

import collector.enrich.cache_status as cache_statuses
from collector.context import BeaconContext
from collector.enrich import default_steps, enrich
from collector.enrich.cache_status import cache_status, derive_cache_status
from collector.enrich.scripts import ScriptParty, party
from collector.enrich.urls import UrlNormaliser, default_group, host_of
from collector.rows import error_fingerprint
from collector.wire import BEACON_DECODER, MAX_EVENTS
from tests.collector.beacons import CHROME_UA
from vitalscope.config.collector import CollectorSettings, PageGroupRule
from vitalscope.sites import Site


@pytest.mark.parametrize(("name", "description", "status"), [
    ("cache", "HIT", "hit"),
    ("cdn-cache", "MISS", "miss"),
    ("edge_cache", "STALE (revalidating)", "stale"),
    ("cache", "TCP_HIT", "hit"),
    ("varnish-cache", "pass", "bypass"),
    ("cache", "expired", "expired"),
    ("cache", None, ""),
    ("db", "HIT", ""),  # not a cache entry
    ("cache", "warm", ""),
])
def test_cache_status(name: str, description: str | None, status: str) -> None:
    assert cache_status(name, description) == status


def _timings_context(entries: list[tuple[str, str]]) -> BeaconContext:
    events = [{"t": "st", "id": f"s{i}", "ts": 1.7e12, "n": name, "desc": description}
              for i, (name, description) in enumerate(entries)]
    raw = msgspec.json.encode({"v": 1, "pv": "pv-00000001", "sid": "sid-00000001",
                               "url": "https://shop.example/", "st": 1.7e12, "sent": 1.7e12,
                               "e": events})
    return BeaconContext(Site("shop", "pk_x", "h", ()), *BEACON_DECODER.decode_sorted(raw), 2)


def test_the_cache_of_statuses_stays_bounded_and_right_past_its_bound() -> None:
    # Every description new (a hostile sender's), then the common ones again.
    for start in range(0, 3 * cache_statuses.MAX_KNOWN, MAX_EVENTS):
        context = _timings_context([("cache", f"HIT {i}")
                                    for i in range(start, start + MAX_EVENTS)])
        derive_cache_status(context)
        assert set(context.cache_status.values()) == {"hit"}
        assert len(context.cache_status) == MAX_EVENTS
        assert sum(map(len, cache_statuses._known.values())) <= cache_statuses.MAX_KNOWN
    context = _timings_context([("cdn-cache", "MISS"), ("db", "HIT"), ("Cache", "stale")])
    derive_cache_status(context)
    assert context.cache_status == {"s0": "miss", "s2": "stale"}


@pytest.mark.parametrize(("path", "group"), [
    ("/", "/"),
    ("/product/42", "/product/:id"),
    ("/order/3f2a9c1e-1b2c-4d5e-8f90-123456789abc/items", "/order/:id/items"),
    ("/blog/how-we-cache", "/blog/how-we-cache"),
    ("/u/a1b2c3d4e5f6a7b8c9d0", "/u/:id"),
])
def test_default_page_groups(path: str, group: str) -> None:
    assert default_group(path) == group


def test_urls_keep_only_allow_listed_query_parameters_and_apply_rules() -> None:
    urls = UrlNormaliser(["page"], [PageGroupRule(pattern=r"^/p/", group="/p/*")])
    assert urls.scrub("https://Shop.Example:443/p/x?page=2&email=a%40b.c#top") == (
        "https://shop.example/p/x?page=2", "/p/x")
    assert urls.scrub("http://shop.example:8080/") == ("http://shop.example:8080/", "/")
    assert urls.scrub("https://shop.example/a?token=1") == ("https://shop.example/a", "/a")
    assert urls.group("/p/x") == "/p/*" and urls.group("/q/7") == "/q/:id"
    assert urls.scrub("https://[::1") == ("", "")
    assert urls.scrub("https://user:secret@[2001:db8::1]:8443/x") == (
        "https://[2001:db8::1]:8443/x", "/x")


@pytest.mark.parametrize(("url", "scrubbed"), [
    # A browser reads a backslash before the query as a slash (WHATWG URL): these are
    # pages of shop.example, whatever urlsplit alone would make of them.
    ("https://shop.example\\@evil.example/", ("https://shop.example/@evil.example/",
                                              "/@evil.example/")),
    ("https://user:pw@shop.example\\evil.example/x", ("https://shop.example/evil.example/x",
                                                     "/evil.example/x")),
    ("HTTP://shop.example\\p\\1", ("http://shop.example/p/1", "/p/1")),
    # After the query a backslash stays what it is, and is dropped with the query.
    ("https://shop.example/a?next=\\@evil.example", ("https://shop.example/a", "/a")),
    ("https://shop.example/a#\\@evil.example", ("https://shop.example/a", "/a")),
])
def test_urls_read_backslashes_as_browsers_do(url: str, scrubbed: tuple[str, str]) -> None:
    urls = UrlNormaliser([], [])
    assert urls.scrub(url) == scrubbed


@pytest.mark.parametrize(("url", "host"), [
    ("https://shop.example\\@evil.example/", "shop.example"),
    ("https://Shop.Example/x?\\@evil.example", "shop.example"),
    ("android-app://com.example.app\\x", "com.example.app\\x"),  # not a special scheme
    ("https://[::1", ""),
    ("no url", ""),
])
def test_hosts_of_referrers_and_scripts_read_as_browsers_do(url: str, host: str) -> None:
    assert host_of(url) == host


def test_error_fingerprints_group_by_type_message_shape_and_file() -> None:
    a = error_fingerprint("TypeError", "x is undefined at 12", "https://s/app.js:10:5")
    b = error_fingerprint("TypeError", "x is undefined at 99", "https://s/app.js:88:1")
    c = error_fingerprint("TypeError", "x is undefined at 12", "https://s/other.js:10:5")
    assert a == b != c
    assert 0 <= a < 2**64


@pytest.mark.parametrize(("host", "party_of"), [
    ("shop.example", "first"),
    ("cdn.shop.example", "first"),  # a subdomain of an origin's host
    ("a.b.shop.example", "first"),
    ("evilshop.example", "third"),  # a suffix, not a subdomain
    ("shop.example.evil.test", "third"),
    ("widgets.other.example", "third"),
    ("", ""),  # no host: unknown
])
def test_script_party_by_host_against_the_origins(host: str, party_of: str) -> None:
    assert party(host, ("shop.example", "www.shop.test")) == party_of


def _context(origins: tuple[str, ...], script_url: str) -> BeaconContext:
    raw = (b'{"v":1,"pv":"pv-12345678","sid":"sid-12345678","url":"https://app.shop.test/x",'
           b'"st":1,"sent":2,"e":[{"t":"vital","id":"v1","ts":1,"n":"INP","val":300,'
           b'"a":{"scr":{"url":"' + script_url.encode() + b'","dur":120}}}]}')
    context = BeaconContext(Site("shop", "pk_x", "h", origins),
                            *BEACON_DECODER.decode_sorted(raw), 2)
    context.url = "https://app.shop.test/x"  # as the `url` step leaves it
    return context


def test_script_step_scrubs_the_url_and_judges_by_origins_or_else_the_page() -> None:
    step = ScriptParty(UrlNormaliser([], []))
    context = _context(("https://shop.example",), "https://CDN.Shop.Example/app.js?token=s#x")
    assert step(context) is None
    found = context.scripts["v1"]
    assert (found.url, found.host, found.party) == (
        "https://cdn.shop.example/app.js", "cdn.shop.example", "first")
    # No origins: the page's host (app.shop.test) decides; its parent domain is not its own.
    context = _context((), "https://static.app.shop.test/a.js")
    step(context)
    assert context.scripts["v1"].party == "first"
    context = _context((), "https://shop.test/a.js")
    step(context)
    assert context.scripts["v1"].party == "third"
    context = _context(("https://shop.example",), "blob:https://shop.example/uuid?k=v")
    step(context)
    assert (context.scripts["v1"].url, context.scripts["v1"].party) == (
        "blob:https://shop.example/uuid", "")


def test_steps_after_the_window_see_only_the_events_it_kept() -> None:
    now = 1.7e12
    old = now - 30 * 86_400_000  # past the default window of 7 days

    def events(suffix: str, ts: float) -> list[dict[str, object]]:
        return [
            {"t": "st", "id": f"s{suffix}", "ts": ts, "n": "cache", "desc": "HIT"},
            {"t": "err", "id": f"e{suffix}", "ts": ts, "msg": f"TypeError: {suffix}"},
            {"t": "vital", "id": f"v{suffix}", "ts": ts, "n": "INP", "val": 200,
             "a": {"tgt": "#buy", "scr": {"url": f"https://shop.example/{suffix}.js"}}}]

    raw = msgspec.json.encode({"v": 1, "pv": "pv-00000001", "sid": "sid-00000001",
                               "url": "https://shop.example/", "st": now, "sent": now,
                               "e": events("old", old) + events("new", now)})
    context = BeaconContext(Site("shop", "pk_x", "h", ("https://shop.example",)),
                            *BEACON_DECODER.decode_sorted(raw), int(now), CHROME_UA)
    assert enrich(default_steps(CollectorSettings()), context) is None
    assert context.dropped_events == 3
    assert set(context.cache_status) == {"snew"}
    assert set(context.error_groups) == {"enew"}
    assert set(context.scripts) == {"vnew"}
    assert [e.id for e in context.kinds.attributed] == ["vnew"]
