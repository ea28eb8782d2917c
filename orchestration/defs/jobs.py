"""Jobs: the whole warehouse, and ingest alone for quick re-loads."""

import dagster as dg

build_warehouse = dg.define_asset_job(
    "build_warehouse",
    selection=dg.AssetSelection.all(),
    description="Load new extracts, then rebuild every dbt model and check.",
)
