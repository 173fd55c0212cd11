"""Keys of an earlier Vitalscope move to their hash-tagged names at start: queued beacons
(with their consumer group and pending entries), alert state and sessions carry over."""

from __future__ import annotations

import redis

from vitalscope.redisstore import keys, layout


def test_the_earlier_keys_move_once_with_their_data(redis_client: redis.Redis) -> None:
    old_stream = next(old for old, new in keys.LEGACY_RENAMED.items() if new == keys.STREAM)
    redis_client.xgroup_create(old_stream, keys.GROUP, id="0", mkstream=True)
    entry = redis_client.xadd(old_stream, {"b": b"queued"})
    redis_client.xreadgroup(keys.GROUP, "flusher-1", {old_stream: ">"})
    redis_client.hset("vs:alerts:state", "fp", "{}")
    redis_client.hset("vs:auth:session:abc", "u", "admin")
    redis_client.set(keys.legacy_site_generation("shop"), 7)
    redis_client.set("vs:dash:q:shop:7:x:y", "cached")  # untagged before and after

    assert layout.upgrade(redis_client) == 4
    assert redis_client.xrange(keys.STREAM) == [(entry, {b"b": b"queued"})]
    assert redis_client.xpending(keys.STREAM, keys.GROUP)["pending"] == 1
    assert redis_client.hget(keys.ALERTS_STATE, "fp") == b"{}"
    assert redis_client.hget(keys.session("abc"), "u") == b"admin"
    assert redis_client.get(keys.site_generation("shop")) == b"7"
    assert not redis_client.exists(old_stream, "vs:alerts:state", "vs:auth:session:abc",
                                   keys.legacy_site_generation("shop"))
    assert redis_client.get("vs:dash:q:shop:7:x:y") == b"cached"

    # Once done, later starts do not scan again, and an old key written since stays.
    redis_client.set(keys.legacy_site_generation("blog"), 1)
    assert layout.upgrade(redis_client) == 0
    assert redis_client.exists(keys.legacy_site_generation("blog"))


def test_a_key_present_under_both_names_is_left_as_it_is(redis_client: redis.Redis) -> None:
    redis_client.set(keys.legacy_site_generation("shop"), 3)
    redis_client.set(keys.site_generation("shop"), 5)
    assert layout.upgrade(redis_client) == 0
    assert redis_client.get(keys.site_generation("shop")) == b"5"
    assert redis_client.get(keys.legacy_site_generation("shop")) == b"3"


def test_cardinality_sets_of_layout_2_move_under_their_site_and_day(
        redis_client: redis.Redis) -> None:
    redis_client.set(keys.LAYOUT, "2")
    redis_client.sadd(keys.legacy_cardinality_set("shop", "page_group", "20424"), "/a", "/b")
    redis_client.expire(keys.legacy_cardinality_set("shop", "page_group", "20424"), 3600)
    redis_client.sadd(keys.legacy_cardinality_set("my-blog", "tag_value", "20425"), "x")
    redis_client.sadd(keys.cardinality_set("shop", "release", 20424), "v1")  # already moved

    assert layout.upgrade(redis_client) == 2
    moved = keys.cardinality_set("shop", "page_group", 20424)
    assert redis_client.smembers(moved) == {b"/a", b"/b"}
    assert 0 < redis_client.ttl(moved) <= 3600  # still expires as it would have
    assert redis_client.smembers(keys.cardinality_set("my-blog", "tag_value", 20425)) == {b"x"}
    assert redis_client.smembers(keys.cardinality_set("shop", "release", 20424)) == {b"v1"}
    every = sorted(k.decode() for k in redis_client.scan_iter(match=keys.CARDINALITY + "*"))
    assert every == sorted([moved, keys.cardinality_set("my-blog", "tag_value", 20425),
                            keys.cardinality_set("shop", "release", 20424)])
    assert redis_client.get(keys.LAYOUT) == layout.VERSION
    assert layout.upgrade(redis_client) == 0
