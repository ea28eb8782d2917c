"""How a published value reads on a page: by the metric's unit, never recomputed."""

from __future__ import annotations

import math

STATUS_COLOURS = {
    "certified": "green",
    "goal": "violet",
    "input": "blue",
    "exempt": "blue",
    "unproven": "orange",
    "blocked": "red",
}


def format_value(value: float | None, unit: str | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if unit == "usd":
        return f"${value:,.0f}"
    if unit == "ratio":
        return f"{value:.1%}"
    if unit == "hours":
        return f"{value:,.1f} h"
    if unit == "days":
        return f"{value:,.1f} days"
    if unit == "score":
        return f"{value:.2f}"
    return f"{value:,.0f}"


def status_badge(status: str | None) -> str:
    """A coloured status word in Streamlit markdown; a metric without a verdict says so."""
    if not status:
        return ":gray[not judged]"
    return f":{STATUS_COLOURS.get(status, 'gray')}[{status}]"


def markdown_text(text: str) -> str:
    """Text shown verbatim in Streamlit markdown: a dollar sign would otherwise open LaTeX."""
    return text.replace("$", "\\$")
