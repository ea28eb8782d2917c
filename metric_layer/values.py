"""metric_values: every metric at its meta grains and dimensions, compiled by MetricFlow.

Nothing here defines a metric: each row comes from SQL MetricFlow compiles from the semantic
manifest (one query per metric x grain x dimension), run set-based into DuckDB in one
transaction.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any

from metricflow.engine.metricflow_engine import MetricFlowEngine, MetricFlowQueryRequest

from metric_layer.governance import metric_meta

SCHEMA = "metric_layer"
TABLE = "metric_values"
TOTAL = ""  # dimension_name and dimension_value of the total (no group-by)
NO_VALUE = "(none)"  # dimension_value when the dimension is null (e.g. a lead without a rep)

COLUMNS = """
    metric_name varchar not null,
    grain varchar not null,
    period_start date not null,
    dimension_name varchar not null,
    dimension_value varchar not null,
    value double
"""


@dataclass(frozen=True)
class MetricQuery:
    metric_name: str
    grain: str
    dimension_name: str
    sql: str


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def metrics_needing_time_bounds(raw: dict[str, Any]) -> set[str]:
    """Cumulative metrics and the metrics built on them: MetricFlow joins them to the time spine,
    which runs to 2035, so they are bounded by the first and last day of the data they read."""
    by_name = {m["name"]: m for m in raw.get("metrics", [])}

    def inputs(metric: dict[str, Any]) -> list[str]:
        params = metric.get("type_params") or {}
        refs = list(params.get("metrics") or []) + [
            params.get("numerator"),
            params.get("denominator"),
        ]
        return [ref["name"] for ref in refs if ref]

    def needs(name: str, depth: int = 0) -> bool:
        metric = by_name.get(name)
        if metric is None or depth > 10:
            return False
        return metric["type"] == "cumulative" or any(needs(i, depth + 1) for i in inputs(metric))

    return {name for name in by_name if needs(name)}


def data_time_bounds(con: Any, raw: dict[str, Any]) -> dict[str, tuple[dt.datetime, dt.datetime]]:
    """First and last day of each measure's aggregation time dimension, by measure name."""
    columns: dict[str, tuple[str, str]] = {}
    for sm in raw.get("semantic_models", []):
        relation = sm["node_relation"]["relation_name"]
        default = (sm.get("defaults") or {}).get("agg_time_dimension")
        time_dims = {
            d["name"]: d.get("expr") or d["name"]
            for d in sm.get("dimensions", [])
            if d["type"] == "time"
        }
        for measure in sm.get("measures", []):
            column = measure.get("agg_time_dimension") or default
            if column in time_dims:
                columns[measure["name"]] = (relation, time_dims[column])
    distinct = sorted(set(columns.values()))
    if not distinct:
        return {}
    selects = [
        f"select {i} as i, cast(min({expr}) as timestamp) as lo, cast(max({expr}) as timestamp)"
        f" as hi from {relation}"
        for i, (relation, expr) in enumerate(distinct)
    ]
    found = {i: (lo, hi) for i, lo, hi in con.execute(" union all ".join(selects)).fetchall()}
    return {
        name: found[distinct.index(column)]
        for name, column in columns.items()
        if found[distinct.index(column)][0] is not None
    }


def metric_time_bounds(
    metric: dict[str, Any], bounds: dict[str, tuple[dt.datetime, dt.datetime]]
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """The span of the data a metric reads: from its measures' first day to their last."""
    spans = [
        bounds[m["name"]]
        for m in (metric.get("type_params") or {}).get("input_measures") or []
        if m["name"] in bounds
    ]
    if not spans:
        return None, None
    return min(lo for lo, _ in spans), max(hi for _, hi in spans)


def plan_queries(
    engine: MetricFlowEngine,
    raw: dict[str, Any],
    bounds: dict[str, tuple[dt.datetime, dt.datetime]] | None = None,
    metric_names: list[str] | None = None,
) -> list[MetricQuery]:
    """One compiled query per metric x meta grain x (total + each meta dimension)."""
    bounded = metrics_needing_time_bounds(raw)
    queries = []
    for metric in sorted(raw.get("metrics", []), key=lambda m: m["name"]):
        name = metric["name"]
        if metric_names is not None and name not in metric_names:
            continue
        meta = metric_meta(metric)
        for grain in meta.get("grains") or []:
            for dimension in [TOTAL, *(meta.get("dimensions") or [])]:
                time_column = f"metric_time__{grain}"
                group_by = [time_column] + ([dimension] if dimension else [])
                start, end = (
                    metric_time_bounds(metric, bounds)
                    if bounds and name in bounded
                    else (None, None)
                )
                try:
                    explained = engine.explain(
                        MetricFlowQueryRequest.create(
                            metric_names=[name],
                            group_by_names=group_by,
                            time_constraint_start=start,
                            time_constraint_end=end,
                        )
                    )
                except Exception as error:
                    raise ValueError(
                        f"MetricFlow cannot compile metric {name} by {', '.join(group_by)}"
                        f" (check meta.grains/meta.dimensions): {error}"
                    ) from error
                dimension_value = (
                    f"coalesce(cast({dimension} as varchar), {_quote(NO_VALUE)})"
                    if dimension
                    else _quote(TOTAL)
                )
                sql = (
                    f"select {_quote(name)} as metric_name, {_quote(grain)} as grain,"
                    f" cast({time_column} as date) as period_start,"
                    f" {_quote(dimension)} as dimension_name,"
                    f" {dimension_value} as dimension_value,"
                    f" cast({name} as double) as value"
                    f" from (\n{explained.sql_statement.sql}\n) as compiled"
                    f" where {time_column} is not null"
                )
                queries.append(MetricQuery(name, grain, dimension, sql))
    return queries


def write_metric_values(con: Any, queries: list[MetricQuery]) -> dict[str, Any]:
    """Replace metric_layer.metric_values with the queries' rows, in one transaction."""
    started = time.perf_counter()
    con.execute(f"create schema if not exists {SCHEMA}")
    con.execute("begin transaction")
    try:
        con.execute(f"create or replace table {SCHEMA}.{TABLE} ({COLUMNS})")
        for query in queries:
            con.execute(f"insert into {SCHEMA}.{TABLE} {query.sql}")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    rows = con.execute(f"select count(*) from {SCHEMA}.{TABLE}").fetchall()[0][0]
    return {
        "queries": len(queries),
        "metrics": len({q.metric_name for q in queries}),
        "rows": rows,
        "seconds": round(time.perf_counter() - started, 2),
    }
