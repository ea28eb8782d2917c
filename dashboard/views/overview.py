"""Overview: the company's revenue trends, how many metrics the gate certified, blocked or left
unproven, and which publication the page reads."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import published
from dashboard.formatting import status_badge
from dashboard.widgets import metric_row, period_controls

HEADLINE_METRICS = ["revenue", "bookings", "pipeline_created", "mrr", "net_revenue_retention"]
# Always counted, even at zero; any other status the gate gives is counted after them.
STATUSES = ["certified", "unproven", "blocked"]


def publication_line(data: published.Published) -> None:
    publication = data.publication()
    if publication.empty:
        st.warning("The published file has no publication record.")
        return
    latest = publication.iloc[0]
    st.caption(
        f"Publication **{latest['version']}**, as of {latest['published_at']:%Y-%m-%d %H:%M} UTC"
        f" · file {published.published_path()}"
    )


def verdict_counts(catalog: pd.DataFrame) -> None:
    counts = catalog["gate_status"].fillna("not judged").value_counts()
    statuses = STATUSES + sorted(set(counts.index) - set(STATUSES))
    for column, status in zip(st.columns(len(statuses)), statuses, strict=True):
        column.metric(f"Metrics {status}", int(counts.get(status, 0)))
    st.caption(
        "Every metric of the metric layer and the revenue-link gate's verdict on it: "
        + ", ".join(status_badge(status) for status in statuses)
        + f". {int(catalog['has_values'].sum())} of {len(catalog)} have values in the file; each"
        " withheld metric shows the gate's reason (the Gate page lists them)."
    )


def render() -> None:
    st.title("Overview")
    with published.connect() as data:
        publication_line(data)
        period = period_controls(data)
        catalog = data.catalog()
        verdict_counts(catalog)
        st.subheader("Revenue trends")
        metric_row(data, catalog, HEADLINE_METRICS[:3], period)
        metric_row(data, catalog, HEADLINE_METRICS[3:], period)
