"""Page pieces every page shares: the period filter, a metric with its owner and verdict, a team's
metrics. Each figure is one published row, shown as it is."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
import streamlit as st

from dashboard.formatting import format_value, markdown_text, status_badge
from dashboard.published import TOTAL, Published


@dataclass(frozen=True)
class Period:
    grain: str
    start: date | None
    end: date | None


def period_label(period_start: date, grain: str) -> str:
    if grain == "quarter":
        return f"{period_start.year} Q{(period_start.month - 1) // 3 + 1}"
    if grain == "month":
        return period_start.strftime("%Y-%m")
    return period_start.isoformat()


def period_controls(data: Published, grains: tuple[str, ...] = ("month", "quarter")) -> Period:
    """Sidebar grain and period range over the periods the published values cover."""
    grain = st.sidebar.radio("Grain", grains, horizontal=True)
    periods = data.periods(grain)
    if len(periods) < 2:
        return Period(grain, None, None)
    start, end = st.sidebar.select_slider(
        "Period",
        options=periods,
        value=(periods[0], periods[-1]),
        format_func=lambda period_start: period_label(period_start, grain),
    )
    return Period(grain, start, end)


def single_period(label: str, periods: list[date], grain: str) -> date:
    """One period to look at (a funnel, a leaderboard), the latest by default."""
    return st.selectbox(
        label,
        periods,
        index=len(periods) - 1,
        format_func=lambda period_start: period_label(period_start, grain),
    )


def named_like(catalog: pd.DataFrame, stem: str) -> list[str]:
    """The catalog's metrics named by a stem (e.g. a mean and a median beside each other)."""
    return sorted(name for name in catalog["metric_name"] if name.startswith(stem)) or [stem]


def catalog_entry(catalog: pd.DataFrame, metric_name: str) -> dict | None:
    rows = catalog[catalog["metric_name"] == metric_name]
    return None if rows.empty else rows.iloc[0].to_dict()


def is_published(entry: dict) -> bool:
    return bool(entry.get("has_values"))


def owner_line(entry: dict) -> str:
    return (
        f"Owner: {entry.get('owner') or 'none'} ({entry.get('owner_team') or 'no team'})"
        f" · gate: {status_badge(entry.get('gate_status'))}"
    )


def latest_value_text(
    data: Published, entry: dict | None, grain: str, start: date | None, end: date | None
) -> str:
    """The metric's latest published total in the range, or why there is none."""
    if entry is None:
        return "not in the catalog"
    if not is_published(entry):
        return entry.get("gate_status") or "not judged"
    values = data.values(entry["metric_name"], grain, TOTAL, start, end).dropna()
    return format_value(values.iloc[-1]["value"], entry.get("unit")) if len(values) else "n/a"


def withheld_notice(entry: dict) -> None:
    """A metric the gate kept out: shown with its verdict and reason, never left out silently."""
    label = entry.get("label") or entry["metric_name"]
    reason = entry.get("gate_reason") or (
        f"{entry.get('gate_status') or 'not judged'}; the gate gave no reason."
    )
    st.error(f"**{markdown_text(label)}** is not published. {markdown_text(reason)}")


def metric(
    data: Published,
    catalog: pd.DataFrame,
    metric_name: str,
    period: Period,
    dimension: str = TOTAL,
    dimension_values: list[str] | None = None,
) -> None:
    """One metric: its latest value in the period, its trend, owner and verdict; or split by one
    dimension, optionally only some of its values (one value reads as one series)."""
    entry = catalog_entry(catalog, metric_name)
    if entry is None:
        st.warning(f"`{metric_name}` is not in the published metric catalog.")
        return
    label = entry.get("label") or metric_name
    if not is_published(entry):
        withheld_notice(entry)
        st.caption(owner_line(entry))
        return
    # A period whose value is undefined (e.g. a ratio over zero) is published as null: no figure.
    values = data.values(metric_name, period.grain, dimension, period.start, period.end).dropna()
    if dimension_values is not None:
        values = values[values["dimension_value"].isin(dimension_values)]
    single_series = dimension == TOTAL or (
        dimension_values is not None and len(dimension_values) == 1
    )
    if single_series and dimension != TOTAL:
        label = f"{label}, {dimension_values[0]}"
    if values.empty:
        st.info(f"**{label}**: no published values at {period.grain} grain in this period.")
        st.caption(owner_line(entry))
        return
    if single_series:
        latest = values.iloc[-1]
        st.metric(
            f"{label} ({period_label(latest['period_start'].date(), period.grain)})",
            format_value(latest["value"], entry.get("unit")),
            help=entry.get("description"),
        )
    else:
        st.markdown(f"**{label}** by {dimension_label(dimension)}")
    st.caption(owner_line(entry))
    if len(values) > 1:
        if single_series:
            st.line_chart(values, **chart_axes(entry), height=220)
        else:
            series = values.rename(columns={"dimension_value": dimension_label(dimension)})
            st.line_chart(series, **chart_axes(entry), color=dimension_label(dimension), height=260)


def dimension_label(dimension: str) -> str:
    """`ticket__ticket_priority` reads as "ticket priority"."""
    return dimension.split("__")[-1].replace("_", " ")


def chart_axes(entry: dict) -> dict:
    return {"x": "period_start", "y": "value", "x_label": "", "y_label": entry.get("unit") or ""}


def metric_row(
    data: Published, catalog: pd.DataFrame, metric_names: list[str], period: Period
) -> None:
    for column, metric_name in zip(st.columns(len(metric_names)), metric_names, strict=True):
        with column:
            metric(data, catalog, metric_name, period)


def team_metrics(data: Published, catalog: pd.DataFrame, team: str, period: Period) -> None:
    """Every metric the team owns, as the catalog lists them: latest value or why it is withheld."""
    owned = catalog[catalog["owner_team"] == team]
    rows = []
    for entry in owned.to_dict("records"):
        rows.append(
            {
                "metric": entry.get("label") or entry["metric_name"],
                "latest value": latest_value_text(
                    data, entry, period.grain, period.start, period.end
                ),
                "gate": entry.get("gate_status") or "not judged",
                "owner": entry.get("owner"),
                "reason": entry.get("gate_reason"),
            }
        )
    st.subheader(f"All {team} metrics")
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
