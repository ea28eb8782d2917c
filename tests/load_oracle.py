"""An independent reading of the loader's value rules (DECISIONLOG.md, "Loading"), in Python.

The fuzz test compares what the loader did with what these rules say a text means: a typed
value, or a refusal. Written from the documented rules with Python's own parsers (``decimal``,
``datetime``, ``zoneinfo``), not from the loader's SQL.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

REFUSED = object()
BLANK = re.compile(r"[\t\n\f\r ]*")
INTEGRAL = re.compile(r"[+-]?[0-9]+(?:\.0*)?")
DECIMAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)")
DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[ T]00:00(?::00(?:\.0+)?)?)?")
TIMESTAMP = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})"
    r"(?:[ T]([0-9]{2}):([0-9]{2})(?::([0-9]{2}))?(?:\.([0-9]+))?)?"
    r"[\t\n\f\r ]*(Z|[+-][0-9]{2}(?::?[0-9]{2})?)?"
)
TRUE, FALSE = {"true", "t", "yes", "y", "1"}, {"false", "f", "no", "n", "0"}
INTEGER_RANGE = {"integer": 2**31, "bigint": 2**63}


def value_of(text: str | None, type_: str, zone: str = "UTC", null_texts=("NULL",)):
    """What ``text`` loads as in a column of ``type_``: None, a typed value, or REFUSED."""
    if text is None or BLANK.fullmatch(text) or text in null_texts:
        return None
    if type_ == "varchar":
        return text
    trimmed = text.strip(" ")
    if type_ in INTEGER_RANGE:
        if not INTEGRAL.fullmatch(trimmed):
            return REFUSED
        number = int(trimmed.split(".")[0])
        limit = INTEGER_RANGE[type_]
        return number if -limit <= number < limit else REFUSED
    if type_.startswith("decimal"):
        precision, scale = (int(p) for p in type_[len("decimal(") : -1].split(","))
        if not DECIMAL.fullmatch(trimmed):
            return REFUSED
        exact = Decimal(trimmed)
        rounded = exact.quantize(Decimal(1).scaleb(-scale))
        if rounded != exact or abs(rounded) >= Decimal(10) ** (precision - scale):
            return REFUSED
        return rounded
    if type_ == "boolean":
        word = trimmed.lower()
        return True if word in TRUE else False if word in FALSE else REFUSED
    if type_ == "date":
        return _date(trimmed)
    if type_ == "timestamp":
        return _timestamp(trimmed, zone)
    raise ValueError(type_)


def _date(text: str):
    match = DATE.fullmatch(text)
    try:
        return date(*(int(g) for g in match.groups())) if match else REFUSED
    except ValueError:
        return REFUSED


def _timestamp(text: str, zone: str):
    match = TIMESTAMP.fullmatch(text)
    if not match:
        return REFUSED
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    if fraction and len(fraction.rstrip("0")) > 6:
        return REFUSED
    try:
        local = datetime(
            int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0),
            int((fraction or "0")[:6].ljust(6, "0")),
        )  # fmt: skip
    except ValueError:
        return REFUSED
    if offset:
        return _minus_offset(local, offset)
    if zone == "UTC":
        return local
    return _from_zone(local, ZoneInfo(zone))


def _minus_offset(local: datetime, offset: str):
    if offset == "Z":
        return local
    digits = offset[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    if minutes >= 60:
        return REFUSED
    sign = -1 if offset[0] == "-" else 1
    return local - sign * timedelta(hours=hours, minutes=minutes)


def _from_zone(local: datetime, zone: ZoneInfo):
    """UTC of a wall-clock time; refused where the clock skips it or shows it twice."""
    earlier = local.replace(tzinfo=zone, fold=0).astimezone(UTC)
    later = local.replace(tzinfo=zone, fold=1).astimezone(UTC)
    if earlier != later:
        return REFUSED
    if earlier.astimezone(zone).replace(tzinfo=None) != local:
        return REFUSED
    return earlier.replace(tzinfo=None)
