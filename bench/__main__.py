"""`python -m bench NAME [args]`: run one benchmark. Each prints readable lines and, last,
one JSON object with its figures, measured against a baseline in the same run."""

from __future__ import annotations

import importlib
import sys

# name -> module under bench/ with `main(argv: list[str]) -> int`
BENCHMARKS: dict[str, str] = {
    "alerting": "bench.alerting",
    "beacon_cpu": "bench.beacon_cpu",
    "dashboard": "bench.dashboard",
    "dashboard_live": "bench.dashboard_live",
    "error_cpu": "bench.error_cpu",
    "flush": "bench.flush",
    "cardinality": "bench.cardinality",
    "collectors": "bench.collectors",
    "ingest": "bench.ingest",
    "memory": "bench.memory",
    "page_weight": "bench.page_weight",
    "pages_sort": "bench.pages_sort",
    "quantile_state": "bench.quantile_state",
    "request_cpu": "bench.request_cpu",
    "startup": "bench.startup",
    "upgrade": "bench.upgrade",
    "sdk_size": "bench.sdk_size",
    "synthetics": "bench.synthetics",
}


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help") or argv[0] not in BENCHMARKS:
        names = ", ".join(sorted(BENCHMARKS))
        print(f"usage: python -m bench NAME [args]   (NAME: {names})", file=sys.stderr)
        return 0 if argv and argv[0] in ("-h", "--help") else 2
    module = importlib.import_module(BENCHMARKS[argv[0]])
    return int(module.main(argv[1:]))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
