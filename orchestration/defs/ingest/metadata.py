"""Dagster metadata for ingest assets: the contract's schema and what a load did."""

from __future__ import annotations

import datetime as dt

import dagster as dg

from sources.contracts import Contract
from sources.load import ExtractLoadResult


def column_schema(contract: Contract) -> dg.TableSchema:
    return dg.TableSchema(
        columns=[
            dg.TableColumn(
                name=c.name,
                type=c.type,
                description=c.description,
                constraints=dg.TableColumnConstraints(
                    nullable=c.nullable,
                    other=[f"one of: {', '.join(c.accepted_values)}"] if c.accepted_values else [],
                ),
            )
            for c in contract.columns
        ]
    )


def load_metadata(result: ExtractLoadResult) -> dict[str, dg.RawMetadataValue]:
    loaded = [f for f in result.files if not f.skipped_because_already_loaded]
    return {
        "files_new": len(loaded),
        "files_already_loaded": len(result.files) - len(loaded),
        "rows_in_new_files": sum(f.rows_in_file for f in loaded),
        "rows_loaded": sum(f.rows_loaded for f in loaded),
        "rows_quarantined": sum(f.rows_quarantined for f in loaded),
        "rows_skipped_as_known": sum(f.rows_skipped_as_known for f in loaded),
        "rows_duplicate": sum(f.rows_duplicate for f in loaded),
        "files": dg.MetadataValue.md(
            "\n".join(
                [
                    "| file | rows | loaded | quarantined | known | duplicates |",
                    "|---|---|---|---|---|---|",
                ]
                + [
                    f"| {f.file} | {f.rows_in_file} | {f.rows_loaded} | "
                    f"{f.rows_quarantined} | {f.rows_skipped_as_known} | {f.rows_duplicate} |"
                    for f in loaded
                ]
            )
        ),
    }


def last_arrival_metadata(con, contract: Contract) -> dict[str, dg.RawMetadataValue]:
    """When a file of this extract last brought rows (the loader's ``raw_meta.loaded_files``), as
    the timestamp Dagster's freshness checks read: a build that loads nothing new is no fresher."""
    arrived = con.execute(
        "select max(loaded_at) from raw_meta.loaded_files where contract = ? and rows_loaded > 0",
        [contract.name],
    ).fetchall()[0][0]
    if arrived is None:
        return {}
    # The loader stamps loads in UTC; a naive value is read as such.
    moment = arrived if arrived.tzinfo else arrived.replace(tzinfo=dt.UTC)
    return {"dagster/last_updated_timestamp": dg.MetadataValue.timestamp(moment)}
