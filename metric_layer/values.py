"""metric_values: every metric at its meta grains and dimensions, compiled by MetricFlow.

Nothing here defines a metric: each row comes from SQL MetricFlow compiles from the semantic
manifest (one query per grain and dimension for the metrics that aggregate the same rows, one
per metric x grain x dimension for the others), run set-based into DuckDB in one transaction
(Spark: metric_layer/spark_values.py writes the same queries compiled for Spark SQL).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from metric_layer.governance import metric_meta

SCHEMA = "metric_layer"
TABLE = "metric_values"
TOTAL = ""  # dimension_name and dimension_value of the total (no group-by)
NO_VALUE = "(none)"  # dimension_value when the dimension is null (e.g. a lead without a rep)
# The whole history in one value (no metric_time); its period_start is the first day of the data
# the metric reads, so the row says from when it counts.
ALL_TIME = "all_time"

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
    metric_names: tuple[str, ...]
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


def measure_sources(raw: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """Each measure's semantic model and aggregation time dimension."""
    sources = {}
    for sm in raw.get("semantic_models", []):
        default = (sm.get("defaults") or {}).get("agg_time_dimension")
        for measure in sm.get("measures", []):
            sources[measure["name"]] = (sm["name"], measure.get("agg_time_dimension") or default)
    return sources


def _plain(reference: dict[str, Any] | None) -> bool:
    """A metric input with nothing on top: no filter, alias, offset, null filling or spine join."""
    return bool(reference) and not any(value for key, value in reference.items() if key != "name")


def batch_key(
    metric: dict[str, Any], by_name: dict[str, dict[str, Any]], sources: dict[str, tuple[str, str]]
) -> tuple[str, str] | None:
    """Metrics with the same key aggregate the same rows (one semantic model, one time dimension,
    no filter), so one MetricFlow query grouped by a dimension gives each metric exactly the rows
    its own query would. None: the metric needs its own query (filters, cumulative, conversion,
    derived, inputs from several models)."""
    params = metric.get("type_params") or {}
    if metric["type"] not in ("simple", "ratio") or metric.get("filter"):
        return None
    if metric["type"] == "ratio":
        for reference in (params.get("numerator"), params.get("denominator")):
            referenced = by_name.get((reference or {}).get("name"))
            if (
                not _plain(reference)
                or referenced is None
                or batch_key(referenced, by_name, sources) is None
            ):
                return None
    measures = params.get("input_measures") or []
    if not measures or not all(_plain(m) for m in measures):
        return None
    keys = {sources.get(m["name"]) for m in measures}
    return keys.pop() if len(keys) == 1 and None not in keys else None


def _rows_sql(
    names: list[str], grain: str, dimension: str, compiled: str, first_day: dt.date | None = None
) -> str:
    """One metric_values row per metric and row of the compiled query."""
    time_column = f"metric_time__{grain}"
    if grain == ALL_TIME and first_day:
        time_column = f"cast({_quote(first_day.isoformat())} as date)"
    # `string` and `double` name the same types in DuckDB and Spark SQL (Spark has no bare varchar).
    dimension_value = (
        f"coalesce(cast({dimension} as string), {_quote(NO_VALUE)})" if dimension else _quote(TOTAL)
    )
    selects = [
        f"select {_quote(name)} as metric_name, {_quote(grain)} as grain,"
        f" cast({time_column} as date) as period_start,"
        f" {_quote(dimension)} as dimension_name,"
        f" {dimension_value} as dimension_value,"
        f" cast({name} as double) as value"
        f" from compiled where {time_column} is not null"
        for name in names
    ]
    return f"select * from (with compiled as (\n{compiled}\n) " + " union all ".join(selects) + ")"


def plan_queries(
    compile_sql: Callable[[list[str], list[str], tuple], str],
    raw: dict[str, Any],
    bounds: dict[str, tuple[dt.datetime, dt.datetime]] | None = None,
    metric_names: list[str] | None = None,
    batched: bool = True,
) -> list[MetricQuery]:
    """The compiled queries for every metric x meta grain x (total + each meta dimension).

    Batched, the metrics of one batch_key share one query per grain and dimension (MetricFlow
    compiles a query in tens of milliseconds, and there are hundreds); each other metric gets
    its own. Both plans give the same rows (tests/test_metric_layer.py).
    """
    bounded = metrics_needing_time_bounds(raw)
    by_name = {m["name"]: m for m in raw.get("metrics", [])}
    sources = measure_sources(raw)
    groups: dict[tuple, list[str]] = {}
    for name in sorted(by_name):
        if metric_names is not None and name not in metric_names:
            continue
        metric = by_name[name]
        meta = metric_meta(metric)
        key = batch_key(metric, by_name, sources) if batched else None
        span = metric_time_bounds(metric, bounds) if bounds and name in bounded else (None, None)
        for grain in meta.get("grains") or []:
            if grain == ALL_TIME and not (bounds and metric_time_bounds(metric, bounds)[0]):
                continue  # no data, no first day: nothing to count
            for dimension in [TOTAL, *(meta.get("dimensions") or [])]:
                group = (grain, dimension, span, key or name)
                groups.setdefault(group, []).append(name)
    queries = []
    for (grain, dimension, span, _), names in sorted(groups.items(), key=lambda g: str(g[0])):
        time_group = [] if grain == ALL_TIME else [f"metric_time__{grain}"]
        compiled = compile_sql(names, time_group + ([dimension] if dimension else []), span)
        first_day = _first_day(by_name[names[0]], bounds) if grain == ALL_TIME else None
        queries.append(
            MetricQuery(
                tuple(names),
                grain,
                dimension,
                _rows_sql(names, grain, dimension, compiled, first_day),
            )
        )
    return queries


def _first_day(metric: dict[str, Any], bounds: dict | None) -> dt.date | None:
    first = metric_time_bounds(metric, bounds or {})[0]
    return first.date() if first else None


def write_metric_values(con: Any, queries: list[MetricQuery]) -> dict[str, Any]:
    """Replace metric_layer.metric_values with the queries' rows, in one transaction, in key order
    (the same inputs give the same table, row for row, whichever plan compiled it)."""
    started = time.perf_counter()
    con.execute(f"create schema if not exists {SCHEMA}")
    con.execute("begin transaction")
    try:
        con.execute(f"create or replace temporary table unordered_values ({COLUMNS})")
        for query in queries:
            con.execute(f"insert into unordered_values {query.sql}")
        con.execute(f"create or replace table {SCHEMA}.{TABLE} ({COLUMNS})")
        con.execute(
            f"insert into {SCHEMA}.{TABLE} select * from unordered_values"
            " order by metric_name, grain, dimension_name, dimension_value, period_start"
        )
        con.execute("drop table unordered_values")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    rows = con.execute(f"select count(*) from {SCHEMA}.{TABLE}").fetchall()[0][0]
    return {
        "queries": len(queries),
        "metrics": len({name for q in queries for name in q.metric_names}),
        "rows": rows,
        "seconds": round(time.perf_counter() - started, 2),
    }
