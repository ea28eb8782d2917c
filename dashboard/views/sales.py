"""Sales: rep leaderboards, follow-up of leads, pipeline by stage and the sales cycle."""

from __future__ import annotations

import streamlit as st

from dashboard import published
from dashboard.widgets import (
    Period,
    metric,
    metric_row,
    named_like,
    period_controls,
    single_period,
    team_metrics,
)

TEAM = "sales"
LEADERBOARD = "leaderboards.rep_leaderboard"
# A leaderboard shows every published column but its keys and period.
LEADERBOARD_KEYS = {"rep_leaderboard_id", "rep_id", "period_grain", "period_start"}
FOLLOW_UP_COLUMNS = [
    "rep_name",
    "team_name",
    "leads_assigned",
    "leads_followed_up",
    "follow_up_rate",
]
TEAM_DIMENSION = "rep__team_name"


def team_filter(data: published.Published) -> list[str]:
    teams = data.distinct(LEADERBOARD, "team_name")
    return st.sidebar.multiselect("Sales teams", teams, default=teams)


def leaderboard(data: published.Published, period: Period, teams: list[str]) -> None:
    st.subheader("Rep leaderboard")
    periods = [
        p
        for p in data.distinct(LEADERBOARD, "period_start", "period_grain = ?", [period.grain])
        if period.start is None or period.start <= p <= period.end
    ]
    if not periods or not teams:
        st.info("No leaderboard rows for the chosen period and teams.")
        return
    chosen = single_period("Leaderboard period", periods, period.grain)
    team_list = ", ".join("?" for _ in teams)
    board = data.table(
        LEADERBOARD,
        [column for column in data.columns(LEADERBOARD) if column not in LEADERBOARD_KEYS],
        where=f"period_grain = ? and period_start = ? and team_name in ({team_list})",
        parameters=[period.grain, chosen, *teams],
        order_by="bookings_rank, rep_name",
    )
    st.dataframe(board, hide_index=True, width="stretch")
    if period.grain == "month":
        follow_up = data.table(
            "marts.rep_performance",
            FOLLOW_UP_COLUMNS,
            where=f"activity_month = ? and team_name in ({team_list})",
            parameters=[chosen, *teams],
            order_by="follow_up_rate desc nulls last, rep_name",
        )
        st.markdown("**Lead follow-up by rep**")
        st.dataframe(follow_up, hide_index=True, width="stretch")


def pipeline_by_stage(data: published.Published) -> None:
    st.subheader("Open pipeline by stage")
    deals = data.table(
        "marts.pipeline", ["deal_stage", "deal_type", "amount"], where="not is_closed"
    )
    if deals.empty:
        st.info("No open deals in the published pipeline.")
        return
    st.caption("Open deals' amounts from the published `marts.pipeline`, stacked by deal type.")
    st.bar_chart(deals, x="deal_stage", y="amount", color="deal_type")


def render() -> None:
    st.title("Sales")
    with published.connect() as data:
        period = period_controls(data)
        teams = team_filter(data)
        catalog = data.catalog()
        metric_row(data, catalog, ["bookings", "win_rate", "pipeline_created"], period)
        metric_row(
            data,
            catalog,
            [
                *named_like(catalog, "speed_to_lead_hours"),
                "lead_follow_up_rate",
                "leads_never_followed_up",
            ],
            period,
        )
        leaderboard(data, period, teams)
        st.subheader("Follow-up by team")
        left, right = st.columns(2)
        with left:
            metric(data, catalog, "lead_follow_up_rate", period, TEAM_DIMENSION, teams)
        with right:
            metric(data, catalog, "leads_never_followed_up", period, TEAM_DIMENSION, teams)
        pipeline_by_stage(data)
        st.subheader("Sales cycle")
        metric_row(
            data,
            catalog,
            [*named_like(catalog, "sales_cycle_days"), "won_sales_cycle_days"],
            period,
        )
        team_metrics(data, catalog, TEAM, period)
