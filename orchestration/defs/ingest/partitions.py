"""Ingest partitions: one per drop date found in the extracts folder.

Drops arrive weekly, or whenever a system exports: dynamic partitions list the dates that exist
(the new-files sensor and ``make demo`` add them) instead of a daily calendar of mostly empty days.
A run without a partition (``make demo``, the sensor, the nightly build) loads every new file; a
run or backfill over a range of drops loads only those drops' files.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from sources.contracts import load_contracts
from sources.drops import drop_date, drop_dates
from sources.load import ExtractLoadResult

EXTRACT_DROPS = dg.DynamicPartitionsDefinition(name="extract_drops")


def drops_in(folder: Path) -> list[str]:
    """Drop dates of every file that matches a contract, oldest first."""
    return drop_dates(p for c in load_contracts() for p in folder.glob(c.file_pattern))


def drops_selected(context: dg.AssetExecutionContext) -> list[str] | None:
    """The drops a partitioned run or backfill selected; None (every file) in an unpartitioned
    run."""
    partitioned = context.has_partition_key or context.has_partition_key_range
    return context.partition_keys if partitioned else None


def register_drops(instance: dg.DagsterInstance, folder: Path) -> list[str]:
    """Add the drop dates found in ``folder`` as partitions; return the ones that were new."""
    known = set(instance.get_dynamic_partitions(EXTRACT_DROPS.name))
    new = [date for date in drops_in(folder) if date not in known]
    if new:
        instance.add_dynamic_partitions(EXTRACT_DROPS.name, new)
    return new


def drops_loaded(key: dg.AssetKey, result: ExtractLoadResult) -> list[dg.AssetMaterialization]:
    """A materialization per registered drop whose files an unpartitioned run loaded, so the
    partitions view shows what ``make demo`` or the sensor loaded, drop by drop."""
    by_drop: dict[str, list] = {}
    for file in result.files:
        date = drop_date(Path(file.file))
        if date and not file.skipped_because_already_loaded:
            by_drop.setdefault(date, []).append(file)
    return [
        dg.AssetMaterialization(
            asset_key=key,
            partition=date,
            metadata={
                "files": [f.file for f in files],
                "rows_loaded": sum(f.rows_loaded for f in files),
                "rows_quarantined": sum(f.rows_quarantined for f in files),
            },
        )
        for date, files in sorted(by_drop.items())
    ]
