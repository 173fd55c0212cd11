"""Every list of the JSON API stays within the top N (+ one `(other)` row) for a site with
thousands of page groups and server-timing names and hundreds of browsers, countries and
releases; the top rows and the `(other)` row hold exactly what the raw rows say."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from dashboard.panels.common import OTHER, TOP_N
from dashboard.panels.overview import RELEASE_MARKERS
from tests.dashboard.conftest import Seeded, start_seeded
from tests.support.wide_seed import NAMES, PAGE_GROUPS, SITE


@pytest.fixture(scope="module")
def wide(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    state = start_seeded(tmp_path_factory.mktemp("wide"), seeder="tests.support.wide_seed")
    yield state
    assert state.server.stop() == 0
    assert "Traceback" not in state.server.logs(), state.server.logs()


def _get(wide: Seeded, path: str, **params: Any) -> dict[str, Any]:
    answer = httpx.get(f"{wide.server.url}/api/v1/{path}", headers=wide.bearer, timeout=60,
                       params={"site": SITE, "range": "24h", **params})
    assert answer.status_code == 200, answer.text
    data: dict[str, Any] = answer.json()
    return data


@pytest.mark.parametrize("dimension", ["browser", "country", "release"])
def test_breakdowns_are_the_top_n_and_one_other_row(wide: Seeded, dimension: str) -> None:
    rows = _get(wide, "breakdowns", dimension=dimension, metric="LCP")["rows"]
    raw = wide.expected[dimension]
    assert len(raw) > TOP_N  # the site really sent more values than are shown
    assert len(rows) == TOP_N + 1 and rows[-1]["value"] == OTHER
    assert [[r["value"], r["samples"]] for r in rows[:-1]] == raw[:TOP_N]
    assert rows[-1]["samples"] == sum(n for _, n in raw[TOP_N:])
    assert rows[-1]["p75"] is not None


def test_server_timing_names_are_the_top_n_and_one_other_row(wide: Seeded) -> None:
    data = _get(wide, "server-timing")
    raw = wide.expected["names"]
    assert len(raw) > NAMES  # (source, name) pairs
    names = data["names"]
    assert len(names) == TOP_N + 1
    assert [[n["source"], n["name"], n["samples"]] for n in names[:-1]] == raw[:TOP_N]
    assert (names[-1]["source"], names[-1]["name"]) == (OTHER, OTHER)
    assert names[-1]["samples"] == sum(n for *_, n in raw[TOP_N:])
    assert len(data["series"]) <= TOP_N + 1
    assert len(data["caches"]) <= TOP_N + 1


def test_release_markers_are_bounded(wide: Seeded) -> None:
    releases = _get(wide, "overview/series")["releases"]
    assert len(releases) == RELEASE_MARKERS
    firsts = [r["first_seen"] for r in releases]
    assert firsts == sorted(firsts)


@pytest.mark.parametrize("sort", ["impact", "samples", "page_group", "p75_LCP", "p75_CLS"])
def test_pages_answer_one_page_in_order_whatever_the_number_of_groups(
        wide: Seeded, sort: str) -> None:
    raw = {group: (samples, poor) for group, samples, poor in wide.expected["pages"]}
    assert len(raw) == PAGE_GROUPS
    for order in ("desc", "asc"):
        data = _get(wide, "pages", sort=sort, order=order, page_size=100)
        rows = data["rows"]
        assert data["total"] == PAGE_GROUPS and len(rows) == 100
        for row in rows:  # exact counts of every row shown
            assert (row["samples"], row["poor"]) == raw[row["page_group"]]
        if sort.startswith("p75_"):
            # Groups without a sample of the metric come first in ascending order.
            keys = [(row[sort] is not None, row[sort] or 0.0) for row in rows]
        else:
            keys = [(row[sort], row["page_group"]) for row in rows]
            expected = sorted(((raw[g][0] if sort == "samples" else raw[g][1], g)
                               if sort != "page_group" else (g, g) for g in raw),
                              reverse=order == "desc")[:100]
            assert keys == expected
        assert keys == sorted(keys, reverse=order == "desc")
    last = _get(wide, "pages", sort=sort, page_size=500, page=PAGE_GROUPS // 500 - 1)
    assert len(last["rows"]) == 500
    past = _get(wide, "pages", sort=sort, page_size=500, page=PAGE_GROUPS // 500)
    assert past["rows"] == [] and past["total"] == PAGE_GROUPS
