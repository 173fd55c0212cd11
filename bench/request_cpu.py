"""Request CPU: microseconds of CPU per beacon on the collector's request path (raw ASGI
route, decoding and validation, enrichment stages, cardinality fold, row and entry encoding,
the appender's group commit), measured so that other load on the machine barely moves it.

`python -m bench request_cpu [--tree PATH ...] [--batches N] [--batch K]`

Each tree (this checkout, then every --tree, e.g. an older commit's `git archive`) is measured
in a process of its own that imports `collector` and `vitalscope` from that tree. There the
real ingest app is built (no chDB and no Redis: the site index is filled in memory, the
appender's Lua call and the cardinality admission's Redis call answer at once, the day's
client secret is fixed), with the garbage collector's settings of a serving process, and
driven on uvloop as uvicorn drives it: K concurrent requests per batch, each with its own
page-view id. A batch's cost is the loop thread's CPU time (`time.thread_time_ns`: time the
process is not scheduled is not counted), and the figure is the minimum over N batches
divided by K: the run least disturbed by other processes.

Two baselines in the same process, under the same harness: a no-op ASGI app that reads the
body and answers 204 (what the loop and ASGI plumbing cost; `own` = collector - no-op), and
`json.loads` + `json.dumps` of the same beacon (a plain C decode-and-encode, the unit of the
printed ratio). The last line is one JSON object; with --tree, `own_vs_<i>` is this tree's
own microseconds over tree i's.

With --callgrind, also the instructions per beacon of each stage of the path run on its own
over the same number of beacons (decoding, client key, context, every enrichment step, fold
check, rows, entry encoding), with the garbage collector off: what each stage costs by
itself. The rest of `own` is the route, headers, body, response, the appender's await and the
collector's passes over the requests waiting for it."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent.parent


def _counts(workdir: Path, requests: int) -> dict[str, float]:
    """Instructions per request of each region callgrind dumped (see _Marker)."""
    counts: dict[str, float] = {}
    # In the order they were dumped (the file names end in the dump's number).
    for dump in sorted(workdir.glob("callgrind.out.*"),
                       key=lambda path: int(path.suffix[1:]) if path.suffix[1:].isdigit() else 0):
        region = summary = None
        for line in dump.read_text(errors="replace").splitlines():
            if line.startswith("desc: Trigger: Client Request: "):
                region = line.rsplit(": ", 1)[1]
            elif line.startswith("summary: "):
                summary = int(line.split()[1])
        if region is not None and summary is not None:
            counts[region] = summary / requests
    return counts


def _run_tree(tree: Path, batches: int, batch: int, callgrind: bool) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VITALSCOPE_")}
    # The tree first on the path: its packages win over this checkout's editable install.
    env["PYTHONPATH"] = str(tree)
    env["PYTHONHASHSEED"] = "0"
    command = [sys.executable, str(Path(__file__).resolve()), "--measure",
               "--batches", str(batches), "--batch", str(batch)]
    with tempfile.TemporaryDirectory(prefix="vs-callgrind-") as tmp:
        if callgrind:
            # The venv's interpreter link (a binary, not a launcher script: valgrind
            # follows one process, and the link keeps the venv).
            command[0] = sys.executable
            command = ["valgrind", "--tool=callgrind", "--instr-atstart=no",
                       f"--callgrind-out-file={tmp}/callgrind.out", *command,
                       "--marker-dir", tmp]
        done = subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True,
                              timeout=3600)
        if done.returncode != 0:
            raise RuntimeError(f"measuring {tree} failed:\n{done.stderr[-3000:]}")
        result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
        if callgrind:
            counts = _counts(Path(tmp), batches * batch)
            result = {f"{region}_kinstr": round(count / 1000, 2)
                      for region, count in counts.items()}
            result["own_kinstr"] = round(counts["collector"] / 1000 - counts["noop"] / 1000, 2)
            result["stages_kinstr"] = {region[len("stage:"):]: result.pop(f"{region}_kinstr")
                                       for region in counts if region.startswith("stage:")}
            result["own_vs_json"] = round(result["own_kinstr"] / result["json_kinstr"], 3)
    result["tree"] = str(tree)
    return result


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench request_cpu")
    parser.add_argument("--tree", action="append", default=[], type=Path,
                        help="another checkout to measure in the same run (repeatable)")
    parser.add_argument("--callgrind", action="store_true",
                        help="count instructions under valgrind (load-independent, slow)")
    parser.add_argument("--batches", type=int, default=None,
                        help="default 200, or 10 with --callgrind")
    parser.add_argument("--batch", type=int, default=64, help="concurrent requests per batch")
    args = parser.parse_args(argv)
    batches = args.batches or (10 if args.callgrind else 200)
    unit = "kinstr" if args.callgrind else "us"
    how = ("instructions under callgrind" if args.callgrind
           else f"min thread CPU over {batches} batches")
    print(f"request CPU: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}, "
          f"{how} of {batches} batches of {args.batch} requests")
    trees = [HERE, *(tree.resolve() for tree in args.tree)]
    results = [_run_tree(tree, batches, args.batch, args.callgrind) for tree in trees]
    for result in results:
        print(f"{result['tree']:>32}: collector {result['collector_' + unit]:7.1f} {unit}, "
              f"no-op {result['noop_' + unit]:6.1f}, own {result['own_' + unit]:7.1f} = "
              f"{result['own_vs_json']:.2f}x json decode+encode "
              f"({result['json_' + unit]:.1f})")
    if args.callgrind:
        print(f"{'stage (kinstr per beacon, gc off)':>34}"
              + "".join(f"{Path(r['tree']).name[:12]:>13}" for r in results))
        for stage in results[0]["stages_kinstr"]:
            print(f"{stage:>34}" + "".join(
                f"{r['stages_kinstr'].get(stage, float('nan')):13.1f}" for r in results))
        print(f"{'rest of own (route, body, appender, gc)':>34}" + "".join(
            f"{r['own_kinstr'] - sum(r['stages_kinstr'].values()):13.1f}" for r in results))
    figures: dict[str, Any] = {"unit": unit, "trees": results}
    for index, other in enumerate(results[1:], start=1):
        ratio = results[0][f"own_{unit}"] / other[f"own_{unit}"]
        figures[f"own_vs_{index}"] = round(ratio, 3)
        print(f"own {unit} of this tree / {other['tree']}: {ratio:.3f}")
    print(json.dumps(figures, sort_keys=True))
    return 0


# -- the measuring process (imports the tree under test) ------------------------------------

def _beacons(count: int) -> list[bytes]:
    from bench.loadgen import PV_PLACEHOLDER, ST_PLACEHOLDER, beacon_template

    template = beacon_template()
    now = str(int(time.time() * 1000)).encode()
    base = int(time.time() * 1000) * 1000
    return [template.replace(PV_PLACEHOLDER, b"pv" + str(base + i).zfill(16).encode())
            .replace(ST_PLACEHOLDER, now) for i in range(count)]


def ingest_app(tmp: Path) -> Any:
    """The tree's real ingest app, with Redis's answers given in process."""
    from types import SimpleNamespace

    from bench.loadgen import KEY, ORIGIN
    from collector.wiring import Ingest
    from vitalscope.config import load_settings
    from vitalscope.sites.model import Site

    settings = load_settings(data=tmp, collector={
        "site_rate_limit": {"per_second": 1e9, "burst": 1e9},
        "client_rate_limit": {"per_second": 1e9, "burst": 1e9}})
    # Ingest only keeps these; its Redis clients connect on first use, which never comes.
    runtime = SimpleNamespace(settings=settings, redis_url="redis://127.0.0.1:9/0",
                              new_clickhouse_client=lambda: None)
    ingest = Ingest(runtime)  # type: ignore[arg-type]
    ingest.sites.by_key = {KEY: Site("bench", KEY, "", (ORIGIN,))}
    ingest.sites.loaded = True

    async def script(keys: list[str], args: list[Any]) -> list[bytes]:
        return [b"1-0"] * sum(isinstance(arg, bytes) for arg in args)

    ingest.appender.script = script  # type: ignore[assignment]
    admission = getattr(ingest, "admission", None)
    if admission is not None:  # every value is admitted (learnt once, as from Redis)
        async def resolve(site: str, day: int, entry: Any, unknown: dict[str, list[str]]
                          ) -> dict[str, set[str]]:
            for kind, values in unknown.items():
                admission.cache.learn(entry, kind, values, False)
            return {}

        admission.resolve = resolve

    async def noop(scope: Any, receive: Any, send: Any) -> None:
        raise AssertionError(f"not an ingest path: {scope.get('path')}")

    app = ingest.asgi(noop)
    clients = getattr(app, "clients", None)
    if clients is not None:
        async def fetch(day: int) -> bytes:
            return b"s" * 32

        clients.secret._fetch = fetch
    return ingest, app


def serving_process_gc() -> None:
    """The garbage collector's settings a serving process of the tree has (none in trees
    from before vitalscope/server/gc_tuning.py)."""
    try:
        from vitalscope.server.gc_tuning import tune_gc
    except ImportError:
        return
    tune_gc()


async def noop_app(scope: Any, receive: Any, send: Any) -> None:
    await receive()
    await send({"type": "http.response.start", "status": 204,
                "headers": [(b"content-length", b"0")]})
    await send({"type": "http.response.body", "body": b""})


def _scope(body: bytes, port: int) -> dict[str, Any]:
    from bench.loadgen import KEY, ORIGIN, USER_AGENT

    return {
        "type": "http", "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1", "method": "POST", "scheme": "http", "path": "/v1/beacon",
        "raw_path": b"/v1/beacon", "query_string": f"k={KEY}".encode(), "root_path": "",
        "headers": [(b"host", b"127.0.0.1:8000"),
                    (b"content-type", b"text/plain;charset=UTF-8"),
                    (b"origin", ORIGIN.encode()), (b"user-agent", USER_AGENT.encode()),
                    (b"content-length", str(len(body)).encode())],
        "client": ("127.0.0.1", 40000 + port % 64), "server": ("127.0.0.1", 8000),
    }


async def measure_app(app: Any, bodies: list[list[bytes]], status: int = 204) -> float:
    """Minimum over batches of the loop thread's CPU ns for one batch, per request; every
    answer must have `status`."""
    import asyncio

    best = float("inf")
    for batch in bodies:
        requests = []
        statuses: list[int] = []
        for index, body in enumerate(batch):
            message = {"type": "http.request", "body": body, "more_body": False}

            async def receive(message: dict[str, Any] = message) -> dict[str, Any]:
                return message

            async def send(event: dict[str, Any], statuses: list[int] = statuses) -> None:
                if event["type"] == "http.response.start":
                    statuses.append(event["status"])

            requests.append((_scope(body, index), receive, send))
        started = time.thread_time_ns()
        await asyncio.gather(*(app(*request) for request in requests))
        elapsed = time.thread_time_ns() - started
        if statuses != [status] * len(batch):
            raise RuntimeError(f"unexpected statuses {sorted(set(statuses))}")
        best = min(best, elapsed / len(batch))
    return best / 1000


def _measure_json(bodies: list[list[bytes]]) -> float:
    best = float("inf")
    for batch in bodies:
        started = time.thread_time_ns()
        for body in batch:
            json.dumps(json.loads(body)).encode()
        best = min(best, (time.thread_time_ns() - started) / len(batch))
    return best / 1000


def _measure_stages(ingest: Any, app: Any, bodies: list[bytes], marker: _Marker) -> None:
    """Each stage of the beacon path over all the bodies, one marker region per stage; the
    first round warms the caches and is not counted."""
    import gc

    gc.disable()
    try:
        _stages(ingest, app, bodies, None)
        _stages(ingest, app, bodies, marker)
    finally:
        gc.enable()


def _stages(ingest: Any, app: Any, bodies: list[bytes], marker: _Marker | None) -> None:
    from collector.context import BeaconContext
    from collector.entry_size import check_context_size
    from collector.http import header_map
    from collector.payload import encode_entry
    from collector.rows import beacon_rows
    from collector.wire import BEACON_DECODER

    def region(name: str, run: Any, items: list[Any]) -> list[Any]:
        if marker is not None:
            marker.start()
        out = [run(item) for item in items]
        if marker is not None:
            marker.dump(f"stage:{name}")
        return out

    site = next(iter(ingest.sites.by_key.values()))
    scopes = [_scope(body, index) for index, body in enumerate(bodies)]
    headers = [header_map(scope["headers"]) for scope in scopes]
    indexes = list(range(len(bodies)))
    # Trees from before the decoder sorted the events by kind decode a beacon alone.
    sorting = hasattr(BEACON_DECODER, "decode_sorted")
    decoded = region("decode", BEACON_DECODER.decode_sorted if sorting
                     else BEACON_DECODER.decode, bodies)
    region("client key", lambda i: app._client_now(scopes[i], headers[i]), indexes)
    received = int(time.time() * 1000)
    context_of: Any = BeaconContext  # of whichever tree runs
    contexts = region("context", lambda i: context_of(
        site, *(decoded[i] if sorting else (decoded[i],)), received,
        headers[i].get(b"user-agent", b"").decode("latin-1"), headers[i], False), indexes)
    for step in app.steps:
        region(f"step {step.name}", step.run, contexts)

    def fold_check(context: Any) -> None:
        app.fold.all_known(context)
        check_context_size(context, app.settings.max_entry_bytes)

    region("fold check, size floor", fold_check, contexts)
    rows = region("rows", lambda context: beacon_rows(context, app.urls), contexts)
    region("entry encoding", lambda r: encode_entry(site.name, r, one_scope=True), rows)


_MARKER_C = """#include <valgrind/callgrind.h>
void vs_start(void) { CALLGRIND_START_INSTRUMENTATION; CALLGRIND_ZERO_STATS; }
void vs_dump(const char *name) { CALLGRIND_DUMP_STATS_AT(name); }
"""


class _Marker:
    """Under callgrind, starts counting after start-up and warm-up and closes one count per
    region (valgrind's client requests, through a three-line C helper built with gcc)."""

    def __init__(self, workdir: Path | None) -> None:
        self.lib: Any = None
        if workdir is not None:
            import ctypes

            (workdir / "marker.c").write_text(_MARKER_C)
            subprocess.run(["gcc", "-O1", "-shared", "-fPIC", "-o", str(workdir / "marker.so"),
                            str(workdir / "marker.c")], check=True)
            self.lib = ctypes.CDLL(str(workdir / "marker.so"))

    def start(self) -> None:
        if self.lib is not None:
            self.lib.vs_start()

    def dump(self, region: str) -> None:
        if self.lib is not None:
            self.lib.vs_dump(region.encode())


def _measure(batches: int, batch: int, marker: _Marker) -> dict[str, float]:
    import uvloop

    with tempfile.TemporaryDirectory(prefix="vs-request-cpu-") as tmp:
        ingest, app = ingest_app(Path(tmp))
        serving_process_gc()

        def fresh() -> list[list[bytes]]:
            flat = _beacons(batches * batch)
            return [flat[i * batch:(i + 1) * batch] for i in range(batches)]

        async def run() -> dict[str, float]:
            await ingest.appender.start()
            try:
                await measure_app(app, fresh()[: max(2, batches // 4)])  # warm caches
                await measure_app(noop_app, fresh()[:2])
                collector_bodies, noop_bodies = fresh(), fresh()
                marker.start()
                collector = await measure_app(app, collector_bodies)
                marker.dump("collector")
                noop = await measure_app(noop_app, noop_bodies)
                marker.dump("noop")
                if marker.lib is not None:
                    _measure_stages(ingest, app, _beacons(batches * batch), marker)
            finally:
                await ingest.appender.stop()
            return {"collector_us": collector, "noop_us": noop}

        figures = uvloop.run(run())
    json_bodies = fresh()
    marker.start()
    figures["json_us"] = _measure_json(json_bodies)
    marker.dump("json")
    figures["own_us"] = figures["collector_us"] - figures["noop_us"]
    figures["own_vs_json"] = figures["own_us"] / figures["json_us"]
    return {k: round(v, 2) for k, v in figures.items()}


if __name__ == "__main__" and "--measure" in sys.argv:
    # Run as a script: its own directory (bench/, whose alerting.py would shadow the
    # package) leaves the path; the tree under test comes from PYTHONPATH.
    sys.path.remove(str(Path(__file__).resolve().parent))
    measure = argparse.ArgumentParser()
    measure.add_argument("--measure", action="store_true")
    measure.add_argument("--batches", type=int, default=200)
    measure.add_argument("--batch", type=int, default=64)
    measure.add_argument("--marker-dir", type=Path)
    options = measure.parse_args()
    print(json.dumps(_measure(options.batches, options.batch, _Marker(options.marker_dir))))
