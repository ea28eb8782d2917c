"""Format readers: stage one extract file as text into a temporary table, using DuckDB's readers.

Every reader leaves two temporary tables behind for the validation step:

- ``_load_stage(_line BIGINT, <contract columns> VARCHAR)``: one row per readable record, values as
  text exactly as in the file, ``_line`` the record's line (header = line 1; JSONL line number;
  Parquet row number starting at 1).
- ``_load_rejects(line, column_name, raw_value, reason, raw_record)``: records DuckDB could not even
  split into fields (CSV rows with a wrong number of fields, unterminated quotes).

Problems that make the whole file untrustworthy raise :class:`LoadError` instead.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

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


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def stage_file(
    con: duckdb.DuckDBPyConnection, contract: Contract, path: Path, source_file: str
) -> StagedFile:
    if path.stat().st_size == 0:
        raise LoadError(source_file, "file is empty (0 bytes)")
    reader = {"csv": _stage_csv, "jsonl": _stage_jsonl, "parquet": _stage_parquet}[contract.format]
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


def _check_columns(
    contract: Contract, found: list[str], source_file: str, kind: str, required: Iterable[str]
) -> tuple[str, ...]:
    """Fail on a missing required column; return the unknown extra columns (ignored)."""
    missing = [c for c in required if c not in found]
    if missing:
        raise LoadError(source_file, f"required column missing from the {kind}", column=missing[0])
    return tuple(c for c in found if c not in contract.column_names)


def ends_with_newline(path: Path) -> bool:
    with path.open("rb") as file:
        file.seek(-1, 2)
        return file.read(1) == b"\n"


def _create_empty_rejects(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {REJECTS_TABLE} (line BIGINT, column_name VARCHAR,"
        " raw_value VARCHAR, reason VARCHAR, raw_record VARCHAR)"
    )


# ----------------------------------------------------------------------------------------------
# CSV
# ----------------------------------------------------------------------------------------------


def _read_csv_header(path: Path, source_file: str) -> list[str]:
    with path.open("rb") as file:
        first_line = file.readline(1 << 20)
    try:
        text = first_line.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise LoadError(source_file, "file is not UTF-8 encoded") from None
    header = next(csv.reader([text]), [])
    header = [name.strip() for name in header]
    if not header or header == [""]:
        raise LoadError(source_file, "file has no header")
    if len(set(header)) != len(header):
        raise LoadError(source_file, f"header repeats a column name: {header}")
    return header


def _stage_csv(
    con: duckdb.DuckDBPyConnection, contract: Contract, path: Path, source_file: str
) -> tuple[str, ...]:
    header = _read_csv_header(path, source_file)
    # A CSV header is the file's schema: every contract column must be in it.
    extra_columns = _check_columns(contract, header, source_file, "header", contract.column_names)
    # The header decides the field names; every field is read as text and validated later.
    columns = "{" + ", ".join(f"{quote_literal(h)}: 'VARCHAR'" for h in header) + "}"
    selected = ", ".join(quote_ident(c) for c in contract.column_names)
    # A scan that rejects nothing leaves the previous scan's rejects in place: start empty.
    con.execute("DROP TABLE IF EXISTS reject_errors; DROP TABLE IF EXISTS reject_scans")
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {STAGE_TABLE} AS SELECT ordinality + 1 AS _line, {selected}"
        f" FROM read_csv({quote_literal(str(path))}, header = true, columns = {columns},"
        " delim = ',', quote = '\"', escape = '\"', auto_detect = false, store_rejects = true)"
        " WITH ORDINALITY"
    )
    this_scan = "FROM reject_errors WHERE true"
    (encoding_error_line,) = con.execute(
        f"SELECT min(line) {this_scan} AND error_type = 'INVALID ENCODING'"
    ).fetchall()[0]
    if encoding_error_line is not None:
        raise LoadError(source_file, f"file is not UTF-8 encoded (line {encoding_error_line})")
    _create_empty_rejects(con)
    # DuckDB reports a short row once per missing field; one quarantine row per line says it all.
    (rejected_lines,) = con.execute(
        f"INSERT INTO {REJECTS_TABLE} SELECT line, NULL, any_value(csv_line),"
        " 'malformed CSV row: ' || arg_min(error_message, byte_position),"
        f" to_json({{'raw_line': any_value(csv_line)}})::VARCHAR {this_scan} GROUP BY line"
    ).fetchall()[0]
    if rejected_lines:
        _shift_lines_past_rejects(con)
    return extra_columns


def _shift_lines_past_rejects(con: duckdb.DuckDBPyConnection) -> None:
    """Give the readable records their line numbers again, counting the rejected lines.

    DuckDB numbers records (header = 1) and reports rejected ones with that number; readable
    records come back in file order without it. Each rejected line before a record shifts it by
    one, so a record's line is its ordinal + 1 + the rejected lines that precede it.
    """
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _load_csv_shifts AS"
        " SELECT line - shift - 1 AS records_before, max(shift) AS shift FROM ("
        f"   SELECT line, row_number() OVER (ORDER BY line) AS shift FROM {REJECTS_TABLE}"
        " ) GROUP BY records_before"
    )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {STAGE_TABLE} AS"
        " SELECT c._line + coalesce(s.shift, 0) AS _line, c.* EXCLUDE (_line)"
        f" FROM {STAGE_TABLE} c ASOF LEFT JOIN _load_csv_shifts s"
        " ON c._line - 1 > s.records_before"
    )
    con.execute("DROP TABLE _load_csv_shifts")


# ----------------------------------------------------------------------------------------------
# JSONL
# ----------------------------------------------------------------------------------------------


def _stage_jsonl(
    con: duckdb.DuckDBPyConnection, contract: Contract, path: Path, source_file: str
) -> tuple[str, ...]:
    # Read whole lines (a control character as delimiter cannot occur in valid JSON) so that
    # every record keeps its true line number, blank lines included.
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _load_lines AS SELECT ordinality AS _line, line"
        f" FROM read_csv({quote_literal(str(path))}, header = false,"
        " columns = {'line': 'VARCHAR'}, delim = '\x01', quote = '', escape = '',"
        " auto_detect = false, strict_mode = false) WITH ORDINALITY"
        " WHERE trim(line) <> ''"
    )
    first_invalid, last_line = con.execute(
        "SELECT min(_line) FILTER (WHERE CASE WHEN json_valid(line)"
        "   THEN json_type(line) <> 'OBJECT' ELSE true END), max(_line) FROM _load_lines"
    ).fetchall()[0]
    if last_line is None:
        raise LoadError(source_file, "file has no rows")
    if first_invalid is not None:
        if first_invalid == last_line and not ends_with_newline(path):
            raise LoadError(source_file, f"file is truncated: last line {last_line} is incomplete")
        raise LoadError(source_file, f"line {first_invalid} is not a JSON object")
    keys = [
        key
        for (key,) in con.execute(
            "SELECT DISTINCT unnest(json_keys(line)) FROM _load_lines ORDER BY 1"
        ).fetchall()
    ]
    # JSON writers often drop null fields, so only non-nullable keys must appear in the file.
    required = [c.name for c in contract.columns if not c.nullable]
    extra_columns = _check_columns(contract, keys, source_file, "JSON keys", required)
    paths = ", ".join(quote_literal(f"$.{quote_ident(c)}") for c in contract.column_names)
    values = ", ".join(
        f"_values[{i}] AS {quote_ident(c)}" for i, c in enumerate(contract.column_names, start=1)
    )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {STAGE_TABLE} AS SELECT _line, {values}"
        f" FROM (SELECT _line, json_extract_string(line, [{paths}]) AS _values FROM _load_lines)"
    )
    con.execute("DROP TABLE _load_lines")
    _create_empty_rejects(con)
    return extra_columns


# ----------------------------------------------------------------------------------------------
# Parquet
# ----------------------------------------------------------------------------------------------


def _stage_parquet(
    con: duckdb.DuckDBPyConnection, contract: Contract, path: Path, source_file: str
) -> tuple[str, ...]:
    reader = f"read_parquet({quote_literal(str(path))}, file_row_number = true)"
    found = [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {reader}").fetchall()]
    extra_columns = _check_columns(
        contract, found, source_file, "Parquet schema", contract.column_names
    )
    # Typed Parquet values go through text too, so one set of checks serves every format.
    values = ", ".join(
        f"CAST({quote_ident(c)} AS VARCHAR) AS {quote_ident(c)}" for c in contract.column_names
    )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {STAGE_TABLE} AS"
        f" SELECT file_row_number + 1 AS _line, {values} FROM {reader}"
    )
    _create_empty_rejects(con)
    return tuple(c for c in extra_columns if c != "file_row_number")
