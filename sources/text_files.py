"""CSV and JSONL files as records with their true line numbers, counted from the file itself.

Both formats are first read as physical lines (the file in pieces of whole lines, each split in
SQL: no file needs to fit in memory), so a record's line number and the file's record count never
depend on a parser that may have failed. A CSV record spans several lines only where a quoted
field holds line breaks and the span reads as exactly one well-formed record; otherwise each line
is a record of its own, so one unterminated quote costs one line, not the rest of the file. A
last line without a line end may be cut off: it is quarantined, never half-accepted.

Each reader fills ``_load_stage(_line, <contract columns> VARCHAR)`` with the exact text of every
readable record and ``_load_rejects`` with the records that cannot be split into fields.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from sources.contracts import Contract
from sources.sql_text import quote_ident, quote_literal
from sources.staging import (
    REJECTS_TABLE,
    STAGE_TABLE,
    LoadError,
    check_columns,
    create_empty_rejects,
)
from sources.text_lines import LINES_TABLE, read_lines

CUT_OFF = "last line has no line end: the record may be cut off"
# One CSV field: quoted (quotes inside doubled, line breaks allowed) or unquoted without quotes.
_FIELD = '(?:"(?:[^"]|"")*"|[^",]*)'
_RECORD = f"^{_FIELD}(?:,{_FIELD})*$"
_JSON_NUMBER_TYPES = ("UBIGINT", "BIGINT", "HUGEINT", "DOUBLE")
# A key's number as written: after an object's brace or comma (never inside a string, where a
# quote would be escaped), the key, a colon and the number's characters.
_NUMBER_AFTER_KEY = r'[{{,]\s*"{key}"\s*:\s*(-?[0-9][0-9.eE+-]*)'


def _without_carriage_return(text: str) -> str:
    return f"regexp_replace({text}, '\\r$', '')"


def _fields(record: str) -> str:
    """The record's fields, still quoted; a leading comma makes every field one non-empty match."""
    return f"regexp_extract_all(',' || {record}, {quote_literal(',(' + _FIELD + ')')}, 1)"


def _unquoted(field: str) -> str:
    return f"CASE WHEN {field} ^@ '\"' THEN replace({field}[2:-2], '\"\"', '\"') ELSE {field} END"


def _csv_header(con: duckdb.DuckDBPyConnection, source_file: str) -> list[str]:
    text = _without_carriage_return("text")
    rows = con.execute(
        f"SELECT regexp_full_match({text}, ?),"
        f" list_transform({_fields(text)}, lambda f: trim({_unquoted('f')}))"
        f" FROM {LINES_TABLE} WHERE line = 1",
        [_RECORD],
    ).fetchall()
    if not rows or not rows[0][0] or rows[0][1] == [""]:
        raise LoadError(source_file, "file has no header")
    header = rows[0][1]
    if len(set(header)) != len(header):
        raise LoadError(source_file, f"header repeats a column name: {header}")
    return header


def _multiline_spans(
    con: duckdb.DuckDBPyConnection, width: int, separator: str
) -> list[tuple[int, int]]:
    """Line spans that hold one record whose quoted fields contain line breaks.

    A line with an odd number of quotes opens (or closes) a quoted field running over line
    ends. Each such line and the next one bound a candidate span; a candidate is taken only if
    its lines read as exactly one well-formed record of the header's width, and spans do not
    overlap (the earlier one wins).
    """
    odd_lines = [
        line
        for (line,) in con.execute(
            f"SELECT line FROM {LINES_TABLE} WHERE line > 1"
            " AND (length(text) - length(replace(text, '\"', ''))) % 2 = 1 ORDER BY line"
        ).fetchall()
    ]
    if len(odd_lines) < 2:
        return []
    text = _without_carriage_return("string_agg(l.text, ? ORDER BY l.line)")
    readable = {
        first
        for (first,) in con.execute(
            "SELECT c.first_line FROM (SELECT unnest(?) AS first_line, unnest(?) AS last_line) c"
            f" JOIN {LINES_TABLE} l ON l.line BETWEEN c.first_line AND c.last_line"
            f" GROUP BY c.first_line HAVING regexp_full_match({text}, ?)"
            f" AND len({_fields(text)}) = ?",
            [odd_lines[:-1], odd_lines[1:], separator, _RECORD, separator, width],
        ).fetchall()
    }
    spans, i = [], 0
    while i < len(odd_lines) - 1:
        if odd_lines[i] in readable:
            spans.append((odd_lines[i], odd_lines[i + 1]))
            i += 2
        else:
            i += 1
    return spans


