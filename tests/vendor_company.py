"""The session's second company: ``demo_build``'s company through the vendor door, in two drops.

The same company (same seed, same scale) is exported as HubSpot, Salesforce, Zendesk and Stripe
files (``python -m sources.demo --format vendor``), converted by the shipped mappings
(``python -m sources.mappings convert``) and its last weekly drop held back. The
``build_warehouse`` job builds it in process; then the held-back drop lands and the job builds and
publishes again while eight reader processes query the published file. One company proves what
three builds did: the vendor door gives the canonical company's numbers, a build in two drops
publishes what one build of every file publishes, and readers never see a half-published file.
"""

from __future__ import annotations

import multiprocessing
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import PROJECT_ROOT, TEST_SCALE, DemoBuild
from published_reader import read_in_a_loop

from sources.drops import drop_date, drop_dates

READERS = 8
HELD_BACK = "held_back"


@dataclass(frozen=True)
class ReadersDuringRebuild:
    """Each reader process's (reads, errors, reads per version), and how long the rebuild took."""

    outcomes: list[tuple[int, list[str], dict[str, int]]]
    rebuild_seconds: float


@dataclass(frozen=True)
class TwoDropBuild:
    build: DemoBuild  # every drop loaded, built and published
    first: DemoBuild  # a copy of the warehouse and published folders right after the first build
    first_result: object  # dagster.ExecuteInProcessResult of each build
    second_result: object
    readers: ReadersDuringRebuild
    held_back: Path


def _run(args: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, *args], cwd=PROJECT_ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]


def export_and_convert(exports: Path, extracts: Path) -> None:
    """The demo company as vendor files, then each vendor folder converted by its mapping."""
    from sources.demo.vendor_export import CANONICAL_FOLDER, DEMO_VENDOR_RULES

    _run(["-m", "sources.demo", "--format", "vendor", "--out", str(exports),
          "--scale", str(TEST_SCALE), "--seed", "42"])  # fmt: skip
    for vendor in sorted({vendor for vendor, _ in DEMO_VENDOR_RULES.values()}):
        _run(["-m", "sources.mappings", "convert", "--mapping", vendor,
              "--folder", str(exports / vendor), "--out", str(extracts)])  # fmt: skip
    shutil.copytree(exports / CANONICAL_FOLDER, extracts, dirs_exist_ok=True)


def extract_files(folder: Path) -> list[Path]:
    """The extract files under ``folder``, without the conversion's lineage files."""
    return [p for p in sorted(folder.rglob("*.*")) if p.is_file() and "_lineage" not in p.parts]


def move_drop(source: Path, target: Path, date: str | None = None) -> None:
    """Move the extract files (of one drop date, or all) from ``source`` to the same place under
    ``target``."""
    for path in extract_files(source):
        if date is None or drop_date(path) == date:
            destination = target / path.relative_to(source)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(path, destination)


def run_build(build: DemoBuild):
    """The ``build_warehouse`` job in process, every path in ``build``, on an ephemeral instance."""
    import dagster as dg

    from orchestration.defs.jobs import build_warehouse

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("EXTRACTS_DIR", str(build.extracts))
        patch.setenv("WAREHOUSE_PATH", str(build.warehouse))
        patch.setenv("PUBLISHED_PATH", str(build.published))
        from orchestration.definitions import defs

        job = defs().resolve_job_def(build_warehouse.name)
        return job.execute_in_process(instance=dg.DagsterInstance.ephemeral(), raise_on_error=False)


def failed_steps(result) -> list[str]:
    return [event.step_key for event in result.all_events if event.is_step_failure]


def rebuild_while_reading(build: DemoBuild, held_back: Path):
    """Start the readers, land the held-back drop, build and publish again, stop the readers."""
    context = multiprocessing.get_context("spawn")
    results, sightings, stop = context.Queue(), context.Queue(), context.Event()
    ready = [context.Event() for _ in range(READERS)]
    readers = [
        context.Process(
            target=read_in_a_loop,
            args=(str(build.published), number, event, stop, sightings, results),
        )
        for number, event in enumerate(ready)
    ]
    for reader in readers:
        reader.start()
    try:
        assert all(event.wait(timeout=120) for event in ready)
        move_drop(held_back, build.extracts)
        started = time.monotonic()
        second = run_build(build)
        rebuild_seconds = time.monotonic() - started
        if second.success:
            wait_until_every_reader_read_two_versions(sightings)
    finally:
        stop.set()
        outcomes = [results.get(timeout=120) for _ in readers]
        for reader in readers:
            reader.join(timeout=30)
    return second, ReadersDuringRebuild(outcomes, rebuild_seconds)


def wait_until_every_reader_read_two_versions(sightings) -> None:
    """The readers started on the first version; each must also reach the rebuilt one."""
    versions_by_reader: dict[int, set[str]] = {number: set() for number in range(READERS)}
    while any(len(versions) < 2 for versions in versions_by_reader.values()):
        number, version = sightings.get(timeout=300)
        versions_by_reader[number].add(version)


def build_in_two_drops(root: Path) -> TwoDropBuild:
    build, first = DemoBuild(root / "build", ""), DemoBuild(root / "first", "")
    held_back = root / HELD_BACK
    export_and_convert(root / "exports", build.extracts)
    # Vendor files carry the date inside their own names (``zendesk__tickets__tickets_<date>``).
    last_drop = drop_dates(extract_files(build.extracts))[-1]
    move_drop(build.extracts, held_back, last_drop)

    first_result = run_build(build)
    assert first_result.success, f"failed steps: {failed_steps(first_result)}"
    for built in (build.warehouse.parent, build.published.parent):
        shutil.copytree(built, first.root / built.name)

    second_result, readers = rebuild_while_reading(build, held_back)
    assert second_result.success, f"failed steps: {failed_steps(second_result)}"
    return TwoDropBuild(build, first, first_result, second_result, readers, held_back)
