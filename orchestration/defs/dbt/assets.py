"""Every dbt model, seed and snapshot as Dagster assets; dbt tests as asset checks."""

from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets
from dagster_duckdb import DuckDBResource

from orchestration.defs.dbt.build_state import (
    PARTIAL_PARSE,
    partial_parse_for,
    record_successful_build,
    unchanged_views_excluded,
)
from orchestration.defs.dbt.metadata import relation_metadata, with_relation_metadata
from orchestration.defs.dbt.project import dbt_project, prepared_manifest
from orchestration.defs.dbt.translator import build_translator
from orchestration.defs.ingest.assets import WRITER_POOL

MANIFEST = prepared_manifest()


@dbt_assets(
    manifest=MANIFEST,
    project=dbt_project,
    dagster_dbt_translator=build_translator(MANIFEST),
    pool=WRITER_POOL,
)
def warehouse_dbt_assets(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: DuckDBResource
):
    # Each invocation gets its own target folder: without a parse to start from, dbt would parse
    # the whole project again in every run.
    warehouse_path = Path(warehouse.database)
    args = ["build"]
    partial_parse = partial_parse_for(warehouse_path, MANIFEST.parent / PARTIAL_PARSE)
    if partial_parse is not None:
        args += ["--partial-parse-file-path", str(partial_parse)]
    with warehouse.get_connection() as connection:
        args += unchanged_views_excluded(connection, warehouse_path)
    invocation = dbt.cli(args, context=context)
    # dbt must have finished (DuckDB lets one process write) before the relations are read.
    events, failure = [], None
    try:
        events.extend(invocation.stream())
    except Exception as error:  # a failed test or model: its events still report, then it raises
        failure = error
    with warehouse.get_connection() as connection:
        metadata = relation_metadata(connection, MANIFEST)
    yield from with_relation_metadata(events, metadata)
    if failure is not None:
        raise failure
    if not context.is_subset:
        record_successful_build(warehouse_path, invocation.target_path / "manifest.json")
