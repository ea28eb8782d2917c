"""The gate: every metric with its role, verdict, effect and interval, reason, owner and definition
hash, the verdict history where the file publishes one; filtered by team and status."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import published
from dashboard.formatting import markdown_text, status_badge
from dashboard.widgets import is_published, owner_line, withheld_notice

LEADING_COLUMNS = ["metric_name", "label", "owner_team", "owner"]
TRAILING_COLUMNS = ["definition_hash", "has_values"]
# The verdict (status, role, effect and its interval, evidence counts, reason, exemption) is every
# `gate_` column the catalog publishes: the gate grows them, the page shows them unasked.
VERDICT_PREFIX = "gate_"


def verdict_columns(catalog: pd.DataFrame) -> list[str]:
    verdict = [column for column in catalog.columns if column.startswith(VERDICT_PREFIX)]
    leading = [column for column in LEADING_COLUMNS if column in catalog]
    trailing = [column for column in TRAILING_COLUMNS if column in catalog]
    return leading + verdict + trailing


def filters(catalog: pd.DataFrame) -> pd.DataFrame:
    teams = sorted(catalog["owner_team"].dropna().unique())
    statuses = sorted(catalog["gate_status"].fillna("not judged").unique())
    chosen_teams = st.sidebar.multiselect("Teams", teams, default=teams)
    chosen_statuses = st.sidebar.multiselect("Statuses", statuses, default=statuses)
    return catalog[
        catalog["owner_team"].isin(chosen_teams)
        & catalog["gate_status"].fillna("not judged").isin(chosen_statuses)
    ]


def verdict_history(data: published.Published, metric_name: str) -> None:
    tables = data.tables_like("history", with_column="metric_name")
    if not tables:
        st.caption("The published file holds no verdict history yet: only the current verdict.")
        return
    for table in tables:
        history = data.table(
            table, data.columns(table), where="metric_name = ?", parameters=[metric_name]
        )
        st.markdown(f"History from `{table}`")
        st.dataframe(history, hide_index=True, width="stretch")


def metric_detail(data: published.Published, shown: pd.DataFrame) -> None:
    st.subheader("One metric")
    metric_name = st.selectbox("Metric", shown["metric_name"].tolist())
    if metric_name is None:
        return
    entry = shown[shown["metric_name"] == metric_name].iloc[0].to_dict()
    st.markdown(
        f"**{markdown_text(entry.get('label') or metric_name)}**"
        f" · {status_badge(entry.get('gate_status'))}"
    )
    st.caption(owner_line(entry))
    st.markdown(markdown_text(entry.get("description") or ""))
    st.markdown(f"Definition hash: `{entry.get('definition_hash')}`")
    st.markdown(markdown_text(entry.get("gate_reason") or "The gate gave no reason."))
    verdict_history(data, metric_name)


def render() -> None:
    st.title("The revenue-link gate")
    with published.connect() as data:
        catalog = data.catalog()
        shown = filters(catalog)
        st.caption(
            f"{len(shown)} of {len(catalog)} metrics. Blocked and unproven metrics have no values"
            " in the published file; each says why."
        )
        st.dataframe(shown[verdict_columns(shown)], hide_index=True, width="stretch")
        withheld = [entry for entry in shown.to_dict("records") if not is_published(entry)]
        if withheld:
            st.subheader("Withheld metrics and why")
            for entry in withheld:
                withheld_notice(entry)
        if not shown.empty:
            metric_detail(data, shown)
