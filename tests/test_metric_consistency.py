"""One set of numbers: published figures equal the metric layer, on the demo build (scale 0.2).

Every column the BI contract marks as a metric equals metric_values (and breaking one figure fails
the check, in pytest and as the Dagster asset check); to-date metrics equal period-end counts;
attributed totals are one model's and reconcile to the attributed deals' revenue; a rebuild on the
same files gives identical values.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest
import yaml
from dagster_duckdb import DuckDBResource
from dbt_cli import run_dbt

from metric_layer.build import build_metric_values
from metric_layer.consistency import compare_published, metric_tables
from orchestration.defs.publish.assets import metrics_duckdb
from orchestration.defs.publish.consistency_check import (
    PUBLISHED_FIGURES_EQUAL_METRIC_LAYER,
    published_figures_equal_metric_layer,
)
from orchestration.defs.publish.resources import PublishedWarehouse
from publishing import load_spec

SPEC = load_spec()
DBT_MODELS = Path(__file__).resolve().parents[1] / "dbt_project" / "models"
BROKEN_TABLE, BROKEN_COLUMN = "leaderboards.rep_leaderboard", "median_speed_to_lead_hours"


def _rows(path: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def test_contract_marks_the_leaderboards_and_marts_metric_columns():
    marked = {(t.target, c.column): c.metric for t in metric_tables(SPEC) for c in t.columns}
    assert marked[(BROKEN_TABLE, BROKEN_COLUMN)] == "speed_to_lead_hours_median"
    assert marked[(BROKEN_TABLE, "mean_speed_to_lead_hours")] == "speed_to_lead_hours_mean"
    assert marked[("leaderboards.campaign_leaderboard", "attributed_revenue")] == (
        "attributed_revenue"
    )
    assert {
        "marts.rep_performance",
        "marts.revenue_by_month",
        "marts.mrr",
        "marts.ticket_metrics_monthly",
        "marts.attributed_revenue",
        "marts.campaign_roi",
        "marts.mrr_cohorts",
    } <= {target for target, _ in marked}
    assert marked[(BROKEN_TABLE, "median_response_hours")] == "lead_response_hours_median"


def test_every_published_numeric_column_is_a_metric_or_says_why_not():
    """load_spec refuses a numeric column in neither; the shipped contract declares each one."""
    marked = {(t.target, c.column) for t in metric_tables(SPEC) for c in t.columns}
    for table in SPEC.tables:
        for column, reason in table.not_metrics.items():
            assert (table.target, column) not in marked
            assert len(reason) > 10, (table.target, column)


def test_every_published_metric_column_equals_the_metric_layer(demo_build):
    comparisons = compare_published(demo_build.published, demo_build.warehouse, SPEC)
    assert comparisons
    assert [c.describe() for c in comparisons if not c.passed] == []


def _break_one_figure(published: Path, target: Path) -> None:
    """A copy of the published file with one leaderboard cell an hour off."""
    shutil.copy2(published, target)
    with duckdb.connect(str(target)) as con:
        con.execute(
            f"update {BROKEN_TABLE} set {BROKEN_COLUMN} = {BROKEN_COLUMN} + 1"
            f" where rep_leaderboard_id = (select min(rep_leaderboard_id) from {BROKEN_TABLE}"
            f" where {BROKEN_COLUMN} is not null)"
        )


def test_one_diverging_figure_fails_the_check_naming_it(demo_build, tmp_path):
    broken = tmp_path / "metrics.duckdb"
    _break_one_figure(demo_build.published, broken)
    comparisons = compare_published(broken, demo_build.warehouse, SPEC)
    failed = [c for c in comparisons if not c.passed]
    assert [(c.target, c.column, c.rows_different) for c in failed] == [
        (BROKEN_TABLE, BROKEN_COLUMN, 1)
    ]
    assert "speed_to_lead_hours_median" in failed[0].describe()


# (table, column, key column, which row to break): the sums and weighted means of a table whose
# rows are finer than the metric's dimension, one row of the default attribution model, and an
# all-time figure.
AGGREGATED_BREAKS = [
    ("marts.campaign_roi", "roi", "campaign_roi_id", "is_default_attribution_model and roi > 0"),
    ("marts.ticket_metrics_monthly", "ticket_count", "ticket_metrics_monthly_id", "true"),
    (
        "marts.ticket_metrics_monthly",
        "first_response_business_minutes_avg",
        "ticket_metrics_monthly_id",
        "first_responded_ticket_count > 0",
    ),
    (
        "marts.attributed_revenue",
        "attributed_revenue",
        "attributed_revenue_id",
        "is_default_attribution_model and attributed_revenue > 0",
    ),
]


@pytest.mark.parametrize(("table", "column", "key", "where"), AGGREGATED_BREAKS)
def test_one_diverging_cell_fails_every_block_it_is_in(
    demo_build, tmp_path, table, column, key, where
):
    broken = tmp_path / "metrics.duckdb"
    shutil.copy2(demo_build.published, broken)
    with duckdb.connect(str(broken)) as con:
        # The cell that weighs most in its groups, moved by a whole hour (or unit): visible.
        con.execute(
            f"update {table} set {column} = {column} + 60 where {key} = (select {key}"
            f" from {table} where {where} order by {column} desc, {key} limit 1)"
        )
    failed = [c for c in compare_published(broken, demo_build.warehouse, SPEC) if not c.passed]
    blocks = [t for t in metric_tables(SPEC) if t.target == table]
    expected = sum(1 for t in blocks for c in t.columns if c.column == column)
    assert expected >= 1
    assert [(c.target, c.column) for c in failed] == [(table, column)] * expected
    assert all(c.rows_different == 1 for c in failed)


def test_other_attribution_models_rows_are_not_metric_figures(demo_build, tmp_path):
    """Only the default model's rows equal the metric: another model's may differ."""
    broken = tmp_path / "metrics.duckdb"
    shutil.copy2(demo_build.published, broken)
    with duckdb.connect(str(broken)) as con:
        con.execute(
            "update marts.attributed_revenue set attributed_revenue = attributed_revenue + 60"
            " where not is_default_attribution_model"
        )
    comparisons = compare_published(broken, demo_build.warehouse, SPEC)
    assert [c.describe() for c in comparisons if not c.passed] == []


def test_dagster_asset_check_passes_and_fails_when_a_mart_diverges(demo_build, tmp_path):
    working = tmp_path / "warehouse.duckdb"
    shutil.copy2(demo_build.warehouse, working)
    resources = {
        "warehouse": DuckDBResource(database=str(working)),
        "published": PublishedWarehouse(path=str(tmp_path / "published" / "metrics.duckdb")),
    }

    def check_passed() -> bool:
        result = dg.materialize(
            [metrics_duckdb, published_figures_equal_metric_layer],
            resources=resources,
            raise_on_error=False,
        )
        (evaluation,) = [
            e
            for e in result.get_asset_check_evaluations()
            if e.check_name == PUBLISHED_FIGURES_EQUAL_METRIC_LAYER
        ]
        return evaluation.passed

    assert check_passed()
    with duckdb.connect(str(working)) as con:
        # The mart computes its own win rate: the published file now disagrees with the metric.
        con.execute("update marts.rep_leaderboard set win_rate = 1.0 where win_rate < 1.0")
    assert not check_passed()


def test_to_date_metrics_equal_period_end_counts(demo_build):
    different = _rows(
        demo_build.warehouse,
        """
        with to_date as (
            select metric_name, grain, period_start, dimension_value, value
            from metric_layer.metric_values
            where metric_name in ('leads_captured_to_date', 'customers_from_leads_to_date')
                and grain in ('month', 'quarter')
                and dimension_name in ('', 'lead__capture_channel')
        ),
        counted as (
            select
                to_date.*,
                (select count(*) from marts.lead_funnel as leads
                 where leads.captured_at < to_date.period_start
                     + case to_date.grain when 'month' then interval 1 month
                       else interval 3 month end
                     and (to_date.dimension_value = ''
                          or leads.capture_channel = to_date.dimension_value)
                     and (to_date.metric_name = 'leads_captured_to_date' or leads.is_won)
                ) as period_end_count
            from to_date
        )
        select * from counted where value <> period_end_count
        """,
    )
    assert different == []
    months = _rows(
        demo_build.warehouse,
        "select count(*) from metric_layer.metric_values"
        " where metric_name = 'leads_captured_to_date' and grain = 'month'",
    )
    assert months[0][0] > 12


def _metric_definitions() -> list[dict]:
    """Every metric as dbt's YAML defines it (models/**.yml)."""
    return [
        metric
        for path in sorted(DBT_MODELS.rglob("*.yml"))
        for metric in (yaml.safe_load(path.read_text()) or {}).get("metrics") or []
    ]


