"""Contract-driven loading of extract files into DuckDB raw tables, with quarantine of bad rows.

Each file is staged as text in this connection's temporary tables (:mod:`sources.readers`), then
loaded in one transaction: validated set-based against its contract (:mod:`sources.quarantine`),
its records sorted into new, repeated, known and conflicting ones (:mod:`sources.record_versions`),
then its new records are appended to ``raw_<system>.<name>`` with lineage columns, its bad rows
go to ``raw_meta.quarantine``, timestamps converted to UTC keep their original text in
``raw_meta.converted_values``, and the file is recorded in ``raw_meta.loaded_files`` by checksum,
so a file is never loaded twice. A file that cannot be trusted as a whole raises
:class:`LoadError` and changes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from sources.contracts import Contract
from sources.drops import drop_date
from sources.quarantine import (
    BAD_LINES_TABLE,
    find_problems,
    mark_bad_lines,
    quarantine_problems,
)
from sources.readers import LoadError, StagedFile, stage_file
from sources.record_versions import (
    CONVERSIONS,
    TYPED_TABLE,
    sort_versions,
)
from sources.sql_text import quote_ident, quote_literal

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
# Every scratch table of a file's load is a temporary table of this connection named so.
SCRATCH_PREFIX = "_load_"


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
    # Exact repeats of a record in the same file (at-least-once delivery): loaded once.
    rows_duplicate: int = 0

    @property
    def rows_accounted_for(self) -> bool:
        """Every record counted in the file is loaded, quarantined, already known or a repeat."""
        return (
            self.rows_loaded
            + self.rows_quarantined
            + self.rows_skipped_as_known
            + self.rows_duplicate
            == self.rows_in_file
        )


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

    @property
    def rows_duplicate(self) -> int:
        return sum(f.rows_duplicate for f in self.files)

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
            "rows_duplicate": self.rows_duplicate,
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
        # Warehouses loaded before exact repeats were counted gain the column.
        " ALTER TABLE raw_meta.loaded_files ADD COLUMN IF NOT EXISTS rows_duplicate BIGINT;"
        " CREATE TABLE IF NOT EXISTS raw_meta.quarantine ("
        "   contract VARCHAR, raw_table VARCHAR, source_file VARCHAR, source_line BIGINT,"
        "   column_name VARCHAR, raw_value VARCHAR, reason VARCHAR, raw_record VARCHAR,"
        "   file_sha256 VARCHAR, quarantined_at TIMESTAMP);"
        " CREATE TABLE IF NOT EXISTS raw_meta.converted_values ("
        "   contract VARCHAR, raw_table VARCHAR, source_file VARCHAR, source_line BIGINT,"
        "   column_name VARCHAR, raw_value VARCHAR, loaded_value VARCHAR, conversion VARCHAR,"
        "   file_sha256 VARCHAR)"
    )
    for contract in contracts:
        columns = [(c.name, c.type.upper()) for c in contract.columns] + list(LINEAGE_COLUMNS)
        definition = ", ".join(f"{quote_ident(name)} {type_}" for name, type_ in columns)
        con.execute(
            f"CREATE SCHEMA IF NOT EXISTS {contract.quoted_raw_schema};"
            f" CREATE TABLE IF NOT EXISTS {contract.quoted_raw_table} ({definition})"
        )


def load_extract(
    con: duckdb.DuckDBPyConnection,
    contract: Contract,
    extracts_dir: Path,
    *,
    raise_on_failure: bool = True,
    drops: Collection[str] | None = None,
) -> ExtractLoadResult:
    """Load every not yet loaded file of ``contract``, in name order, one transaction per file;
    with ``drops`` (ISO dates), only the files of those drops (:mod:`sources.drops`).

    A file that fails does not stop the files after it: they are loaded, then the first failure
    is raised (the others are listed in its notes), unless ``raise_on_failure`` is false, in
    which case the failures are only returned in the result.
    """
    extracts_dir = Path(extracts_dir)
    inside = extracts_dir.resolve()
    paths = sorted(
        (
            p
            for p in extracts_dir.glob(contract.file_pattern)
            if p.is_file() and (drops is None or drop_date(p) in drops)
        ),
        key=lambda p: p.as_posix(),
    )
    results, failures = [], []
    for path in paths:
        source_file = path.relative_to(extracts_dir).as_posix()
        try:
            if not path.resolve().is_relative_to(inside):
                raise LoadError(source_file, "file lies outside the extracts folder (a link?)")
            results.append(_load_file(con, contract, path, source_file))
        except LoadError as error:
            failures.append(error)
        except duckdb.Error as error:
            # Whatever else a file's content makes fail, it fails that file alone, by name.
            failures.append(LoadError(source_file, f"could not be loaded: {error}"))
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
    con: duckdb.DuckDBPyConnection, contract: Contract, path: Path, source_file: str
) -> FileLoadResult:
    sha256 = _sha256(path)
    already_loaded = con.execute(
        "SELECT count(*) FROM raw_meta.loaded_files WHERE file_sha256 = ? AND contract = ?",
        [sha256, contract.name],
    ).fetchall()[0][0]
    if already_loaded:
        return FileLoadResult(source_file, sha256, 0, 0, 0, 0, skipped_because_already_loaded=True)

    loaded_at = datetime.now(UTC).replace(tzinfo=None)
    # Staging writes only this connection's temporary tables, so it runs before the transaction:
    # inside it, every table the readers replace would be kept until the commit (several copies
    # of a 4 GB file at scale 100).
    try:
        staged = stage_file(con, contract, path, source_file)
        con.execute("BEGIN TRANSACTION")
        try:
            result = _sort_and_append(con, contract, path, source_file, sha256, loaded_at, staged)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    finally:
        _drop_scratch_tables(con)
    return result


def _sort_and_append(
    con: duckdb.DuckDBPyConnection,
    contract: Contract,
    path: Path,
    source_file: str,
    sha256: str,
    loaded_at: datetime,
    staged: StagedFile,
) -> FileLoadResult:
    """Validate and sort the staged records, append the new ones and record the file."""
    find_problems(con, contract)
    rows_duplicate, rows_skipped_as_known = sort_versions(con, contract)
    rows_quarantined = mark_bad_lines(con)
    quarantine_problems(con, contract, source_file, sha256, loaded_at)
    rows_loaded = _append_new_records(con, contract, source_file, sha256, loaded_at)
    result = FileLoadResult(
        source_file,
        sha256,
        staged.rows_in_file,
        rows_loaded,
        rows_quarantined,
        rows_skipped_as_known,
        skipped_because_already_loaded=False,
        extra_columns=staged.extra_columns,
        rows_duplicate=rows_duplicate,
    )
    if not result.rows_accounted_for:
        raise AssertionError(f"{source_file}: records not accounted for: {result}")
    con.execute(
        "INSERT INTO raw_meta.loaded_files (file_sha256, contract, source_file, file_bytes,"
        " rows_in_file, rows_loaded, rows_quarantined, rows_skipped_as_known, loaded_at,"
        " rows_duplicate) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
            rows_duplicate,
        ],
    ).fetchall()
    return result


def _drop_scratch_tables(con: duckdb.DuckDBPyConnection) -> None:
    names = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE temporary AND starts_with(table_name, ?)",
        [SCRATCH_PREFIX],
    ).fetchall()
    for (name,) in names:
        con.execute(f"DROP TABLE {quote_ident(name)}")


def _append_new_records(
    con: duckdb.DuckDBPyConnection,
    contract: Contract,
    source_file: str,
    sha256: str,
    loaded_at: datetime,
) -> int:
    """Append the new records and the lineage of their converted values; return how many."""
    columns = ", ".join(quote_ident(c) for c in (*contract.column_names, *dict(LINEAGE_COLUMNS)))
    values = ", ".join(f"t.{quote_ident(c)}" for c in contract.column_names)
    new_records = f"{TYPED_TABLE} t ANTI JOIN {BAD_LINES_TABLE} b ON t._line = b.line"
    (rows_loaded,) = con.execute(
        f"INSERT INTO {contract.quoted_raw_table} ({columns})"
        f" SELECT {values}, ?, t._line, ?, ? FROM {new_records}",
        [source_file, sha256, loaded_at],
    ).fetchall()[0]
    times = [c for c in contract.columns if c.type == "timestamp"]
    if times:
        loaded_value = " ".join(
            f"WHEN {quote_literal(c.name)} THEN CAST(t.{quote_ident(c.name)} AS VARCHAR)"
            for c in times
        )
        con.execute(
            "INSERT INTO raw_meta.converted_values SELECT ?, ?, ?, _line, c.column_name,"
            f" c.raw_value, CASE c.column_name {loaded_value} END, c.conversion, ?"
            f" FROM (SELECT *, unnest({CONVERSIONS}) AS c FROM {new_records}"
            f"   WHERE len({CONVERSIONS}) > 0) t",
            [contract.name, contract.raw_table, source_file, sha256],
        ).fetchall()
    return rows_loaded
