"""The simulated calendar: two years of history and the dated drops the extracts arrive in."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import UTC, date, datetime

import numpy as np

HOUR = 3600
DAY = 24 * HOUR
WEEK = 7 * DAY

HISTORY_START = date(2024, 1, 1)
# A fixed as-of date (a Monday: the last weekly drop) keeps the output independent of today.
AS_OF = date(2025, 12, 29)


def epoch(day: date) -> int:
    """Seconds since 1970 at midnight UTC of ``day``."""
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


def day_of(ts: int) -> date:
    return datetime.fromtimestamp(ts, UTC).date()


def add_months(day: date, months: int) -> date:
    """Same day-of-month ``months`` later (days above 28 never occur: anchors are capped)."""
    month0 = day.month - 1 + months
    return date(day.year + month0 // 12, month0 % 12 + 1, min(day.day, 28))


def stream(seed: int, *names: str | int) -> np.random.Generator:
    """An independent random stream per purpose, so adding one stream never shifts another."""
    keys = [n if isinstance(n, int) else zlib.crc32(n.encode()) for n in names]
    return np.random.default_rng([seed, *keys])


def pick(options, rng: np.random.Generator):
    """One uniform draw from a short sequence; much faster than ``rng.choice`` for one item."""
    return options[int(rng.integers(len(options)))]


@dataclass(frozen=True)
class Timeline:
    """An initial full export, then ``weekly_drops`` weekly files up to the as-of date."""

    weekly_drops: int = 8
    start: int = epoch(HISTORY_START)
    as_of: int = epoch(AS_OF)

    @property
    def cutoffs(self) -> np.ndarray:
        """Export moments: records changed before cutoff i (and after cutoff i-1) go in drop i."""
        first = self.as_of - self.weekly_drops * WEEK
        return np.array([first + i * WEEK for i in range(self.weekly_drops + 1)], dtype=np.int64)

    @property
    def drop_count(self) -> int:
        return self.weekly_drops + 1

    def file_stem(self, drop: int) -> str:
        return day_of(int(self.cutoffs[drop])).isoformat()

    def drop_of(self, ts: np.ndarray) -> np.ndarray:
        """Drop index per timestamp; ``drop_count`` means "after the as-of date", not exported."""
        return np.searchsorted(self.cutoffs, ts, side="right")

    @property
    def days(self) -> np.ndarray:
        """Midnight of every simulated day."""
        return np.arange(self.start, self.as_of, DAY, dtype=np.int64)
