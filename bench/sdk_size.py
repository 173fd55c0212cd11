"""SDK bytes against a bare web-vitals bundle (all five metrics, soft navigations on, from the
same web-vitals files each build bundles) built with the same esbuild settings in the same run
(`npm run build` in sdk-js/ builds both and writes dist/sizes.json): our bundle, the bare one
and the difference, our own code, for both builds."""

from __future__ import annotations

import argparse
import json
import subprocess
from pathlib import Path

SDK = Path(__file__).resolve().parents[1] / "sdk-js"
BUDGET_GZIP = {"sdk.js": 5300, "sdk.attribution.js": 7900}
# Our own code: the gzip bytes a build adds to its bare web-vitals bundle.
BUDGET_OURS_GZIP = 1800


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench sdk_size")
    parser.add_argument("--no-build", action="store_true", help="use the existing sdk-js/dist")
    args = parser.parse_args(argv)
    if not args.no_build:
        subprocess.run(["npm", "run", "--silent", "build", "--", "--quiet"], cwd=SDK, check=True)
    sizes = json.loads((SDK / "dist" / "sizes.json").read_text())
    figures: dict[str, dict[str, float]] = {}
    for build in sizes["builds"]:
        bare = build["baseline_sizes"]
        figures[build["name"]] = {
            "gzip": build["gzip"], "brotli": build["brotli"], "bytes": build["bytes"],
            "baseline_gzip": bare["gzip"], "baseline_brotli": bare["brotli"],
            "gzip_over_baseline": build["gzip"] - bare["gzip"],
            "gzip_ratio": round(build["gzip"] / bare["gzip"], 3),
            "budget_gzip": BUDGET_GZIP[build["name"]],
            "budget_gzip_over_baseline": BUDGET_OURS_GZIP,
        }
        print(f"{build['name']:<20} gzip {build['gzip']:>5} B  brotli {build['brotli']:>5} B  "
              f"(budget {BUDGET_GZIP[build['name']]} B) | {build['baseline']}: gzip "
              f"{bare['gzip']:>5} B  brotli {bare['brotli']:>5} B | ours: "
              f"+{build['gzip'] - bare['gzip']} B gzip (budget {BUDGET_OURS_GZIP} B), "
              f"x{build['gzip'] / bare['gzip']:.2f}")
    # The optional early-errors snippet is inline HTML: its bytes count on every page.
    inline = json.loads((SDK / "dist" / "manifest.json").read_text()).get("inline", {})
    for name, entry in inline.items():
        print(f"{name:<20} gzip {entry['gzip']:>5} B  inline {entry['bytes']:>5} B  "
              f"| CSP '{entry['csp']}'")
    print(json.dumps({"benchmark": "sdk_size", "esbuild": sizes["esbuild"], "builds": figures,
                      "inline": inline}))
    return 0
