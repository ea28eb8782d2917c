"""Attribution and leaderboards, as the real build leaves them in the warehouse.

The session's demo build (scale 0.2, seed 42, built by `make demo`) holds the attribution and
leaderboard marts. For every attribution model:

- each deal's weights sum to 1;
- the credited pipeline and revenue reconcile with the amount and won amount of the deals that
  had eligible touches (and nothing is credited to a deal without one);
- the booth story: the trade-show booths get about zero attributed revenue for their cost, while
  webinars and paid search get some.
"""

from __future__ import annotations

import duckdb
import pytest

MODELS = ["first_touch", "last_touch", "linear", "u_shaped", "w_shaped", "time_decay"]


@pytest.fixture
def con(demo_build):
    connection = duckdb.connect(str(demo_build.warehouse), read_only=True)
    yield connection
    connection.close()


def test_weights_sum_to_one_per_deal_and_model(con):
    rows = con.execute(
        """
        select attribution_model, count(*), max(abs(total - 1))
        from (
            select attribution_model, deal_id, sum(attribution_weight) as total
            from marts.attribution_touch_credits
            group by all
        )
        group by all
        """
    ).fetchall()
    assert sorted(r[0] for r in rows) == sorted(MODELS)
    deal_counts = {r[1] for r in rows}
    assert len(deal_counts) == 1 and deal_counts.pop() > 20, rows
    for model, _, worst in rows:
        assert worst < 1e-9, (model, worst)


@pytest.mark.parametrize("model", MODELS)
def test_attributed_totals_reconcile_with_touched_deals(con, model):
    expected_pipeline, expected_revenue, expected_deals = con.execute(
        """
        select sum(amount), sum(bookings_amount), count(*)
        from marts.pipeline
        where deal_id in (select deal_id from intermediate.int_attribution__deal_touches)
        """
    ).fetchone()
    pipeline, revenue, deals = con.execute(
        """
        select sum(attributed_pipeline)::double, sum(attributed_revenue)::double,
            count(distinct deal_id)
        from marts.attribution_touch_credits
        where attribution_model = ?
        """,
        [model],
    ).fetchone()
    assert deals == expected_deals
    assert pipeline == pytest.approx(float(expected_pipeline), abs=0.01)
    assert revenue == pytest.approx(float(expected_revenue), abs=0.01)
    assert revenue > 0
    # The aggregate mart carries the same totals.
    monthly_pipeline, monthly_revenue = con.execute(
        """
        select sum(attributed_pipeline), sum(attributed_revenue)
        from marts.attributed_revenue
        where attribution_model = ?
        """,
        [model],
    ).fetchone()
    assert monthly_pipeline == pytest.approx(pipeline, abs=0.01)
    assert monthly_revenue == pytest.approx(revenue, abs=0.01)


@pytest.mark.parametrize("model", MODELS)
def test_booth_gets_about_zero_revenue_webinars_and_paid_search_get_some(con, model):
    rows = con.execute(
        """
        select channel, sum(attributed_revenue), sum(total_cost)
        from marts.campaign_roi
        where attribution_model = ?
        group by channel
        """,
        [model],
    ).fetchall()
    by_channel = {channel: (revenue, cost) for channel, revenue, cost in rows}
    campaign_revenue = sum(revenue for revenue, _ in by_channel.values())
    booth_revenue, booth_cost = by_channel["trade_show"]
    assert booth_cost > 0
    assert booth_revenue < 0.05 * booth_cost, (model, booth_revenue, booth_cost)
    assert booth_revenue < 0.05 * campaign_revenue, (model, booth_revenue, campaign_revenue)
    webinar_revenue, _ = by_channel["webinar"]
    if model != "last_touch":
        # Last touch credits the touch right before creation: mostly a rep's call, rarely a webinar.
        assert webinar_revenue > 10 * max(booth_revenue, 1.0), (model, by_channel)


def test_webinars_and_paid_search_credited_under_path_models(con):
    rows = dict(
        con.execute(
            """
            select channel, sum(attributed_revenue)
            from marts.campaign_roi
            where attribution_model in ('linear', 'time_decay', 'w_shaped')
            group by channel
            """
        ).fetchall()
    )
    # At scale 0.2 the few paid-search leads may not have bought yet (at scale 1 they have).
    assert rows["webinar"] > 0, rows
    assert rows["webinar"] + rows.get("paid_search", 0) > 10 * rows["trade_show"], rows


def test_leaderboards_rank_every_period(con):
    (bad_rep_ranks,) = con.execute(
        """
        select count(*) from (
            select period_grain, period_start, min(bookings_rank) as best
            from marts.rep_leaderboard group by all
        ) where best != 1
        """
    ).fetchone()
    assert bad_rep_ranks == 0
    grains = {
        r[0]
        for r in con.execute("select distinct period_grain from marts.rep_leaderboard").fetchall()
    }
    assert grains == {"month", "quarter"}
    # A quarter's campaign cost is the sum of its months'.
    (mismatches,) = con.execute(
        """
        with months as (
            select campaign_id, attribution_model, date_trunc('quarter', period_start) as q,
                   sum(campaign_cost) as cost
            from marts.campaign_leaderboard where period_grain = 'month' group by all
        )
        select count(*) from months
        join marts.campaign_leaderboard as quarters
            on quarters.period_grain = 'quarter'
            and quarters.campaign_id = months.campaign_id
            and quarters.attribution_model = months.attribution_model
            and quarters.period_start = months.q
        where abs(quarters.campaign_cost - months.cost) > 0.005
        """
    ).fetchone()
    assert mismatches == 0
