"""The service and finance core and marts, built with the real `dbt build` into temporary files.

The session's small company (scale 0.2) is built on its early drops, then incrementally after its
late ones (``conftest.incremental_build``); the result is compared with the build of all drops at
once (``make demo``): the incremental `ticket_replies` must equal a full build. On real rows the
test checks the reconciliations (every raw ticket and payment in the core, money totals, recognised
revenue) and the MRR roll-forward.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest


@pytest.fixture(scope="module")
def builds(incremental_build, demo_build):
    """(incremental warehouse, warehouse built from all drops at once, incremental dbt output)."""
    return incremental_build.warehouse, demo_build.warehouse, incremental_build.incremental.stdout


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
