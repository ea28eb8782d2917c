"""The entities each metric counts and the revenue they reached: SQL generated from the plans.

One row per metric and entity (``gate.metric_entities``): when it was first counted, its value
(rates, times), whether the metric counted it or it belongs to the comparison group, and whether it
reached revenue within the window after that moment (DECISIONLOG.md, "Revenue-link gate"):

- contact: the person is the primary contact of a deal created at or after the counting and won
  within the window;
- deal: the deal is won within the window;
- ticket: the ticket's account pays at least the same MRR at the end of the window as in the
  ticket's month (renewed, not churned or contracted); tickets of accounts paying nothing then are
  left out (the outcome cannot follow from who opened tickets, only from how they were served).

Aggregates get their monthly series beside the months of the outcome metric (new bookings,
``gate.metric_series``). Runs on the gate's one connection, after dbt built
``gate.gate_revenue_events``, ``gate.gate_account_mrr`` and ``gate.gate_as_of``.
"""

from __future__ import annotations

from expectations.semantic_plan import MeasureRows, MetricPlan

ENTITIES_TABLE = "gate.metric_entities"
SERIES_TABLE = "gate.metric_series"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _rows_where(rows: MeasureRows, *extra: str) -> str:
    conditions = [f"({rows.entity_expr}) is not null", f"({rows.time_expr}) is not null", *extra]
    if rows.where:
        conditions.append(rows.where)
    return " and ".join(conditions)


def _first_countings(rows: MeasureRows, value_expr: str | None, *extra: str) -> str:
    """Each entity once, at its first counting; its mean value over its rows (rates, times),
    averaged as decimals: a sum of doubles depends on the order DuckDB's threads add them in, and
    at scale 100 a rebuild changed 34 of 11.7M values in their last digits."""
    value = (
        f"cast(avg(cast({value_expr} as decimal(38, 9))) as double)"
        if value_expr
        else "cast(null as double)"
    )
    account = f"cast({rows.account_expr} as varchar)" if rows.account_expr else "null"
    return (
        f"select cast({rows.entity_expr} as varchar) as entity_id,"
        f" min(cast({rows.time_expr} as timestamp)) as counted_at,"
        f" min({account}) as account_id, {value} as entity_value"
        f" from {rows.relation} where {_rows_where(rows, *extra)} group by 1"
    )


def entity_sql(plan: MetricPlan, population: MeasureRows | None) -> str | None:
    """The metric's rows: counted entities (is_counted) and, for counts, the comparison group."""
    name = _literal(plan.metric)
    if plan.kind == "value":
        counted = _first_countings(plan.counted, plan.value.expr, plan.counted.counted_condition)
        return (
            f"select {name} as metric_name, '{plan.entity_type}' as entity_type, *,"
            f" true as is_counted from ({counted})"
        )
    if plan.kind != "count" or population is None:
        return None
    counted = _first_countings(plan.counted, None, plan.counted.counted_condition)
    comparable = _first_countings(population, None)
    # Same type and period: the population's entities the metric never counted, captured while
    # the metric was counting. Their window starts as long after their capture as the counted
    # entities' does after theirs (the median lag over every counted entity the population has;
    # counted before its capture, a booth scan imported days later: no lag): a metric counted
    # weeks after capture (an email) then loses the same early deals on both sides, instead of
    # only on its own. A median over the counted after capture only took a booth's lag from
    # the quarter of its scans who were known for months, and shifted the comparable leads'
    # windows past most of their deals.
    return f"""
        select * from (
            with counted as ({counted}),
            comparable as ({comparable}),
            lag as (
                select coalesce(
                    median(greatest(epoch(counted.counted_at) - epoch(comparable.counted_at), 0)),
                    0
                ) as lag_seconds
                from counted inner join comparable using (entity_id)
            )
            select {name} as metric_name, '{plan.entity_type}' as entity_type, *,
                true as is_counted
            from counted
            union all
            select {name}, '{plan.entity_type}', comparable.entity_id,
                comparable.counted_at + to_seconds(lag.lag_seconds), comparable.account_id,
                comparable.entity_value, false
            from comparable cross join lag
            where comparable.entity_id not in (select entity_id from counted)
                and comparable.counted_at between (select min(counted_at) from counted)
                    and (select max(counted_at) from counted)
        )
    """


