"""Refuse to publish personal data: emails, phone numbers and person names in any text column.

Runs inside the build connection, set-based, on the distinct values of each text column of the
new file. Names come from the working warehouse (the spec's ``personal_data.name_sources``), so
the check knows the actual people rather than guessing from capitalisation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import duckdb

from publishing.errors import PersonalDataError
from publishing.spec import PublicationSpec

EMAIL_PATTERN = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"
# Separated groups ("+1 555-123-4567", "(555) 123-4567") or E.164 ("+4915112345678"). Bare digit
# runs are left alone: they are ids and amounts far more often than phone numbers.
PHONE_PATTERN = (
    r"(^|[^\w+])(\+\d{1,3}[\s.-]?)?(\(\d{2,4}\)\s?|\d{2,4}[\s.-])\d{3,4}[\s.-]\d{3,4}($|\W)"
    r"|\+\d{8,15}($|\W)"
)
# UUID groups of digits would otherwise read as phone numbers.
UUID_PATTERN = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
# Lower case, letters only, single spaces: "O'Brien-Smith" and "o brien smith" compare equal.
NORMALIZE_WORDS_MACRO = (
    "create or replace temp macro normalize_words(s) as "
    r"trim(regexp_replace(lower(s), '[^\p{L}]+', ' ', 'g'))"
)
TEXT_TYPE_MARKERS = ("VARCHAR", "JSON")


@dataclass(frozen=True)
class Finding:
    table: str
    column: str
    kind: str
    example: str

    def describe(self) -> str:
        return f"{self.table}.{self.column}: {self.kind}, e.g. {mask(self.example)!r}"


def mask(value: str) -> str:
    """Keep the first character of each word, so an error message never repeats the data."""
    return re.sub(r"(?<=\w)\w", "*", value)


def check_no_personal_data(
    connection: duckdb.DuckDBPyConnection, catalog: str, spec: PublicationSpec
) -> None:
    """Raise PersonalDataError naming every offending column; ``catalog`` is the new file."""
    _load_person_names(connection, spec)
    allowed_name_columns = {
        (table.target, column) for table in spec.tables for column in table.name_columns
    }
    findings = []
    for table, column in _text_columns(connection, catalog):
        values = f'(select distinct cast("{column}" as varchar) as v from {catalog}.{table}) values'
        findings += _pattern_findings(connection, values, table, column)
        if (table, column) not in allowed_name_columns:
            findings += _name_findings(connection, values, table, column)
    if findings:
        raise PersonalDataError(
            "personal data in the new published file, nothing published:\n  "
            + "\n  ".join(finding.describe() for finding in findings)
        )


def _text_columns(connection: duckdb.DuckDBPyConnection, catalog: str) -> list[tuple[str, str]]:
    rows = connection.execute(
        "select schema_name || '.' || table_name, column_name, data_type from duckdb_columns() "
        "where database_name = ? order by all",
        [catalog],
    ).fetchall()
    return [(table, column) for table, column, type_ in rows if type_.startswith(TEXT_TYPE_MARKERS)]


def _load_person_names(connection: duckdb.DuckDBPyConnection, spec: PublicationSpec) -> None:
    connection.execute(NORMALIZE_WORDS_MACRO)
    selects = [
        f"select cast(person_name as varchar) as person_name from ({source.sql})"
        for source in spec.name_sources
    ]
    union = " union all ".join(selects) or "select null::varchar as person_name where false"
    connection.execute(
        "create or replace temp table person_names as "
        "select distinct normalize_words(person_name) as name, "
        "len(string_split(normalize_words(person_name), ' ')) as word_count "
        f"from ({union}) where normalize_words(person_name) <> ''"
    )


def _pattern_findings(
    connection: duckdb.DuckDBPyConnection, values: str, table: str, column: str
) -> list[Finding]:
    email, phone = connection.execute(
        f"select min(v) filter (where regexp_matches(v, ?)), "
        f"min(v) filter (where regexp_matches(regexp_replace(v, ?, '', 'g'), ?)) from {values}",
        [EMAIL_PATTERN, UUID_PATTERN, PHONE_PATTERN],
    ).fetchall()[0]
    found = [Finding(table, column, "email address", email)] if email else []
    return found + ([Finding(table, column, "phone number", phone)] if phone else [])


def _name_findings(
    connection: duckdb.DuckDBPyConnection, values: str, table: str, column: str
) -> list[Finding]:
    # Every run of n words of a value, for each n a known name has, hash-joined to the names.
    rows = connection.execute(
        f"""
        with words as (
            select v, string_split(normalize_words(v), ' ') as w from {values} where v is not null
        ),
        starts as (
            select v, w, sizes.word_count as n, unnest(range(1, len(w) - sizes.word_count + 2)) as i
            from words, (select distinct word_count from person_names) sizes
        )
        select min(v) from starts
        semi join person_names on array_to_string(w[i:i + n - 1], ' ') = person_names.name
        """
    ).fetchall()
    example = rows[0][0]
    return [Finding(table, column, "person name", example)] if example else []
