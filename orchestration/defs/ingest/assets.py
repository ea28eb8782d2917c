"""One Dagster asset per extract contract: new files → raw table, bad rows → quarantine.

Adding an extract means adding a contract YAML; the assets are built from the contracts.
"""

import warnings
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from orchestration.defs.ingest.metadata import column_schema, last_arrival_metadata, load_metadata
from orchestration.defs.ingest.partitions import EXTRACT_DROPS, drops_loaded, drops_selected
from orchestration.defs.resources import ExtractsFolder
from sources.contracts import Contract, load_contracts
from sources.load import LoadError, ensure_raw_schema, load_extract

WRITER_POOL = "duckdb_writer"
# A step that fails on something passing (the warehouse file locked by another writer, a drop
# still being copied) succeeds when tried again; a file that breaks its contract never does.
INGEST_RETRIES = dg.RetryPolicy(max_retries=2, delay=10, backoff=dg.Backoff.EXPONENTIAL)
ROWS_ACCOUNTED_FOR = "rows_accounted_for"
NO_QUARANTINED_ROWS = "no_quarantined_rows"


def raw_asset_key(contract: Contract) -> dg.AssetKey:
    return dg.AssetKey([contract.raw_schema, contract.name])


def build_ingest_asset(contract: Contract) -> dg.AssetsDefinition:
    key = raw_asset_key(contract)

    @dg.asset(
        key=key,
        group_name=contract.department,
        owners=[f"team:{contract.department}"],
        description=contract.description,
        retry_policy=INGEST_RETRIES,
        # A backfill of a range of drops loads them in one run: DuckDB has one writer per file.
        partitions_def=EXTRACT_DROPS,
        backfill_policy=dg.BackfillPolicy.single_run(),
        kinds={"duckdb", contract.format},
        pool=WRITER_POOL,
        metadata={
            "contract": dg.MetadataValue.path(str(contract.path)),
            "file_pattern": contract.file_pattern,
            "primary_key": ", ".join(contract.primary_key),
            "version_column": contract.version_column or "(immutable events)",
            "dagster/column_schema": column_schema(contract),
            "dagster/table_name": contract.raw_table,
        },
        check_specs=[
            dg.AssetCheckSpec(
                ROWS_ACCOUNTED_FOR,
                asset=key,
                description="Every row of every file loaded in this run is loaded, quarantined "
                "or already known: nothing is lost.",
            ),
            dg.AssetCheckSpec(
                NO_QUARANTINED_ROWS,
                asset=key,
                description="No row of this extract sits in quarantine (warns, does not block).",
            ),
        ],
    )
    def ingest(
        context: dg.AssetExecutionContext, warehouse: DuckDBResource, extracts: ExtractsFolder
    ) -> dg.MaterializeResult:
        # A fresh machine has no warehouse folder yet; DuckDB creates the file, not its folder.
        Path(warehouse.database).parent.mkdir(parents=True, exist_ok=True)
        with warehouse.get_connection() as con:
            ensure_raw_schema(con, [contract])
            try:
                result = load_extract(con, contract, extracts.path, drops=drops_selected(context))
            except LoadError as error:
                raise dg.Failure(description=str(error), allow_retries=False) from error
            arrival = last_arrival_metadata(con, contract)
            rows_in_table, quarantined_in_table = con.execute(
                f"select (select count(*) from {contract.raw_table}),"
                " (select count(distinct (source_file, source_line)) from raw_meta.quarantine"
                " where contract = ?)",
                [contract.name],
            ).fetchone()
        for file in result.files:
            context.log.info(
                f"{file.file}: {file.rows_loaded} loaded, {file.rows_quarantined} "
                f"quarantined, {file.rows_skipped_as_known} already known"
            )
        if not (context.has_partition_key or context.has_partition_key_range):
            known = set(context.instance.get_dynamic_partitions(EXTRACT_DROPS.name))
            for event in drops_loaded(key, result):
                if event.partition in known:
                    context.log_event(event)
        lost = [f.file for f in result.files if not f.rows_accounted_for]
        return dg.MaterializeResult(
            metadata={
                **load_metadata(result),
                **arrival,
                "dagster/row_count": rows_in_table,
                "rows_quarantined_in_table": quarantined_in_table,
            },
            check_results=[
                dg.AssetCheckResult(
                    check_name=ROWS_ACCOUNTED_FOR,
                    passed=not lost,
                    metadata={"files_checked": len(result.files), "files_with_lost_rows": lost},
                ),
                dg.AssetCheckResult(
                    check_name=NO_QUARANTINED_ROWS,
                    passed=quarantined_in_table == 0,
                    severity=dg.AssetCheckSeverity.WARN,
                    metadata={
                        "quarantined_rows": quarantined_in_table,
                        "where": "raw_meta.quarantine",
                    },
                ),
            ],
        )

    return ingest


# A single-run backfill policy is beta in Dagster 1.13: said once here, not once per asset.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", dg.BetaWarning)
    ingest_assets = [build_ingest_asset(c) for c in load_contracts()]
