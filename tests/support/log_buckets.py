"""The vital rollups' counts per logarithmic bucket as tests see them: which tables hold
them, and how close a quantile the dashboard shows is to quantileExact since migration
0084: the vital rollups count samples per logarithmic bucket 0.5 % wide and a quantile is
the centre of the bucket holding the sample quantileExact picks, so at most half a bucket
away (and a hair for floating point)."""

from clickhouse_connect.driver.client import Client

from vitalscope.vitals.log_buckets import GROWTH

HALF_BUCKET = GROWTH ** 0.5 - 1 + 1e-9

# Every table migrations 0084 and 0085 gave counts per logarithmic bucket, with its column.
LOG_BUCKET_TABLES = {"vitals_dims_1m": "value_lh", "vitals_dims_1h": "value_lh",
                     "vitals_dims_1d": "value_lh", "vitals_pages_1m": "value_lh",
                     "vitals_pages_1h": "value_lh", "vitals_pages_1d": "value_lh",
                     "vitals_navs_1h": "value_lh", "vitals_targets_1h": "value_lh",
                     "vitals_scripts_1h": "duration_lh"}

# The drill-down's attribution rollups (hourly, and daily since 0087): their key columns
# without the bucket, and their counts' column.
ATTRIBUTION_FAMILIES = {
    "vitals_navs": ("site, page_group, nav_type, metric", "value_lh"),
    "vitals_targets": ("site, page_group, metric, target", "value_lh"),
    "vitals_scripts": ("site, page_group, script_url, script_host, party", "duration_lh"),
}


def merged_counts(client: Client, table: str, column: str) -> str:
    """SQL of a table's counts per bucket summed over a GROUP BY, as Map(UInt16, UInt64),
    at any schema version: the page, dimension and attribution tiers keep them as UInt32
    arrays since 0091-0093."""
    narrow = client.query(
        "SELECT count() FROM system.columns WHERE database = currentDatabase() "
        "AND table = {t:String} AND name = {c:String}",
        parameters={"t": table, "c": f"{column}Map.count"}).result_rows[0][0]
    if narrow:
        return f"sumMap(vitalscope_lh_counts({column}Map.bucket, {column}Map.count))"
    return f"sumMap({column})"
