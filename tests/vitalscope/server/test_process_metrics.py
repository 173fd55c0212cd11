"""/metrics over several processes (vitalscope/server/procs/metrics.py): the answering
process's live values plus every other process's snapshot, counters and histograms summed,
gauges and store-read counts its own. Another process's snapshot is made here the way that
process makes it (`write`), then renamed to another pid."""

from __future__ import annotations

from pathlib import Path

from prometheus_client import Counter, Gauge, Histogram
from prometheus_client.parser import text_string_to_metric_families

from vitalscope.server.procs.metrics import MetricsShare, store_read

COUNTER = Counter("vstest_procs_things", "Things.", ["kind"])
HISTOGRAM = Histogram("vstest_procs_seconds", "Seconds.", buckets=(1.0, 10.0))
GAUGE = Gauge("vstest_procs_depth", "Depth.")
SHARED = Counter("vstest_procs_shared", "Kept in Redis.")
store_read("vstest_procs_shared")


def _samples(body: bytes) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(body.decode())
            for s in family.samples if s.name.startswith("vstest_procs")}


def test_other_processes_counters_and_histograms_are_added_gauges_are_not(
        tmp_path: Path) -> None:
    share = MetricsShare(tmp_path)
    COUNTER.labels("a").inc(2)
    HISTOGRAM.observe(0.5)
    GAUGE.set(5)
    SHARED.inc(4)
    share.write()
    share.path.rename(tmp_path / "1.json")  # an exited process's last snapshot
    share.write()
    share.path.rename(tmp_path / "2.json")  # and a live one's: both count

    COUNTER.labels("a").inc(3)
    COUNTER.labels("b").inc(1)
    HISTOGRAM.observe(5.0)
    GAUGE.set(7)
    samples = _samples(share.exposition())
    assert samples[("vstest_procs_things_total", (("kind", "a"),))] == 5 + 2 + 2
    assert samples[("vstest_procs_things_total", (("kind", "b"),))] == 1
    assert samples[("vstest_procs_seconds_count", ())] == 2 + 1 + 1
    assert samples[("vstest_procs_seconds_bucket", (("le", "1.0"),))] == 1 + 1 + 1
    assert samples[("vstest_procs_seconds_sum", ())] == 5.5 + 0.5 + 0.5
    assert samples[("vstest_procs_depth", ())] == 7  # this process's own
    assert samples[("vstest_procs_shared_total", ())] == 4  # Redis's count, not 3 x 4
    created = samples[("vstest_procs_things_created", (("kind", "a"),))]
    assert created == COUNTER.labels("a")._created  # the earliest: the same series here


def test_a_process_alone_answers_with_its_own_registry(tmp_path: Path) -> None:
    share = MetricsShare(tmp_path)
    share.write()
    before = _samples(share.exposition())
    COUNTER.labels("c").inc()
    after = _samples(share.exposition())
    assert after[("vstest_procs_things_total", (("kind", "c"),))] == \
        before.get(("vstest_procs_things_total", (("kind", "c"),)), 0) + 1
