"""Apply a vendor mapping: vendor export files -> canonical contract files, with lineage.

Every vendor row becomes exactly one canonical row, in file order, so the loader sees the same
rows the vendor exported: a value the mapping cannot read is written marked (the loader then
quarantines the row for it) and a malformed row is written empty (quarantined for its missing
key), never dropped. Only rows a file rule's ``where`` leaves out (another object's rows in a
shared export) are skipped, and counted. Beside each canonical file, ``_lineage/`` keeps the
vendor file, its checksum and, per row, the vendor line and the original of every value the
mapping changed (a time converted to UTC, an amount converted, a mapped stage).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sources.mappings.output import output_path, write_lineage, write_rows
from sources.mappings.spec import ColumnRule, FileRule, Mapping
from sources.mappings.values import (
    Unreadable,
    convert_amount,
    divide,
    key_from_name,
    map_value,
    read_date,
    read_decimal,
    read_timestamp,
)
from sources.mappings.vendor_files import read_header, vendor_records


@dataclass
class FileReport:
    """What converting one vendor file did, for the dry run and the conversion's summary."""

    vendor_file: str
    rule: str
    contract: str
    output_file: str | None = None
    rows_in_file: int = 0
    rows_written: int = 0
    rows_skipped_by_filter: int = 0
    rows_malformed: int = 0
    offsets_converted: int = 0
    amounts_converted: int = 0
    missing_columns: tuple[str, ...] = ()
    unmapped: Counter = field(default_factory=Counter)  # (column, vendor value) -> rows
    in_other_bucket: Counter = field(default_factory=Counter)  # unlisted, loaded as `other`
    unreadable: Counter = field(default_factory=Counter)  # (column, reason) -> rows
    name_like_keys: Counter = field(default_factory=Counter)  # key column -> values with spaces
    first_line: dict = field(default_factory=dict)  # (column, reason) -> first vendor line
    error: str | None = None


def matching_files(rule: FileRule, folder: Path) -> list[Path]:
    found = {p for pattern in rule.files for p in folder.glob(pattern) if p.is_file()}
    return sorted(found, key=lambda p: p.as_posix())


class _RowConverter:
    def __init__(self, mapping: Mapping, rule: FileRule, report: FileReport):
        self.mapping, self.rule, self.report = mapping, rule, report

    def source_value(self, column: ColumnRule, record: dict) -> str | None:
        if column.constant is not None:
            return column.constant
        for name in column.sources:
            value = record.get(name)
            if (
                value is not None
                and value.strip()
                and value.strip().lower() not in (self.mapping.null_values)
            ):
                return value
        return None

    def read(self, column: ColumnRule, raw: str) -> str:
        if column.key_from_name:
            return key_from_name(raw)
        if column.target.endswith("_id") and " " in raw.strip():
            # Ids have no spaces, names do: the publish refuses a person's name used as a key.
            self.report.name_like_keys[column.target] += 1
        if column.length:
            return str(len(raw))
        value = raw.strip()
        if column.values is not None:
            value, listed = map_value(value, column.values, column.other)
            if not listed:
                bucketed = column.other is not None
                counter = self.report.in_other_bucket if bucketed else self.report.unmapped
                counter[(column.target, raw.strip())] += 1
        if column.divide_by is not None:
            value = divide(value, column.divide_by, column.type in ("integer", "bigint"))
        if column.type == "timestamp":
            value, had_offset = read_timestamp(value, column.formats, self.rule.timezone)
            self.report.offsets_converted += had_offset
        elif column.type == "date":
            value = read_date(value, column.formats)
        elif column.type.startswith("decimal"):
            value = str(read_decimal(value))
        return value

    def unreadable(self, column: str, reason: str, line: int) -> None:
        self.report.unreadable[(column, reason)] += 1
        self.report.first_line.setdefault((column, reason), line)

    def convert(self, record: dict, line: int) -> tuple[dict, dict]:
        row: dict[str, str | None] = dict.fromkeys(self.rule.contract.column_names)
        original: dict[str, str] = {}
        for column in self.rule.columns:
            raw = self.source_value(column, record)
            if raw is None:
                row[column.target] = None
                continue
            try:
                row[column.target] = self.read(column, raw)
            except Unreadable as problem:
                self.unreadable(column.target, str(problem), line)
                # Marked so that the loader's type check refuses it and quarantines the row.
                row[column.target] = f"[{problem}] {raw}"
            if row[column.target] != raw and column.constant is None:
                original[column.target] = raw
        if self.rule.currency is not None:
            self._apply_currency(record, row, original, line)
        return row, original

    def _apply_currency(self, record: dict, row: dict, original: dict, line: int) -> None:
        rule = self.rule.currency
        currency = (record.get(rule.source) or "").strip().upper()
        if rule.convert_to is None:
            row[rule.column] = currency or None
            return
        converted = False
        for name in rule.amounts:
            if row.get(name) is None or row[name].startswith("["):
                continue
            try:
                value = convert_amount(row[name], currency, rule.convert_to, self.mapping.rates)
                converted |= value != row[name]
            except Unreadable as problem:
                self.unreadable(name, str(problem), line)
                value = f"[{problem}] {row[name]} {currency}"
            original.setdefault(name, f"{row[name]} {currency}")
            row[name] = value
        self.report.amounts_converted += converted
        if rule.column:
            row[rule.column] = rule.convert_to if currency else None
            original[rule.column] = currency


