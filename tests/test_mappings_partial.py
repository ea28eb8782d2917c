"""Partial roll-outs: a company that brings only its helpdesk, or only its CRM, still builds.

Each company is the vendor's fixture exports converted by its mapping, loaded by the real loader
(every other raw table stays empty) and built by dbt: only the models its department needs plus
the gate's as-of time, whose ancestors span every department's core. Records without an email
stay unresolved and are counted in the match rates, never merged into a placeholder person.
"""

from __future__ import annotations

import shutil

import duckdb
import pytest
from dbt_cli import run_dbt
from test_mappings import load_vendor_folder

from metric_layer.consistency import compare_published
from publishing.spec import load_spec

PARTIAL_COMPANIES = {
    "zendesk": ["+gate_as_of", "+path:models/marts/service"],
    "salesforce": ["+gate_as_of", "+int_identity__match_rates"],
}


@pytest.mark.parametrize("vendor", sorted(PARTIAL_COMPANIES))
def test_one_department_company_builds_with_an_as_of_time(vendor, tmp_path):
    load_vendor_folder(vendor, tmp_path).close()
    warehouse = tmp_path / "warehouse.duckdb"
    result = run_dbt(
        tmp_path, warehouse, "build", "--select", *PARTIAL_COMPANIES[vendor],
        "--indirect-selection", "cautious",
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-6000:]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        (as_of,) = con.execute("select as_of_at from gate.gate_as_of").fetchone()
        if vendor == "zendesk":
            # No deal and no invoice: the data's now is the latest ticket change.
            expected = con.execute("select max(updated_at) from core.tickets").fetchone()[0]
            assert con.execute("select count(*) from core.deals").fetchone() == (0,)
        else:
            expected = con.execute("select max(updated_at) from core.deals").fetchone()[0]
            assert con.execute("select count(*) from core.tickets").fetchone() == (0,)
            # The contact without an email is not merged into anyone: unresolved, and counted.
            rule = con.execute(
                "select person_match_rule from intermediate.int_identity__person_map"
                " where record_key = '003A000002'"
            ).fetchone()
            unmatched = con.execute(
                "select record_count, person_unmatched_count from"
                " intermediate.int_identity__match_rates where record_type = 'crm_contact'"
            ).fetchone()
            assert (rule, unmatched) == (("unmatched",), (2, 1))
    assert as_of is not None and as_of == expected


def test_a_department_without_data_is_no_data_for_the_published_figures_check(demo_build, tmp_path):
    """A company without billing publishes an empty marts.mrr: its figures are "no data"."""
    published = tmp_path / "metrics.duckdb"
    shutil.copy2(demo_build.published, published)
    with duckdb.connect(str(published)) as con:
        con.execute("delete from marts.mrr")
    comparisons = compare_published(published, demo_build.warehouse, load_spec())
    empty = [c for c in comparisons if c.target == "marts.mrr"]
    assert empty and all(c.passed and "no data" in c.describe() for c in empty)
    assert all(c.passed for c in comparisons)
