"""Contract-driven loading of extract files into DuckDB raw tables, with quarantine of bad rows.

Each file is loaded in one transaction: staged as text by DuckDB's own readers
(:mod:`sources.readers`), validated set-based against its contract (:mod:`sources.quarantine`),
then its good rows are appended to ``raw_<system>.<name>`` with lineage columns, its bad rows go to
``raw_meta.quarantine`` and the file is recorded in ``raw_meta.loaded_files`` by checksum, so a file
is never loaded twice. A file that cannot be trusted as a whole raises :class:`LoadError` and
changes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from sources.contracts import Contract
from sources.quarantine import (
    BAD_LINES_TABLE,
    PROBLEMS_TABLE,
    find_problems,
    quarantine_problems,
    text_value,
)
from sources.readers import (
    REJECTS_TABLE,
    STAGE_TABLE,
    LoadError,
    ends_with_newline,
    quote_ident,
    stage_file,
)

__all__ = [
    "ExtractLoadResult",
    "FileLoadResult",
    "LoadError",
    "ensure_raw_schema",
    "load_all",
    "load_extract",
]

LINEAGE_COLUMNS = (
    ("_source_file", "VARCHAR"),
    ("_source_line", "BIGINT"),
    ("_file_sha256", "VARCHAR"),
    ("_loaded_at", "TIMESTAMP"),
)
TEMP_TABLES = (STAGE_TABLE, REJECTS_TABLE, PROBLEMS_TABLE, BAD_LINES_TABLE)


@dataclass(frozen=True)
class FileLoadResult:
    file: str
    sha256: str
    rows_in_file: int
    rows_loaded: int
    rows_quarantined: int
    rows_skipped_as_known: int
    skipped_because_already_loaded: bool
    extra_columns: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExtractLoadResult:
    contract: str
    raw_table: str
    files: tuple[FileLoadResult, ...]
    failures: tuple[LoadError, ...] = ()

    @property
    def files_loaded(self) -> int:
        return sum(not f.skipped_because_already_loaded for f in self.files)

    @property
    def files_already_loaded(self) -> int:
        return sum(f.skipped_because_already_loaded for f in self.files)

    @property
    def rows_in_files(self) -> int:
        return sum(f.rows_in_file for f in self.files)

    @property
    def rows_loaded(self) -> int:
        return sum(f.rows_loaded for f in self.files)

    @property
    def rows_quarantined(self) -> int:
        return sum(f.rows_quarantined for f in self.files)

    @property
    def rows_skipped_as_known(self) -> int:
        return sum(f.rows_skipped_as_known for f in self.files)

    def as_metadata(self) -> dict[str, object]:
        """Plain values for Dagster materialization metadata."""
        return {
            "raw_table": self.raw_table,
            "files_loaded": self.files_loaded,
            "files_already_loaded": self.files_already_loaded,
            "files_failed": len(self.failures),
            "rows_in_files": self.rows_in_files,
            "rows_loaded": self.rows_loaded,
            "rows_quarantined": self.rows_quarantined,
            "rows_skipped_as_known": self.rows_skipped_as_known,
            "extra_columns": sorted({c for f in self.files for c in f.extra_columns}),
            "failed_files": [str(error) for error in self.failures],
        }


def ensure_raw_schema(con: duckdb.DuckDBPyConnection, contracts: Iterable[Contract]) -> None:
    """Create the raw tables and the ``raw_meta`` bookkeeping tables where missing."""
    con.execute(
        "CREATE SCHEMA IF NOT EXISTS raw_meta;"
        " CREATE TABLE IF NOT EXISTS raw_meta.loaded_files ("
        "   file_sha256 VARCHAR NOT NULL, contract VARCHAR NOT NULL, source_file VARCHAR,"
        "   file_bytes BIGINT, rows_in_file BIGINT, rows_loaded BIGINT, rows_quarantined BIGINT,"
        "   rows_skipped_as_known BIGINT, loaded_at TIMESTAMP,"
        "   PRIMARY KEY (file_sha256, contract));"
        " CREATE TABLE IF NOT EXISTS raw_meta.quarantine ("
        "   contract VARCHAR, raw_table VARCHAR, source_file VARCHAR, source_line BIGINT,"
        "   column_name VARCHAR, raw_value VARCHAR, reason VARCHAR, raw_record VARCHAR,"
        "   file_sha256 VARCHAR, quarantined_at TIMESTAMP)"
    )
    for contract in contracts:
        columns = [(c.name, c.type.upper()) for c in contract.columns] + list(LINEAGE_COLUMNS)
        definition = ", ".join(f"{quote_ident(name)} {type_}" for name, type_ in columns)
        con.execute(
            f"CREATE SCHEMA IF NOT EXISTS {contract.raw_schema};"
            f" CREATE TABLE IF NOT EXISTS {contract.raw_table} ({definition})"
        )


def load_extract(
    con: duckdb.DuckDBPyConnection,
    contract: Contract,
    extracts_dir: Path,
    *,
    raise_on_failure: bool = True,
) -> ExtractLoadResult:
    """Load every not yet loaded file of ``contract``, in name order, one transaction per file.

    A file that fails does not stop the files after it: they are loaded, then the first failure
    is raised (the others are listed in its notes), unless ``raise_on_failure`` is false, in
    which case the failures are only returned in the result.
    """
    extracts_dir = Path(extracts_dir)
    paths = sorted(extracts_dir.glob(contract.file_pattern), key=lambda p: p.as_posix())
    results, failures = [], []
    for path in paths:
        try:
            results.append(_load_file(con, contract, path, extracts_dir))
        except LoadError as error:
            failures.append(error)
    result = ExtractLoadResult(contract.name, contract.raw_table, tuple(results), tuple(failures))
    if failures and raise_on_failure:
        raise _with_other_failures_noted(failures)
    return result


def load_all(
    con: duckdb.DuckDBPyConnection,
    contracts: Iterable[Contract],
    extracts_dir: Path,
    *,
    raise_on_failure: bool = True,
) -> dict[str, ExtractLoadResult]:
    """Create the raw schema and load every contract's files; results keyed by contract name."""
    contracts = tuple(contracts)
    ensure_raw_schema(con, contracts)
    results = {
        c.name: load_extract(con, c, extracts_dir, raise_on_failure=False) for c in contracts
    }
    failures = [error for r in results.values() for error in r.failures]
    if failures and raise_on_failure:
        raise _with_other_failures_noted(failures)
    return results


