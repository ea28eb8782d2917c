"""Published figures equal the metric layer.

Every column that the BI contract (``publishing/publication.yml``) marks as a metric, in a table's
``metrics:`` block (or list of blocks), is compared row by row with ``metric_layer.metric_values``
for the same metric, grain, period and dimension. A table may not show its own version of a
metric: when a mart and the metric layer disagree, this check names the column, the metric and
the rows. (Every other numeric column is declared ``not_metrics:`` with a reason: publishing.spec.)

A ``metrics:`` block::

    metrics:
      period_column: period_start      # the period's first day (none for grain: all_time)
      grain: month                     # or grain_column: period_grain
      dimension: rep                   # metric_values.dimension_name; omitted for the total
      dimension_column: rep_id         # the column holding the dimension's value
      rows: is_default_attribution_model   # optional: which rows are metric figures
      aggregate: true                  # optional: rows are finer than the dimension (see below)
      columns:
        win_rate: win_rate                           # column: metric
        bookings_amount: {metric: bookings, absent: 0}  # 0 where the metric layer has no row
        minutes_avg: {metric: hours, factor: 60, weight: ticket_count}

``aggregate: true`` is for a table whose rows split a dimension value further (tickets by agent
and priority against the metric by agent): its rows are summed per period and dimension value
before they are compared, a column with ``weight:`` averaged with that column as weights (the
mean of cells' means). ``factor:`` is the column's unit in the metric's (60: minutes of hours).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from metric_layer.values import ALL_TIME, NO_VALUE, SCHEMA, TABLE, TOTAL
from publishing.errors import SpecError
from publishing.spec import IDENTIFIER, PublicationSpec
from sources.sql_text import quote_literal

WORKING = "working_warehouse"
BLOCK_KEYS = {
    "period_column",
    "grain",
    "grain_column",
    "dimension",
    "dimension_column",
    "rows",
    "aggregate",
    "columns",
}
MARK_KEYS = {"metric", "absent", "factor", "weight"}
DECIMAL_SCALE = re.compile(r"^DECIMAL\(\d+,(\d+)\)$")
# Floats are compared to a millionth plus a billionth of the value: the metric layer sums exact
# decimals, a mart may divide them in another order.
FLOAT_TOLERANCE_ABSOLUTE = 1e-6
FLOAT_TOLERANCE_RELATIVE = 1e-9
EXAMPLES = 5


@dataclass(frozen=True)
class MetricColumn:
    column: str
    metric: str
    absent: float | None  # what the table shows where the metric layer has no row
    tolerance: float  # half a unit of the column's last decimal place; floats: see above
    factor: float = 1.0  # the column shows the metric times this (60: minutes of an hours metric)
    weight: str | None = None  # aggregated as the mean weighted by this column, not as a sum


@dataclass(frozen=True)
class MetricTable:
    target: str
    period_column: str | None  # None: one all-time figure per dimension value
    grain: str | None
    grain_column: str | None
    dimension: str
    dimension_column: str | None
    rows: str | None
    columns: tuple[MetricColumn, ...]
    aggregate: bool = False


@dataclass(frozen=True)
class ColumnComparison:
    target: str
    column: str
    metric: str
    rows_compared: int
    rows_different: int
    examples: tuple[str, ...]
    table_rows: int = 0

    @property
    def passed(self) -> bool:
        # An empty table is a department not rolled out yet (no data), not a broken comparison.
        return self.rows_different == 0 and (self.rows_compared > 0 or self.table_rows == 0)

    def describe(self) -> str:
        where = f"{self.target}.{self.column} = {self.metric}"
        if self.table_rows == 0:
            return f"{where}: no data (the table is empty)"
        if self.rows_compared == 0:
            return f"{where}: no rows to compare (the contract's rows filter selects none)"
        if not self.rows_different:
            return f"{where}: {self.rows_compared:,} rows equal"
        return (
            f"{where}: {self.rows_different:,} of {self.rows_compared:,} rows differ, e.g. "
            + "; ".join(self.examples)
        )


def metric_tables(spec: PublicationSpec) -> list[MetricTable]:
    """The ``metrics:`` blocks of the spec, validated against each table's columns."""
    return [
        _parse_block(table.target, block, table.columns)
        for table in spec.tables
        for block in table.metrics
    ]


