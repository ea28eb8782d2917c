"""The revenue-link gate as an asset: GX judges every metric's evidence, writes gate.metric_status.

One blocking asset check per question of the vanity test. A check fails only when the gate itself
is broken (an expectation could not run, a metric of the metric layer has no evidence): then
nothing downstream may trust the verdicts, and publishing stops. A metric that fails a question is
a verdict, not an error: it is blocked in ``gate.metric_status`` and the publish step leaves its
values out, while every certified metric still publishes (docs/revenue_gate.md).
"""

import os
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from expectations.gate import QUESTIONS, GateRun, MetricStatus, format_summary, run_gate_on
from orchestration.defs.ingest.assets import WRITER_POOL
from orchestration.defs.metrics.assets import METRIC_VALUES_KEY

METRIC_STATUS_KEY = dg.AssetKey(["gate", "metric_status"])
EVIDENCE_KEY = dg.AssetKey(["gate", "gate_metric_evidence"])

QUESTION_CHECKS = {
    "evidence": "The evidence of every metric could be computed by the gate.",
    "bottom_line": "Does the metric lead to action that increases the bottom line? (its entities "
    "reach revenue within the attribution window)",
    "reproducible": "Can we intentionally reproduce its result? (the link holds month after "
    "month; the same inputs give the same values)",
    "buyers": "Does it tell us more about buyers' behaviour than about our own?",
}


def docs_dir() -> Path:
    """Data Docs beside the warehouse file (GATE_DOCS_DIR overrides), never inside the repo."""
    if os.environ.get("GATE_DOCS_DIR"):
        return Path(os.environ["GATE_DOCS_DIR"])
    return Path(os.environ["WAREHOUSE_PATH"]).parent / "gate_data_docs"


def _lines(statuses: list[MetricStatus]) -> str:
    return format_summary([(s.metric_name, s.status, s.reason) for s in statuses])


def question_check(run: GateRun, question: str) -> dg.AssetCheckResult:
    failing = run.by_question(question)
    errors = run.gate_errors.get(question, [])
    return dg.AssetCheckResult(
        check_name=question,
        passed=not errors,
        severity=dg.AssetCheckSeverity.ERROR,
        description=(
            "The gate could not judge this question: " + "; ".join(errors)
            if errors
            else f"{len(failing)} metric(s) fail this question and are not certified."
        ),
        metadata={
            "gate_errors": errors,
            "metrics_failing": [s.metric_name for s in failing],
            "verdicts": dg.MetadataValue.md(
                "```\n" + (_lines(failing) if failing else "every metric passes") + "\n```"
            ),
        },
    )


@dg.asset(
    key=METRIC_STATUS_KEY,
    group_name="quality",
    deps=[METRIC_VALUES_KEY, EVIDENCE_KEY],
    kinds={"duckdb", "great_expectations"},
    owners=["team:data-platform"],
    pool=WRITER_POOL,
    description=(
        "The revenue-link gate's verdict per metric (certified, exempt, blocked, with a readable"
        " reason): GX suites, one per question of the vanity test, on gate.gate_metric_evidence."
        " The publish step publishes the values of certified and exempt metrics only."
    ),
    check_specs=[
        dg.AssetCheckSpec(q, asset=METRIC_STATUS_KEY, description=d, blocking=True)
        for q, d in QUESTION_CHECKS.items()
    ],
)
def metric_status(
    context: dg.AssetExecutionContext, warehouse: DuckDBResource
) -> dg.MaterializeResult:
    # One writer at a time: hash, read, validate (in memory) and write through one connection.
    with warehouse.get_connection() as con:
        run = run_gate_on(con, docs_dir=docs_dir())
    counts = {
        k: sum(s.status == k for s in run.statuses) for k in ("certified", "exempt", "blocked")
    }
    context.log.info(_lines(run.statuses))
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": len(run.statuses),
            **{f"{k}_metrics": v for k, v in counts.items()},
            "verdicts": dg.MetadataValue.md("```\n" + _lines(run.statuses) + "\n```"),
            "blocked": [s.metric_name for s in run.statuses if s.status == "blocked"],
            "data_docs": dg.MetadataValue.path(str(run.docs_index)),
            **run.seconds,
        },
        check_results=[question_check(run, q) for q in QUESTIONS],
    )
