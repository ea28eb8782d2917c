"""The service and finance core and marts, built with the real `dbt build` into a temporary DuckDB.

A small generated company (scale 0.2) is loaded in two steps: every weekly drop but the last, a
`dbt build` of the service and finance models (and their parents), then the last drop and an
incremental `dbt build`. The result is compared with a `--full-refresh` build of the same data:
the incremental `ticket_replies` must equal a full rebuild. On real rows the test checks the
reconciliations (every raw ticket and payment in the core, money totals, recognised revenue) and
the MRR roll-forward.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from sources.contracts import load_contracts

DBT_DIR = Path(__file__).resolve().parents[1] / "dbt_project"
DEMO_SCALE = 0.2
SELECT = [
    "+models/marts/core/service",
    "+models/marts/core/finance",
    "+models/marts/service",
    "+models/marts/finance",
]
# Tests run only when all their parents are built (staging tests across other domains are not).
BUILD = ["--select", *SELECT, "--indirect-selection", "cautious"]

pytest.importorskip("sources.demo", reason="demo generator not available")


def _dbt(root: Path, warehouse: Path, *args: str) -> tuple[subprocess.CompletedProcess, float]:
    dbt = Path(sys.executable).with_name("dbt")
    started = time.perf_counter()
    result = subprocess.run(
        [
            str(dbt),
            *args,
            "--project-dir",
            str(DBT_DIR),
            "--profiles-dir",
            str(DBT_DIR),
            "--target-path",
            str(root / "target"),
            "--log-path",
            str(root / "logs"),
        ],
        env={**os.environ, "WAREHOUSE_PATH": str(warehouse)},
        capture_output=True,
        text=True,
        check=False,
    )
    return result, time.perf_counter() - started


def _load(warehouse: Path, extracts: Path) -> None:
    from sources.load import load_all

    con = duckdb.connect(str(warehouse), config={"storage_compatibility_version": "v1.4.0"})
    try:
        load_all(con, load_contracts(), extracts, raise_on_failure=False)
    finally:
        con.close()


def _ok(result: subprocess.CompletedProcess) -> None:
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """(incremental warehouse, full-refresh warehouse, timings)."""
    from sources.demo import generate

    root = tmp_path_factory.mktemp("dbt_service_finance")
    extracts = root / "extracts"
    generate(extracts, scale=DEMO_SCALE, seed=42)

    # The first drops: every file but the last drop's.
    drops = sorted({p.stem for p in extracts.rglob("*") if p.is_file()})
    last_drop = drops[-1]
    early = root / "early"
    for path in extracts.rglob("*"):
        if path.is_file() and path.stem != last_drop:
            target = early / path.relative_to(extracts)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)

    incremental = root / "incremental.duckdb"
    _load(incremental, early)
    first, first_seconds = _dbt(root, incremental, "build", *BUILD)
    _ok(first)
    _load(incremental, extracts)
    second, incremental_seconds = _dbt(root, incremental, "build", *BUILD)
    _ok(second)

    full = root / "full.duckdb"
    _load(full, extracts)
    third, full_seconds = _dbt(root, full, "build", "--full-refresh", *BUILD)
    _ok(third)
    print(
        f"\ndbt build: first drops {first_seconds:.1f}s, incremental {incremental_seconds:.1f}s,"
        f" full refresh {full_seconds:.1f}s"
    )
    yield incremental, full, second.stdout


def _rows(warehouse: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_incremental_build_ran_incrementally(builds):
    _, _, stdout = builds
    assert "incremental model core.ticket_replies" in stdout


def test_incremental_equals_full_refresh(builds):
    incremental, full, _ = builds
    for table in ("core.ticket_replies", "core.tickets", "marts.ticket_metrics_monthly"):
        columns = "* exclude (_loaded_at)" if table.startswith("core.") else "*"
        query = f"select {columns} from {table} order by all"
        left, right = _rows(incremental, query), _rows(full, query)
        assert len(left) > 0, f"{table} is empty"
        assert left == right, f"{table}: incremental differs from full refresh"


def test_every_raw_ticket_comment_and_payment_in_core(builds):
    _, full, _ = builds
    checks = {
        "tickets": ("raw_helpdesk.tickets", "ticket_id", "core.tickets", "ticket_id"),
        "comments": (
            "raw_helpdesk.ticket_comments",
            "comment_id",
            "core.ticket_replies",
            "ticket_comment_id",
        ),
        "payments": ("raw_billing.payments", "payment_id", "core.payments", "payment_id"),
        "refunds": ("raw_billing.refunds", "refund_id", "core.refunds", "refund_id"),
    }
    for name, (raw, raw_key, core, core_key) in checks.items():
        [(raw_count, core_count, missing)] = _rows(
            full,
            f"select (select count(distinct {raw_key}) from {raw}),"
            f" (select count(*) from {core}),"
            f" (select count(*) from (select distinct {raw_key} from {raw}) as r"
            f"  where {raw_key} not in (select {core_key} from {core}))",
        )
        assert raw_count > 0, f"no raw {name}"
        assert (core_count, missing) == (raw_count, 0), name


def test_money_reconciles(builds):
    _, full, _ = builds
    [(payments_stg, payments_core, refunds_stg, refunds_core, invoices_stg, invoices_core)] = _rows(
        full,
        "select (select sum(amount) from staging.stg_billing__payments),"
        " (select sum(amount) from core.payments),"
        " (select sum(amount) from staging.stg_billing__refunds),"
        " (select sum(amount) from core.refunds),"
        " (select sum(total) from staging.stg_billing__invoices),"
        " (select sum(total) from core.invoices)",
    )
    assert payments_stg == payments_core and payments_stg > 0
    assert refunds_stg == refunds_core
    assert invoices_stg == invoices_core
    [(lines, recognised, refund_revenue, refunds)] = _rows(
        full,
        "select (select sum(l.amount) from staging.stg_billing__invoice_lines as l"
        "   join staging.stg_billing__invoices as i using (invoice_id)"
        "   where i.invoice_status != 'void'),"
        " (select sum(recognised_amount) from core.revenue where not is_refund),"
        " (select sum(recognised_amount) from core.revenue where is_refund),"
        " (select sum(revenue_amount) from core.refunds)",
    )
    assert recognised == lines and lines > 0
    assert refund_revenue == -refunds or (refund_revenue is None and refunds is None)
    [(mart_recognised,)] = _rows(full, "select sum(recognised_revenue) from marts.revenue_by_month")
    assert mart_recognised == recognised


def test_mrr_rolls_forward(builds):
    _, full, _ = builds
    [(rows, broken, gaps)] = _rows(
        full,
        """
        with m as (
            select *, lag(ending_mrr) over (partition by subscription_id order by mrr_month) as prev
            from core.mrr_movements
        )
        select count(*),
            count(*) filter (where starting_mrr + new_mrr + expansion_mrr + contraction_mrr
                + churned_mrr + reactivation_mrr != ending_mrr),
            count(*) filter (where starting_mrr != coalesce(prev, 0))
        from m
        """,
    )
    assert rows > 0 and broken == 0 and gaps == 0
    company = _rows(
        full, "select mrr_month, starting_mrr, ending_mrr, net_new_mrr from marts.mrr order by 1"
    )
    for (_, _, ending, _), (_, starting, _, _) in zip(company, company[1:], strict=False):
        assert starting == ending
    assert all(start + net == end for _, start, end, net in company)
    [(last_ending, current)] = _rows(
        full,
        "select (select ending_mrr from marts.mrr order by mrr_month desc limit 1),"
        " (select sum(current_mrr) from core.subscriptions)",
    )
    assert last_ending == current and current > 0


def test_service_metrics_on_real_rows(builds):
    _, full, _ = builds
    [(tickets, first_business, first_calendar, one_touch_bad)] = _rows(
        full,
        "select count(*), avg(first_response_business_minutes),"
        " avg(first_response_calendar_minutes),"
        " count(*) filter (where is_one_touch and (not is_solved or public_agent_reply_count != 1))"
        " from core.tickets",
    )
    assert tickets > 0
    # Business time never exceeds calendar time.
    assert first_business <= first_calendar
    assert one_touch_bad == 0
