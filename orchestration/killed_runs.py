"""Runs of ``make demo`` whose process died before the run ended (kill -9, a power cut).

Such a run stays STARTED in Dagster's storage and keeps the ``duckdb_writer`` pool slot it held,
so every later run would wait for that slot forever. ``make demo`` holds a lock file in
``DAGSTER_HOME`` while it builds; a build that holds the lock knows every other STARTED run it
launched is dead, marks it failed and frees its slots before starting its own.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg

LAUNCHED_BY = {"launched_by": "make demo"}
NOT_ENDED = [dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED]


@contextmanager
def sole_build(instance: dg.DagsterInstance, dagster_home: Path) -> Iterator[list[str]]:
    """Hold the build lock; yields the ids of the killed runs that were ended."""
    with (dagster_home / "make_demo.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield end_killed_runs(instance)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def end_killed_runs(instance: dg.DagsterInstance) -> list[str]:
    runs = instance.get_runs(filters=dg.RunsFilter(statuses=NOT_ENDED, tags=LAUNCHED_BY))
    for run in runs:
        instance.report_run_failed(
            run, "its process ended before the run did (killed); found by the next make demo"
        )
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
    return [run.run_id for run in runs]