def _join_multiline_records(
    con: duckdb.DuckDBPyConnection, spans: list[tuple[int, int]], separator: str
) -> None:
    """Replace each span's lines by one line: its first line number, its lines' texts joined."""
    if not spans:
        return
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _load_spans AS"
        " SELECT unnest(?) AS first_line, unnest(?) AS last_line",
        [[first for first, _ in spans], [last for _, last in spans]],
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _load_joined AS SELECT s.first_line AS line,"
        " string_agg(l.text, ? ORDER BY l.line) AS text,"
        " bool_or(l.lacks_line_end) AS lacks_line_end"
        f" FROM {LINES_TABLE} l JOIN _load_spans s ON l.line BETWEEN s.first_line AND s.last_line"
        " GROUP BY s.first_line",
        [separator],
    )
    con.execute(
        f"DELETE FROM {LINES_TABLE} WHERE line IN (SELECT l.line FROM {LINES_TABLE} l"
        "   JOIN _load_spans s ON l.line BETWEEN s.first_line AND s.last_line);"
        f" INSERT INTO {LINES_TABLE} SELECT * FROM _load_joined;"
        " DROP TABLE _load_joined; DROP TABLE _load_spans"
    )


def stage_csv(
    con: duckdb.DuckDBPyConnection, contract: Contract, path: Path, source_file: str
) -> tuple[str, ...]:
    separator = read_lines(con, path, source_file)
    header = _csv_header(con, source_file)
    # A CSV header is the file's schema: every contract column must be in it.
    extra_columns = check_columns(contract, header, source_file, "header", contract.column_names)
    _join_multiline_records(con, _multiline_spans(con, len(header), separator), separator)
    text = _without_carriage_return("text")
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _load_fields AS SELECT line, text, lacks_line_end,"
        f" regexp_full_match(text, ?) AS well_formed, {_fields('text')} AS fields"
        f" FROM (SELECT line, {text} AS text, lacks_line_end FROM {LINES_TABLE} WHERE line > 1)"
        " WHERE text <> ''",
        [_RECORD],
    )
    create_empty_rejects(con)
    con.execute(
        f"INSERT INTO {REJECTS_TABLE} SELECT line, NULL, text, CASE"
        f"   WHEN lacks_line_end THEN {quote_literal(CUT_OFF)}"
        "   WHEN NOT well_formed THEN 'malformed CSV row: a quote is not closed or is misplaced'"
        "   ELSE 'malformed CSV row: expected ' || ? || ' fields, found ' || len(fields) END,"
        " to_json({'raw_line': text})::VARCHAR FROM _load_fields"
        " WHERE lacks_line_end OR NOT well_formed OR len(fields) <> ?",
        [len(header), len(header)],
    )
    values = ", ".join(
        f"{_unquoted(f'fields[{header.index(c) + 1}]')} AS {quote_ident(c)}"
        for c in contract.column_names
    )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {STAGE_TABLE} AS SELECT line AS _line, {values}"
        f" FROM _load_fields ANTI JOIN {REJECTS_TABLE} USING (line)"
    )
    con.execute(f"DROP TABLE _load_fields; DROP TABLE {LINES_TABLE}")
    return extra_columns


