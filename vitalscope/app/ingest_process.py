"""A child of `vitalscope serve` or `vitalscope collector` with `http.processes` >= 2
(vitalscope/app/processes.py): `python -m vitalscope.app.ingest_process`, its spec on stdin.
Exits 0 when stopped (SIGTERM, SIGINT, its parent gone), 3 when it could not start."""

from __future__ import annotations

import sys

from starlette.types import ASGIApp

from vitalscope.app.assembly import build_asgi
from vitalscope.app.cli.common import setup_logging
from vitalscope.app.processes import ChildSpec
from vitalscope.datadir import DataDir
from vitalscope.runtime import Role, Runtime
from vitalscope.server.gc_tuning import tune_gc
from vitalscope.server.limits import edge_limits
from vitalscope.server.procs import child, sockets
from vitalscope.server.procs import metrics as process_metrics
from vitalscope.server.procs.proxy import OwnerProxy, WithServices
from vitalscope.server.runner import MainServer
from vitalscope.server.services import ServiceGroup

STARTUP_FAILED = 3


def _ingest_app(spec: ChildSpec, runtime: Runtime,
                share: process_metrics.MetricsShare) -> ASGIApp:
    from collector.sites_index import SnapshotSites
    from collector.wiring import Ingest

    assert spec.redis_url is not None and spec.owner_socket is not None
    ingest = Ingest(runtime, sites=SnapshotSites(spec.redis_url))
    proxy = OwnerProxy(str(spec.owner_socket), spec.settings.http.max_connections)
    return ingest.asgi(WithServices(proxy, ServiceGroup([*ingest.services, share, proxy])))


def main() -> int:
    spec: ChildSpec = child.read_spec()
    settings = spec.settings
    setup_logging(settings.log_level)
    share = process_metrics.install(spec.metrics)
    if spec.kind == "ingest":
        runtime = Runtime(settings, Role.COLLECTOR, DataDir(settings.data_dir),
                          redis_url=spec.redis_url)
        app = _ingest_app(spec, runtime, share)
    else:
        from vitalscope.app.cli.serve import open_runtime

        runtime = open_runtime(Role.COLLECTOR, settings)
        app = build_asgi(runtime, extra_services=[share])
    try:
        sock = sockets.listen(spec.host, spec.port)
        server = MainServer(app, settings.log_level, edge_limits(settings.http))
        child.watch_parent(lambda: setattr(server, "should_exit", True))
        tune_gc()
        try:
            server.run(sockets=[sock])
        finally:
            sock.close()
    finally:
        runtime.close()
    return 0 if server.started else STARTUP_FAILED


if __name__ == "__main__":
    sys.exit(main())
