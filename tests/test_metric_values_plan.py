"""metric_values compiled in few queries gives the same rows as one query per metric and dimension.

Run on the demo build (scale 0.2) for the metrics of a few semantic models, batched and not, each
written into its own copy of the warehouse.
"""

from __future__ import annotations

import shutil

import duckdb

from metric_layer.compiler import MetricCompiler
from metric_layer.manifest import read_semantic_manifest, with_catalog
from metric_layer.values import (
    batch_key,
    data_time_bounds,
    measure_sources,
    plan_queries,
    write_metric_values,
)
from orchestration.defs.metrics.assets import semantic_manifest_path

# Plain and ratio metrics of two models (batched), a cumulative ratio, a conversion, a filtered
# attribution metric and a derived one (each compiled alone).
METRICS = [
    "bookings",
    "win_rate",
    "deals_won",
    "deals_closed",
    "sales_cycle_days",
    "sales_cycle_days_median",
    "first_response_time_hours",
    "satisfaction_score",
    "tickets_solved",
    "lead_to_customer_rate",
    "lead_to_customer_conversion_365d",
    "attributed_revenue",
    "cac",
]


def _write(warehouse, target, batched: bool) -> dict:
    shutil.copy2(warehouse, target)
    with duckdb.connect(str(target)) as con:
        catalog = con.execute("select current_database()").fetchall()[0][0]
        raw = with_catalog(read_semantic_manifest(semantic_manifest_path()), catalog)
        queries = plan_queries(
            MetricCompiler(raw), raw, data_time_bounds(con, raw), METRICS, batched=batched
        )
        return write_metric_values(con, queries)


def test_batched_plan_gives_the_same_rows_in_fewer_queries(demo_build, tmp_path):
    batched = _write(demo_build.warehouse, tmp_path / "batched.duckdb", batched=True)
    single = _write(demo_build.warehouse, tmp_path / "single.duckdb", batched=False)
    assert batched["metrics"] == single["metrics"] == len(METRICS)
    assert batched["queries"] < single["queries"] / 2
    assert batched["rows"] == single["rows"] > 0
    with duckdb.connect(str(tmp_path / "batched.duckdb")) as con:
        con.execute(f"attach '{tmp_path / 'single.duckdb'}' as single (read_only)")
        differing = con.execute(
            "select count(*) from ((select * from metric_layer.metric_values except all"
            " select * from single.metric_layer.metric_values) union all"
            " (select * from single.metric_layer.metric_values except all"
            " select * from metric_layer.metric_values))"
        ).fetchall()[0][0]
    assert differing == 0


def test_only_metrics_of_the_same_rows_share_a_query():
    raw = read_semantic_manifest(semantic_manifest_path())
    by_name = {m["name"]: m for m in raw["metrics"]}
    sources = measure_sources(raw)
    keys = {name: batch_key(by_name[name], by_name, sources) for name in METRICS}
    assert (
        keys["bookings"] == keys["win_rate"] == keys["sales_cycle_days"] == ("deals", "closed_at")
    )
    assert keys["first_response_time_hours"] == ("tickets", "created_at")
    for alone in ("lead_to_customer_rate", "lead_to_customer_conversion_365d", "cac"):
        assert keys[alone] is None, alone
    assert keys["attributed_revenue"] is None  # filtered to the default attribution model