def _with_other_failures_noted(failures: list[LoadError], shown: int = 5) -> LoadError:
    first, *others = failures
    for other in others[:shown]:
        first.add_note(f"also failed: {other}")
    if len(others) > shown:
        first.add_note(f"... and {len(others) - shown} more failed files")
    return first


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _load_file(
    con: duckdb.DuckDBPyConnection, contract: Contract, path: Path, extracts_dir: Path
) -> FileLoadResult:
    source_file = path.relative_to(extracts_dir).as_posix()
    sha256 = _sha256(path)
    already_loaded = con.execute(
        "SELECT count(*) FROM raw_meta.loaded_files WHERE file_sha256 = ? AND contract = ?",
        [sha256, contract.name],
    ).fetchall()[0][0]
    if already_loaded:
        return FileLoadResult(source_file, sha256, 0, 0, 0, 0, skipped_because_already_loaded=True)

    loaded_at = datetime.now(UTC).replace(tzinfo=None)
    con.execute("BEGIN TRANSACTION")
    try:
        staged = stage_file(con, contract, path, source_file)
        find_problems(con, contract)
        _raise_if_last_line_cut(con, contract, path, source_file)
        (rows_quarantined,) = con.execute(f"SELECT count(*) FROM {BAD_LINES_TABLE}").fetchall()[0]
        quarantine_problems(con, contract, source_file, sha256, loaded_at)
        rows_skipped_as_known, rows_loaded = _append_new_records(
            con, contract, source_file, sha256, loaded_at
        )
        if rows_loaded + rows_quarantined + rows_skipped_as_known != staged.rows_in_file:
            raise AssertionError(
                f"{source_file}: {rows_loaded} loaded + {rows_quarantined} quarantined"
                f" + {rows_skipped_as_known} known != {staged.rows_in_file} rows in the file"
            )
        con.execute(
            "INSERT INTO raw_meta.loaded_files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                sha256,
                contract.name,
                source_file,
                path.stat().st_size,
                staged.rows_in_file,
                rows_loaded,
                rows_quarantined,
                rows_skipped_as_known,
                loaded_at,
            ],
        ).fetchall()
        con.execute("; ".join(f"DROP TABLE IF EXISTS {t}" for t in TEMP_TABLES))
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return FileLoadResult(
        source_file,
        sha256,
        staged.rows_in_file,
        rows_loaded,
        rows_quarantined,
        rows_skipped_as_known,
        skipped_because_already_loaded=False,
        extra_columns=staged.extra_columns,
    )


