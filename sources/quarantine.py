"""Row validation against a contract, set-based over the staged text values.

``find_problems`` fills ``_load_problems(line, column_name, raw_value, reason)`` with one row per
(line, column, problem); ``quarantine_problems`` copies them, with the whole raw record, into
``raw_meta.quarantine``. A line with any problem is not loaded.
"""

from __future__ import annotations

import duckdb

from sources.contracts import Column, Contract
from sources.readers import REJECTS_TABLE, STAGE_TABLE, quote_ident, quote_literal

PROBLEMS_TABLE = "_load_problems"
BAD_LINES_TABLE = "_load_bad_lines"


def text_value(column: str, table: str | None = None) -> str:
    """The staged value with empty strings read as null, as every check and cast sees it."""
    qualified = f"{table}.{quote_ident(column)}" if table else quote_ident(column)
    return f"nullif({qualified}, '')"


def _column_checks(column: Column) -> list[str]:
    value = text_value(column.name)

    def problem(condition: str, reason: str) -> str:
        return (
            f"CASE WHEN {condition} THEN {{'column_name': {quote_literal(column.name)},"
            f" 'raw_value': {quote_ident(column.name)}, 'reason': {quote_literal(reason)}}} END"
        )

    checks = []
    if not column.nullable:
        checks.append(problem(f"{value} IS NULL", "missing required value"))
    if column.type != "varchar":
        checks.append(
            problem(
                f"{value} IS NOT NULL AND TRY_CAST({value} AS {column.type}) IS NULL",
                f"bad value for type {column.type}",
            )
        )
    if column.accepted_values:
        allowed = ", ".join(quote_literal(v) for v in column.accepted_values)
        checks.append(
            problem(
                f"{value} IS NOT NULL AND {value} NOT IN ({allowed})",
                f"value not in accepted values ({', '.join(column.accepted_values)})",
            )
        )
    return checks


def find_problems(con: duckdb.DuckDBPyConnection, contract: Contract) -> None:
    checks = [check for column in contract.columns for check in _column_checks(column)]
    # One scan: each row yields the list of its failed checks, unnested to one row per problem.
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {PROBLEMS_TABLE} AS"
        " SELECT _line AS line, problem.column_name, problem.raw_value, problem.reason FROM ("
        f"   SELECT _line, unnest(list_filter([{', '.join(checks)}], lambda p: p IS NOT NULL))"
        f"     AS problem FROM {STAGE_TABLE})"
        if checks
        else f"CREATE OR REPLACE TEMP TABLE {PROBLEMS_TABLE} (line BIGINT, column_name VARCHAR,"
        " raw_value VARCHAR, reason VARCHAR)"
    )
    key = [*contract.primary_key, *([contract.version_column] if contract.version_column else [])]
    key_values = ", ".join(text_value(c, "s") for c in key)
    same_key = " AND ".join(f"{text_value(c, 's')} = d.{quote_ident(c)}" for c in key)
    # Only rows that passed their checks compete for a key: a broken copy of a good row is
    # quarantined for what is wrong with it, and must not drag the good row down with it.
    con.execute(
        f"INSERT INTO {PROBLEMS_TABLE}"
        f" WITH valid AS (SELECT * FROM {STAGE_TABLE}"
        f"   WHERE _line NOT IN (SELECT line FROM {PROBLEMS_TABLE}))"
        f" SELECT s._line, {quote_literal(', '.join(key))}, concat_ws(', ', {key_values}),"
        f" 'duplicate key in file' FROM valid s SEMI JOIN ("
        f"   SELECT {', '.join(f'{text_value(c)} AS {quote_ident(c)}' for c in key)}"
        f"   FROM valid GROUP BY ALL HAVING count(*) > 1"
        f" ) d ON {same_key}"
    )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {BAD_LINES_TABLE} AS"
        f" SELECT line FROM {PROBLEMS_TABLE} UNION SELECT line FROM {REJECTS_TABLE}"
    )


def quarantine_problems(
    con: duckdb.DuckDBPyConnection,
    contract: Contract,
    source_file: str,
    file_sha256: str,
    quarantined_at: object,
) -> None:
    record = ", ".join(f"{quote_literal(c)}: s.{quote_ident(c)}" for c in contract.column_names)
    context = [contract.name, contract.raw_table, source_file]
    con.execute(
        "INSERT INTO raw_meta.quarantine"
        " SELECT ?, ?, ?, p.line, p.column_name, p.raw_value, p.reason,"
        f" to_json({{{record}}})::VARCHAR, ?, ?"
        f" FROM {PROBLEMS_TABLE} p JOIN {STAGE_TABLE} s ON s._line = p.line"
        " UNION ALL"
        " SELECT ?, ?, ?, line, column_name, raw_value, reason, raw_record, ?, ?"
        f" FROM {REJECTS_TABLE}",
        [*context, file_sha256, quarantined_at, *context, file_sha256, quarantined_at],
    ).fetchall()
