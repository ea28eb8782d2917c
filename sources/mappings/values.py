"""Reading one vendor value into its canonical text: times, value maps, currencies, name keys.

Each reader returns the canonical text, or raises :class:`Unreadable` with a reason; the converter
then writes a marked value the loader cannot cast, so the row is quarantined with the file's line
instead of loading a wrong value.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from functools import cache
from zoneinfo import ZoneInfo

CENT = Decimal("0.01")
TIMESTAMP_TEXT = "%Y-%m-%d %H:%M:%S"


class Unreadable(ValueError):
    """A vendor value cannot be read as the mapping declares."""


@cache
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _parse_time(text: str, formats: tuple[str, ...]) -> datetime:
    for fmt in formats:
        try:
            if fmt == "iso":
                return datetime.fromisoformat(text)
            if fmt in ("unix", "unix_ms"):
                seconds = Decimal(text) / (1000 if fmt == "unix_ms" else 1)
                return datetime.fromtimestamp(float(seconds), UTC)
            return datetime.strptime(text, fmt)
        except (ValueError, InvalidOperation, OverflowError):
            continue
    raise Unreadable(f"not a time in the declared formats ({', '.join(formats)})")


def read_timestamp(text: str, formats: tuple[str, ...], timezone: str) -> tuple[str, bool]:
    """UTC text of a vendor time, and whether it carried its own offset.

    A time with an offset is converted to UTC; one without is read in the mapping's time zone.
    """
    moment = _parse_time(text, formats)
    had_offset = moment.tzinfo is not None
    if not had_offset:
        moment = moment.replace(tzinfo=zone(timezone))
    utc = moment.astimezone(UTC).replace(tzinfo=None)
    return utc.strftime(TIMESTAMP_TEXT + (".%f" if utc.microsecond else "")), had_offset


def read_date(text: str, formats: tuple[str, ...]) -> str:
    """The calendar date as written: a date carries no time zone to convert."""
    return _parse_time(text, formats).date().isoformat()


def map_value(text: str, values: dict[str, str], other: str | None) -> tuple[str, bool]:
    """Canonical value and whether the map listed it; unlisted ones go to ``other`` if declared."""
    mapped = values.get(text.strip().lower())
    if mapped is not None:
        return mapped, True
    return (other if other is not None else text), False


def key_from_name(text: str) -> str:
    """A stable opaque key for a name used as a key (reps keyed by their names, for instance)."""
    normalized = " ".join(text.split()).lower()
    return "name_" + hashlib.sha256(normalized.encode()).hexdigest()[:16]


def read_decimal(text: str) -> Decimal:
    # No separators are guessed: "12,5" is refused, not read as 125 or as 12.5.
    try:
        return Decimal(text.strip())
    except InvalidOperation:
        raise Unreadable("not a number") from None


def convert_amount(amount: str, currency: str, target: str, rates: dict[str, Decimal]) -> str:
    """``amount`` in ``currency`` as ``target`` at the mapping's rate (units of target per unit)."""
    if currency == target:
        return amount
    rate = rates.get(currency)
    if rate is None:
        raise Unreadable(f"no rate from {currency or '(no currency)'} to {target}")
    return str((read_decimal(amount) * rate).quantize(CENT, rounding=ROUND_HALF_EVEN))


def divide(text: str, by: Decimal, integer: bool) -> str:
    quotient = read_decimal(text) / by
    return str(quotient.quantize(Decimal(1), rounding=ROUND_HALF_EVEN) if integer else quotient)