def _input_name(reference: str | dict) -> str:
    return reference["name"] if isinstance(reference, dict) else reference


def test_rates_are_zero_not_null_when_their_denominator_is_positive(demo_build):
    definitions = _metric_definitions()
    # A filtered denominator (event_roi's: events' costs only) is not its metric's value.
    ratios = [
        (m["name"], _input_name(m["type_params"]["denominator"]))
        for m in definitions
        if m["type"] == "ratio"
        and not m.get("filter")
        and not isinstance(m["type_params"]["denominator"], dict)
    ]
    conversions = [m["name"] for m in definitions if m["type"] == "conversion"]
    assert ratios and conversions
    pairs = ", ".join(f"('{rate}', '{denominator}')" for rate, denominator in ratios)
    nulls = _rows(
        demo_build.warehouse,
        f"""
        select rate.metric_name, rate.grain, rate.period_start, rate.dimension_name,
            rate.dimension_value, denominator.value
        from metric_layer.metric_values as rate
        inner join (values {pairs}) as ratios (rate_name, denominator_name)
            on rate.metric_name = ratios.rate_name
        inner join metric_layer.metric_values as denominator
            on denominator.metric_name = ratios.denominator_name
            and denominator.grain = rate.grain
            and denominator.period_start = rate.period_start
            and denominator.dimension_name = rate.dimension_name
            and denominator.dimension_value = rate.dimension_value
        where rate.value is null and denominator.value > 0
        """,
    )
    assert nulls == []
    conversion_nulls = _rows(
        demo_build.warehouse,
        "select metric_name, grain, period_start, dimension_value from metric_layer.metric_values"
        " where value is null and list_contains(?, metric_name)",
        [conversions],
    )
    assert conversion_nulls == []


