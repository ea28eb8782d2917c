"""Finance: revenue, MRR and its movements, retention by cohort, and acquisition costs."""

from __future__ import annotations

import streamlit as st

from dashboard import published
from dashboard.widgets import Period, metric, metric_row, period_controls, team_metrics

TEAM = "finance"
MRR_MOVEMENTS = [
    "new_mrr",
    "expansion_mrr",
    "reactivation_mrr",
    "contraction_mrr",
    "churned_mrr",
]
COST_METRICS = ["acquisition_costs", "campaign_cost", "cac"]


def mrr_movements(data: published.Published, period: Period) -> None:
    st.subheader("MRR movements")
    mrr = data.table(
        "marts.mrr",
        ["mrr_month", *MRR_MOVEMENTS],
        where="mrr_month between coalesce(?, mrr_month) and coalesce(?, mrr_month)",
        parameters=[period.start, period.end],
    )
    movements = mrr.melt("mrr_month", var_name="movement", value_name="amount")
    st.caption("Monthly movements from the published `marts.mrr`.")
    st.bar_chart(movements, x="mrr_month", y="amount", color="movement")


def cohort_retention(data: published.Published) -> None:
    st.markdown("**Net revenue retention by cohort** (published `marts.mrr_cohorts`)")
    cohorts = data.table(
        "marts.mrr_cohorts", ["cohort_month", "months_since_cohort", "net_revenue_retention"]
    )
    if cohorts.empty:
        st.info("No cohorts in the published file.")
        return
    grid = cohorts.pivot(
        index="cohort_month", columns="months_since_cohort", values="net_revenue_retention"
    )
    grid.index = grid.index.strftime("%Y-%m")
    st.dataframe(grid.style.format("{:.0%}", na_rep=""), width="stretch")


def render() -> None:
    st.title("Finance")
    with published.connect() as data:
        period = period_controls(data)
        catalog = data.catalog()
        metric_row(data, catalog, ["revenue", "mrr", "net_revenue_retention"], period)
        metric(data, catalog, "revenue", period, "revenue_line__revenue_type")
        mrr_movements(data, period)
        st.subheader("Retention")
        metric_row(data, catalog, ["starting_mrr", "retained_mrr"], period)
        cohort_retention(data)
        st.subheader("Costs")
        metric_row(data, catalog, COST_METRICS, period)
        team_metrics(data, catalog, TEAM, period)