def build_entities(con, plans: list[MetricPlan], populations: dict, window_days: int) -> None:
    """gate.metric_entities: every judged entity of every metric, with its revenue outcome."""
    selects = [
        sql
        for plan in plans
        if (sql := entity_sql(plan, populations.get(plan.entity_type))) is not None
    ]
    union = "\nunion all\n".join(selects) or (
        "select null::varchar as metric_name, null::varchar as entity_type,"
        " null::varchar as entity_id, null::timestamp as counted_at, null::varchar as account_id,"
        " null::double as entity_value, null::boolean as is_counted where false"
    )
    window_end = f"counted.counted_at + interval '{int(window_days)} days'"
    con.execute(
        f"""
        create or replace table {ENTITIES_TABLE} as
        with counted as ({union}),
        won as (select * from gate.gate_revenue_events where revenue_event_type = 'won_deal'),
        -- One select per entity type, not a case over all three: each outcome subquery is then
        -- decorrelated over its own type's rows only (at scale 100 the case made DuckDB evaluate
        -- the ticket subquery for millions of contacts: 249 s).
        reached as (
            select counted.*, exists (
                select 1 from won where won.person_id = counted.entity_id
                    and won.started_at >= counted.counted_at
                    and won.reached_at <= {window_end}
            ) as has_reached
            from counted where counted.entity_type = 'contact'
            union all
            select counted.*, exists (
                select 1 from won where won.deal_id = counted.entity_id
                    and won.reached_at >= counted.counted_at
                    and won.reached_at <= {window_end}
            )
            from counted where counted.entity_type = 'deal'
            union all
            select counted.*, (
                select coalesce(later.ending_mrr, 0) >= then_mrr.ending_mrr
                from gate.gate_account_mrr as then_mrr
                left join gate.gate_account_mrr as later
                    on later.account_id = then_mrr.account_id
                    and later.mrr_month = date_trunc('month', {window_end})
                where then_mrr.account_id = counted.account_id
                    and then_mrr.mrr_month = date_trunc('month', counted.counted_at)
                    and then_mrr.ending_mrr > 0
            )
            from counted where counted.entity_type = 'ticket'
        )
        select
            reached.metric_name, reached.entity_type, reached.entity_id, reached.counted_at,
            reached.account_id, reached.entity_value, reached.is_counted,
            date_trunc('month', reached.counted_at) as counted_month,
            reached.counted_at <= as_of.matured_before as is_matured,
            reached.has_reached
        from reached
        cross join gate.gate_as_of as as_of
        where reached.has_reached is not null
        order by metric_name, entity_id
        """
    )


def _aggregate(rows: MeasureRows) -> str:
    """The measure's own aggregation, exact (decimal sums: the same inputs, the same digits)."""
    if rows.agg == "sum":
        return f"sum(cast({rows.expr} as decimal(38, 6)))"
    if rows.agg == "count_distinct":
        return f"count(distinct {rows.expr})"
    function = {"average": "avg"}.get(rows.agg, rows.agg)
    return f"{function}({rows.expr})"


def _monthly(rows: MeasureRows, alias: str) -> str:
    where = f"where {rows.where}" if rows.where else ""
    return (
        f"select date_trunc('month', cast({rows.time_expr} as timestamp)) as period_start,"
        f" {_aggregate(rows)} as {alias} from {rows.relation} {where} group by 1"
    )


def series_sql(plan: MetricPlan) -> str | None:
    """The metric's monthly value: its measure, or numerator / denominator. Counts get one too:
    a count of (nearly) every entity of a type has no comparison group and is judged on it."""
    if plan.kind == "count":
        parts = (plan.counted,)
    elif plan.kind == "series":
        parts = plan.series_parts
    else:
        return None
    first = _monthly(parts[0], "part_0")
    if len(parts) == 1:
        return (
            f"select {_literal(plan.metric)} as metric_name, period_start,"
            f" part_0 as metric_value from ({first})"
        )
    second = _monthly(parts[1], "part_1")
    return (
        f"select {_literal(plan.metric)} as metric_name, period_start,"
        f" a.part_0 / nullif(b.part_1, 0) as metric_value"
        f" from ({first}) as a full join ({second}) as b using (period_start)"
    )


def build_series(con, plans: list[MetricPlan], outcome: MeasureRows) -> None:
    """gate.metric_series: complete months of each series beside that month's outcome (the
    ``series_outcome_metric``, as the semantic layer defines it), in column ``bookings``."""
    selects = [sql for plan in plans if (sql := series_sql(plan)) is not None]
    union = "\nunion all\n".join(selects) or (
        "select null::varchar as metric_name, null::timestamp as period_start,"
        " null::decimal(38, 6) as metric_value where false"
    )
    con.execute(
        f"""
        create or replace table {SERIES_TABLE} as
        with series as ({union}),
        bookings as ({_monthly(outcome, "bookings")}),
        span as (
            select min(period_start) as first_month,
                date_trunc('month', max(as_of_at)) as as_of_month
            from bookings cross join gate.gate_as_of
        )
        select series.metric_name, series.period_start,
            cast(series.metric_value as double) as metric_value,
            cast(coalesce(bookings.bookings, 0) as double) as bookings
        from series
        cross join span
        left join bookings using (period_start)
        where series.period_start >= span.first_month and series.period_start < span.as_of_month
        order by series.metric_name, series.period_start
        """
    )
