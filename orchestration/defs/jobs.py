"""Jobs: the whole warehouse, and ingest alone for quick re-loads."""

import dagster as dg

from orchestration.defs.freshness import freshness_checks
from orchestration.defs.ingest.assets import raw_asset_key
from sources.contracts import load_contracts

# Freshness is judged by its sensor against the clock, never in the middle of a build.
NOT_IN_BUILDS = dg.AssetSelection.checks(*freshness_checks)
INGEST = dg.AssetSelection.assets(*[raw_asset_key(c) for c in load_contracts()])

build_warehouse = dg.define_asset_job(
    "build_warehouse",
    selection=dg.AssetSelection.all() - NOT_IN_BUILDS,
    description="Load new extracts, then rebuild every dbt model, metric value, the gate and the "
    "published file.",
)

ingest_extracts = dg.define_asset_job(
    "ingest_extracts",
    selection=INGEST - NOT_IN_BUILDS,
    description="Load new extract files into the raw tables only (quarantine and row checks "
    "included); nothing downstream is rebuilt.",
)
