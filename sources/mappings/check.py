"""The dry run: what a folder of vendor exports would give, before anything is loaded.

The files are converted into a temporary folder and loaded by the loader itself into an
in-memory DuckDB, so "would be quarantined" means exactly what the real load would quarantine,
and why; lines are the vendor file's, through the conversion's lineage.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from sources.contracts import contract_by_name
from sources.load import ensure_raw_schema, load_extract
from sources.mappings.convert import FileReport, FolderReport, convert_folder
from sources.mappings.output import read_vendor_lines
from sources.mappings.spec import Mapping


@dataclass
class FileCheck:
    conversion: FileReport
    rows_that_map: int = 0
    rows_quarantined: int = 0
    reasons: list[tuple[str, str, int, int]] = field(default_factory=list)  # column, why, rows, at
    load_error: str | None = None


def check_folder(mapping: Mapping, folder: Path) -> tuple[FolderReport, list[FileCheck]]:
    """Convert into a scratch folder and load that into an in-memory warehouse: the real load."""
    with tempfile.TemporaryDirectory(prefix="mapping-check-") as scratch:
        out_dir = Path(scratch)
        report = convert_folder(mapping, folder, out_dir)
        contracts = [contract_by_name(n) for n in sorted({f.contract for f in report.files})]
        con = duckdb.connect()
        try:
            ensure_raw_schema(con, contracts)
            failures = {
                error.source_file: str(error)
                for contract in contracts
                for error in load_extract(con, contract, out_dir, raise_on_failure=False).failures
            }
            checks = [_check(con, file, out_dir, failures) for file in report.files]
        finally:
            con.close()
    return report, checks


def _check(con, file: FileReport, out_dir: Path, failures: dict[str, str]) -> FileCheck:
    check = FileCheck(file)
    if file.output_file is None:
        return check
    if file.output_file in failures:
        check.load_error = failures[file.output_file]
        return check
    vendor_line = read_vendor_lines(out_dir, file.output_file)
    check.rows_quarantined, rows_in_file = con.execute(
        "SELECT sum(rows_quarantined), sum(rows_in_file) FROM raw_meta.loaded_files"
        " WHERE source_file = ?",
        [file.output_file],
    ).fetchall()[0]
    check.rows_that_map = rows_in_file - check.rows_quarantined
    reasons = con.execute(
        "SELECT coalesce(column_name, ''), reason, count(DISTINCT source_line), min(source_line)"
        " FROM raw_meta.quarantine WHERE source_file = ? GROUP BY ALL ORDER BY 3 DESC, 1, 2",
        [file.output_file],
    ).fetchall()
    check.reasons = [(c, r, n, vendor_line.get(line, line)) for c, r, n, line in reasons]
    return check


def render(report: FolderReport, checks: list[FileCheck]) -> str:
    """The dry run as a person reads it: per file, what maps, what would not and why."""
    lines = [f"Mapping {report.mapping} on {report.folder}"]
    for check in checks:
        file = check.conversion
        lines.append(f"- {file.vendor_file} ({file.rule} -> {file.contract})")
        if file.error or check.load_error:
            lines.append(f"    FILE REFUSED: {file.error or check.load_error}")
            continue
        lines.append(
            f"    {file.rows_in_file:,} rows: {check.rows_that_map:,} map,"
            f" {check.rows_quarantined:,} would be quarantined"
            + (
                f", {file.rows_skipped_by_filter:,} not for this contract (filter)"
                * bool(file.rows_skipped_by_filter)
            )  # fmt: skip
        )
        for column, reason, rows, line in check.reasons:
            where = f"column {column}: " if column else ""
            lines.append(f"      {where}{reason}: {rows:,} rows (first at vendor line {line})")
        for (column, why), rows in sorted(file.unreadable.items()):
            at = f"first at vendor line {file.first_line[(column, why)]}"
            lines.append(f"      unreadable {column}: {why}: {rows:,} rows ({at})")
        if file.rows_malformed:
            lines.append(f"      malformed rows (field count): {file.rows_malformed:,}")
        for (column, value), rows in sorted(file.unmapped.items()):
            lines.append(f"      unmapped value {column} = {value!r}: {rows:,} rows")
        for (column, value), rows in sorted(file.in_other_bucket.items()):
            lines.append(
                f"      {column} = {value!r} not in the map: {rows:,} rows loaded as other"
            )
        for column, rows in sorted(file.name_like_keys.items()):
            lines.append(
                f"      {column}: {rows:,} values look like names, not ids: declare"
                " key_from_name: true for an opaque key (the publish refuses names as keys)"
            )
        if file.missing_columns:
            lines.append(
                f"      columns not in the file (left empty): {list(file.missing_columns)}"
            )
        if file.offsets_converted:
            lines.append(f"      {file.offsets_converted:,} times with an offset converted to UTC")
        if file.amounts_converted:
            lines.append(f"      {file.amounts_converted:,} rows' amounts converted by rate")
    if not checks:
        lines.append("  no file matches any of the mapping's file patterns")
    for other in report.not_picked_up:
        lines.append(f"- {other}: not picked up (no file rule of this mapping matches it)")
    return "\n".join(lines)
