"""Build a new published warehouse file beside the live one, validate it, then swap it in.

Readers open the published file read-only and never see a half-built layer: the new file is
complete, checkpointed and validated before one atomic ``os.replace`` puts it in place.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from publishing.contract import contract_differences, describe_columns
from publishing.errors import ContractError, PublishError, ValidationError
from publishing.personal_data import check_no_personal_data
from publishing.spec import PUBLICATION_TABLE, PublicationSpec, TableSpec, load_spec
from publishing.versions import (
    building_path,
    new_stamp,
    prune_versions,
    publish_lock,
    remove_killed_builds,
    remove_partial,
    retire_current,
)

WORKING_CATALOG = "working_warehouse"
BUILD_CATALOG = "published_build"
PUBLICATION_COLUMNS = {
    "version": "VARCHAR",
    "published_at": "TIMESTAMP",
    "run_id": "VARCHAR",
    "source_sha256": "VARCHAR",
    "spec_sha256": "VARCHAR",
    "storage_version": "VARCHAR",
    "table_name": "VARCHAR",
    "row_count": "BIGINT",
}


@dataclass(frozen=True)
class PublishReport:
    published_path: Path
    version: str
    row_counts: dict[str, int]
    file_size_bytes: int
    duration_seconds: float
    source_sha256: str
    spec_sha256: str
    storage_version: str
    retained_versions: tuple[Path, ...]
    skipped_tables: tuple[str, ...]


def publish(
    working_path: Path | str,
    published_path: Path | str,
    spec: PublicationSpec | None = None,
    keep_versions: int = 3,
    run_id: str | None = None,
) -> PublishReport:
    """Publish ``spec``'s tables from the working warehouse; raise PublishError on any refusal."""
    started = time.monotonic()
    working_path, published_path = Path(working_path), Path(published_path)
    spec = spec or load_spec()
    if not spec.tables:
        raise PublishError(f"every table of the spec is disabled ({', '.join(spec.skipped)})")
    _check_schema_names(spec, published_path)
    if not working_path.is_file():
        raise PublishError(f"working warehouse {working_path} does not exist")
    published_path.parent.mkdir(parents=True, exist_ok=True)

    with publish_lock(published_path):
        remove_killed_builds(published_path)
        version = new_stamp()
        building = building_path(published_path, version)
        try:
            row_counts, source_sha256 = _build(working_path, building, spec, version, run_id)
            _validate(building, spec, row_counts)
            retire_current(published_path)
            os.replace(building, published_path)
        except BaseException:
            remove_partial(building)
            raise
        retained = prune_versions(published_path, keep_versions)

    return PublishReport(
        published_path=published_path,
        version=version,
        row_counts=row_counts,
        file_size_bytes=published_path.stat().st_size,
        duration_seconds=round(time.monotonic() - started, 3),
        source_sha256=source_sha256,
        spec_sha256=spec.sha256,
        storage_version=spec.storage_version,
        retained_versions=tuple(retained),
        skipped_tables=spec.skipped,
    )


def _check_schema_names(spec: PublicationSpec, published_path: Path) -> None:
    # DuckDB names the catalog after the file: schema "metrics" in metrics.duckdb is ambiguous.
    catalog = published_path.name.split(".")[0]
    clashing = [table.target for table in spec.tables if table.schema == catalog]
    if clashing:
        raise PublishError(
            f"schema {catalog!r} has the published file's name, DuckDB would find "
            f"{', '.join(clashing)} ambiguous: rename the schema in the spec"
        )


def _build(
    working_path: Path, building: Path, spec: PublicationSpec, version: str, run_id: str | None
) -> tuple[dict[str, int], str]:
    with duckdb.connect() as connection:
        try:
            connection.execute(f"attach {_quote(working_path)} as {WORKING_CATALOG} (read_only)")
        except duckdb.IOException as error:
            # Typically a dbt or ingest run holds the write lock: publish after it finishes.
            raise PublishError(f"cannot open {working_path} read-only: {error}") from error
        # Hashed while attached read-only, so no writer can change the file under us.
        source_sha256 = _file_sha256(working_path)
        connection.execute(
            f"attach {_quote(building)} as {BUILD_CATALOG} "
            f"(storage_version {_quote(spec.storage_version)})"
        )
        connection.execute(f"use {WORKING_CATALOG}")
        _check_sources(connection, spec)

        row_counts = {table.target: _copy_table(connection, table) for table in spec.tables}
        _write_publication(connection, spec, version, run_id, source_sha256, row_counts)
        check_no_personal_data(connection, BUILD_CATALOG, spec)
        connection.execute(f"checkpoint {BUILD_CATALOG}")
        connection.execute(f"detach {BUILD_CATALOG}")
    return row_counts, source_sha256