def _raise_if_last_line_cut(
    con: duckdb.DuckDBPyConnection, contract: Contract, path: Path, source_file: str
) -> None:
    """A text file whose last line has no newline and does not pass is taken as cut off.

    A cut value cannot be told apart from a bad one, so the whole file fails rather than
    quarantining half a record.
    """
    if contract.format == "parquet" or ends_with_newline(path):
        return
    (last_line_is_bad,) = con.execute(
        f"SELECT max(line) FROM {BAD_LINES_TABLE} WHERE line >= ("
        f"  SELECT max(line) FROM (SELECT _line AS line FROM {STAGE_TABLE}"
        f"  UNION ALL SELECT line FROM {REJECTS_TABLE}))"
    ).fetchall()[0]
    if last_line_is_bad is not None:
        raise LoadError(
            source_file, f"file is truncated: last line {last_line_is_bad} is incomplete"
        )


def _append_new_records(
    con: duckdb.DuckDBPyConnection,
    contract: Contract,
    source_file: str,
    sha256: str,
    loaded_at: datetime,
) -> tuple[int, int]:
    """Append the good rows not yet in the raw table; return (rows known before, rows loaded)."""
    typed = ", ".join(
        f"TRY_CAST({text_value(c.name)} AS {c.type}) AS {quote_ident(c.name)}"
        for c in contract.columns
    )
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW _load_clean AS SELECT _line, {typed}"
        f" FROM {STAGE_TABLE} s ANTI JOIN {BAD_LINES_TABLE} b ON s._line = b.line"
    )
    # A record is known by its key and version: an earlier version is kept beside a newer one.
    same_record = " AND ".join(
        [f"r.{quote_ident(k)} = c.{quote_ident(k)}" for k in contract.primary_key]
        + (
            [f"r.{quote_ident(v)} IS NOT DISTINCT FROM c.{quote_ident(v)}"]
            if (v := contract.version_column)
            else []
        )
    )
    (rows_known,) = con.execute(
        f"SELECT count(*) FROM _load_clean c SEMI JOIN {contract.raw_table} r ON {same_record}"
    ).fetchall()[0]
    columns = ", ".join(quote_ident(c) for c in (*contract.column_names, *dict(LINEAGE_COLUMNS)))
    values = ", ".join(f"c.{quote_ident(c)}" for c in contract.column_names)
    (rows_loaded,) = con.execute(
        f"INSERT INTO {contract.raw_table} ({columns})"
        f" SELECT {values}, ?, c._line, ?, ? FROM _load_clean c"
        f" ANTI JOIN {contract.raw_table} r ON {same_record}",
        [source_file, sha256, loaded_at],
    ).fetchall()[0]
    con.execute("DROP VIEW _load_clean")
    return rows_known, rows_loaded
