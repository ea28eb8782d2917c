"""Reading a vendor export: its header and its rows as text, malformed rows kept as raw text."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

from sources.mappings.spec import FileRule


def read_header(rule: FileRule, path: Path) -> list[str] | None:
    """A CSV file's column names; JSON lines have none (a record's missing key is empty)."""
    if rule.format == "jsonl":
        return None
    with path.open(encoding="utf-8-sig", newline="") as file:
        return [name.strip() for name in next(csv.reader(file, delimiter=rule.delimiter), [])]


def vendor_records(rule: FileRule, path: Path) -> Iterator[tuple[int, dict | None, object]]:
    """(vendor line, record or None when malformed, raw fields) per row; CSV line 1 = header."""
    if rule.format == "jsonl":
        with path.open(encoding="utf-8") as file:
            for number, text in enumerate(file, start=1):
                if not text.strip():
                    continue
                try:
                    record = json.loads(text)
                except json.JSONDecodeError:
                    record = None
                if not isinstance(record, dict):
                    yield number, None, text.rstrip("\n")
                    continue
                yield number, {k: _json_text(v) for k, v in record.items()}, None
        return
    with path.open(encoding="utf-8-sig", newline="") as file:
        reader = csv.reader(file, delimiter=rule.delimiter)
        header = [name.strip() for name in next(reader, [])]
        for number, fields in enumerate(reader, start=2):
            if len(fields) != len(header):
                yield number, None, fields
                continue
            yield number, dict(zip(header, fields, strict=True)), None


def _json_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)
