"""Enrichment steps on their own: cache status, page groups, URL scrubbing, fingerprints."""

from __future__ import annotations

import pytest

from collector.enrich.cache_status import cache_status
from collector.enrich.urls import UrlNormaliser, default_group
from collector.rows import error_fingerprint
from vitalscope.config.collector import PageGroupRule


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


def test_error_fingerprints_group_by_type_message_shape_and_file() -> None:
    a = error_fingerprint("TypeError", "x is undefined at 12", "https://s/app.js:10:5")
    b = error_fingerprint("TypeError", "x is undefined at 99", "https://s/app.js:88:1")
    c = error_fingerprint("TypeError", "x is undefined at 12", "https://s/other.js:10:5")
    assert a == b != c
    assert 0 <= a < 2**64
