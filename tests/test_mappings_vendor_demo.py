"""Proof: the demo company exported as HubSpot, Salesforce, Zendesk and Stripe files, converted
by the shipped mappings and built end to end, gives the canonical build's numbers.

``demo_build`` is the canonical company (same seed, same scale) built by ``make demo``; the
session's ``vendor_two_drop_build`` takes the same company through the vendor door:
``python -m sources.demo --format vendor``, then ``python -m sources.mappings convert`` per vendor,
then the same Dagster job (in two drops: ``test_publish_asset`` reads that build too).
"""

from __future__ import annotations

import duckdb
import pytest
from conftest import DemoBuild

from sources.contracts import load_contracts
from sources.demo.vendor_export import DEMO_VENDOR_RULES

# A rating's empty comment reads back as no comment (Zendesk writes both as an empty text).
LOSSY_COLUMNS = {"satisfaction_ratings": {"comment_length"}}


@pytest.fixture(scope="module")
def vendor_build(vendor_two_drop_build) -> DemoBuild:
    return vendor_two_drop_build.build


@pytest.fixture(scope="module")
def both(demo_build, vendor_build):
    con = duckdb.connect()
    con.execute(f"attach '{demo_build.warehouse}' as canonical (read_only)")
    con.execute(f"attach '{vendor_build.warehouse}' as vendor (read_only)")
    yield con
    con.close()


def _differences(con, query: str) -> tuple[list, list]:
    only_canonical = con.execute(
        f"{query.format(db='canonical')} except all {query.format(db='vendor')}"
    ).fetchall()
    only_vendor = con.execute(
        f"{query.format(db='vendor')} except all {query.format(db='canonical')}"
    ).fetchall()
    return only_canonical[:5], only_vendor[:5]


def test_vendor_demo_equals_canonical_demo_metric_for_metric(both):
    (rows,) = both.execute("select count(*) from canonical.metric_layer.metric_values").fetchone()
    assert rows > 1000
    query = (
        "select metric_name, grain, period_start, dimension_name, dimension_value,"
        " round(value, 6) from {db}.metric_layer.metric_values"
    )
    assert _differences(both, query) == ([], [])


def test_vendor_demo_gets_the_same_gate_verdicts(both):
    query = "select metric_name, status, reason from {db}.gate.metric_status"
    assert _differences(both, query) == ([], [])


@pytest.mark.parametrize(
    "contract",
    [c for c in load_contracts() if c.name in DEMO_VENDOR_RULES],
    ids=lambda contract: contract.name,
)
def test_every_raw_record_arrives_unchanged(both, contract):
    kept = [c for c in contract.column_names if c not in LOSSY_COLUMNS.get(contract.name, set())]
    columns = ", ".join(f'"{c}"' for c in kept)
    query = f"select {columns} from {{db}}.{contract.raw_table}"
    assert _differences(both, query) == ([], [])
    quarantined = (
        "select count(distinct (source_file, source_line)) from {db}.raw_meta.quarantine"
        f" where contract = '{contract.name}'"
    )
    counts = [
        both.execute(quarantined.format(db=db)).fetchone()[0] for db in ("canonical", "vendor")
    ]
    assert counts[0] == counts[1]


def test_raw_records_trace_back_to_the_vendor_file_and_line(vendor_build):
    with duckdb.connect(str(vendor_build.warehouse), read_only=True) as con:
        source_file, line = con.execute(
            "select _source_file, _source_line from raw_crm.deals order by deal_id limit 1"
        ).fetchone()
    lineage = vendor_build.extracts / "_lineage" / f"{source_file}.jsonl"
    header, *entries = lineage.read_text().splitlines()
    assert '"vendor_file": "Opportunity_' in header
    assert any(f'"line": {line},' in e and '"vendor_line": ' in e for e in entries)
