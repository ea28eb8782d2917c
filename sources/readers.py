"""Format readers: stage one extract file as text into the tables of :mod:`sources.staging`.

CSV and JSONL are read as lines by :mod:`sources.text_files`; Parquet by DuckDB's reader, each
typed value rendered as text so that one set of checks serves every format. Problems that make
the whole file untrustworthy raise :class:`LoadError`.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from sources.contracts import Contract
from sources.sql_text import literal_path, quote_ident
from sources.staging import (
    REJECTS_TABLE,
    STAGE_TABLE,
    LoadError,
    StagedFile,
    check_columns,
    create_empty_rejects,
)
from sources.text_files import stage_csv, stage_jsonl

__all__ = ["REJECTS_TABLE", "STAGE_TABLE", "LoadError", "StagedFile", "stage_file"]


def stage_file(
    con: duckdb.DuckDBPyConnection, contract: Contract, path: Path, source_file: str
) -> StagedFile:
    if path.stat().st_size == 0:
        raise LoadError(source_file, "file is empty (0 bytes)")
    reader = {"csv": stage_csv, "jsonl": stage_jsonl, "parquet": _stage_parquet}[contract.format]
    try:
        extra_columns = reader(con, contract, path, source_file)
    except duckdb.Error as error:
        raise LoadError(source_file, f"unreadable {contract.format} file: {error}") from error
    (rows_in_file,) = con.execute(
        f"SELECT (SELECT count(*) FROM {STAGE_TABLE})"
        f" + (SELECT count(DISTINCT line) FROM {REJECTS_TABLE})"
    ).fetchall()[0]
    if rows_in_file == 0:
        raise LoadError(source_file, "file has no rows")
    return StagedFile(rows_in_file=rows_in_file, extra_columns=extra_columns)


def _as_text(column: str, parquet_type: str) -> str:
    """A Parquet value as text; an instant in UTC with its offset, whatever the session zone."""
    if parquet_type == "TIMESTAMP WITH TIME ZONE":
        return f"strftime(timezone('UTC', {column}), '%Y-%m-%d %H:%M:%S.%f') || 'Z'"
    return f"CAST({column} AS VARCHAR)"


def _stage_parquet(
    con: duckdb.DuckDBPyConnection, contract: Contract, path: Path, source_file: str
) -> tuple[str, ...]:
    reader = f"read_parquet({literal_path(path)}, file_row_number = true)"
    described = con.execute(f"DESCRIBE SELECT * FROM {reader}").fetchall()
    found = {name: type_ for name, type_, *_ in described}
    extra_columns = check_columns(
        contract, list(found), source_file, "Parquet schema", contract.column_names
    )
    values = ", ".join(
        f"{_as_text(quote_ident(c), found[c])} AS {quote_ident(c)}" for c in contract.column_names
    )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {STAGE_TABLE} AS"
        f" SELECT file_row_number + 1 AS _line, {values} FROM {reader}"
    )
    create_empty_rejects(con)
    return tuple(c for c in extra_columns if c != "file_row_number")