def test_attributed_totals_are_one_models_and_reconcile_to_won_revenue(demo_build):
    (models,) = _rows(
        demo_build.warehouse,
        "select count(distinct attribution_model),"
        " count(distinct attribution_model) filter (where is_default_attribution_model)"
        " from marts.attributed_revenue",
    )
    assert models == (6, 1)
    quarters = _rows(
        demo_build.published,
        """
        select metric.period_start, metric.value, sum(mart.attributed_revenue)
        from metric_layer.metric_values as metric
        inner join marts.attributed_revenue as mart
            on date_trunc('quarter', mart.attribution_month) = metric.period_start
            and mart.is_default_attribution_model
        where metric.metric_name = 'attributed_revenue' and metric.grain = 'quarter'
            and metric.dimension_name = ''
        group by metric.period_start, metric.value
        """,
    )
    assert quarters
    assert all(abs(value - mart_sum) < 0.01 for _, value, mart_sum in quarters)
    unreconciled = _rows(
        demo_build.warehouse,
        """
        with won as (
            select sum(deal_bookings_amount) as revenue
            from (select distinct deal_id, deal_bookings_amount
                  from marts.attribution_touch_credits where is_won)
        )
        select attribution_model, sum(attributed_revenue), (select revenue from won)
        from marts.attributed_revenue
        group by attribution_model
        having abs(sum(attributed_revenue) - (select revenue from won)) >= 0.01
        """,
    )
    assert unreconciled == []


VALUE_TABLES = [
    "marts.attribution_touch_credits",
    "marts.attributed_revenue",
    "marts.campaign_roi",
    "marts.campaign_leaderboard",
    "metric_layer.metric_values",
]


def test_a_rebuild_on_the_same_files_gives_identical_values(demo_build, tmp_path):
    """The models whose sums were floats, and every metric value, built again: no digit moves."""
    rebuilt = tmp_path / "warehouse.duckdb"
    shutil.copy2(demo_build.warehouse, rebuilt)
    result = run_dbt(tmp_path, rebuilt, "run", "--select", "attribution_touch_credits+")
    assert result.returncode == 0, result.stdout[-4000:]
    manifest = tmp_path / "target" / "semantic_manifest.json"
    with duckdb.connect(str(rebuilt)) as con:
        build_metric_values(con, manifest)
        con.execute(f"attach '{demo_build.warehouse}' as first_build (read_only)")
        for table in VALUE_TABLES:
            differing = con.execute(
                f"select count(*) from ((select * from {table} except all"
                f" select * from first_build.{table}) union all"
                f" (select * from first_build.{table} except all select * from {table}))"
            ).fetchall()[0][0]
            assert differing == 0, table


