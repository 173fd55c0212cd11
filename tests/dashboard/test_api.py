"""The JSON API over HTTP against a seeded `vitalscope serve`: login, numbers equal to SQL
on the raw table, CSV, and hostile filter values."""

from __future__ import annotations

import csv
import io
import json
import math
import time
from collections.abc import Iterator

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from dashboard.panels.common import Z95
from tests.collector.beacons import CHROME_UA, beacon
from tests.dashboard.conftest import Seeded, start_seeded
from tests.support.log_buckets import HALF_BUCKET
from vitalscope.vitals import BY_NAME

# Log-bucket rollups against quantileExact on raw rows: within a quarter of a percent.
REL = 0.005



@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    # The shipped freshness budget, which warming needs (the suite's servers run without
    # it); only the last test writes, so no read here waits on it.
    state = start_seeded(tmp_path_factory.mktemp("api"), VITALSCOPE_DASHBOARD__REFRESH_S="2",
                         VITALSCOPE_DASHBOARD__CACHE_FRESH_S="30")
    yield state
    assert state.server.stop() == 0
    assert "Traceback" not in state.server.logs(), state.server.logs()


def test_api_needs_login(seeded: Seeded) -> None:
    url = seeded.server.url + "/api/v1/overview?site=shop"
    assert httpx.get(url).status_code == 401
    wrong = httpx.get(url, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and wrong.json()["error"] == "http_401"
    assert httpx.get(url, cookies={"vs_session": "forged.deadbeef"}).status_code == 401
    assert httpx.get(url, headers=seeded.bearer).status_code == 200


def test_logged_out_dashboard_redirects_to_login_and_login_sets_a_safe_cookie(
        seeded: Seeded) -> None:
    base = seeded.server.url
    answer = httpx.get(base + "/dashboard/pages?site=shop")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=/dashboard/pages%3Fsite%3Dshop"
    assert httpx.post(base + "/dashboard/_dash-update-component", json={}).status_code == 401
    refused = httpx.post(base + "/login", data={"token": "wrong", "next": "/dashboard/"})
    assert refused.status_code == 401 and "Wrong token" in refused.text
    ok = httpx.post(base + "/login", data={"token": seeded.token,
                                           "next": "https://evil.example/"})
    assert ok.status_code == 303 and ok.headers["location"] == "/dashboard/"
    cookie = ok.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    with httpx.Client(base_url=base, cookies=ok.cookies) as client:
        assert client.get("/dashboard/").status_code == 200
        assert client.get("/api/v1/sites").json() == ["blog", "shop"]
        out = client.get("/logout")
        assert out.status_code == 303 and 'vs_session=""' in out.headers["set-cookie"]


@pytest.mark.parametrize(("range_", "bucket"), [("1h", "recent"), ("7d", "all")])
def test_overview_p75_equals_quantile_exact_on_raw(seeded: Seeded, range_: str,
                                                   bucket: str) -> None:
    data = httpx.get(seeded.server.url + "/api/v1/overview",
                     params={"site": "shop", "range": range_}, headers=seeded.bearer).json()
    expected = seeded.expected["shop"][bucket]
    shown = {m["metric"]: m["p75"] for m in data["metrics"]}
    for metric, exact in expected.items():
        assert shown[metric] == pytest.approx(exact, rel=REL), metric
    assert data["metrics"][0]["samples"] == (600 if bucket == "recent" else 2100)


def test_page_group_detail_p75_equals_raw(seeded: Seeded) -> None:
    data = httpx.get(seeded.server.url + "/api/v1/pages/detail",
                     params={"site": "shop", "range": "7d", "page_group": "/product/:id"},
                     headers=seeded.bearer).json()
    for m in data["metrics"]:
        assert m["p75"] == pytest.approx(seeded.expected["shop"]["product_all"][m["metric"]],
                                         rel=REL)
    assert {e["target"] for e in data["worst_elements"]} == {"img.hero", "button#buy",
                                                            "div.banner"}
    assert {t["name"] for t in data["server_timings"]} == {"db", "app", "cdn-cache"}


def test_pages_are_sorted_by_impact_paged_and_exported_as_csv(seeded: Seeded) -> None:
    url = seeded.server.url + "/api/v1/pages"
    first = httpx.get(url, params={"site": "shop", "range": "7d", "page_size": 2},
                      headers=seeded.bearer).json()
    assert first["total"] == 5 and len(first["rows"]) == 2
    assert first["rows"][0]["page_group"] == "/product/:id"
    impacts = [r["impact"] for r in first["rows"]]
    assert impacts == sorted(impacts, reverse=True)
    last = httpx.get(url, params={"site": "shop", "range": "7d", "page_size": 2, "page": 2},
                     headers=seeded.bearer).json()
    assert len(last["rows"]) == 1
    none = httpx.get(url, params={"site": "shop", "range": "7d", "min_samples": 5000},
                     headers=seeded.bearer).json()
    assert none["total"] == 0
    exported = httpx.get(url, params={"site": "shop", "range": "7d", "format": "csv"},
                         headers=seeded.bearer)
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert len(rows) == 5 and rows[0]["page_group"] == "/product/:id"


def test_breakdowns_give_intervals_and_flag_small_segments(seeded: Seeded) -> None:
    data = httpx.get(seeded.server.url + "/api/v1/breakdowns",
                     params={"site": "blog", "range": "1h", "dimension": "device"},
                     headers=seeded.bearer).json()
    rows = {r["value"]: r for r in data["rows"]}
    assert sum(r["samples"] for r in rows.values()) == 40
    for row in rows.values():
        assert row["p75_ci_low"] <= row["p75"] <= row["p75_ci_high"]
        assert row["low_samples"] is (row["samples"] < 30)


def test_breakdown_intervals_are_the_order_statistics_of_the_raw_values(
        seeded: Seeded) -> None:
    data = httpx.get(seeded.server.url + "/api/v1/breakdowns",
                     params={"site": "blog", "range": "1h", "dimension": "device",
                             "metric": "LCP"}, headers=seeded.bearer).json()
    raw = seeded.expected["blog"]["lcp_by_device"]
    assert {r["value"] for r in data["rows"]} == set(raw)
    for row in data["rows"]:
        values = raw[row["value"]]
        n = len(values)
        half = Z95 * math.sqrt(n * 0.75 * 0.25)
        low = values[max(1, math.floor(n * 0.75 - half)) - 1]
        high = values[min(n, math.ceil(n * 0.75 + half + 1)) - 1]
        assert row["p75_ci_low"] == pytest.approx(min(low, row["p75"]), rel=HALF_BUCKET)
        assert row["p75_ci_high"] == pytest.approx(max(high, row["p75"]), rel=HALF_BUCKET)


def test_overview_histogram_is_the_raw_values_binned(seeded: Seeded) -> None:
    """Each raw value in its fixed-width bin, but for a value within half a log bucket of a
    bin edge, which may be drawn in the neighbouring bin (vitalscope.vitals.log_buckets)."""
    data = httpx.get(seeded.server.url + "/api/v1/overview",
                     params={"site": "shop", "range": "7d"}, headers=seeded.bearer).json()
    moved_at_most = 0
    for shown in data["metrics"]:
        metric = BY_NAME[shown["metric"]]
        values = seeded.expected["shop_values_all"][metric.name]
        counts = shown["histogram"]["counts"]
        assert shown["histogram"]["bucket_width"] == metric.hist_step
        assert sum(counts) == len(values) == shown["samples"]
        exact = [0] * len(counts)
        near_an_edge = 0
        for value in values:
            exact[metric.hist_bucket(value)] += 1
            edge = round(value / metric.hist_step) * metric.hist_step
            near_an_edge += abs(value - edge) <= edge * HALF_BUCKET
        # every count a value moved leaves one bin and enters its neighbour
        moved = sum(abs(a - b) for a, b in zip(counts, exact, strict=True)) // 2
        assert moved <= near_an_edge, metric.name
        moved_at_most += near_an_edge
        for index, count in enumerate(counts):
            nearby = sum(exact[max(0, index - 1):index + 2])
            assert count <= nearby, (metric.name, index)
    # The seed puts many values on bin edges: the tolerance is exercised.
    assert moved_at_most > 0


def test_drill_down_and_cache_tables_export_as_csv(seeded: Seeded) -> None:
    url = seeded.server.url + "/api/v1/"
    elements = httpx.get(url + "pages/detail", headers=seeded.bearer, params={
        "site": "shop", "range": "7d", "page_group": "/cart", "format": "csv",
        "table": "worst_elements"})
    rows = list(csv.DictReader(io.StringIO(elements.text)))
    assert {r["target"] for r in rows} == {"img.hero", "button#buy", "div.banner"}
    caches = httpx.get(url + "server-timing", headers=seeded.bearer, params={
        "site": "shop", "range": "7d", "format": "csv", "table": "caches"})
    (cache,) = list(csv.DictReader(io.StringIO(caches.text)))
    assert (cache["name"], cache["hit_rate"]) == ("cdn-cache", "0.75")


def test_server_timing_hit_rate(seeded: Seeded) -> None:
    data = httpx.get(seeded.server.url + "/api/v1/server-timing",
                     params={"site": "shop", "range": "7d"}, headers=seeded.bearer).json()
    (cache,) = data["caches"]
    assert (cache["name"], cache["source"], cache["hit_rate"]) == ("cdn-cache", "rum", 0.75)
    assert set(data["ttfb_composition"]["mean_ms"]) == {"waitingDuration", "requestDuration",
                                                        "dnsDuration"}


HOSTILE = [
    ("overview", {"site": "shop' OR '1'='1"}),
    ("overview", {"site": "shop\x00"}),
    ("overview", {"site": "x" * 10000}),
    ("overview", {"site": "nosuchsite"}),
    ("overview", {"site": "shop", "range": "1h; DROP TABLE vitals"}),
    ("overview", {"site": "shop", "segment": "device:mobile' OR '1'='1"}),
    ("overview", {"site": "shop", "segment": "site:blog"}),
    ("overview", {"site": "shop", "segment": "device:" + "a" * 5000}),
    ("overview", {"site": "shop", "range": "custom", "from": "2020-01-01'; --",
                  "to": "2026-01-01"}),
    ("overview", {"site": "shop", "range": "custom", "from": "2026-01-02", "to": "2026-01-01"}),
    ("overview", {"site": "shop", "range": "custom", "from": "1900-01-01", "to": "2100-01-01"}),
    ("pages", {"site": "shop", "sort": "impact; DROP TABLE vitals"}),
    ("pages", {"site": "shop", "page_size": "100000"}),
    ("pages", {"site": "shop", "min_samples": "-1"}),
    ("pages/detail", {"site": "shop", "page_group": "x" * 10000}),
    ("pages/detail", {"site": "shop", "page_group": "/\x07"}),
    ("breakdowns", {"site": "shop", "dimension": "site"}),
    ("breakdowns", {"site": "shop", "metric": "LCP' --"}),
]


@pytest.mark.parametrize(("endpoint", "params"), HOSTILE)
def test_hostile_filters_get_a_4xx_naming_the_problem(seeded: Seeded, endpoint: str,
                                                      params: dict[str, str]) -> None:
    answer = httpx.get(f"{seeded.server.url}/api/v1/{endpoint}", params=params,
                       headers=seeded.bearer)
    assert 400 <= answer.status_code < 500, answer.text
    assert answer.json()["message"]


def test_a_quoted_site_never_returns_another_sites_data(seeded: Seeded) -> None:
    blog = httpx.get(seeded.server.url + "/api/v1/overview",
                     params={"site": "blog", "range": "7d"}, headers=seeded.bearer).json()
    assert {m["samples"] for m in blog["metrics"]} == {40}
    injected = httpx.get(seeded.server.url + "/api/v1/overview",
                         params={"site": "blog", "range": "7d",
                                 "segment": "device:mobile') OR (1=1"},
                         headers=seeded.bearer)
    assert injected.status_code == 422


def test_every_endpoint_is_in_the_openapi_schema(seeded: Seeded) -> None:
    paths = httpx.get(seeded.server.url + "/api/openapi.json").json()["paths"]
    for path in ("/api/v1/overview", "/api/v1/overview/series", "/api/v1/pages",
                 "/api/v1/pages/detail", "/api/v1/breakdowns", "/api/v1/server-timing",
                 "/api/v1/sites"):
        assert path in paths
    params = {p["name"] for p in paths["/api/v1/overview"]["get"]["parameters"]}
    assert {"site", "range", "from", "to", "segment", "format"} <= params


def _metric(client: httpx.Client, name: str, **labels: str) -> float:
    for family in text_string_to_metric_families(client.get("/metrics").text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v
                                           for k, v in labels.items()):
                return float(sample.value)
    return 0.0


def test_a_viewed_site_is_warmed_by_a_flush_alone(seeded: Seeded) -> None:
    """Last of the module: it adds a site (dashboard/warm.py; the bounds and the sites not
    warmed: tests/dashboard/test_warm.py)."""
    with httpx.Client(base_url=seeded.server.url, headers=seeded.bearer, timeout=30) as api:
        added = api.post("/admin/v1/sites", json={"name": "warmed",
                                                  "origins": ["https://warmed.example"]})
        assert added.status_code == 201, added.text
        viewed = api.get("/api/v1/overview", params={"site": "warmed"}).json()
        assert viewed["metrics"][0]["samples"] == 0
        key = added.json()["key"]
        headers = {"Origin": "https://warmed.example", "User-Agent": CHROME_UA,
                   "Content-Type": "text/plain"}
        deadline = time.monotonic() + 60
        # A beacon at a time until a warming is done: the warmer takes the generation it
        # first sees as the view's, so the flush of the first beacon may pass unwarmed.
        while _metric(api, "vitalscope_dashboard_warm_runs_total", outcome="done") < 1:
            assert time.monotonic() < deadline, "no warming within 60 s"
            sent = api.post(f"/v1/beacon?k={key}", headers=headers,
                            content=json.dumps(beacon(url="https://warmed.example/a")))
            # 403 until the collector learns of the new site's key, within moments.
            assert sent.status_code in (204, 403), sent.text
            time.sleep(0.5)
        hits = _metric(api, "vitalscope_dashboard_cache_hits_total", query="overview_summary",
                       kind="exact")
        misses = _metric(api, "vitalscope_dashboard_cache_misses_total",
                         query="overview_summary")
        budget = _metric(api, "vitalscope_dashboard_cache_hits_total",
                         query="overview_summary", kind="budget")
        warm = api.get("/api/v1/overview", params={"site": "warmed"}).json()
        assert warm["metrics"][0]["samples"] >= 1  # beacons, from the warm results
        # Exact hits, or within the budget when a later beacon's flush moved the generation.
        assert _metric(api, "vitalscope_dashboard_cache_hits_total", query="overview_summary",
                       kind="exact") + _metric(api, "vitalscope_dashboard_cache_hits_total",
                                               query="overview_summary",
                                               kind="budget") == hits + budget + 2
        assert _metric(api, "vitalscope_dashboard_cache_misses_total",
                       query="overview_summary") == misses