def _exact_json_values(contract: Contract) -> str:
    """SQL of the staged JSONL records: each key's value as text, and in ``_unreadable`` the
    keys whose number could not be read exactly.

    DuckDB re-renders a JSON number as a double, so a number's text is taken as written after
    its key in the line, and kept only if it reads as the number DuckDB parsed; otherwise (a key
    repeated, or nested under the same name) its digits cannot be told.
    """
    paths = ", ".join(quote_literal(f"$.{quote_ident(c)}") for c in contract.column_names)
    number_types = ", ".join(quote_literal(t) for t in _JSON_NUMBER_TYPES)
    columns = list(enumerate(contract.column_names, start=1))
    written = ", ".join(
        f"CASE WHEN _types[{i}] IN ({number_types}) THEN regexp_extract(text,"
        f" {quote_literal(_NUMBER_AFTER_KEY.format(key=c))}, 1) END AS _written_{i}"
        for i, c in columns
    )
    values = ", ".join(
        f"CASE WHEN _written_{i} IS NULL THEN _values[{i}] WHEN TRY_CAST(_written_{i} AS DOUBLE)"
        f" = TRY_CAST(_values[{i}] AS DOUBLE) THEN _written_{i} END AS {quote_ident(c)},"
        f" _written_{i}"
        for i, c in columns
    )
    unreadable = ", ".join(
        f"CASE WHEN _written_{i} IS NOT NULL AND {quote_ident(c)} IS NULL"
        f" THEN {quote_literal(c)} END"
        for i, c in columns
    )
    return (
        f"SELECT _line, {', '.join(quote_ident(c) for _, c in columns)}, _text,"
        f" list_filter([{unreadable}], lambda c: c IS NOT NULL) AS _unreadable FROM ("
        f"  SELECT _line, _text, {values} FROM ("
        f"   SELECT line AS _line, text AS _text, _values, {written} FROM ("
        f"    SELECT line, text, json_extract_string(text, [{paths}]) AS _values,"
        f"    json_type(text, [{paths}]) AS _types FROM {LINES_TABLE}"
        f"    ANTI JOIN {REJECTS_TABLE} USING (line))))"
    )


def stage_jsonl(
    con: duckdb.DuckDBPyConnection, contract: Contract, path: Path, source_file: str
) -> tuple[str, ...]:
    read_lines(con, path, source_file)
    # Blank lines are no records; a line's text ends before its \r.
    text = _without_carriage_return("text")
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {LINES_TABLE} AS SELECT line, {text} AS text,"
        f" lacks_line_end FROM {LINES_TABLE} WHERE trim({text}) <> ''"
    )
    create_empty_rejects(con)
    con.execute(
        f"INSERT INTO {REJECTS_TABLE} SELECT line, NULL, text,"
        f" CASE WHEN lacks_line_end THEN {quote_literal(CUT_OFF)} ELSE 'not a JSON object' END,"
        f" to_json({{'raw_line': text}})::VARCHAR FROM {LINES_TABLE} WHERE lacks_line_end"
        "   OR CASE WHEN json_valid(text) THEN json_type(text) <> 'OBJECT' ELSE true END"
    )
    keys = [
        key
        for (key,) in con.execute(
            f"SELECT DISTINCT unnest(json_keys(text)) FROM {LINES_TABLE}"
            f" ANTI JOIN {REJECTS_TABLE} USING (line) ORDER BY 1"
        ).fetchall()
    ]
    # JSON writers often drop null fields, so only non-nullable keys must appear in the file.
    required = [c.name for c in contract.columns if not c.nullable]
    extra_columns = (
        check_columns(contract, keys, source_file, "JSON keys", required) if keys else ()
    )
    con.execute(f"CREATE OR REPLACE TEMP TABLE {STAGE_TABLE} AS {_exact_json_values(contract)}")
    # A number whose written digits cannot be told is not loaded as a nearby double.
    con.execute(
        f"INSERT INTO {REJECTS_TABLE} SELECT _line, unnest(_unreadable), _text,"
        " 'JSON number whose written digits cannot be read exactly: send it as a string',"
        f" to_json({{'raw_line': _text}})::VARCHAR FROM {STAGE_TABLE} WHERE len(_unreadable) > 0"
    )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {STAGE_TABLE} AS SELECT * EXCLUDE (_unreadable, _text)"
        f" FROM {STAGE_TABLE} WHERE len(_unreadable) = 0; DROP TABLE {LINES_TABLE}"
    )
    return extra_columns
