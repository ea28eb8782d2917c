"""Compare a relation's columns and types with the BI contract in the spec."""

from __future__ import annotations

import duckdb


def describe_columns(connection: duckdb.DuckDBPyConnection, relation_sql: str) -> dict[str, str]:
    rows = connection.execute(f"describe select * from ({relation_sql}) relation").fetchall()
    return {row[0]: row[1] for row in rows}


def contract_differences(table: str, expected: dict[str, str], actual: dict[str, str]) -> list[str]:
    """Each difference as one readable line naming table and column; empty when they agree."""
    differences = [
        f"{table}.{column}: missing (the contract wants {type_})"
        for column, type_ in expected.items()
        if column not in actual
    ]
    differences += [
        f"{table}.{column}: type {actual[column]}, the contract wants {type_}"
        for column, type_ in expected.items()
        if column in actual and actual[column] != type_
    ]
    differences += [
        f"{table}.{column}: not in the contract ({actual[column]})"
        for column in actual
        if column not in expected
    ]
    return differences
