"""Ingest partitions on drop dates: a backfill over a range of drops loads exactly those drops,
re-running it changes nothing, and a changed record re-sent in a drop is still a conflict."""

from __future__ import annotations

import csv
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from conftest import TEST_SCALE

from orchestration.defs.ingest.assets import ingest_assets
from orchestration.defs.ingest.partitions import EXTRACT_DROPS, register_drops
from orchestration.defs.resources import resources
from sources.demo import generate
from sources.drops import drop_date, drop_dates

# Three extracts of three departments keep the test quick; every ingest asset is built alike.
TABLES = (("raw_crm", "deals"), ("raw_helpdesk", "tickets"), ("raw_billing", "payments"))
ASSETS = [a for a in ingest_assets if tuple(a.key.path) in TABLES]


def test_drop_date_is_the_first_calendar_date_in_a_file_name():
    assert drop_date(Path("crm/deals/2025-11-03.csv")) == "2025-11-03"
    assert drop_date(Path("hubspot__deals__export_2025-11-10_v2.csv")) == "2025-11-10"
    assert drop_date(Path("2025-13-40_then_2025-12-01.csv")) == "2025-12-01"
    assert drop_date(Path("hubspot__deals__export.csv")) is None
    assert drop_dates([Path("b/2025-11-10.csv"), Path("a/2025-11-03.csv")]) == [
        "2025-11-03",
        "2025-11-10",
    ]


@pytest.fixture
def extracts(tmp_path) -> Path:
    """The demo company's drops (generating them takes seconds; nothing is built here)."""
    generate(tmp_path / "extracts", scale=TEST_SCALE, seed=42)
    return tmp_path / "extracts"


@pytest.fixture
def warehouse(tmp_path, extracts, monkeypatch) -> Path:
    path = tmp_path / "warehouse" / "warehouse.duckdb"
    monkeypatch.setenv("EXTRACTS_DIR", str(extracts))
    monkeypatch.setenv("WAREHOUSE_PATH", str(path))
    return path


def backfill(instance: dg.DagsterInstance, first: str, last: str) -> dg.ExecuteInProcessResult:
    """One run over a range of drops, as the UI launches a backfill (single-run policy)."""
    return dg.materialize(
        ASSETS,
        instance=instance,
        resources=resources().resources,
        tags={
            "dagster/asset_partition_range_start": first,
            "dagster/asset_partition_range_end": last,
        },
    )


def raw_rows(warehouse: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {
            f"{schema}.{table}": con.execute(
                f"select * from {schema}.{table} order by all"
            ).fetchall()
            for schema, table in TABLES
        } | {
            "raw_meta.quarantine": con.execute(
                "select contract, source_file, source_line, reason from raw_meta.quarantine"
                " order by all"
            ).fetchall()
        }


def loaded_drops(warehouse: Path) -> dict[str, set[str]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {
            f"{schema}.{table}": {
                drop_date(Path(file))
                for (file,) in con.execute(
                    f"select distinct _source_file from {schema}.{table}"
                ).fetchall()
            }
            for schema, table in TABLES
        }


def test_a_backfill_loads_its_range_of_drops_once_and_reports_a_resent_conflict(
    extracts, warehouse
):
    instance = dg.DagsterInstance.ephemeral()
    drops = register_drops(instance, extracts)
    assert drops == drop_dates(p for p in extracts.rglob("*") if p.is_file())
    assert register_drops(instance, extracts) == []
    assert instance.get_dynamic_partitions(EXTRACT_DROPS.name) == drops
    first, last = drops[1], drops[3]
    in_range = {d for d in drops if first <= d <= last}

    result = backfill(instance, first, last)
    assert result.success
    materialized = {
        (tuple(event.asset_key.path), event.partition)
        for event in result.get_asset_materialization_events()
    }
    assert materialized == {(table, d) for table in TABLES for d in in_range}
    # Every table got rows of its drops in the range, and of no other drop.
    for table, found in loaded_drops(warehouse).items():
        assert found and found <= in_range, table
    once = raw_rows(warehouse)

    assert backfill(instance, first, last).success
    assert raw_rows(warehouse) == once, "re-running a backfill changed the raw tables"

    # The CRM re-sends one deal of a drop in the range with the same version and a new amount.
    deals = sorted((extracts / "crm" / "deals").glob(f"{last}.*"))[0]
    with deals.open(newline="") as file:
        header, record = list(csv.reader(file))[:2]
    record[header.index("amount")] = "1.00"
    resent = warehouse.parent.parent / "resent"
    (resent / "crm" / "deals").mkdir(parents=True)
    with (resent / "crm" / "deals" / f"{last}-resent.csv").open("w", newline="") as file:
        csv.writer(file).writerows([header, record])
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("EXTRACTS_DIR", str(resent))
        assert backfill(instance, first, last).success
    after = raw_rows(warehouse)
    assert after["raw_crm.deals"] == once["raw_crm.deals"]
    conflicts = [
        row for row in after["raw_meta.quarantine"] if row not in once["raw_meta.quarantine"]
    ]
    assert [(c[0], c[1]) for c in conflicts] == [("deals", f"crm/deals/{last}-resent.csv")]
    assert conflicts[0][3].startswith("differs from the stored record with the same key")

    # An unpartitioned run (make demo, the sensor, the nightly build) loads every drop left.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("EXTRACTS_DIR", str(extracts))
        assert dg.materialize(ASSETS, instance=instance, resources=resources().resources).success
    assert set().union(*loaded_drops(warehouse).values()) == set(drops)
    # ... and marks the drops it loaded materialized (the backfill marked its range), so the
    # partitions view shows every drop loaded.
    for table, found in loaded_drops(warehouse).items():
        key = dg.AssetKey(table.split("."))
        assert instance.get_materialized_partitions(key) == found | in_range, table
