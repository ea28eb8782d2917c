"""What a published file holds for readers, compared across builds."""

from __future__ import annotations

from pathlib import Path

import duckdb


def published_contents(published: Path) -> dict[str, list[tuple]]:
    """Every published table's rows in a fixed order, but main.publication (versions, times)."""
    with duckdb.connect(str(published), read_only=True) as connection:
        tables = connection.execute(
            "select schema_name, table_name from duckdb_tables() where schema_name <> 'main'"
        ).fetchall()
        return {
            f"{schema}.{name}": connection.execute(
                f'select * from "{schema}"."{name}" order by all'
            ).fetchall()
            for schema, name in tables
        }
