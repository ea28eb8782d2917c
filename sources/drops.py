"""Drops: the files a system exports on one date, named by it (``crm/deals/2025-11-03.csv``).

A file's drop date is the first ISO date (``YYYY-MM-DD``) in its name. A file without one (a
vendor export named otherwise) belongs to no drop: loading everything loads it, loading a range
of drops does not.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from pathlib import Path

ISO_DATE = re.compile(r"(?<!\d)(\d{4}-\d{2}-\d{2})(?!\d)")


def drop_date(path: Path) -> str | None:
    """The drop date in ``path``'s file name, if it names a real calendar day."""
    for match in ISO_DATE.finditer(path.name):
        try:
            return dt.date.fromisoformat(match.group(1)).isoformat()
        except ValueError:
            continue
    return None


def drop_dates(paths: Iterable[Path]) -> list[str]:
    """The distinct drop dates of ``paths``, oldest first."""
    return sorted({date for path in paths if (date := drop_date(path))})
