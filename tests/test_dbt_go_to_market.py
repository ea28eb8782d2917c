"""The go-to-market core and marts, built with the real `dbt build` into a temporary DuckDB.

A small demo company (scale 0.2) is generated; every drop but the last four is loaded and the
go-to-market models are built with their ancestors (staging, identity) and their tests. Then:

- the booth story must show in `marts.lead_funnel`: trade-show leads are captured in numbers but
  almost never followed up, unlike leads from other marketing channels;
- incremental == full refresh: the late drops are loaded, the warehouse is copied, the original is
  built incrementally and the copy with `--full-refresh`; every go-to-market table must be
  identical.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import duckdb
import pytest
from dbt_cli import run_dbt as _dbt

from sources.contracts import load_contracts

DBT_DIR = Path(__file__).resolve().parents[1] / "dbt_project"

# Every go-to-market model with its ancestors (staging, identity, the free-mail seed).
SELECT = [
    "+path:models/marts/core/go_to_market",
    "+path:models/marts/marketing",
    "+path:models/marts/sales",
]
INCREMENTAL = ["core.touches", "core.web_sessions", "core.email_events"]
GTM_TABLES = [
    *INCREMENTAL,
    "core.accounts",
    "core.contacts",
    "core.reps",
    "core.campaigns",
    "core.deals",
    "core.deal_stage_changes",
    "marts.lead_funnel",
    "marts.pipeline",
    "marts.rep_performance",
]


def _build(root: Path, warehouse: Path, *extra: str) -> subprocess.CompletedProcess:
    # Cautious indirect selection: only tests whose every parent is built here.
    return _dbt(
        root, warehouse, "build", "--select", *SELECT, "--indirect-selection", "cautious", *extra
    )


def _load(warehouse: Path, extracts: Path) -> None:
    from sources.load import load_all

    con = duckdb.connect(str(warehouse), config={"storage_compatibility_version": "v1.4.0"})
    try:
        # Demo drops include deliberately broken files: the loader rejects them, the rest loads.
        load_all(con, load_contracts(), extracts, raise_on_failure=False)
    finally:
        con.close()


def _copy_drops(source: Path, target: Path, stems: set[str]) -> None:
    for path in source.rglob("*"):
        if path.is_file() and path.stem in stems:
            destination = target / path.relative_to(source)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, destination)


def _assert_ok(result: subprocess.CompletedProcess) -> None:
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "ERROR=0" in result.stdout


@pytest.fixture(scope="module")
def gtm(tmp_path_factory, demo_extracts):
    """Build on the early drops; then load the late drops and build both ways."""
    root = tmp_path_factory.mktemp("dbt_gtm")
    warehouse = root / "warehouse.duckdb"
    stems = sorted({p.stem for p in demo_extracts.rglob("*") if p.is_file()})
    # Hold back the last four weekly drops: together they carry rows for every incremental fact.
    early, late = set(stems[:-4]), set(stems[-4:])
    extracts = root / "extracts"
    _copy_drops(demo_extracts, extracts, early)
    _load(warehouse, extracts)
    first = _build(root, warehouse)
    con = duckdb.connect(str(warehouse), read_only=True)
    before = {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in INCREMENTAL}
    con.close()

    _copy_drops(demo_extracts, extracts, late)
    _load(warehouse, extracts)
    full_copy = root / "full_copy.duckdb"
    shutil.copy(warehouse, full_copy)
    started = time.perf_counter()
    incremental = _build(root, warehouse)
    incremental_seconds = time.perf_counter() - started
    started = time.perf_counter()
    full = _build(root / "full", full_copy, "--full-refresh")
    full_seconds = time.perf_counter() - started
    print(f"go-to-market build: incremental {incremental_seconds:.1f}s, full {full_seconds:.1f}s")
    return {
        "first": first,
        "incremental": incremental,
        "full": full,
        "warehouse": warehouse,
        "full_copy": full_copy,
        "before": before,
    }


def test_first_build_succeeds(gtm):
    _assert_ok(gtm["first"])


def test_booth_leads_are_almost_never_followed_up(gtm):
    con = duckdb.connect(str(gtm["warehouse"]), read_only=True)
    try:
        rows = con.execute(
            """
            select
                capture_channel = 'trade_show' as is_booth,
                count(*) as leads,
                avg(case when is_followed_up then 1.0 else 0.0 end) as follow_up_rate,
                avg(case when is_won then 1.0 else 0.0 end) as win_rate
            from marts.lead_funnel
            where is_marketing_captured
            group by 1
            """
        ).fetchall()
    finally:
        con.close()
    by_kind = {is_booth: (leads, follow_up, won) for is_booth, leads, follow_up, won in rows}
    booth_leads, booth_follow_up, booth_won = by_kind[True]
    other_leads, other_follow_up, _ = by_kind[False]
    assert booth_leads > 50, "the trade shows captured leads"
    assert booth_follow_up < 0.05, f"booth leads followed up: {booth_follow_up:.1%}"
    assert other_follow_up > 4 * booth_follow_up, (booth_follow_up, other_follow_up)
    assert booth_won < 0.01


def test_incremental_and_full_refresh_builds_succeed(gtm):
    _assert_ok(gtm["incremental"])
    _assert_ok(gtm["full"])


def test_incremental_run_added_the_new_drop(gtm):
    con = duckdb.connect(str(gtm["warehouse"]), read_only=True)
    try:
        for table, before in gtm["before"].items():
            (after,) = con.execute(f"select count(*) from {table}").fetchone()
            assert after > before, f"{table}: {before} -> {after} rows after the new drop"
    finally:
        con.close()


@pytest.mark.parametrize("table", GTM_TABLES)
def test_incremental_equals_full_refresh(gtm, table):
    con = duckdb.connect(str(gtm["warehouse"]), read_only=True)
    try:
        con.execute(f"attach '{gtm['full_copy']}' as full_copy (read_only)")
        (rows,) = con.execute(f"select count(*) from {table}").fetchone()
        assert rows > 0
        for a, b in ((table, f"full_copy.{table}"), (f"full_copy.{table}", table)):
            (extra,) = con.execute(
                f"select count(*) from (select * from {a} except all select * from {b})"
            ).fetchone()
            assert extra == 0, f"{table}: {extra} rows in {a} not in {b}"
    finally:
        con.close()
