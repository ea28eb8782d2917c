"""Row validation against a contract, set-based over the staged text values.

``find_problems`` fills ``_load_problems(line, column_name, raw_value, reason)`` with one row per
(line, column, problem) a value has on its own (:mod:`sources.exact_values`);
``quarantine_problems`` copies every problem, with the whole raw record, into
``raw_meta.quarantine``. A line with any problem is not loaded.
"""

from __future__ import annotations

import duckdb

from sources.contracts import Column, Contract
from sources.exact_values import parsed_time, problem, value_column, with_values
from sources.sql_text import quote_ident, quote_literal
from sources.staging import REJECTS_TABLE, STAGE_TABLE

PROBLEMS_TABLE = "_load_problems"
BAD_LINES_TABLE = "_load_bad_lines"


def _column_reasons(column: Column, contract: Contract) -> list[str]:
    """SQL expressions, one per rule, each the reason the column's value breaks it, or null."""
    value = value_column(column)
    reasons = []
    if not column.nullable:
        reasons.append(f"CASE WHEN {value} IS NULL THEN 'missing required value' END")
    if column.type != "varchar":
        reasons.append(
            f"CASE WHEN {value} IS NOT NULL"
            f" THEN {problem(column, value, contract.time_zone, parsed_time(column))} END"
        )
    if column.accepted_values:
        allowed = ", ".join(quote_literal(v) for v in column.accepted_values)
        reason = quote_literal(
            f"value not in accepted values ({', '.join(column.accepted_values)})"
        )
        reasons.append(f"CASE WHEN {value} NOT IN ({allowed}) THEN {reason} END")
    return [
        f"{{'column_name': {quote_literal(column.name)}, 'raw_value': {quote_ident(column.name)},"
        f" 'reason': {reason}}}"
        for reason in reasons
    ]


def find_problems(con: duckdb.DuckDBPyConnection, contract: Contract) -> None:
    checks = [check for column in contract.columns for check in _column_reasons(column, contract)]
    # One scan: each row yields the list of its failed checks, unnested to one row per problem.
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {PROBLEMS_TABLE} AS"
        " SELECT _line AS line, problem.column_name, problem.raw_value, problem.reason FROM ("
        f"   SELECT _line, unnest(list_filter([{', '.join(checks)}],"
        f"     lambda p: p.reason IS NOT NULL)) AS problem"
        f"   FROM {with_values(contract, STAGE_TABLE)})"
        if checks
        else f"CREATE OR REPLACE TEMP TABLE {PROBLEMS_TABLE} (line BIGINT, column_name VARCHAR,"
        " raw_value VARCHAR, reason VARCHAR)"
    )
    # The mappings' dry run reads the bad lines right after this step.
    mark_bad_lines(con)


def mark_bad_lines(con: duckdb.DuckDBPyConnection) -> int:
    """Collect every line with a problem or that could not be read; return how many.

    Run again once later steps (key conflicts) have added problems.
    """
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {BAD_LINES_TABLE} AS"
        f" SELECT line FROM {PROBLEMS_TABLE} UNION SELECT line FROM {REJECTS_TABLE}"
    )
    return con.execute(f"SELECT count(*) FROM {BAD_LINES_TABLE}").fetchall()[0][0]


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
