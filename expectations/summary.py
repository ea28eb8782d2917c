"""The gate's verdicts as text: one line per metric, for the terminal, Dagster and a docs page."""

from __future__ import annotations

import html
from pathlib import Path

import duckdb

from expectations.history import table_exists

STATUS_ORDER = ("certified", "goal", "input", "exempt", "unproven", "blocked")


def format_summary(statuses: list[tuple[str, str, str]]) -> str:
    """(metric, status, reason) rows as a headline and one line per metric."""
    order = {k: i for i, k in enumerate(STATUS_ORDER)}
    counts = {k: sum(1 for _, s, _ in statuses if s == k) for k in STATUS_ORDER}
    lines = [
        "Revenue-link gate: "
        + ", ".join(f"{counts[k]} {k}" for k in STATUS_ORDER)
        + " (unproven and blocked metrics are not published)"
    ]
    for metric, status, reason in sorted(statuses, key=lambda s: (order.get(s[1], 99), s[0])):
        lines.append(f"  {status:<9} {metric}: {reason}")
    return "\n".join(lines)


def verdict_summary(warehouse_path: str | Path) -> str:
    """The verdicts stored in gate.metric_status of a warehouse file."""
    con = duckdb.connect(str(warehouse_path), read_only=True)
    try:
        if not table_exists(con, "gate", "metric_status"):
            return "Revenue-link gate: not run yet (no gate.metric_status)."
        rows = con.execute("select metric_name, status, reason from gate.metric_status").fetchall()
    finally:
        con.close()
    return format_summary(rows)


def write_summary_page(docs_index: Path, statuses: list[tuple[str, str, str]]) -> None:
    """The same text as a page beside the Data Docs index."""
    docs_index.parent.mkdir(parents=True, exist_ok=True)
    (docs_index.parent / "revenue_link_gate.html").write_text(
        "<html><head><title>Revenue-link gate</title></head><body><h1>Revenue-link gate"
        f"</h1><pre>{html.escape(format_summary(statuses))}</pre><p><a href='index.html'>"
        "Validation results</a></p></body></html>"
    )