def _check_sources(connection: duckdb.DuckDBPyConnection, spec: PublicationSpec) -> None:
    """Fail before copying anything if a source has drifted from the contract."""
    differences = []
    for table in spec.tables:
        try:
            actual = describe_columns(connection, table.source_sql)
        except duckdb.Error as error:
            raise ContractError(f"{table.target}: source cannot be read: {error}") from error
        differences += contract_differences(table.target, table.columns, actual)
    if differences:
        raise ContractError("sources differ from the BI contract:\n  " + "\n  ".join(differences))


def _copy_table(connection: duckdb.DuckDBPyConnection, table: TableSpec) -> int:
    columns = ", ".join(f'"{column}"' for column in table.columns)
    connection.execute(f"create schema if not exists {BUILD_CATALOG}.{table.schema}")
    connection.execute(
        f"create table {BUILD_CATALOG}.{table.target} as "
        f"select {columns} from ({table.source_sql}) source"
    )
    if table.description:
        # Shown by DBeaver and other catalog browsers next to the table.
        connection.execute(
            f"comment on table {BUILD_CATALOG}.{table.target} is {_quote(table.description)}"
        )
    source_count = _count(connection, table.source_sql)
    copied_count = _count(connection, f"select * from {BUILD_CATALOG}.{table.target}")
    if copied_count != source_count:
        raise ValidationError(
            f"{table.target}: copied {copied_count} rows, source has {source_count}"
        )
    return copied_count


def _write_publication(
    connection: duckdb.DuckDBPyConnection,
    spec: PublicationSpec,
    version: str,
    run_id: str | None,
    source_sha256: str,
    row_counts: dict[str, int],
) -> None:
    columns = ", ".join(f"{name} {type_}" for name, type_ in PUBLICATION_COLUMNS.items())
    connection.execute(f"create table {BUILD_CATALOG}.{PUBLICATION_TABLE} ({columns})")
    published_at = datetime.now(UTC).replace(tzinfo=None)
    connection.executemany(
        f"insert into {BUILD_CATALOG}.{PUBLICATION_TABLE} values (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            [
                version,
                published_at,
                run_id,
                source_sha256,
                spec.sha256,
                spec.storage_version,
                table,
                count,
            ]
            for table, count in row_counts.items()
        ],
    )


def _validate(building: Path, spec: PublicationSpec, row_counts: dict[str, int]) -> None:
    """Reopen the new file as a reader would and check it against the spec and the source."""
    with duckdb.connect(str(building), read_only=True) as connection:
        present = {
            f"{schema}.{name}"
            for schema, name in connection.execute(
                "select schema_name, table_name from duckdb_tables() "
                "where database_name = current_database()"
            ).fetchall()
        }
        expected_tables = {table.target for table in spec.tables} | {PUBLICATION_TABLE}
        problems = [f"{name}: missing" for name in sorted(expected_tables - present)]
        problems += [f"{name}: not in the spec" for name in sorted(present - expected_tables)]
        contracts = {table.target: table.columns for table in spec.tables}
        contracts[PUBLICATION_TABLE] = PUBLICATION_COLUMNS
        for name in sorted(expected_tables & present):
            actual = describe_columns(connection, f"select * from {name}")
            problems += contract_differences(name, contracts[name], actual)
        for name, expected_count in row_counts.items():
            if name in present and _count(connection, f"select * from {name}") != expected_count:
                problems.append(f"{name}: row count differs from the source ({expected_count})")
        recorded = dict(
            connection.execute(f"select table_name, row_count from {PUBLICATION_TABLE}").fetchall()
        )
        if recorded != row_counts:
            problems.append(f"{PUBLICATION_TABLE}: row counts {recorded} != {row_counts}")
    if problems:
        raise ValidationError("the new published file is invalid:\n  " + "\n  ".join(problems))


def _count(connection: duckdb.DuckDBPyConnection, relation_sql: str) -> int:
    return connection.execute(f"select count(*) from ({relation_sql}) relation").fetchall()[0][0]


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _quote(value: object) -> str:
    return "'" + str(value).replace("'", "''") + "'"
