"""The revenue-link gate: from the semantic manifest and the warehouse to gate.metric_status.

1. ``semantic_plan``: what each metric counts, from the semantic manifest dbt wrote.
2. ``counting``: the entities each metric counts, the comparison group, and the revenue each
   reached (``gate.metric_entities``); the monthly series of aggregates (``gate.metric_series``).
3. ``evidence``/``statistics``: one evidence row per metric (effect, 95% interval, counts, the
   out-of-sample check); ``history``: the values' hash per input fingerprint.
4. ``suites``: the GX suites, one per question of the vanity test, judge every row at once.
5. ``verdicts``: certified / blocked / unproven (goal, input, exempt), with one plain reason.

Everything runs through the one read-write connection its caller holds (DuckDB: one writer).
Thresholds: the ``gate:`` var of ``dbt_project/dbt_project.yml`` (docs/revenue_gate.md).
"""

from __future__ import annotations

import datetime as dt
import json
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import yaml

from expectations.counting import ENTITIES_TABLE, SERIES_TABLE, build_entities, build_series
from expectations.evidence import evidence_frame, metric_evidence
from expectations.exemptions import EXEMPTIONS, Exemption, active_exemptions
from expectations.history import record_values, reproducibility, table_exists
from expectations.semantic_plan import SemanticPlanner
from expectations.suites import validate_evidence
from expectations.summary import write_summary_page
from expectations.verdicts import MetricStatus, verdict

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_FILE = PROJECT_ROOT / "dbt_project" / "dbt_project.yml"
DEFAULT_SEMANTIC_MANIFEST = PROJECT_ROOT / "dbt_project" / "target" / "semantic_manifest.json"
STATUS_TABLE = "gate.metric_status"
EVIDENCE_TABLE = "gate.metric_evidence"


def gate_settings() -> dict:
    """The ``gate:`` var block of dbt_project.yml (thresholds, window, comparison populations)."""
    return yaml.safe_load(DBT_PROJECT_FILE.read_text())["vars"]["gate"]


@dataclass
class GateRun:
    """One run of the gate: the verdicts, and anything wrong with the gate itself."""

    statuses: list[MetricStatus]
    # question -> what went wrong in the gate (an expectation raised, evidence missing for a
    # metric of the metric layer): such a question's check fails, which stops publishing.
    gate_errors: dict[str, list[str]]
    docs_index: Path | None
    seconds: dict[str, float]


def compute_evidence(
    con: duckdb.DuckDBPyConnection,
    manifest: dict,
    settings: dict,
    metrics: frozenset[str] | None = None,
) -> pd.DataFrame:
    """Count, join to revenue, and compare: one evidence row per metric of the manifest (or of
    ``metrics`` only: calibration judges the metrics it planted an effect in)."""
    planner = SemanticPlanner(manifest)
    plans = [plan for plan in planner.plans() if metrics is None or plan.metric in metrics]
    required = settings.get("comparison_population_requires") or {}
    populations = {
        entity: planner.population(model, entity, required.get(entity))
        for entity, model in settings["comparison_populations"].items()
    }
    build_entities(con, plans, populations, settings["attribution_window_days"])
    build_series(con, plans, planner.measure_rows(settings["series_outcome_metric"]))
    entities = con.execute(
        f"select metric_name, counted_month, account_id, entity_value, is_counted, has_reached"
        f" from {ENTITIES_TABLE} where is_matured"
    ).df()
    series = con.execute(f"select * from {SERIES_TABLE}").df()
    entity_groups = dict(tuple(entities.groupby("metric_name")))
    series_groups = dict(tuple(series.groupby("metric_name")))
    empty_entities, empty_series = entities.iloc[0:0], series.iloc[0:0]
    rows = [
        metric_evidence(
            plan,
            entity_groups.get(plan.metric, empty_entities),
            series_groups.get(plan.metric, empty_series),
            settings,
        )
        for plan in plans
    ]
    hashes = reproducibility(con)
    for row in rows:
        row["values_hash"], row["first_values_hash_same_inputs"] = hashes.get(
            row["metric_name"], (None, None)
        )
    return evidence_frame(rows)