def _parse_block(target: str, raw: dict[str, Any], columns: dict[str, str]) -> MetricTable:
    where = f"{target}: metrics"
    unknown = sorted(set(raw) - BLOCK_KEYS)
    if unknown:
        raise SpecError(f"{where}: unknown keys {', '.join(unknown)}")
    if ("grain" in raw) == ("grain_column" in raw):
        raise SpecError(f"{where}: give exactly one of 'grain' or 'grain_column'")
    if ("dimension" in raw) != ("dimension_column" in raw):
        raise SpecError(f"{where}: 'dimension' and 'dimension_column' go together")
    for key in ("period_column", "grain_column", "dimension_column"):
        if key in raw and raw[key] not in columns:
            raise SpecError(f"{where}.{key}: {raw[key]!r} is not a column of the table")
    if ("period_column" in raw) == (raw.get("grain") == ALL_TIME):
        raise SpecError(f"{where}: 'period_column' is needed, but not for grain: {ALL_TIME}")
    metric_columns = []
    for column, mark in (raw.get("columns") or {}).items():
        if column not in columns:
            raise SpecError(f"{where}.columns: {column!r} is not a column of the table")
        mark = mark if isinstance(mark, dict) else {"metric": mark}
        metric = str(mark.get("metric") or "")
        if not IDENTIFIER.match(metric) or set(mark) - MARK_KEYS:
            raise SpecError(f"{where}.columns.{column}: give a metric name and only {MARK_KEYS}")
        weight = mark.get("weight")
        if weight is not None and (weight not in columns or not raw.get("aggregate")):
            raise SpecError(f"{where}.columns.{column}: a weight is a column of an aggregate block")
        metric_columns.append(
            MetricColumn(
                column,
                metric,
                mark.get("absent"),
                _tolerance(columns[column]),
                float(mark.get("factor", 1)),
                weight,
            )
        )
    if not metric_columns:
        raise SpecError(f"{where}: 'columns' must mark at least one column")
    return MetricTable(
        target=target,
        period_column=raw.get("period_column"),
        grain=raw.get("grain"),
        grain_column=raw.get("grain_column"),
        dimension=str(raw.get("dimension") or TOTAL),
        dimension_column=raw.get("dimension_column"),
        rows=raw.get("rows"),
        columns=tuple(metric_columns),
        aggregate=bool(raw.get("aggregate")),
    )


def _tolerance(column_type: str) -> float:
    scale = DECIMAL_SCALE.match(column_type.replace(" ", ""))
    return 0.5 * 10 ** -int(scale.group(1)) if scale else 0.0


def compare_column(
    con: duckdb.DuckDBPyConnection, table: MetricTable, column: MetricColumn, values: str
) -> ColumnComparison:
    """One marked column against the metric layer's rows in ``values`` (a qualified table)."""
    grain = table.grain_column or quote_literal(str(table.grain))
    dimension_value = (
        f"coalesce(cast({table.dimension_column} as varchar), {quote_literal(NO_VALUE)})"
        if table.dimension_column
        else quote_literal(TOTAL)
    )
    expected = (
        f"coalesce(metric.value, {float(column.absent)})"
        if column.absent is not None
        else "metric.value"
    )
    shown, cells = _shown(table, column)
    # Each cell is rounded on its own: a sum of cells may be off by each one's half unit. The
    # metric's own exact decimals (six places) are rounded too, in the column's unit x factor.
    allowed = (
        f"{column.tolerance} * {'1' if column.weight else 'published.cells'}"
        f" + {FLOAT_TOLERANCE_ABSOLUTE * column.factor}"
        f" + {FLOAT_TOLERANCE_RELATIVE} * abs(expected)"
    )
    sql = f"""
        with published as (
            select
                {table.period_column or "cast(null as date)"} as period_start,
                {grain} as grain,
                {dimension_value} as dimension_value,
                {shown} as shown,
                {cells} as cells
            from {table.target}
            where {table.rows or "true"}
            {"group by all" if table.aggregate else ""}
        ),
        compared as (
            select
                coalesce(cast(published.period_start as varchar), 'all time')
                    || ' ' || published.grain || ' ' || published.dimension_value as cell,
                published.shown,
                {expected} * {column.factor} as expected,
                published.cells
            from published
            left join {values} as metric
                on metric.metric_name = {quote_literal(column.metric)}
                and metric.grain = published.grain
                {"and metric.period_start = published.period_start" if table.period_column else ""}
                and metric.dimension_name = {quote_literal(table.dimension)}
                and metric.dimension_value = published.dimension_value
        ),
        different as (
            select * from compared as published
            where not (
                (shown is null and expected is null)
                or coalesce(abs(shown - expected) <= {allowed}, false)
            )
        )
        select
            (select count(*) from compared),
            (select count(*) from different),
            (select count(*) from {table.target}),
            (select list(cell || ': shows ' || coalesce(cast(shown as varchar), 'null')
                || ', metric layer ' || coalesce(cast(expected as varchar), 'no value')
                order by cell)[1:{EXAMPLES}] from different)
    """
    compared, different, table_rows, examples = con.execute(sql).fetchall()[0]
    return ColumnComparison(
        table.target,
        column.column,
        column.metric,
        compared,
        different,
        tuple(examples or ()),
        table_rows,
    )


def _shown(table: MetricTable, column: MetricColumn) -> tuple[str, str]:
    """What the table shows for a cell of the metric layer, and how many of its rows make it."""
    value = f"cast({column.column} as double)"
    if not table.aggregate:
        return value, "1"
    if column.weight is None:
        return f"sum({value})", "count(*)"
    weight = f"cast({column.weight} as double)"
    weights = f"sum({weight}) filter (where {column.column} is not null)"
    return f"sum({value} * {weight}) / nullif({weights}, 0)", "count(*)"


def compare_published(published_path: Path, working_path: Path | str, spec: PublicationSpec):
    """Every marked column of the published file against the working warehouse's metric layer.

    The working file's metric_values holds every metric (the published one only the certified
    ones), so a figure of a blocked metric is compared too.
    """
    tables = metric_tables(spec)
    published_targets = {t.target for t in spec.tables}
    with duckdb.connect(str(published_path), read_only=True) as con:
        quoted = str(working_path).replace("'", "''")
        con.execute(f"attach '{quoted}' as {WORKING} (read_only)")
        values = f"{WORKING}.{SCHEMA}.{TABLE}"
        return [
            compare_column(con, table, column, values)
            for table in tables
            if table.target in published_targets
            for column in table.columns
        ]