def convert_file(
    mapping: Mapping, rule: FileRule, folder: Path, path: Path, out_dir: Path
) -> FileReport:
    """Convert one vendor file into one canonical file under ``out_dir`` (none if no rows)."""
    vendor_file = path.relative_to(folder).as_posix()
    report = FileReport(vendor_file, rule.name, rule.contract.name)
    converter = _RowConverter(mapping, rule, report)
    rows, lineage = [], []
    header = read_header(rule, path)
    if header is not None:
        report.missing_columns = tuple(c for c in rule.vendor_columns if c not in header)
        required = [c for c in rule.columns if c.sources and not _nullable(rule, c.target)]
        if absent := [c.target for c in required if not set(c.sources) & set(header)]:
            report.error = f"no column for required {absent[0]} ({_sources(rule, absent[0])})"
            return report
    for line, record, raw_fields in vendor_records(rule, path):
        report.rows_in_file += 1
        if record is None:
            report.rows_malformed += 1
            rows.append(dict.fromkeys(rule.contract.column_names))
            lineage.append({"vendor_line": line, "malformed": raw_fields})
            continue
        if not _kept(rule, record):
            report.rows_skipped_by_filter += 1
            continue
        row, original = converter.convert(record, line)
        rows.append(row)
        lineage.append({"vendor_line": line, **({"original": original} if original else {})})
    report.rows_written = len(rows)
    if rows:
        target = output_path(out_dir, mapping, rule, path)
        write_rows(rule, target, rows)
        write_lineage(mapping, rule, path, vendor_file, target, out_dir, lineage)
        report.output_file = target.relative_to(out_dir).as_posix()
    return report


def _nullable(rule: FileRule, target: str) -> bool:
    return rule.contract.column(target).nullable


def _sources(rule: FileRule, target: str) -> str:
    return " or ".join(next(c for c in rule.columns if c.target == target).sources)


def _kept(rule: FileRule, record: dict) -> bool:
    return all(
        (record.get(column) or "").strip().lower() in {v.lower() for v in allowed}
        for column, allowed in rule.where.items()
    )


@dataclass
class FolderReport:
    mapping: str
    folder: str
    files: list[FileReport]
    not_picked_up: list[str]


def convert_folder(mapping: Mapping, folder: Path, out_dir: Path) -> FolderReport:
    """Convert every vendor file the mapping's file rules match; list the files none matches."""
    folder, out_dir = Path(folder), Path(out_dir)
    reports, matched = [], set()
    for rule in mapping.files:
        for path in matching_files(rule, folder):
            matched.add(path)
            reports.append(convert_file(mapping, rule, folder, path, out_dir))
    others = [
        p.relative_to(folder).as_posix()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p not in matched and not p.name.startswith(".")
    ]
    return FolderReport(mapping.vendor, str(folder), reports, others)
