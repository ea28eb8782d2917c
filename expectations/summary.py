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


SUMMARY_PAGE = "revenue_link_gate.html"


def summary_page(docs_index: Path) -> Path:
    return docs_index.parent / SUMMARY_PAGE


def latest_validation_pages(docs_dir: Path) -> dict[str, Path]:
    """Each suite's newest validation result page (GX writes validations/<suite>/<run>/<time>/)."""
    pages: dict[str, Path] = {}
    for page in sorted((docs_dir / "validations").glob("*/*/*/*.html")):
        pages[page.relative_to(docs_dir).parts[1]] = page
    return pages


def write_summary_page(docs_index: Path, statuses: list[tuple[str, str, str]]) -> None:
    """The same text as a page beside the Data Docs index, with each suite's latest results.

    GX's own index fills its tables with scripts from CDNs, so offline it is empty; its
    validation result pages are plain HTML and readable without them, so this page links those.
    """
    docs_dir = docs_index.parent
    docs_dir.mkdir(parents=True, exist_ok=True)
    links = "".join(
        f"<li><a href='{html.escape(page.relative_to(docs_dir).as_posix())}'>"
        f"{html.escape(suite)}</a></li>"
        for suite, page in latest_validation_pages(docs_dir).items()
    )
    summary_page(docs_index).write_text(
        "<html><head><meta charset='utf-8'><title>Revenue-link gate</title></head><body>"
        f"<h1>Revenue-link gate</h1><pre>{html.escape(format_summary(statuses))}</pre>"
        f"<h2>Validation results of the latest run, by suite</h2><ul>{links}</ul>"
        "<p><a href='index.html'>Great Expectations Data Docs</a> (needs internet for its "
        "styles and index)</p></body></html>"
    )
