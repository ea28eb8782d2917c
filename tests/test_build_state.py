"""When a dbt build may leave its views alone (``orchestration.defs.dbt.build_state``).

The build itself is proved in ``test_publish_asset`` (a second drop re-creates no view and
publishes what one build of every file does); here, when the kept state is trusted and when not.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from orchestration.defs.dbt.build_state import (
    UNCHANGED_VIEWS,
    record_successful_build,
    state_dir,
    unchanged_views_excluded,
)


def manifest(tmp_path: Path, adapter: str = "duckdb") -> Path:
    """A manifest with one view (staging.stg_orders) and one table (core.orders)."""
    nodes = {
        f"model.p.{alias}": {
            "resource_type": "model",
            "schema": schema,
            "alias": alias,
            "config": {"materialized": materialized},
        }
        for schema, alias, materialized in (
            ("staging", "stg_orders", "view"),
            ("core", "orders", "table"),
        )
    }
    path = tmp_path / "built" / "manifest.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps({"metadata": {"adapter_type": adapter}, "nodes": nodes}))
    return path


@pytest.fixture
def warehouse(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as connection:
        connection.execute("create schema staging")
        connection.execute("create schema core")
        connection.execute("create table core.orders as select 1 as order_id")
        connection.execute("create view staging.stg_orders as select * from core.orders")
    return path


def excluded(warehouse: Path) -> list[str]:
    with duckdb.connect(str(warehouse)) as connection:
        return unchanged_views_excluded(connection, warehouse)


def test_a_first_build_keeps_no_state_to_compare_with(warehouse):
    assert excluded(warehouse) == []


def test_after_a_successful_build_unchanged_views_are_excluded_once(tmp_path, warehouse):
    record_successful_build(warehouse, manifest(tmp_path))
    args = excluded(warehouse)
    assert args[args.index("--exclude") + 1] == UNCHANGED_VIEWS
    compared = Path(args[args.index("--state") + 1])
    assert json.loads((compared / "manifest.json").read_text())["nodes"]
    # Taken, not copied: a build that then fails leaves the next one re-creating every view.
    assert not (state_dir(warehouse) / "manifest.json").exists()
    assert excluded(warehouse) == []


def test_a_warehouse_missing_a_view_of_the_state_gets_every_view(tmp_path, warehouse):
    record_successful_build(warehouse, manifest(tmp_path))
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute("drop view staging.stg_orders")
    assert excluded(warehouse) == []


def test_engines_whose_table_rebuilds_drop_views_get_every_view(tmp_path, warehouse):
    record_successful_build(warehouse, manifest(tmp_path, adapter="postgres"))
    assert excluded(warehouse) == []
