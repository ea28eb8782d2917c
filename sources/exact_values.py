"""From a staged text to its typed value, exactly, or the reason it cannot be loaded as it is.

For each contract type, :func:`problem` is SQL giving the reason a text is refused (null when it
is fine) and :func:`typed` the SQL of its value. Nothing is rounded or guessed: a value loads as
its exact meaning or goes to quarantine with the reason. The rules (DECISIONLOG.md, "Loading"):

- blank (empty or only whitespace) and the contract's null texts (default ``NULL``) are no value;
- integers: digits, optionally ``.0…`` (``18.0`` is 18); ``14.6`` would be rounded: refused;
- decimals: plain notation with no more significant decimals than the column's scale;
- dates ``YYYY-MM-DD`` (a time of exactly midnight may follow); timestamps ISO 8601
  ``YYYY-MM-DD[( |T)HH:MM[:SS[.ffffff]]][Z|±HH[:MM]]``: an offset converts to UTC, a time
  without one is read in the contract's time zone (default UTC), a local time that does not exist
  or occurs twice there (clock changes) is refused.
"""

from __future__ import annotations

from sources.contracts import Column, Contract
from sources.sql_text import quote_ident, quote_literal

_TIMESTAMP = (
    r"^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}(?::\d{2})?)(?:\.(\d+))?)?"
    r"\s*(Z|[+-]\d{2}(?::?\d{2})?)?$"
)
_DATE = r"^(\d{4}-\d{2}-\d{2})(?:[ T]00:00(?::00(?:\.0+)?)?)?$"
_INTEGRAL = r"^[+-]?\d+(?:\.0*)?$"
_FRACTIONAL = r"^[+-]?\d*\.\d+$"
_DECIMAL = r"^[+-]?(?:\d+\.?\d*|\.\d+)$"
_DOUBLE = r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$"
_TRUE = ("true", "t", "yes", "y", "1")
_FALSE = ("false", "f", "no", "n", "0")
# A clock change moves local time by at most two hours (half an hour in a few zones).
_CLOCK_CHANGES = ("30 minutes", "1 hour", "2 hours")


def text_value(column: str, contract: Contract, table: str | None = None) -> str:
    """The staged text, or null where it is blank or one of the contract's null texts."""
    value = f"{table}.{quote_ident(column)}" if table else quote_ident(column)
    sentinels = ", ".join(quote_literal(v) for v in contract.null_values)
    is_null_text = f" OR {value} IN ({sentinels})" if sentinels else ""
    return f"CASE WHEN regexp_full_match({value}, '\\s*'){is_null_text} THEN NULL ELSE {value} END"


def _literal(pattern: str) -> str:
    return quote_literal(pattern)


def _scale(column: Column) -> int:
    return int(column.type[len("decimal(") : -1].split(",")[1])


def _timestamp_parts(value: str) -> str:
    names = "['date', 'time', 'fraction', 'offset']"
    return f"regexp_extract({value}, {_literal(_TIMESTAMP)}, {names})"


def value_column(column: Column, table: str | None = None) -> str:
    """The column holding a column's value as text, blank and null texts as null."""
    name = quote_ident(f"_value_{column.name}")
    return f"{table}.{name}" if table else name


def parsed_time(column: Column, table: str | None = None) -> str:
    """The column holding a timestamp column's parsed parts."""
    name = quote_ident(f"_parsed_{column.name}")
    return f"{table}.{name}" if table else name


def with_values(contract: Contract, relation: str) -> str:
    """SQL: ``relation`` (the staged texts) with each column's value and parsed time beside it.

    Every check and cast reads these, so a value's blank test and a timestamp's parsing run once
    per value instead of once per rule (half the cost of validating a drop).
    """
    values = ", ".join(
        f"{text_value(c.name, contract)} AS {value_column(c)}" for c in contract.columns
    )
    parsed = "".join(
        f", {_timestamp_parts(f'trim({value_column(c)})')} AS {parsed_time(c)}"
        for c in contract.columns
        if c.type == "timestamp"
    )
    return f"(SELECT *{parsed} FROM (SELECT *, {values} FROM {relation}))"


def _local_time(parts: str) -> str:
    time = f"coalesce(nullif({parts}.time, ''), '00:00')"
    fraction = f"CASE WHEN {parts}.fraction <> '' THEN '.' || {parts}.fraction ELSE '' END"
    return f"TRY_CAST({parts}.date || ' ' || {time} || {fraction} AS TIMESTAMP)"


def _offset_minutes(offset: str) -> str:
    digits = f"replace({offset}, ':', '')"
    return (
        f"CASE WHEN {offset} = 'Z' THEN 0 ELSE (CASE WHEN {offset} ^@ '-' THEN -1 ELSE 1 END)"
        f" * (CAST({digits}[2:3] AS INTEGER) * 60"
        f" + coalesce(TRY_CAST({digits}[4:5] AS INTEGER), 0))"
        " END"
    )


def _in_zone(local: str, zone: str) -> str:
    """The instant a local time means in ``zone``, independent of the session's time zone."""
    return f"timezone({quote_literal(zone)}, {local})"


