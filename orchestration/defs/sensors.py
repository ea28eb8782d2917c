"""Start a warehouse build when new extract files land in the extracts folder."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

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
    description="Runs build_warehouse when a new extract file appears; the load skips known files.",
)
def new_extract_files(context: dg.SensorEvaluationContext, extracts: ExtractsFolder):
    after = int(context.cursor or 0)
    new_files = newest_extract_files(extracts.path, after)
    if not new_files:
        return dg.SkipReason(f"no new extract files in {extracts.path}")
    newest = max(p.stat().st_mtime_ns for p in new_files)
    context.update_cursor(str(newest))
    return dg.RunRequest(
        run_key=f"extracts-{newest}",
        tags={"new_files": str(len(new_files))},
    )
