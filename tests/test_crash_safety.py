"""kill -9 at any point of a build: readers keep the last good version, the next run converges.

``make test`` runs one slice on a copy of the session's demo build: a build killed in dbt, the
next build killed while it writes the new published file, then a publish. ``make crash`` kills
a build at every point of :data:`crash_harness.KILL_POINTS` (load, dbt, metric values, gate,
publish), each on a fresh copy of a warehouse built without the company's last drop, and lets
the next build run to the end.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import DemoBuild, copy_build
from crash_harness import (
    BUILD_COMMAND,
    DBT_KILL,
    KILL_POINTS,
    PUBLISH_COMMAND,
    PUBLISH_KILL,
    Published,
    assert_survived,
    leftovers,
    run_to_the_end,
    run_until,
)

EVERY_POINT = os.environ.get("CRASH_KILL_POINTS") == "all"
HELD_BACK = "held_back"


def test_kills_in_dbt_and_in_publish_keep_the_last_version_and_a_publish_converges(
    demo_build, tmp_path
):
    build = copy_build(demo_build, tmp_path / "build")
    before = Published.read(build.published)

    killed = run_until(BUILD_COMMAND, build.env(), DBT_KILL)
    assert_survived(killed, before, build.published, build.warehouse)

    killed = run_until(BUILD_COMMAND, build.env(), PUBLISH_KILL)
    assert_survived(killed, before, build.published, build.warehouse)
    assert leftovers(build.published, build.warehouse), "the kill left no half-written file"

    run_to_the_end(PUBLISH_COMMAND, build.env())
    assert leftovers(build.published, build.warehouse) == []
    after = Published.read(build.published)
    assert after.version != before.version
    assert after.contents == before.contents


@pytest.fixture(scope="module")
def without_last_drop(demo_build, tmp_path_factory) -> DemoBuild:
    """The demo company built by the real command with its last drop held back (beside it)."""
    root = tmp_path_factory.mktemp("crash_baseline")
    build = DemoBuild(root, "")
    shutil.copytree(demo_build.extracts, build.extracts)
    last_drop = max(p.stem for p in build.extracts.rglob("*.*"))
    for path in build.extracts.rglob(f"{last_drop}.*"):
        target = root / HELD_BACK / path.relative_to(build.extracts)
        target.parent.mkdir(parents=True, exist_ok=True)
        path.rename(target)
    build.dagster_home.mkdir()
    shutil.copy(Path(__file__).parents[1] / "orchestration" / "dagster.yaml", build.dagster_home)
    run_to_the_end(BUILD_COMMAND, build.env())
    return build


@pytest.mark.skipif(not EVERY_POINT, reason="make crash kills at every point (minutes each)")
@pytest.mark.parametrize("point", KILL_POINTS, ids=[p.name for p in KILL_POINTS])
def test_a_build_killed_at_any_point_keeps_the_last_version_and_the_next_run_converges(
    point, demo_build, without_last_drop, tmp_path
):
    build = copy_build(without_last_drop, tmp_path / "build")
    shutil.copytree(build.root / HELD_BACK, build.extracts, dirs_exist_ok=True)
    before = Published.read(build.published)

    killed = run_until(BUILD_COMMAND, build.env(), point)
    assert_survived(killed, before, build.published, build.warehouse)

    run_to_the_end(BUILD_COMMAND, build.env())
    assert leftovers(build.published, build.warehouse) == []
    # The same files as the session's demo build, loaded in two drops, one run killed: the same
    # published values, table for table and row for row.
    assert Published.read(build.published).contents == Published.read(demo_build.published).contents
