"""Refuse to publish personal data: emails, phone numbers and person names in any text column.

Runs inside the build connection, set-based, on the distinct values of each text column of the
new file. Names come from the working warehouse (the spec's ``personal_data.name_sources``), so
the check knows the actual people rather than guessing from capitalisation; they are found as
written, last name first ("Nelson, Erik") and with an initial ("E. Nelson", "Nelson, E.").
Phone numbers are found by their shape, and written as bare digits by the digits of the phone
numbers the working warehouse holds (its raw ``*phone*`` columns): a bare digit run is an id or
an amount far more often than a phone number, unless it is a known one.
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
# A lone letter keeps its dot ("e. nelson"), so an initial is told from the word "a" or "I".
NORMALIZE_WORDS_MACRO = (
    "create or replace temp macro normalize_words(s) as trim(regexp_replace("
    r"regexp_replace(regexp_replace(regexp_replace(lower(s), '[^\p{L}.]+', ' ', 'g'),"
    r" '(^|\s|\.)(\p{L})\.+', '\1\2. ', 'g'), '(\p{L}\p{L})\.+|(^|\s)\.+', '\1\2', 'g'),"
    r" '\s+', ' ', 'g'))"
)
# Every way a known name is written: as is, last name first, and with the first name's initial.
NAME_FORMS = (
    "w",
    "[w[-1]] || w[1:-2]",
    "[w[1][1] || '.', w[-1]]",
    "[w[-1], w[1][1] || '.']",
)
# The digits a phone number is recognised by: the last ten (no country code), or all if fewer.
PHONE_DIGITS = 10
MIN_PHONE_DIGITS = 7
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
    _load_known_phones(connection)
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
    forms = " union ".join(
        f"select array_to_string({form}, ' ') as name from known where len(w) >= 2"
        if form != "w"
        else "select array_to_string(w, ' ') as name from known"
        for form in NAME_FORMS
    )
    connection.execute(
        "create or replace temp table person_names as "
        "with known as ("
        "  select distinct string_split(normalize_words(person_name), ' ') as w"
        f"  from ({union}) where normalize_words(person_name) <> ''"
        f"), forms as ({forms}) "
        "select name, len(string_split(name, ' ')) as word_count from forms"
    )


def _load_known_phones(connection: duckdb.DuckDBPyConnection) -> None:
    """The tail digits of every phone number in the working warehouse's raw tables."""
    columns = connection.execute(
        "select schema_name, table_name, column_name from duckdb_columns() "
        "where database_name = current_database() and schema_name like 'raw\\_%' escape '\\' "
        "and column_name ilike '%phone%' and data_type = 'VARCHAR' order by all"
    ).fetchall()
    digits = " union ".join(
        f"""select right(regexp_replace("{column}", '\\D', '', 'g'), {PHONE_DIGITS}) as digits """
        f'from "{schema}"."{table}"'
        for schema, table, column in columns
    )
    connection.execute(
        "create or replace temp table known_phones as "
        f"select distinct digits from ({digits or 'select null::varchar as digits'}) "
        f"where length(digits) >= {MIN_PHONE_DIGITS}"
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
    phone = phone or _known_phone(connection, values)
    return found + ([Finding(table, column, "phone number", phone)] if phone else [])


def _known_phone(connection: duckdb.DuckDBPyConnection, values: str) -> str | None:
    """A value holding the digits of a known phone number as one run, e.g. ``5551234567``."""
    rows = connection.execute(
        f"""
        with runs as (
            select v, unnest(regexp_extract_all(v, '\\d{{{MIN_PHONE_DIGITS},}}')) as run
            from {values} where v is not null
        )
        select min(v) from runs semi join known_phones
        on right(run, {PHONE_DIGITS}) = known_phones.digits
        """
    ).fetchall()
    return rows[0][0]


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
