"""The demo's monitoring-as-code: one site, two checks (one passes, one fails), a rule of
every kind and a webhook receiver pointing at the local sink."""

from __future__ import annotations

import base64
import secrets
from typing import Any
from urllib.parse import urlsplit

from vitalscope.datadir import DataDir

DEMO_SITE = "demo-shop"
PASSING_CHECK = "shop-checkout"
FAILING_CHECK = "shop-gift-cards"
RECEIVER = "demo-sink"
SINK_SECRET_FILE = "demo-webhook-secret"  # noqa: S105 - a file name


def sink_secret(datadir: DataDir) -> str:
    """A Standard Webhooks secret (`whsec_` + base64) kept in the data folder, so reruns
    sign and verify the same way."""
    value, _ = datadir.secret(
        SINK_SECRET_FILE,
        generate=lambda: "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode(),
    )
    return value


def demo_overrides(shop_url: str, sink_url: str, collector_url: str, secret: str,
                   check_interval_s: int) -> dict[str, Any]:
    """Settings the demo runs with, on top of the user's environment and file."""
    # The checks may load the beacon from the collector; their user agent marks them as a
    # synthetic monitor, so the collector keeps them out of the real-user data.
    hosts = sorted({urlsplit(shop_url).netloc, urlsplit(collector_url).netloc})
    return {
        "sites": [{"name": DEMO_SITE, "origins": [shop_url]}],
        "synthetics": {
            "checks": [
                {
                    "name": PASSING_CHECK,
                    "base_url": shop_url,
                    "allowed_hosts": hosts,
                    "site": DEMO_SITE,
                    "interval_s": check_interval_s,
                    "timeout_s": 30,
                    "retries": 1,
                    "tags": ["demo"],
                    "steps": [
                        {"goto": "/", "page_group": "/"},
                        {"assert_status": 200},
                        {"click": "#to-product"},
                        {"assert_text": {"text": "Espresso cups", "selector": "h1"}},
                        {"click": "#add-to-cart"},
                        {"assert_text": {"text": "Added!", "selector": "#cart-state"}},
                        {"click": "#to-cart"},
                        {"click": "#checkout"},
                        {"fill": {"selector": "#email", "value": "synthetic@shop.example"}},
                        {"click": "#pay"},
                        {"wait_for": {"url": "*/thanks*"}},
                        {"assert_visible": "#thanks"},
                    ],
                },
                {
                    "name": FAILING_CHECK,
                    "base_url": shop_url,
                    "allowed_hosts": hosts,
                    "site": DEMO_SITE,
                    "interval_s": check_interval_s,
                    "timeout_s": 20,
                    "retries": 0,
                    "tags": ["demo"],
                    "steps": [
                        {"goto": "/gift-cards"},
                        # The page's script is broken, so the button never appears.
                        {"click": "#redeem-gift-card", "timeout_s": 3},
                    ],
                },
            ],
        },
        "alerting": {
            "evaluation_interval": "5s",
            "group_wait": "1s",
            "group_interval": "10s",
            "allow_networks": ["127.0.0.1/32"],
            "receivers": [{"name": RECEIVER, "url": f"{sink_url}/hooks/vitalscope",
                           "secrets": [secret]}],
            "rules": [
                {"name": "demo-ttfb-p75", "kind": "threshold", "site": DEMO_SITE,
                 "metric": "TTFB", "value": 300, "window": "1h", "min_samples": 5,
                 "description": "Server response of the demo shop is slow"},
                {"name": "demo-lcp-regression", "kind": "regression", "site": DEMO_SITE,
                 "metric": "LCP"},
                {"name": "demo-cache-hit-rate", "kind": "cache_hit_rate", "site": DEMO_SITE},
                {"name": "demo-error-rate", "kind": "error_rate", "site": DEMO_SITE},
                {"name": "demo-traffic", "kind": "traffic_drop", "site": DEMO_SITE},
                {"name": "demo-synthetic", "kind": "synthetic_failure",
                 "check": FAILING_CHECK, "consecutive_failures": 1,
                 "description": "The gift-card flow is broken"},
            ],
        },
    }
