"""The raw layer as Parquet, for engines other than DuckDB (the dbt project's ``spark`` target).

The loader stays the one door into the warehouse: contracts, quarantine and exact values are
applied once, in DuckDB. This step copies what the loader wrote, every contract's
``raw_<system>.<name>`` table with its lineage columns, to ``<out>/raw_<system>/<name>/`` as one
Parquet file with the table's own types (decimals stay decimals of the same precision; the
loader's UTC timestamps are written as the same instants, to the microsecond), which the Spark
target registers as its dbt sources (macro ``register_raw_parquet``). Each file is written beside
its final name and renamed into place, so a reader never sees half a table.

``python -m sources.raw_export --warehouse data/warehouse/warehouse.duckdb --out data/spark/raw``
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from sources.contracts import Contract, load_contracts
from sources.sql_text import quote_ident, quote_literal

PARQUET_FILE = "data.parquet"


@dataclass(frozen=True)
class ExportedTable:
    raw_table: str
    rows: int
    path: Path


def table_folder(out: Path, contract: Contract) -> Path:
    """The folder Spark reads as the table: one per raw table, named by schema and table."""
    return out / contract.raw_schema / contract.name


def utc_instants(con: duckdb.DuckDBPyConnection, contract: Contract) -> str:
    """`` REPLACE (...)`` writing each zone-less timestamp as the UTC instant it holds.

    The loader stores UTC wall times (DuckDB's TIMESTAMP); written as instants (Parquet's
    isAdjustedToUTC), Spark reads them as its default `timestamp` type, the one dbt-spark's date
    macros and the contracts' `timestamp` columns mean, and shows the same wall time in the
    target's UTC session.
    """
    columns = con.execute(
        "SELECT column_name FROM duckdb_columns()"
        " WHERE schema_name = ? AND table_name = ? AND data_type = 'TIMESTAMP'"
        " ORDER BY column_index",
        [contract.raw_schema, contract.name],
    ).fetchall()
    if not columns:
        return ""
    replaced = ", ".join(
        f"timezone('UTC', {quote_ident(c)}) AS {quote_ident(c)}" for (c,) in columns
    )
    return f" REPLACE ({replaced})"


def export_table(con: duckdb.DuckDBPyConnection, contract: Contract, out: Path) -> ExportedTable:
    folder = table_folder(out, contract)
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / PARQUET_FILE
    # Spark skips files whose names start with a dot: the partial file is never read as data.
    partial = folder / f".{PARQUET_FILE}.partial"
    # Ordered by the lineage columns (file, line): the same warehouse gives the same file.
    con.execute(
        f"COPY (SELECT *{utc_instants(con, contract)} FROM {contract.quoted_raw_table}"
        f" ORDER BY {quote_ident('_source_file')}, {quote_ident('_source_line')})"
        f" TO {quote_literal(str(partial))} (FORMAT parquet, COMPRESSION zstd)"
    )
    os.replace(partial, final)
    rows = con.execute(f"SELECT count(*) FROM {contract.quoted_raw_table}").fetchall()[0][0]
    return ExportedTable(contract.raw_table, rows, final)


def export_raw_layer(
    warehouse: Path, out: Path, contracts: Iterable[Contract] | None = None
) -> list[ExportedTable]:
    """Every contract's raw table in ``warehouse`` (opened read-only) as Parquet under ``out``."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return [export_table(con, contract, out) for contract in contracts or load_contracts()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--warehouse", type=Path, required=True, help="the DuckDB warehouse file")
    parser.add_argument("--out", type=Path, required=True, help="folder to write the tables into")
    args = parser.parse_args()
    for table in export_raw_layer(args.warehouse, args.out):
        print(f"{table.raw_table:40} {table.rows:>12,} rows -> {table.path}")


if __name__ == "__main__":
    main()
