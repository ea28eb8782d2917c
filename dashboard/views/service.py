"""Service: first and average response time, resolution time, one-touch rate and satisfaction,
by month and by ticket priority."""

from __future__ import annotations

import streamlit as st

from dashboard import published
from dashboard.widgets import metric, metric_row, period_controls, team_metrics

TEAM = "service"
SERVICE_METRICS = [
    "first_response_time_hours",
    "average_response_time_hours",
    "resolution_time_hours",
    "one_touch_resolution_rate",
    "satisfaction_score",
]
PRIORITY_DIMENSION = "ticket__ticket_priority"


def priority_filter(data: published.Published) -> list[str]:
    priorities = data.dimension_values(SERVICE_METRICS[0], PRIORITY_DIMENSION)
    return st.sidebar.multiselect("Ticket priorities", priorities, default=priorities)


def render() -> None:
    st.title("Service")
    with published.connect() as data:
        period = period_controls(data)
        priorities = priority_filter(data)
        catalog = data.catalog()
        metric_row(data, catalog, SERVICE_METRICS[:3], period)
        metric_row(data, catalog, SERVICE_METRICS[3:], period)
        st.subheader("By priority")
        columns = st.columns(2)
        for position, metric_name in enumerate(SERVICE_METRICS):
            with columns[position % 2]:
                metric(
                    data,
                    catalog,
                    metric_name,
                    period,
                    PRIORITY_DIMENSION,
                    dimension_values=priorities,
                )
        team_metrics(data, catalog, TEAM, period)
