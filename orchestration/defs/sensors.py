"""Sensors: a build when new extract files land; a record of why a run failed."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from orchestration.defs.ingest.partitions import EXTRACT_DROPS, drops_in
from orchestration.defs.jobs import build_warehouse
from orchestration.defs.resources import ExtractsFolder
from sources.contracts import load_contracts


def newest_extract_files(folder: Path, after_mtime_ns: int) -> list[Path]:
    """Extract files (matching any contract) modified after ``after_mtime_ns``."""
    files = {p for c in load_contracts() for p in folder.glob(c.file_pattern) if p.is_file()}
    return sorted(p for p in files if p.stat().st_mtime_ns > after_mtime_ns)


@dg.sensor(
    job=build_warehouse,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description="Runs build_warehouse when a new extract file appears (the load skips known "
    "files) and adds its drop date to the ingest assets' partitions, for backfills.",
)
def new_extract_files(context: dg.SensorEvaluationContext, extracts: ExtractsFolder):
    after = int(context.cursor or 0)
    new_files = newest_extract_files(extracts.path, after)
    if not new_files:
        return dg.SkipReason(f"no new extract files in {extracts.path}")
    newest = max(p.stat().st_mtime_ns for p in new_files)
    context.update_cursor(str(newest))
    known = set(context.instance.get_dynamic_partitions(EXTRACT_DROPS.name))
    new_drops = [date for date in drops_in(extracts.path) if date not in known]
    return dg.SensorResult(
        run_requests=[
            dg.RunRequest(run_key=f"extracts-{newest}", tags={"new_files": str(len(new_files))})
        ],
        dynamic_partitions_requests=[EXTRACT_DROPS.build_add_request(new_drops)]
        if new_drops
        else [],
    )


FAILURE_TAG_PREFIX = "failure/"


def failure_tags(step_failures: list[dg.DagsterEvent], run_error: str | None) -> dict[str, str]:
    """What failed and why, short enough for run tags (Dagster caps a tag value's length)."""
    steps = [event.step_key or "?" for event in step_failures]
    reasons = [
        f"{event.step_key}: {event.step_failure_data.error.message.strip()}"
        for event in step_failures
        if event.step_failure_data and event.step_failure_data.error
    ]
    why = "; ".join(reasons) or run_error or "unknown (see the run's log)"
    return {
        f"{FAILURE_TAG_PREFIX}steps": ", ".join(steps) or "(none: the run itself failed)",
        f"{FAILURE_TAG_PREFIX}why": why[:1000],
    }


@dg.run_failure_sensor(
    monitor_all_code_locations=False,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Records on every failed run which steps failed and why (run tags failure/steps "
    "and failure/why, searchable in the runs list), and logs it.",
)
def record_run_failure(context: dg.RunFailureSensorContext):
    run_error = context.failure_event.message if context.failure_event else None
    tags = failure_tags(context.get_step_failure_events(), run_error)
    context.instance.add_run_tags(context.dagster_run.run_id, tags)
    context.log.error(
        f"run {context.dagster_run.run_id} of {context.dagster_run.job_name} failed: "
        f"{tags[FAILURE_TAG_PREFIX + 'why']}"
    )
