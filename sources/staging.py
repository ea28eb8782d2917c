"""What every format reader leaves behind, and the error for a file that cannot be trusted.

- ``_load_stage(_line BIGINT, <contract columns> VARCHAR)``: one row per readable record, values
  as text exactly as in the file, ``_line`` the record's first line (header = line 1; JSONL line
  number; Parquet row number starting at 1).
- ``_load_rejects(line, column_name, raw_value, reason, raw_record)``: records that cannot be
  split into fields (malformed CSV rows, lines that are no JSON object, a cut-off last line).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import duckdb

from sources.contracts import Contract

STAGE_TABLE = "_load_stage"
REJECTS_TABLE = "_load_rejects"


class LoadError(Exception):
    """A whole file cannot be loaded; nothing from it reaches the warehouse."""

    def __init__(self, source_file: str, message: str, column: str | None = None):
        where = f"{source_file}, column {column}" if column else source_file
        super().__init__(f"{where}: {message}")
        self.source_file = source_file
        self.column = column


@dataclass(frozen=True)
class StagedFile:
    rows_in_file: int
    extra_columns: tuple[str, ...]


def check_columns(
    contract: Contract, found: list[str], source_file: str, kind: str, required: Iterable[str]
) -> tuple[str, ...]:
    """Fail on a missing required column; return the unknown extra columns (ignored)."""
    missing = [c for c in required if c not in found]
    if missing:
        raise LoadError(source_file, f"required column missing from the {kind}", column=missing[0])
    return tuple(c for c in found if c not in contract.column_names)


def create_empty_rejects(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {REJECTS_TABLE} (line BIGINT, column_name VARCHAR,"
        " raw_value VARCHAR, reason VARCHAR, raw_record VARCHAR)"
    )
