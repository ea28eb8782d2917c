"""Vendor mappings on hand-written fixtures in the vendors' documented export formats.

Each fixture folder (tests/fixtures/vendors/<vendor>) holds a few rows per export file, some of
them deliberately awkward: offsets, day-month-year dates, unlisted stages, names as keys,
currencies without a rate. The files are converted and loaded by the real loader into DuckDB.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from sources.contracts import load_contracts
from sources.load import load_all
from sources.mappings import (
    MappingError,
    check_folder,
    convert_folder,
    mapping_path,
    parse_mapping,
    render,
)
from sources.mappings.__main__ import main as mappings_cli
from sources.mappings.spec import shipped_mappings
from sources.mappings.values import key_from_name

FIXTURES = Path(__file__).parent / "fixtures" / "vendors"
# Rows each fixture folder loads and quarantines, by contract: the awkward rows are written in.
EXPECTED = {
    "hubspot": {"contacts": (3, 1), "crm_accounts": (2, 0), "deals": (2, 1),
                "sales_activities": (3, 0), "reps": (2, 0)},
    "salesforce": {"crm_accounts": (2, 0), "crm_contacts": (2, 0), "contacts": (2, 0),
                   "deals": (2, 1), "deal_stage_history": (2, 0), "sales_activities": (3, 0),
                   "reps": (2, 0), "teams": (1, 0)},
    "zendesk": {"tickets": (2, 1), "ticket_comments": (3, 0), "satisfaction_ratings": (2, 0)},
    "stripe": {"billing_customers": (2, 0), "subscriptions": (2, 0), "invoices": (1, 1),
               "invoice_lines": (2, 0), "payments": (1, 1), "refunds": (1, 0)},
    "generic_csv": {"tickets": (2, 1)},
}  # fmt: skip


def load_vendor_folder(vendor: str, tmp_path: Path, mapping=None) -> duckdb.DuckDBPyConnection:
    """Convert a fixture folder into canonical extracts and load them with the real loader."""
    extracts = tmp_path / "extracts"
    mapping = mapping or parse_mapping(mapping_path(vendor))
    convert_folder(mapping, FIXTURES / vendor, extracts)
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    load_all(con, load_contracts(), extracts)
    return con


def lineage_entries(extracts: Path, canonical_file: str) -> tuple[dict, list[dict]]:
    header, *entries = (
        json.loads(line)
        for line in (extracts / "_lineage" / f"{canonical_file}.jsonl").read_text().splitlines()
    )
    return header, entries


@pytest.mark.parametrize("vendor", shipped_mappings())
def test_shipped_mapping_parses_and_feeds_every_required_column(vendor):
    mapping = parse_mapping(mapping_path(vendor))
    for rule in mapping.files:
        fed = {c.target for c in rule.columns}
        if rule.currency and rule.currency.column:
            fed.add(rule.currency.column)
        assert {c.name for c in rule.contract.columns if not c.nullable} <= fed, rule.name


@pytest.mark.parametrize("vendor", sorted(EXPECTED))
def test_fixture_exports_load_row_for_row(vendor, tmp_path):
    con = load_vendor_folder(vendor, tmp_path)
    loaded = dict(
        con.execute(
            "select contract, sum(rows_loaded) from raw_meta.loaded_files group by 1"
        ).fetchall()
    )
    quarantined = dict(
        con.execute(
            "select contract, count(distinct (source_file, source_line)) from raw_meta.quarantine"
            " group by 1"
        ).fetchall()
    )
    assert {c: (loaded.get(c, 0), quarantined.get(c, 0)) for c in loaded} == EXPECTED[vendor]


def test_offsets_become_utc_and_the_original_stays_in_lineage(tmp_path):
    con = load_vendor_folder("salesforce", tmp_path)
    (created_at,) = con.execute(
        "select created_at from raw_crm.deals where deal_id = '006A000002'"
    ).fetchone()
    # 23:30 at UTC-5 is 04:30 UTC the next day: the offset is applied, never dropped.
    assert str(created_at) == "2025-03-02 04:30:00"
    (source_file, source_line) = con.execute(
        "select _source_file, _source_line from raw_crm.deals where deal_id = '006A000002'"
    ).fetchone()
    header, entries = lineage_entries(tmp_path / "extracts", source_file)
    entry = next(e for e in entries if e["line"] == source_line)
    assert header["vendor_file"] == "Opportunity_2025-03.csv"
    assert entry["vendor_line"] == 3
    assert entry["original"]["created_at"] == "2025-03-01T23:30:00.000-0500"


def test_times_without_offset_take_the_declared_time_zone(tmp_path):
    mapping = parse_mapping(mapping_path("hubspot"), timezone="America/New_York")
    con = load_vendor_folder("hubspot", tmp_path, mapping)
    (created_at,) = con.execute(
        "select created_at from raw_marketing.contacts where contact_id = '101'"
    ).fetchone()
    assert str(created_at) == "2025-03-03 14:15:00"  # 09:15 EST = 14:15 UTC


def test_day_month_year_dates_in_the_declared_zone(tmp_path):
    con = load_vendor_folder("generic_csv", tmp_path)
    rows = dict(
        con.execute("select ticket_id, created_at::varchar from raw_helpdesk.tickets").fetchall()
    )
    # 03/04/2025 is the 3rd of April; Berlin is UTC+2 in summer time, +1 in winter.
    assert rows == {"INC0010001": "2025-04-03 08:00:00", "INC0010002": "2025-04-15 07:00:00"}
    (reason,) = con.execute(
        "select reason from raw_meta.quarantine where column_name = 'created_at'"
    ).fetchone()
    assert "timestamp" in reason  # 2025-04-31 does not exist: quarantined, not guessed


def test_unknown_stage_goes_to_other_and_is_reported(tmp_path):
    con = load_vendor_folder("salesforce", tmp_path)
    assert con.execute(
        "select stage from raw_crm.deals where deal_id = '006A000002'"
    ).fetchone() == ("other",)
    report, checks = check_folder(
        parse_mapping(mapping_path("salesforce")), FIXTURES / "salesforce"
    )
    opportunities = next(c for c in checks if c.conversion.rule == "opportunities")
    assert opportunities.conversion.in_other_bucket == {("stage", "Engaging"): 1}
    assert "stage = 'Engaging' not in the map: 1 rows loaded as other" in render(report, checks)


def test_unlisted_value_without_other_bucket_is_quarantined_at_its_vendor_line(tmp_path):
    report, checks = check_folder(parse_mapping(mapping_path("zendesk")), FIXTURES / "zendesk")
    tickets = next(c for c in checks if c.conversion.rule == "tickets")
    assert (tickets.rows_that_map, tickets.rows_quarantined) == (2, 1)
    [(column, reason, rows, vendor_line)] = tickets.reasons
    assert (column, rows, vendor_line) == ("priority", 1, 4)
    assert "accepted values" in reason
    assert tickets.conversion.unmapped == {("priority", "Critical"): 1}


def test_on_hold_tickets_are_pending(tmp_path):
    con = load_vendor_folder("zendesk", tmp_path)
    status = con.execute("select status from raw_helpdesk.tickets where ticket_id = '2'").fetchone()
    assert status == ("pending",)


def test_currencies_are_converted_by_rate_or_refused(tmp_path):
    text = (
        mapping_path("hubspot")
        .read_text()
        .replace("timezone: UTC", "timezone: UTC\nrates: {EUR: 1.10}")
    )
    custom = tmp_path / "hubspot_eur.yml"
    custom.write_text(text)
    con = load_vendor_folder("hubspot", tmp_path, parse_mapping(custom))
    amounts = dict(con.execute("select deal_id, amount::varchar from raw_crm.deals").fetchall())
    assert amounts["5002"] == "8800.00"  # EUR 8,000 at 1.10
    # Without a rate, the shipped mapping refuses the row rather than add euros to dollars.
    con = load_vendor_folder("hubspot", tmp_path / "no_rate")
    (raw_value,) = con.execute(
        "select raw_value from raw_meta.quarantine where column_name = 'amount'"
    ).fetchone()
    assert raw_value == "[no rate from EUR to USD] 8000 EUR"


def test_amounts_kept_per_currency_need_a_currency_column(tmp_path):
    text = (
        mapping_path("stripe")
        .read_text()
        .replace(
            "      amounts: [amount]\n      convert_to: USD\n    columns:\n      refund_id",
            "      amounts: [amount]\n    columns:\n      refund_id",
        )
    )
    (tmp_path / "mixed.yml").write_text(text)
    with pytest.raises(MappingError, match="need the contract column"):
        parse_mapping(tmp_path / "mixed.yml")


def test_names_used_as_keys_become_stable_opaque_keys(tmp_path):
    con = load_vendor_folder("hubspot", tmp_path)
    owners = con.execute("select distinct owner_rep_id from raw_crm.deals order by 1").fetchall()
    # "Jane  Doe" (two spaces) and "Jane Doe" are one rep; no key carries the name.
    assert sorted(o for (o,) in owners) == sorted(
        {key_from_name("Jane Doe"), key_from_name("Omar Haddad")}
    )
    assert all("jane" not in o.lower() for (o,) in owners)
    reps = dict(con.execute("select rep_id, full_name from raw_crm.reps").fetchall())
    assert reps[key_from_name("Jane Doe")] == "Jane Doe"  # the name stays where a name belongs


def test_dry_run_flags_names_used_as_keys_without_an_opaque_key(tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    text = (FIXTURES / "salesforce" / "Account_2025-03.csv").read_text()
    (folder / "Account_x.csv").write_text(text.replace("005A0001", "Jane Doe"))
    report, checks = check_folder(parse_mapping(mapping_path("salesforce")), folder)
    assert checks[0].conversion.name_like_keys == {"owner_rep_id": 2}
    assert "owner_rep_id: 2 values look like names" in render(report, checks)


def test_required_vendor_column_missing_refuses_the_file(tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "tickets_x.csv").write_text("Id,Requester,Subject\n1,Ana,Hi\n")
    report, checks = check_folder(parse_mapping(mapping_path("zendesk")), folder)
    assert checks[0].conversion.error == "no column for required priority (Priority)"
    assert "FILE REFUSED" in render(report, checks)


def test_malformed_rows_are_quarantined_not_dropped(tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    text = (FIXTURES / "zendesk" / "tickets_2025-03.csv").read_text() + "4,too,few\n"
    (folder / "tickets_x.csv").write_text(text)
    report, checks = check_folder(parse_mapping(mapping_path("zendesk")), folder)
    assert checks[0].conversion.rows_malformed == 1
    assert (checks[0].rows_that_map, checks[0].rows_quarantined) == (2, 2)


def test_conversion_is_deterministic(tmp_path):
    mapping = parse_mapping(mapping_path("salesforce"))
    for run in ("a", "b"):
        convert_folder(mapping, FIXTURES / "salesforce", tmp_path / run)
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.*"))
    assert files and all(
        (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files
    )


def test_dry_run_cli_reports_every_file(tmp_path, capsys):
    (tmp_path / "exports").mkdir()
    for path in (FIXTURES / "stripe").iterdir():
        (tmp_path / "exports" / path.name).write_bytes(path.read_bytes())
    (tmp_path / "exports" / "balance_transactions.csv").write_text("id\n1\n")
    assert (
        mappings_cli(["check", "--mapping", "stripe", "--folder", str(tmp_path / "exports")]) == 0
    )
    out = capsys.readouterr().out
    assert "- payments_2025-03.csv (charges -> payments)" in out
    assert "2 rows: 1 map, 1 would be quarantined" in out
    assert "unmapped value method = 'sepa_debit': 1 rows" in out
    assert "balance_transactions.csv: not picked up" in out
    assert not (tmp_path / "exports" / "_lineage").exists()  # a dry run writes nothing
