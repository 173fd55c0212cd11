"""Cost of the cardinality caps on the ingest hot path, in one process: per beacon (the
ingest benchmark's: 5 vitals + 3 server timings, plus 3 tags), decode + enrichment + row
building + entry encoding with and without the fold stage, in the steady state (every
value already admitted, so no Redis call), alternating beacon by beacon so a busy moment of
the machine hits both sides; the fastest round of each side. Starts an embedded Redis for
the first admission; needs no server."""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from pathlib import Path

from bench.common import emit
from bench.loadgen import ST_PLACEHOLDER, USER_AGENT, beacon_template
from collector import metrics
from collector.cardinality.admission import Admission
from collector.cardinality.fold import CardinalityFold
from collector.context import BeaconContext
from collector.enrich import Step, default_steps, enrich
from collector.enrich.urls import UrlNormaliser
from collector.payload import encode_entry
from collector.rows import beacon_rows
from collector.wire import BEACON_DECODER
from vitalscope.config.collector import CollectorSettings
from vitalscope.redisstore.embedded import EmbeddedRedis
from vitalscope.sites import Site


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench cardinality")
    parser.add_argument("--beacons", type=int, default=20_000, help="per round")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args(argv)
    now = int(time.time() * 1000)
    body = json.loads(beacon_template().replace(ST_PLACEHOLDER, str(now).encode()))
    body["tags"] = {"ab": "v2", "plan": "pro", "locale": "de"}
    raw = json.dumps(body).encode()
    settings = CollectorSettings()
    steps = default_steps(settings)
    urls = UrlNormaliser(settings.url_query_allowlist, settings.page_groups)
    site = Site(name="bench", public_key="pk", server_key_hash="")
    headers = {b"user-agent": USER_AGENT.encode()}
    with tempfile.TemporaryDirectory() as tmp:
        redis = EmbeddedRedis(Path(tmp))
        redis.start()
        try:
            return asyncio.run(_run(args, raw, steps, urls, site, headers, now, redis.url))
        finally:
            redis.stop()


async def _run(args: argparse.Namespace, raw: bytes, steps: list[Step], urls: UrlNormaliser,
               site: Site, headers: dict[bytes, bytes], now: int, redis_url: str) -> int:
    settings = CollectorSettings()
    admission = Admission(redis_url, settings.cardinality, {}, 100_000)
    fold = CardinalityFold(admission)

    async def one(with_fold: bool) -> None:
        context = BeaconContext(site, *BEACON_DECODER.decode_sorted(raw), now, USER_AGENT,
                                headers)
        enrich(steps, context)
        if with_fold and not fold.all_known(context):
            await fold.beacon(context)
        encode_entry(site.name, beacon_rows(context, urls))

    await one(True)  # admits the values: one Redis call, then none
    lookups = metrics.CARDINALITY_LOOKUPS._value.get()
    per: dict[bool, list[float]] = {False: [], True: []}
    clock = time.perf_counter
    for _ in range(args.rounds):
        # Beacon by beacon, alternating: a busy moment of the machine hits both sides.
        spent = {False: 0.0, True: 0.0}
        for i in range(2 * args.beacons):
            with_fold = bool(i & 1)
            started = clock()
            await one(with_fold)
            spent[with_fold] += clock() - started
        for side, total in spent.items():
            per[side].append(total / args.beacons * 1e6)
    extra_lookups = metrics.CARDINALITY_LOOKUPS._value.get() - lookups
    await admission.stop()
    # The fastest round of each: what other processes on the machine add is not the code's.
    without, with_ = min(per[False]), min(per[True])
    print(f"per beacon: {without:.1f} us without the fold stage, {with_:.1f} us with it "
          f"({(with_ / without - 1) * 100:+.1f} %), Redis calls in the steady state: "
          f"{extra_lookups:.0f}")
    emit({"us_without_fold": round(without, 2), "us_with_fold": round(with_, 2),
          "overhead": round(with_ / without - 1, 4), "steady_redis_calls": extra_lookups})
    return 0
