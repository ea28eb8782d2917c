"""Marketing: contacts, replies and MQLs, the lead funnel, campaign and event return, attribution
under an explicitly chosen model, and the vanity candidates with the gate's verdict."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import published
from dashboard.formatting import markdown_text, status_badge
from dashboard.widgets import (
    Period,
    catalog_entry,
    is_published,
    latest_value_text,
    metric,
    metric_row,
    owner_line,
    period_controls,
    single_period,
    team_metrics,
    withheld_notice,
)

TEAM = "marketing"
AUDIENCE_METRICS = ["new_contacts", "contacts_replied", "mqls"]
# Each funnel step: its count metric and the metric for the conversion into it.
FUNNEL_STEPS = [
    ("Leads captured", "new_contacts", None),
    ("Became MQL", "leads_became_mql", "lead_to_mql_rate"),
    ("Became opportunity", "mqls_became_opportunity", "mql_to_opportunity_rate"),
    ("Won", "opportunities_won_from_leads", "opportunity_to_won_rate"),
]
RETURN_METRICS = ["campaign_roi", "event_roi", "cac"]
CAMPAIGN_ROI = "marts.campaign_roi"
DEFAULT_MODEL_FLAG = "is_default_attribution_model"
CAMPAIGN_ROI_KEYS = {"campaign_roi_id", "campaign_id", "attribution_model"}


def funnel_periods(data: published.Published, catalog: pd.DataFrame, period: Period) -> list:
    """The periods in range in which any published funnel step has a value."""
    periods: set = set()
    for _, count_metric, _ in FUNNEL_STEPS:
        entry = catalog_entry(catalog, count_metric)
        if entry is not None and is_published(entry):
            values = data.values(count_metric, period.grain, start=period.start, end=period.end)
            periods.update(values["period_start"].dt.date)
    return sorted(periods)


def funnel(data: published.Published, catalog: pd.DataFrame, period: Period) -> None:
    st.subheader("Lead funnel")
    periods = funnel_periods(data, catalog, period)
    if not periods:
        st.info("No published periods in the chosen range.")
        return
    chosen = single_period("Funnel period", periods, period.grain)
    for column, (step, count_metric, rate_metric) in zip(
        st.columns(len(FUNNEL_STEPS)), FUNNEL_STEPS, strict=True
    ):
        count_entry = catalog_entry(catalog, count_metric)
        with column:
            st.metric(step, latest_value_text(data, count_entry, period.grain, chosen, chosen))
            if rate_metric:
                rate_entry = catalog_entry(catalog, rate_metric)
                rate = latest_value_text(data, rate_entry, period.grain, chosen, chosen)
                st.caption(f"conversion into this step: **{rate}**")


def attribution_model_picker(data: published.Published) -> str | None:
    models = data.distinct(CAMPAIGN_ROI, "attribution_model")
    if not models:
        st.info("The published file has no attribution models.")
        return None
    defaults = (
        data.distinct(CAMPAIGN_ROI, "attribution_model", where=DEFAULT_MODEL_FLAG)
        if DEFAULT_MODEL_FLAG in data.columns(CAMPAIGN_ROI)
        else []
    )
    index = models.index(defaults[0]) if defaults else 0
    return st.sidebar.selectbox("Attribution model", models, index=index)


def model_dimension(entry: dict | None) -> str | None:
    """The metric's attribution-model dimension, if it is split by model at all."""
    dimensions = (entry or {}).get("dimensions")
    if dimensions is None:
        return None
    return next((d for d in dimensions if d.endswith("attribution_model")), None)


def by_model(
    data: published.Published, catalog: pd.DataFrame, metric_name: str, period: Period, model: str
) -> None:
    """The metric under the chosen model; a metric published for one model only says so."""
    dimension = model_dimension(catalog_entry(catalog, metric_name))
    if dimension is None:
        metric(data, catalog, metric_name, period)
        st.caption("Published for the default attribution model only.")
    else:
        metric(data, catalog, metric_name, period, dimension, dimension_values=[model])


def campaign_return(
    data: published.Published, catalog: pd.DataFrame, period: Period, model: str
) -> None:
    st.subheader(f"Campaign and event return ({model} attribution)")
    for column, metric_name in zip(st.columns(len(RETURN_METRICS)), RETURN_METRICS, strict=True):
        with column:
            by_model(data, catalog, metric_name, period, model)
    campaigns = data.table(
        CAMPAIGN_ROI,
        [c for c in data.columns(CAMPAIGN_ROI) if c not in CAMPAIGN_ROI_KEYS],
        where="attribution_model = ?",
        parameters=[model],
        order_by="roi desc nulls last",
    )
    st.caption("Whole-history return per campaign (published mart `marts.campaign_roi`).")
    st.bar_chart(campaigns, x="campaign_name", y="roi", color="channel", horizontal=True)
    st.dataframe(campaigns, hide_index=True, width="stretch")


def attribution(
    data: published.Published, catalog: pd.DataFrame, period: Period, model: str
) -> None:
    st.subheader("Attribution")
    entry = catalog_entry(catalog, "attributed_revenue")
    if entry is not None and not is_published(entry):
        withheld_notice(entry)
        return
    credits = data.table(
        "marts.attributed_revenue",
        ["attribution_month", "channel", "attributed_revenue"],
        where="attribution_model = ? and attribution_month"
        " between coalesce(?, attribution_month) and coalesce(?, attribution_month)",
        parameters=[model, period.start, period.end],
    )
    st.markdown(f"Attributed revenue by channel, **{model}** model")
    if entry is not None:
        st.caption(owner_line(entry))
    st.bar_chart(credits, x="attribution_month", y="attributed_revenue", color="channel")
    dimension = model_dimension(entry)
    if dimension is not None:
        metric(data, catalog, "attributed_revenue", period, dimension)


def vanity_candidates(catalog: pd.DataFrame) -> None:
    """Marketing metrics that count our own actions, or that the gate did not certify."""
    st.subheader("Vanity candidates and the gate's verdict")
    owned = catalog[catalog["owner_team"] == TEAM]
    candidate = (owned["subject"] == "us") | ~owned["has_values"]
    if "role" in owned:
        candidate |= owned["role"].fillna("").str.contains("vanity")
    candidates = owned[candidate]
    for entry in candidates.to_dict("records"):
        st.markdown(
            f"**{markdown_text(entry['label'])}** · {status_badge(entry.get('gate_status'))}"
        )
        st.caption(markdown_text(entry.get("gate_reason") or "The gate gave no reason."))


def render() -> None:
    st.title("Marketing")
    with published.connect() as data:
        period = period_controls(data)
        model = attribution_model_picker(data)
        catalog = data.catalog()
        metric_row(data, catalog, AUDIENCE_METRICS, period)
        if period.start is not None:
            funnel(data, catalog, period)
        if model is not None:
            campaign_return(data, catalog, period, model)
            attribution(data, catalog, period, model)
        vanity_candidates(catalog)
        team_metrics(data, catalog, TEAM, period)
