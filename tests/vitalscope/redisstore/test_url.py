"""The forms of `redis_url`: each parsed into what the clients are built from, and a wrong
one refused at start with an error naming what is wrong (and never the password)."""

from __future__ import annotations

import pytest

from vitalscope.config import load_settings
from vitalscope.config.errors import ConfigError
from vitalscope.redisstore.url import RedisUrlError, parse


def test_a_sentinel_url_names_the_service_the_sentinels_and_the_passwords() -> None:
    target = parse("redis+sentinel://app:p%40ss@10.0.0.1:26379,[::1]:26380/vitalscope/2"
                   "?sentinel_password=s%2Fecret")
    assert target.mode == "sentinel"
    assert target.nodes == (("10.0.0.1", 26379), ("::1", 26380))
    assert (target.service, target.db) == ("vitalscope", 2)
    assert (target.username, target.password) == ("app", "p@ss")
    assert target.sentinel_password == "s/ecret"
    assert not target.tls
    assert "p@ss" not in repr(target)
    assert parse("rediss+sentinel://h:1/s").tls
    assert parse("redis+sentinel://h:1/s").db == 0


def test_a_cluster_url_names_its_seed_nodes() -> None:
    target = parse("redis+cluster://:pw@h1:7000,h2:7001/0")
    assert target.mode == "cluster"
    assert target.nodes == (("h1", 7000), ("h2", 7001))
    assert target.password == "pw"
    assert parse("redis://localhost:6379/0").mode == "single"
    assert parse("unix:///tmp/r.sock").mode == "single"


@pytest.mark.parametrize(("url", "says"), [
    ("http://h:6379", "must start with one of"),
    ("redis+sentinel://h:26379", "the path is /SERVICE"),
    ("redis+sentinel://h:26379/bad name!", "the path is /SERVICE"),
    ("redis+sentinel://h:26379/s/x", "the database must be a number"),
    ("redis+sentinel://h/s", "needs host:port"),
    ("redis+sentinel://h:99999/s", "needs host:port"),
    ("redis+sentinel://h:1/s?sentinel_pasword=x", "unknown option"),
    ("redis+cluster://h:7000/3", "database 0 only"),
    ("redis+cluster://h:7000?x=1", "takes no options"),
    ("redis+cluster://", "at least one host:port"),
])
def test_a_wrong_url_says_what_is_wrong(url: str, says: str) -> None:
    with pytest.raises(RedisUrlError, match=says):
        parse(url)


def test_the_settings_refuse_a_wrong_url_without_showing_its_password() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(redis_url="redis+sentinel://:hunter2@h:26379/s/x")
    assert "the database must be a number" in str(caught.value)
    assert "hunter2" not in str(caught.value)
    with pytest.raises(ConfigError, match="not supported with a Redis Cluster"):
        load_settings(redis_url="redis+cluster://h:7000",
                      collector={"replica_acks": 1})
    with pytest.raises(ConfigError, match="the port must be a number"):
        load_settings(redis_url="redis://h:99999/0")
    assert load_settings(redis_url="redis+sentinel://h:26379/s").redis_url is not None
