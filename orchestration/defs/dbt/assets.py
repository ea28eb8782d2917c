"""Every dbt model, seed and snapshot as Dagster assets; dbt tests as asset checks."""

import dagster as dg
from dagster_dbt import DbtCliInvocation, DbtCliResource, dbt_assets

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
def warehouse_dbt_assets(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    # Each invocation gets its own target folder: without the parse the manifest came from, dbt
    # would parse the whole project again in every run.
    partial_parse = MANIFEST.parent / "partial_parse.msgpack"
    args = ["build"]
    if partial_parse.exists():
        args += ["--partial-parse-file-path", str(partial_parse)]
    invocation = dbt.cli(args, context=context)
    try:
        # Row counts and column types, read by dagster-dbt once dbt has finished (DuckDB lets one
        # process write); column lineage would parse every model's SQL again, so it is left out.
        events = invocation.stream().fetch_row_counts()
        yield from events.fetch_column_metadata(with_column_lineage=False)
    finally:
        release_warehouse(invocation)


def release_warehouse(invocation: DbtCliInvocation) -> None:
    """Close the connections dagster-dbt opened in this process to read the metadata.

    DuckDB keeps a file's database open while any connection to it lives; the next steps open the
    warehouse with their own settings and would be refused ("different configuration").
    """
    adapter = invocation.adapter
    if adapter is not None:
        adapter.connections.cleanup_all()
        # dbt-duckdb's shared environment holds the database itself; other adapters have none.
        close_environment = getattr(adapter.connections, "close_all_connections", None)
        if close_environment is not None:
            close_environment()