def _timestamp_problem(parts: str, zone: str) -> str:
    local = _local_time(parts)
    offset = f"{parts}.offset"
    checks = [
        (
            f"{parts}.date = ''",
            "not an ISO 8601 timestamp (YYYY-MM-DD[ HH:MM[:SS[.ffffff]]][Z|+HH:MM])",
        ),
        (
            f"length(rtrim({parts}.fraction, '0')) > 6",
            "more than 6 fractional second digits: would be rounded",
        ),
        (f"{local} IS NULL", "not a valid date and time"),
        (
            f"{offset} <> '' AND {offset} <> 'Z' AND"
            f" (TRY_CAST(replace({offset}, ':', '')[4:5] AS INTEGER) >= 60)",
            "not a valid UTC offset",
        ),
    ]
    if zone != "UTC":
        instant = _in_zone(local, zone)
        others = " OR ".join(
            f"timezone({quote_literal(zone)}, {instant} {sign} INTERVAL '{step}') = {local}"
            for step in _CLOCK_CHANGES
            for sign in "+-"
        )
        checks += [
            (
                f"{offset} = '' AND timezone({quote_literal(zone)}, {instant}) <> {local}",
                f"local time that does not exist in {zone} (clocks moved forward)",
            ),
            (
                f"{offset} = '' AND ({others})",
                f"local time that occurs twice in {zone} (clocks moved back)",
            ),
        ]
    return "CASE " + " ".join(f"WHEN {c} THEN {quote_literal(r)}" for c, r in checks) + " END"


def problem(column: Column, value: str, zone: str, parsed: str | None = None) -> str:
    """SQL: why the non-null text ``value`` cannot load as ``column``'s type exactly, or null.

    ``parsed``: a timestamp's parts already parsed (:func:`with_values`), if at hand.
    """
    trimmed = f"trim({value})"
    bad = quote_literal(f"bad value for type {column.type}")
    if column.type in ("integer", "bigint"):
        return (
            f"CASE WHEN regexp_full_match({trimmed}, {_literal(_INTEGRAL)}) THEN"
            f" CASE WHEN {typed(column, value, zone)} IS NULL"
            f" THEN {quote_literal(f'out of range for {column.type}')} END"
            f" WHEN regexp_full_match({trimmed}, {_literal(_FRACTIONAL)})"
            " THEN 'not a whole number: would be rounded' ELSE " + bad + " END"
        )
    if column.type.startswith("decimal"):
        fraction = f"regexp_extract({trimmed}, '\\.(\\d*)$', 1)"
        places = quote_literal(f"more than {_scale(column)} decimal places: would be rounded")
        return (
            f"CASE WHEN NOT regexp_full_match({trimmed}, {_literal(_DECIMAL)}) THEN {bad}"
            f" WHEN length(rtrim({fraction}, '0')) > {_scale(column)} THEN {places}"
            f" WHEN {typed(column, value, zone)} IS NULL"
            f" THEN {quote_literal(f'out of range for {column.type}')} END"
        )
    if column.type == "double":
        return (
            f"CASE WHEN NOT regexp_full_match({trimmed}, {_literal(_DOUBLE)})"
            f" OR {typed(column, value, zone)} IS NULL THEN {bad} END"
        )
    if column.type == "boolean":
        words = ", ".join(quote_literal(w) for w in (*_TRUE, *_FALSE))
        return f"CASE WHEN lower({trimmed}) NOT IN ({words}) THEN {bad} END"
    if column.type == "date":
        return (
            f"CASE WHEN NOT regexp_full_match({trimmed}, {_literal(_DATE)})"
            " THEN 'not an ISO 8601 date (YYYY-MM-DD)'"
            f" WHEN {typed(column, value, zone)} IS NULL THEN 'not a valid date' END"
        )
    if column.type == "timestamp":
        return _timestamp_problem(parsed or _timestamp_parts(trimmed), zone)
    return "NULL"


def typed(column: Column, value: str, zone: str, parsed: str | None = None) -> str:
    """SQL: the typed value of the non-null text ``value`` (meaningful where it has no problem)."""
    trimmed = f"trim({value})"
    if column.type in ("integer", "bigint"):
        return f"TRY_CAST(regexp_replace({trimmed}, '\\.0*$', '') AS {column.type})"
    if column.type.startswith("decimal") or column.type == "double":
        return f"TRY_CAST({trimmed} AS {column.type})"
    if column.type == "boolean":
        return f"lower({trimmed}) IN ({', '.join(quote_literal(w) for w in _TRUE)})"
    if column.type == "date":
        return f"TRY_CAST(regexp_extract({trimmed}, {_literal(_DATE)}, 1) AS DATE)"
    if column.type == "timestamp":
        parts = parsed or _timestamp_parts(trimmed)
        local = _local_time(parts)
        in_zone = local if zone == "UTC" else f"timezone('UTC', {_in_zone(local, zone)})"
        return (
            f"CASE WHEN {parts}.offset = '' THEN {in_zone}"
            f" ELSE {local} - to_minutes({_offset_minutes(f'{parts}.offset')}) END"
        )
    return value


def conversion(column: Column, value: str, zone: str, parsed: str | None = None) -> str:
    """SQL: how a timestamp's text was converted to UTC (kept in lineage), or null if it wasn't."""
    if column.type != "timestamp":
        return "NULL"
    parts = parsed or _timestamp_parts(f"trim({value})")
    offset = f"{parts}.offset"
    local_rule = (
        quote_literal(f"local time in {zone} converted to UTC") if zone != "UTC" else "NULL"
    )
    return (
        f"CASE WHEN {offset} = '' THEN {local_rule}"
        f" WHEN {_offset_minutes(offset)} <> 0"
        f" THEN 'UTC offset ' || {offset} || ' converted to UTC'"
        " END"
    )
