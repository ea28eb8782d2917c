"""The revenue-link gate as an asset: every metric judged, one asset check per metric.

- One check per metric of the semantic manifest (``gate_<metric>``): its verdict. It passes for
  certified, goal, input and exempt metrics and fails with WARN severity when the metric is blocked
  or unproven, with effect, interval, counts and the reason as metadata: a run shows which
  metrics fail and why, and publishing still goes on for every metric that passed.
- One blocking check per question of the vanity test: it fails (ERROR) only when the gate itself
  cannot judge (an expectation could not run, a metric has no evidence row). Then no verdict can
  be trusted, and the publish step downstream does not run (docs/revenue_gate.md).
"""

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

import dagster as dg
from dagster_duckdb import DuckDBResource

from expectations.suites import QUESTIONS
from expectations.summary import format_summary, summary_page
from expectations.verdicts import PUBLISHABLE, MetricStatus
from orchestration.defs.ingest.assets import WRITER_POOL
from orchestration.defs.metrics.assets import METRIC_VALUES_KEY, semantic_manifest_path

if TYPE_CHECKING:
    from expectations.gate import GateRun

METRIC_STATUS_KEY = dg.AssetKey(["gate", "metric_status"])
# The dbt models of the gate's outcomes: what reaching revenue means, per entity.
OUTCOME_KEYS = [
    dg.AssetKey(["gate", name])
    for name in ("gate_as_of", "gate_revenue_events", "gate_account_mrr")
]

QUESTION_CHECKS = {
    "evidence": "The evidence of every metric could be computed by the gate.",
    "bottom_line": "Does the metric lead to action that increases the bottom line? (its good side "
    "reaches revenue more often, with 95% confidence)",
    "reproducible": "Can we intentionally reproduce its result? (out of sample; the same inputs "
    "give the same values)",
    "buyers": "Does it tell us more about buyers' behaviour than about our own?",
}
EVIDENCE_METADATA = (
    "role", "basis", "entity_type", "good_n", "good_reached", "other_n", "other_reached",
    "effect", "effect_low", "effect_high", "lift", "p_value", "earlier_effect", "later_effect",
    "lag_months", "months", "needed",
)  # fmt: skip


def judged_metrics() -> list[str]:
    """Every metric of the semantic manifest, when dbt has parsed the project."""
    path = semantic_manifest_path()
    if not path.exists():
        return []
    return sorted(m["name"] for m in json.loads(path.read_text()).get("metrics", []))


def metric_check_name(metric: str) -> str:
    return f"gate_{metric}"


def docs_dir() -> Path:
    """Data Docs beside the warehouse file (GATE_DOCS_DIR overrides), never inside the repo."""
    if os.environ.get("GATE_DOCS_DIR"):
        return Path(os.environ["GATE_DOCS_DIR"])
    return Path(os.environ["WAREHOUSE_PATH"]).parent / "gate_data_docs"


def _lines(statuses: list[MetricStatus]) -> str:
    return format_summary([(s.metric_name, s.status, s.reason) for s in statuses])


def _plain(value):
    """numpy scalars as the plain values Dagster metadata takes."""
    return value.item() if hasattr(value, "item") else value


def not_judged_check(metric: str) -> dg.AssetCheckResult:
    """A metric declared when the code location loaded that this run did not judge."""
    return dg.AssetCheckResult(
        check_name=metric_check_name(metric),
        asset_key=METRIC_STATUS_KEY,
        passed=False,
        severity=dg.AssetCheckSeverity.WARN,
        description="Not judged: the metric is no longer in the semantic manifest (reload).",
    )


def metric_check(status: MetricStatus) -> dg.AssetCheckResult:
    """The metric's verdict: WARN when it is blocked or unproven (its values are not published)."""
    metadata = {
        key: _plain(status.evidence[key])
        for key in EVIDENCE_METADATA
        if status.evidence.get(key) is not None
    }
    return dg.AssetCheckResult(
        check_name=metric_check_name(status.metric_name),
        asset_key=METRIC_STATUS_KEY,
        passed=status.status in PUBLISHABLE,
        severity=dg.AssetCheckSeverity.WARN,
        description=status.reason,
        metadata={"status": status.status, "reason": status.reason, **metadata},
    )


def question_check(run: "GateRun", question: str) -> dg.AssetCheckResult:
    errors = run.gate_errors.get(question, [])
    failing = [
        s.metric_name
        for s in run.statuses
        if any(f.startswith(f"{question}: ") for f in s.failed_expectations)
    ]
    return dg.AssetCheckResult(
        check_name=question,
        asset_key=METRIC_STATUS_KEY,
        passed=not errors,
        severity=dg.AssetCheckSeverity.ERROR,
        description=(
            "The gate could not judge this question: " + "; ".join(errors)
            if errors
            else f"{len(failing)} metric(s) fail this question and are not certified."
        ),
        metadata={"gate_errors": errors, "metrics_failing": failing},
    )


METRICS = judged_metrics()


@dg.asset(
    key=METRIC_STATUS_KEY,
    group_name="quality",
    deps=[METRIC_VALUES_KEY, *OUTCOME_KEYS],
    kinds={"duckdb", "great_expectations"},
    owners=["team:data-platform"],
    pool=WRITER_POOL,
    description=(
        "The revenue-link gate's verdict per metric (certified, unproven, blocked; goal, input,"
        " exempt) with role, effect, 95% interval, counts and a plain reason. The publish step"
        " publishes the values of certified, exempt, goal and input metrics only."
    ),
    check_specs=[
        *(
            dg.AssetCheckSpec(q, asset=METRIC_STATUS_KEY, description=d, blocking=True)
            for q, d in QUESTION_CHECKS.items()
        ),
        *(
            dg.AssetCheckSpec(
                metric_check_name(m),
                asset=METRIC_STATUS_KEY,
                description=f"The revenue-link gate's verdict on {m}.",
            )
            for m in METRICS
        ),
    ],
)
def metric_status(
    context: dg.AssetExecutionContext, warehouse: DuckDBResource
) -> dg.MaterializeResult:
    # statsmodels and scipy cost ~1.2 s to import: only the step that judges pays for it.
    from expectations.gate import run_gate_on

    # One writer at a time: count, compare, validate (in memory) and write through one connection.
    with warehouse.get_connection() as con:
        run = run_gate_on(con, semantic_manifest_path(), docs_dir=docs_dir())
    declared = set(METRICS)
    judged = {s.metric_name for s in run.statuses}
    counts = {
        k: sum(s.status == k for s in run.statuses)
        for k in ("certified", "goal", "input", "exempt", "unproven", "blocked")
    }
    context.log.info(_lines(run.statuses))
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": len(run.statuses),
            **{f"{k}_metrics": v for k, v in counts.items()},
            "verdicts": dg.MetadataValue.md("```\n" + _lines(run.statuses) + "\n```"),
            "not_published": [s.metric_name for s in run.statuses if s.status not in PUBLISHABLE],
            # The gate's own page: verdicts and each suite's results, readable offline.
            "data_docs": dg.MetadataValue.path(str(summary_page(run.docs_index))),
            **run.seconds,
        },
        check_results=[
            *(question_check(run, q) for q in QUESTIONS),
            *(metric_check(s) for s in run.statuses if s.metric_name in declared),
            *(not_judged_check(m) for m in sorted(declared - judged)),
        ],
    )
