from __future__ import annotations

from datetime import UTC, datetime, timedelta

from dashboard.web.views.overview import ChartPoint, with_gaps

HOUR = timedelta(hours=1)
T0 = datetime(2026, 11, 19, 10, tzinfo=UTC)


def _point(at: datetime, p75: float) -> ChartPoint:
    return {"t": at, "p75": p75, "samples": 5}


def test_missing_buckets_break_the_line() -> None:
    points = [_point(T0, 1.0), _point(T0 + HOUR, 2.0), _point(T0 + 30 * HOUR, 3.0)]
    out = with_gaps(points, HOUR)
    assert [p["p75"] for p in out] == [1.0, 2.0, None, 3.0]
    assert out[2]["t"] == T0 + 2 * HOUR


def test_contiguous_series_and_iso_strings_are_kept_as_they_are() -> None:
    points: list[ChartPoint] = [{"t": (T0 + i * HOUR).isoformat(), "p75": float(i), "samples": 1}
                                for i in range(3)]
    assert with_gaps(points, HOUR) == points
    assert with_gaps([], HOUR) == []
