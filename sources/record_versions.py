"""Which valid records of a file are new, repeated, already stored, or in conflict.

A record is known by its key and version (its key alone for immutable extracts), compared as
typed values, so ``10:00:00`` and ``T10:00:00`` are one version. In one file, copies of a key and
version with equal values are one record delivered more than once (counted as duplicates, loaded
once); copies that differ are conflicts and all go to quarantine. Against the raw table, a record
equal to the stored one is already known (skipped); one that differs from it is a conflict
reported in quarantine, never dropped silently.

Fills ``_load_typed(_line, <typed columns>, _conversions)`` with the new records to append,
``_load_duplicates(line)`` and ``_load_known(line)``, and adds conflicts to ``_load_problems``.
"""

from __future__ import annotations

import duckdb

from sources.contracts import Contract
from sources.exact_values import conversion, parsed_time, typed, value_column, with_values
from sources.quarantine import PROBLEMS_TABLE
from sources.sql_text import quote_ident, quote_literal
from sources.staging import STAGE_TABLE

TYPED_TABLE = "_load_typed"
DUPLICATES_TABLE = "_load_duplicates"
KNOWN_TABLE = "_load_known"
# The typed table's list of {column_name, raw_value, conversion} of timestamps made UTC.
CONVERSIONS = "_conversions"


def _identity(contract: Contract) -> list[str]:
    return [*contract.primary_key, *([contract.version_column] if contract.version_column else [])]


def _same(columns: list[str] | tuple[str, ...], left: str, right: str) -> str:
    return " AND ".join(
        f"{left}.{quote_ident(c)} IS NOT DISTINCT FROM {right}.{quote_ident(c)}" for c in columns
    )


def _key_text(identity: list[str], table: str) -> str:
    """The key's values as the quarantine shows them, e.g. ``D1, 2025-11-01 10:00:00``."""
    return " || ', ' || ".join(
        f"coalesce(CAST({table}.{quote_ident(c)} AS VARCHAR), '')" for c in identity
    )


def sort_versions(con: duckdb.DuckDBPyConnection, contract: Contract) -> tuple[int, int]:
    """Classify the valid staged records; return (duplicates in the file, already known)."""
    _type_valid_records(con, contract)
    duplicates = _separate_in_file_copies(con, contract)
    known = _separate_stored_records(con, contract)
    return duplicates, known


def _type_valid_records(con: duckdb.DuckDBPyConnection, contract: Contract) -> None:
    values = ", ".join(
        f"{typed(c, value_column(c), contract.time_zone, parsed_time(c))} AS {quote_ident(c.name)}"
        for c in contract.columns
    )
    # How each timestamp was converted to UTC, with its text, for the lineage of loaded records.
    conversions = ", ".join(
        f"{{'column_name': {quote_literal(c.name)}, 'raw_value': {quote_ident(c.name)},"
        f" 'conversion': {conversion(c, value_column(c), contract.time_zone, parsed_time(c))}}}"
        for c in contract.columns
        if c.type == "timestamp"
    )
    converted = (
        f"list_filter([{conversions}], lambda c: c.conversion IS NOT NULL)"
        if conversions
        else "[]::STRUCT(column_name VARCHAR, raw_value VARCHAR, conversion VARCHAR)[]"
    )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {TYPED_TABLE} AS SELECT _line, {values},"
        f" {converted} AS {CONVERSIONS} FROM {with_values(contract, STAGE_TABLE)} s"
        f" ANTI JOIN {PROBLEMS_TABLE} p ON s._line = p.line"
    )


def _separate_in_file_copies(con: duckdb.DuckDBPyConnection, contract: Contract) -> int:
    identity = _identity(contract)
    key = ", ".join(quote_ident(c) for c in identity)
    record = ", ".join(quote_ident(c) for c in contract.column_names)
    # Only keys that occur more than once (rarely any) are compared value by value.
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _load_copies AS"
        f" SELECT _line, {key}, count(DISTINCT ({record})) OVER (PARTITION BY {key}) AS variants,"
        f" row_number() OVER (PARTITION BY {key} ORDER BY _line) AS copy FROM {TYPED_TABLE}"
        f" SEMI JOIN (SELECT {key} FROM {TYPED_TABLE} GROUP BY ALL HAVING count(*) > 1) d"
        f" ON {_same(identity, TYPED_TABLE, 'd')}"
    )
    reason = "conflicting copies of one key and version in the file"
    con.execute(
        f"INSERT INTO {PROBLEMS_TABLE} SELECT _line, {quote_literal(', '.join(identity))},"
        f" {_key_text(identity, '_load_copies')}, {quote_literal(reason)}"
        " FROM _load_copies WHERE variants > 1"
    )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {DUPLICATES_TABLE} AS"
        " SELECT _line AS line FROM _load_copies WHERE variants = 1 AND copy > 1"
    )
    _drop_lines(con, "SELECT _line FROM _load_copies WHERE variants > 1 OR copy > 1")
    con.execute("DROP TABLE _load_copies")
    return con.execute(f"SELECT count(*) FROM {DUPLICATES_TABLE}").fetchall()[0][0]


def _drop_lines(con: duckdb.DuckDBPyConnection, lines: str) -> None:
    """Remove the records of ``lines`` (a query) from the new ones; rarely any, so look first."""
    (count,) = con.execute(f"SELECT count(*) FROM ({lines})").fetchall()[0]
    if count:
        con.execute(f"DELETE FROM {TYPED_TABLE} WHERE _line IN ({lines})")


def _separate_stored_records(con: duckdb.DuckDBPyConnection, contract: Contract) -> int:
    identity = _identity(contract)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _load_stored AS SELECT t._line,"
        f" any_value({_key_text(identity, 't')}) AS key_text,"
        f" bool_or({_same(contract.column_names, 'r', 't')}) AS is_equal,"
        " min(r._source_file || ', line ' || r._source_line) AS stored_at"
        f" FROM {TYPED_TABLE} t JOIN {contract.quoted_raw_table} r ON {_same(identity, 'r', 't')}"
        " GROUP BY t._line"
    )
    con.execute(
        f"INSERT INTO {PROBLEMS_TABLE} SELECT _line, {quote_literal(', '.join(identity))},"
        " key_text,"
        " 'differs from the stored record with the same key and version (' || stored_at || ')'"
        " FROM _load_stored WHERE NOT is_equal"
    )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {KNOWN_TABLE} AS"
        " SELECT _line AS line FROM _load_stored WHERE is_equal"
    )
    _drop_lines(con, "SELECT _line FROM _load_stored")
    con.execute("DROP TABLE _load_stored")
    return con.execute(f"SELECT count(*) FROM {KNOWN_TABLE}").fetchall()[0][0]
