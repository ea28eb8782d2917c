"""The few malformed rows every real extract has, injected deterministically.

Each defect adds one extra line to one file: a copy of a real row (the row at the middle of the
file) with one thing broken, right after the row it copies. The clean row stays, so quarantining
the broken copy loses nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

BAD_NUMBER = "12,5O"
BAD_DATE = "31/02/2025"


@dataclass(frozen=True)
class Defect:
    extract: str
    drop: int  # 0 = the initial full export, 1.. = the weekly drops
    kind: str  # bad_number, bad_date, unaccepted_value, missing_key, wrong_field_count
    column: str | None
    value: str | None = None


DEFECTS: tuple[Defect, ...] = (
    Defect("deals", 0, "bad_number", "amount", BAD_NUMBER),
    Defect("costs", 1, "bad_number", "amount", BAD_NUMBER),
    Defect("tickets", 2, "bad_date", "created_at", BAD_DATE),
    Defect("email_events", 5, "bad_date", "occurred_at", BAD_DATE),
    Defect("contacts", 0, "unaccepted_value", "lead_source", "Trade Show"),
    Defect("ad_performance", 0, "unaccepted_value", "platform", "tiktok"),
    Defect("sales_activities", 2, "missing_key", "activity_id"),
    Defect("subscriptions", 0, "missing_key", "customer_id"),
    Defect("payments", 0, "wrong_field_count", None),
)


def defects_for(extract: str, drop: int) -> list[Defect]:
    return [d for d in DEFECTS if d.extract == extract and d.drop == drop]


def broken_line(defect: Defect, fmt: str, cells: dict[str, str]) -> str:
    """The broken copy of a row, given the row's rendered cells (CSV or JSON values)."""
    cells = dict(cells)
    if defect.kind == "wrong_field_count":
        return ",".join(cells.values()) + ",EXTRA"
    if defect.kind == "missing_key":
        if fmt == "jsonl":
            del cells[defect.column]
        else:
            cells[defect.column] = ""
    else:
        cells[defect.column] = json.dumps(defect.value) if fmt == "jsonl" else _csv(defect.value)
    if fmt == "jsonl":
        return "{" + ",".join(f'"{k}":{v}' for k, v in cells.items()) + "}"
    return ",".join(cells.values())


def _csv(value: str) -> str:
    return f'"{value}"' if "," in value else value