def expected_metrics(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every metric the metric layer's catalog lists, when it has been built."""
    if not table_exists(con, "metric_layer", "metric_catalog"):
        return []
    return [
        r[0] for r in con.execute("select metric_name from metric_layer.metric_catalog").fetchall()
    ]


def judge(
    evidence: pd.DataFrame,
    settings: dict,
    today: dt.date,
    exemptions: tuple[Exemption, ...] = EXEMPTIONS,
    docs_dir: Path | None = None,
    expected: list[str] | None = None,
) -> GateRun:
    """Validate the suites on the evidence and turn each row into a verdict."""
    validation = validate_evidence(evidence, settings, expected, docs_dir)
    exempt = active_exemptions(today, exemptions)
    statuses = [
        verdict(
            row,
            validation.failed[row["metric_name"]],
            exempt.get(row["metric_name"]),
            settings["attribution_window_days"],
        )
        for row in evidence.to_dict("records")
    ]
    if validation.docs_index is not None:
        write_summary_page(
            validation.docs_index, [(s.metric_name, s.status, s.reason) for s in statuses]
        )
    return GateRun(statuses, validation.gate_errors, validation.docs_index, {})


def run_gate_on(
    con: duckdb.DuckDBPyConnection,
    semantic_manifest: Path = DEFAULT_SEMANTIC_MANIFEST,
    today: dt.date | None = None,
    exemptions: tuple[Exemption, ...] = EXEMPTIONS,
    docs_dir: Path | None = None,
) -> GateRun:
    """The whole gate on an open read-write connection; writes gate.metric_status."""
    started = time.perf_counter()
    settings = gate_settings()
    record_values(con)
    evidence = compute_evidence(con, json.loads(Path(semantic_manifest).read_text()), settings)
    counted = time.perf_counter()
    run = judge(
        evidence, settings, today or dt.date.today(), exemptions, docs_dir, expected_metrics(con)
    )
    judged = time.perf_counter()
    write_status(con, run.statuses, today or dt.date.today())
    run.seconds = {
        "evidence_seconds": round(counted - started, 2),
        "judge_seconds": round(judged - counted, 2),
        "total_seconds": round(time.perf_counter() - started, 2),
    }
    return run


def run_gate(
    warehouse_path: str | Path,
    semantic_manifest: Path = DEFAULT_SEMANTIC_MANIFEST,
    today: dt.date | None = None,
    exemptions: tuple[Exemption, ...] = EXEMPTIONS,
    docs_dir: Path | None = None,
) -> GateRun:
    """The gate on a warehouse file (the caller must not hold a connection to it)."""
    con = duckdb.connect(str(warehouse_path))
    try:
        return run_gate_on(con, semantic_manifest, today, exemptions, docs_dir)
    finally:
        con.close()


STATUS_COLUMNS = {
    "metric_name": "varchar primary key",
    "status": "varchar not null",
    "role": "varchar not null",
    "reason": "varchar not null",
    "failed_expectations": "varchar[]",
    "basis": "varchar",
    "entity_type": "varchar",
    "declared_subject": "varchar",
    "good_entities": "bigint",
    "good_reached": "bigint",
    "other_entities": "bigint",
    "other_reached": "bigint",
    "effect": "double",
    "effect_low": "double",
    "effect_high": "double",
    "lift": "double",
    "p_value": "double",
    "later_half_effect": "double",
    "months": "bigint",
    "data_needed": "varchar",
    "exemption_approver": "varchar",
    "exemption_expires": "date",
    "judged_on": "date",
}


def _status_row(s: MetricStatus, today: dt.date) -> tuple:
    e = s.evidence
    return (
        s.metric_name, s.status, e["role"], s.reason, s.failed_expectations, e.get("basis"),
        e.get("entity_type"), e.get("subject"), e.get("good_n"), e.get("good_reached"),
        e.get("other_n"), e.get("other_reached"), e.get("effect"), e.get("effect_low"),
        e.get("effect_high"), e.get("lift"), e.get("p_value"), e.get("later_effect"),
        e.get("months"), e.get("needed"), s.exemption.approver if s.exemption else None,
        s.exemption.expires if s.exemption else None, today,
    )  # fmt: skip


def write_status(
    con: duckdb.DuckDBPyConnection, statuses: list[MetricStatus], today: dt.date
) -> None:
    """gate.metric_status: one row per metric, the table the publish step filters on."""
    con.execute("create schema if not exists gate")
    columns = ", ".join(f"{name} {kind}" for name, kind in STATUS_COLUMNS.items())
    con.execute(f"create or replace table {STATUS_TABLE} ({columns})")
    con.executemany(
        f"insert into {STATUS_TABLE} values ({', '.join(['?'] * len(STATUS_COLUMNS))})",
        [_status_row(s, today) for s in sorted(statuses, key=lambda s: s.metric_name)],
    )
