"""Freshness checks: every extract against its dbt source's freshness, and the published file.

An extract is as fresh as the last time one of its files brought rows (the ingest asset records it
as ``dagster/last_updated_timestamp``), judged against the ``error_after`` of the dbt source that
reads it: the one place the warehouse declares how stale a source may be (DECISIONLOG.md, "Sources
and freshness": is the pipe delivering?). The checks run from their sensor, not inside builds: a
build that has not loaded yet is not overdue.
"""

import datetime as dt
import json
import warnings

import dagster as dg

from orchestration.defs.dbt.project import prepared_manifest
from orchestration.defs.ingest.assets import raw_asset_key
from orchestration.defs.publish.assets import PUBLISHED_METRICS
from sources.contracts import load_contracts

# The nightly schedule publishes once a day; an hour more covers the build itself.
PUBLISHED_MAX_AGE = dt.timedelta(hours=25)
PERIOD_HOURS = {"minute": 1 / 60, "hour": 1, "day": 24}


def source_error_after() -> dict[dg.AssetKey, dt.timedelta]:
    """The dbt sources' ``error_after``, by the raw table's asset key."""
    manifest = json.loads(prepared_manifest().read_text())
    limits = {}
    for source in manifest["sources"].values():
        error_after = (source.get("freshness") or {}).get("error_after") or {}
        if error_after.get("count") and error_after.get("period") in PERIOD_HOURS:
            hours = error_after["count"] * PERIOD_HOURS[error_after["period"]]
            limits[dg.AssetKey([source["schema"], source["name"]])] = dt.timedelta(hours=hours)
    return limits


def extract_freshness_checks() -> list[dg.AssetChecksDefinition]:
    limits = source_error_after()
    checks = []
    for contract in load_contracts():
        key = raw_asset_key(contract)
        if key in limits:
            checks += dg.build_last_update_freshness_checks(
                assets=[key], lower_bound_delta=limits[key], severity=dg.AssetCheckSeverity.WARN
            )
    return checks


# Dagster 1.13 prefers FreshnessPolicy, which judges only when an asset last materialized; an
# extract that a nightly build re-materializes without new rows must still turn stale.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", dg.SupersessionWarning)
    freshness_checks = [
        *extract_freshness_checks(),
        *dg.build_last_update_freshness_checks(
            assets=[PUBLISHED_METRICS], lower_bound_delta=PUBLISHED_MAX_AGE
        ),
    ]
    freshness_sensor = dg.build_sensor_for_freshness_checks(
        freshness_checks=freshness_checks, minimum_interval_seconds=15 * 60
    )
