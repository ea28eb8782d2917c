"""The go-to-market core and marts, built with the real `dbt build` into temporary DuckDB files.

The session's small demo company (scale 0.2) is built twice (``conftest``): on every drop but the
last four, then incrementally after them; and at once by ``make demo``. Then:

- the booth story must show in `marts.lead_funnel`: trade-show leads are captured in numbers but
  almost never followed up, unlike leads from other marketing channels;
- incremental == full build: every go-to-market table of the incremental warehouse equals the one
  built from all drops at once.
"""

from __future__ import annotations

import subprocess

import duckdb
import pytest

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


def _assert_ok(result: subprocess.CompletedProcess) -> None:
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "ERROR=0" in result.stdout


@pytest.fixture(scope="module")
def gtm(incremental_build, demo_build):
    return {
        "first": incremental_build.first,
        "incremental": incremental_build.incremental,
        "warehouse": incremental_build.warehouse,
        "full_copy": demo_build.warehouse,
        "before": {t: incremental_build.rows_before[t] for t in INCREMENTAL},
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


def test_incremental_build_succeeds(gtm):
    _assert_ok(gtm["incremental"])


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
        # The two warehouses loaded the same files at different times: lineage time differs.
        columns = [d[0] for d in con.execute(f"select * from {table} limit 0").description]
        kept = "* exclude (_loaded_at)" if "_loaded_at" in columns else "*"
        for a, b in ((table, f"full_copy.{table}"), (f"full_copy.{table}", table)):
            (extra,) = con.execute(
                f"select count(*) from (select {kept} from {a} except all select {kept} from {b})"
            ).fetchone()
            assert extra == 0, f"{table}: {extra} rows in {a} not in {b}"
    finally:
        con.close()