def test_sales_cycle_median_by_lead_channel_equals_the_won_deals_of_each_channel(demo_build):
    """The median cycle per lead channel and quarter is the median of that channel's won deals
    in marts.pipeline (the deal's primary person's capture channel in marts.lead_funnel)."""
    different = _rows(
        demo_build.warehouse,
        """
        with won as (
            select
                cast(date_trunc('quarter', pipeline.closed_at) as date) as period_start,
                coalesce(leads.capture_channel, '(none)') as channel,
                median(pipeline.sales_cycle_days) as median_days
            from marts.pipeline as pipeline
            left join marts.lead_funnel as leads on leads.person_id = pipeline.person_id
            where pipeline.is_won
            group by all
        ),
        metric as (
            select period_start, dimension_value, value from metric_layer.metric_values
            where metric_name = 'sales_cycle_days_median' and grain = 'quarter'
                and dimension_name = 'lead__capture_channel'
        )
        select won.*, metric.*
        from won
        full join metric
            on metric.period_start = won.period_start and metric.dimension_value = won.channel
        -- (A channel with closed deals but none won has a row without a value.)
        where (metric.value is null) <> (won.median_days is null)
            or abs(metric.value - won.median_days) > 1e-9
        """,
    )
    assert different == []
    (channels,) = _rows(
        demo_build.warehouse,
        "select count(distinct dimension_value) from metric_layer.metric_values"
        " where metric_name = 'sales_cycle_days' and dimension_name = 'lead__capture_channel'",
    )
    assert channels[0] > 2


REVENUE_TEAM_METRICS = {
    "sales_cycle_days", "sales_cycle_days_median", "deals_created", "deals_lost",
    "tickets_created", "active_subscriptions", "new_subscriptions", "billings",
    "gross_recognised_revenue", "refunded_revenue", "cash_collected", "cash_refunded", "net_cash",
    "sales_activities_logged", "outbound_sales_activities_logged", "lead_requests",
    "lead_requests_answered", "lead_response_hours_median",
}  # fmt: skip


def test_the_metrics_a_revenue_team_expects_have_owner_docs_and_values(demo_build):
    catalog = {
        name: (owner, description, values)
        for name, owner, description, values in _rows(
            demo_build.warehouse,
            "select catalog.metric_name, catalog.owner, catalog.description,"
            " (select count(*) from metric_layer.metric_values as v"
            "  where v.metric_name = catalog.metric_name and v.value is not null)"
            " from metric_layer.metric_catalog as catalog",
        )
    }
    missing = sorted(REVENUE_TEAM_METRICS - set(catalog))
    assert missing == []
    undocumented = [
        name
        for name in REVENUE_TEAM_METRICS
        if not catalog[name][0] or len(catalog[name][1] or "") < 20 or not catalog[name][2]
    ]
    assert undocumented == []


def test_all_time_values_are_the_sum_of_the_months_for_additive_metrics(demo_build):
    """campaign_roi's all-time figures come from the all_time grain: for a sum it is the months'."""
    different = _rows(
        demo_build.warehouse,
        """
        with all_time as (
            select metric_name, dimension_name, dimension_value, value
            from metric_layer.metric_values where grain = 'all_time'
        ),
        months as (
            select metric_name, dimension_name, dimension_value, sum(value) as value
            from metric_layer.metric_values where grain = 'month'
            group by all
        )
        select all_time.*, months.value
        from all_time
        left join months using (metric_name, dimension_name, dimension_value)
        where all_time.metric_name in ('attributed_revenue', 'attributed_pipeline',
                'campaign_cost', 'attributed_won_deals')
            and not abs(all_time.value - coalesce(months.value, 0))
                <= 1e-6 * (1 + abs(all_time.value))
        """,
    )
    assert different == []
    (campaigns,) = _rows(
        demo_build.warehouse,
        "select count(*) from metric_layer.metric_values where grain = 'all_time'"
        " and metric_name = 'campaign_roi' and dimension_name = 'campaign'",
    )
    assert campaigns[0] > 5
