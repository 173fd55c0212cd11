"""The buckets a process remembers empty (collector/cooldowns.py): until when, and a bound."""

from __future__ import annotations

from collector.cooldowns import Cooldowns


def test_a_bucket_is_empty_until_its_token_and_then_forgotten() -> None:
    cooldowns = Cooldowns()
    cooldowns.note("ip:a", now_ms=1_000, wait_ms=1_500)
    assert cooldowns.wait_ms("ip:a", 1_000) == 1_500
    assert cooldowns.wait_ms("ip:a", 2_499) == 1
    assert cooldowns.wait_ms("ip:b", 1_000) == 0
    assert cooldowns.wait_ms("ip:a", 2_500) == 0
    assert len(cooldowns) == 0


def test_a_later_answer_replaces_an_earlier_one() -> None:
    cooldowns = Cooldowns()
    cooldowns.note("site:shop", now_ms=0, wait_ms=5_000)
    cooldowns.note("site:shop", now_ms=100, wait_ms=200)
    assert cooldowns.wait_ms("site:shop", 100) == 200


def test_the_buckets_remembered_are_bounded_expired_ones_going_first() -> None:
    cooldowns = Cooldowns(max_keys=3)
    cooldowns.note("ip:old", now_ms=0, wait_ms=10)
    cooldowns.note("ip:a", now_ms=0, wait_ms=1_000)
    cooldowns.note("ip:b", now_ms=0, wait_ms=1_000)
    cooldowns.note("ip:c", now_ms=50, wait_ms=1_000)  # ip:old has expired: it goes
    assert len(cooldowns) == 3
    assert cooldowns.wait_ms("ip:a", 50) == 950
    cooldowns.note("ip:d", now_ms=60, wait_ms=1_000)  # none expired: the oldest, ip:a, goes
    assert len(cooldowns) == 3
    assert cooldowns.wait_ms("ip:a", 60) == 0
    assert [cooldowns.wait_ms(k, 60) for k in ("ip:b", "ip:c", "ip:d")] == [940, 990, 1_000]
