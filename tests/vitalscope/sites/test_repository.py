from __future__ import annotations

import pytest
from clickhouse_connect.driver.client import Client
from pydantic import SecretStr

from vitalscope.config.sites import SiteConfig
from vitalscope.sites import SiteExists, SiteRepository
from vitalscope.sites.model import hash_server_key


def test_add_and_list(clickhouse: Client) -> None:
    repo = SiteRepository(clickhouse)
    created = repo.add("shop", ["https://Shop.example", "https://shop.example/"])
    assert created.key.startswith("pk_") and created.server_key
    [site] = repo.all()
    assert site.origins == ("https://shop.example",)
    assert site.server_key_hash == hash_server_key(created.server_key)
    assert site.server_key_matches(created.server_key)
    assert not site.server_key_matches(created.server_key + "x")
    assert created.server_key not in repr(repo.all())
    with pytest.raises(SiteExists):
        repo.add("shop")


@pytest.mark.parametrize(("name", "origins"), [("Shop", []), ("a b", []),
                                               ("ok", ["ftp://x"]), ("ok", ["https://x/p"])])
def test_add_refuses_bad_input(clickhouse: Client, name: str, origins: list[str]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - the message is checked by the CLI tests
        SiteRepository(clickhouse).add(name, origins)
    assert SiteRepository(clickhouse).all() == []


def test_origin_rules() -> None:
    from vitalscope.sites.model import Site

    open_site = Site("a", "pk", "h")
    closed = Site("b", "pk", "h", ("https://b.example",))
    assert open_site.allows_origin(None) and open_site.allows_origin("https://x")
    assert closed.allows_origin("https://B.example") and not closed.allows_origin(None)
    assert not closed.allows_origin("https://b.example.evil")


def test_declared_sites_are_created_then_kept_in_step(clickhouse: Client) -> None:
    repo = SiteRepository(clickhouse)
    declared = [SiteConfig(name="shop", origins=["https://shop.example"]),
                SiteConfig(name="blog", key="pk_fixed", server_key=SecretStr("sk_given"))]
    created = {c.site: c for c in repo.sync_declared(declared)}
    assert created["blog"].key == "pk_fixed" and created["blog"].server_key is None
    assert created["shop"].server_key
    before = repo.get("shop")
    assert before is not None
    assert repo.sync_declared(declared) == []
    changed = [SiteConfig(name="shop", origins=["https://www.shop.example"], enabled=False)]
    repo.sync_declared(changed)
    shop = repo.get("shop")
    assert shop is not None
    assert shop.origins == ("https://www.shop.example",) and not shop.enabled
    assert shop.public_key == before.public_key
    blog = repo.get("blog")
    assert blog is not None and blog.server_key_matches("sk_given")
