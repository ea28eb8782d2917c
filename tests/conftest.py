"""Shared fixtures, built once per test session.

- ``demo_build``: a small demo company (scale 0.2, seed 42) built exactly as ``make demo``
  builds it (generate, load, dbt, metric values, gate, publish) into a temporary folder. Tests
  that only read a built warehouse or the published file share it; a test that changes a
  warehouse copies it first (``copy_build``).
- ``incremental_build``: the same company built on its early drops, then incrementally.
- ``vendor_two_drop_build``: the same company through the vendor door, built in process by the
  Dagster job in two drops while readers query the published file (``vendor_company``).

``make test`` runs two pytest-xdist workers: ``parallel_groups`` says how the suite is split and
how ``demo_build`` is built once for both.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from parallel_groups import ordered_for_workers, shared_by_workers, unit_scheduling

TEST_SCALE = 0.2
PROJECT_ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class DemoBuild:
    """Where one ``make demo`` run put its files, and what it printed."""

    root: Path
    stdout: str

    @property
    def extracts(self) -> Path:
        return self.root / "extracts"

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse" / "warehouse.duckdb"

    @property
    def published(self) -> Path:
        return self.root / "published" / "metrics.duckdb"

    @property
    def dagster_home(self) -> Path:
        return self.root / "dagster_home"

    def env(self) -> dict[str, str]:
        """The environment ``make demo`` ran with: every path points into this build."""
        return {
            **os.environ,
            "EXTRACTS_DIR": str(self.extracts),
            "WAREHOUSE_PATH": str(self.warehouse),
            "DAGSTER_HOME": str(self.dagster_home),
            "PUBLISHED_PATH": str(self.published),
        }


def run_make_demo(build: DemoBuild) -> subprocess.CompletedProcess:
    """``make demo`` at the test scale, as a user runs it, with every path in ``build.root``."""
    return subprocess.run(
        ["make", "--no-print-directory", "demo", f"SCALE={TEST_SCALE}"],
        cwd=PROJECT_ROOT,
        env=build.env(),
        capture_output=True,
        text=True,
        timeout=1200,
    )


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "slow: minutes-long builds outside make test (make test-spark runs them)"
    )
    if config.getoption("numprocesses", default=None) and "PYTEST_XDIST_WORKER" not in os.environ:
        # Parse dbt once before the workers start: each would otherwise find no manifest on a
        # fresh clone and parse at the same time (dagster-dbt's guard waits only 60 s).
        from orchestration.defs.dbt.project import prepared_manifest

        prepared_manifest()


def pytest_collection_modifyitems(config, items):
    if "PYTEST_XDIST_WORKER" in os.environ:  # make test's workers: both order the units alike
        items[:] = ordered_for_workers(items)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    return unit_scheduling(config, log) if config.getvalue("dist") == "loadscope" else None


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory) -> DemoBuild:
    """The demo company built once by ``make demo``; read it, or copy it before changing it."""

    def build(root: Path) -> str:
        result = run_make_demo(DemoBuild(root, ""))
        assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
        return result.stdout

    return DemoBuild(*shared_by_workers(tmp_path_factory, "demo_build", build))


@pytest.fixture(scope="session")
def vendor_two_drop_build(tmp_path_factory):
    """``demo_build``'s company as vendor files, converted and built in two drops."""
    from vendor_company import build_in_two_drops

    return build_in_two_drops(tmp_path_factory.mktemp("vendor_two_drops"))


def copy_build(build: DemoBuild, target: Path) -> DemoBuild:
    """A private copy of a build (extracts, warehouse, published file, Dagster home)."""
    shutil.copytree(build.root, target, symlinks=True)
    return DemoBuild(target, build.stdout)


@dataclass(frozen=True)
class IncrementalBuild:
    """The demo company built on its early drops, then incrementally after its late drops."""

    warehouse: Path
    first: subprocess.CompletedProcess
    incremental: subprocess.CompletedProcess
    rows_before: dict[str, int]


# Every model an incremental fact feeds, with its ancestors; cautious: only tests whose every parent
# is built here.
INCREMENTAL_SELECT = [
    "+path:models/marts/core",
    "+path:models/marts/marketing",
    "+path:models/marts/sales",
    "+path:models/marts/service",
    "+path:models/marts/finance",
]
HELD_BACK_DROPS = 4


@pytest.fixture(scope="session")
def incremental_build(tmp_path_factory, demo_build) -> IncrementalBuild:
    """Every drop but the last four loaded and built; then those four loaded, built incrementally.

    ``demo_build`` loaded and built the same files at once: it is the full refresh to compare with.
    """
    import duckdb
    from dbt_cli import run_dbt

    from sources.contracts import load_contracts
    from sources.load import load_all

    root = tmp_path_factory.mktemp("incremental_build")
    warehouse = root / "warehouse.duckdb"
    files = [p for p in demo_build.extracts.rglob("*") if p.is_file()]
    late = set(sorted({p.stem for p in files})[-HELD_BACK_DROPS:])

    def load(stems_wanted) -> None:
        extracts = root / "extracts"
        for path in files:
            if stems_wanted(path.stem):
                target = extracts / path.relative_to(demo_build.extracts)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, target)
        with duckdb.connect(
            str(warehouse), config={"storage_compatibility_version": "v1.4.0"}
        ) as con:
            # Demo drops include deliberately broken files: the loader rejects them, the rest loads.
            load_all(con, load_contracts(), extracts, raise_on_failure=False)

    def build() -> subprocess.CompletedProcess:
        args = ["build", "--select", *INCREMENTAL_SELECT, "--indirect-selection", "cautious"]
        result = run_dbt(root, warehouse, *args)
        assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
        return result

    load(lambda stem: stem not in late)
    first = build()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = con.execute(
            "select table_schema || '.' || table_name from information_schema.tables"
            " where table_type = 'BASE TABLE' and table_schema in ('core', 'marts')"
        ).fetchall()
        before = {t: con.execute(f"select count(*) from {t}").fetchone()[0] for (t,) in tables}
    load(lambda stem: stem in late)
    return IncrementalBuild(warehouse, first, build(), before)
