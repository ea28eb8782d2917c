"""A BI tool's reader of the published file, run in spawned processes during a rebuild.

Its own module, importing only DuckDB: a spawned process imports the module its target lives in,
and a test module would bring Dagster and the definitions into each of the eight readers.
"""

from __future__ import annotations

import duckdb


def read_in_a_loop(published: str, number: int, ready, stop, sightings, results) -> None:
    """One reader: reopen the file each time, check every table against its publication row.

    A version read for the first time is reported on ``sightings`` as (number, version), so the
    test waits for what the readers saw rather than for a time a busy machine might not honour.
    """
    reads, errors, versions = 0, [], {}
    ready.set()
    while not stop.is_set():
        try:
            with duckdb.connect(published, read_only=True) as connection:
                rows = connection.execute(
                    "select version, table_name, row_count from publication"
                ).fetchall()
                tables = {
                    f"{schema}.{name}"
                    for schema, name in connection.execute(
                        "select schema_name, table_name from duckdb_tables() "
                        "where schema_name <> 'main'"
                    ).fetchall()
                }
                if len({version for version, _, _ in rows}) != 1:
                    errors.append(f"publication mixes versions: {rows}")
                if tables != {table for _, table, _ in rows}:
                    errors.append(f"tables {sorted(tables)} differ from the publication {rows}")
                for version, table, expected in rows:
                    actual = connection.execute(f"select count(*) from {table}").fetchall()[0][0]
                    if actual != expected:
                        errors.append(f"{version} {table}: {actual} rows, publication {expected}")
                if rows[0][0] not in versions:
                    sightings.put((number, rows[0][0]))
                versions[rows[0][0]] = versions.get(rows[0][0], 0) + 1
                reads += 1
        except duckdb.Error as error:
            errors.append(f"{type(error).__name__}: {error}")
        # A BI tool's pace, not a spin: eight spinning readers would starve the rebuild of CPU.
        stop.wait(0.25)
    results.put((reads, errors, versions))
