"""Writing canonical files in the contract's format, and their lineage back to the vendor file."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from sources.mappings.spec import FileRule, Mapping

LINEAGE_DIR = "_lineage"


def output_path(out_dir: Path, mapping: Mapping, rule: FileRule, vendor_file: Path) -> Path:
    folder = rule.contract.file_pattern.rsplit("/", 1)[0]
    stem = vendor_file.name.rsplit(".", 1)[0]
    return out_dir / folder / f"{mapping.vendor}__{rule.name}__{stem}.{rule.contract.format}"


def write_rows(rule: FileRule, target: Path, rows: list[dict]) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    names = list(rule.contract.column_names)
    fmt = rule.contract.format
    if fmt == "parquet":
        table = pa.table({n: pa.array([r[n] for r in rows], pa.string()) for n in names})
        pq.write_table(table, target, compression="zstd")
    elif fmt == "jsonl":
        with target.open("w", encoding="utf-8", newline="\n") as file:
            for row in rows:
                file.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")
    else:
        with target.open("w", encoding="utf-8", newline="") as file:
            writer = csv.writer(file, lineterminator="\n")
            writer.writerow(names)
            writer.writerows([r[n] or "" for n in names] for r in rows)


def write_lineage(
    mapping: Mapping,
    rule: FileRule,
    path: Path,
    vendor_file: str,
    target: Path,
    out_dir: Path,
    lineage: list[dict],
) -> None:
    """One JSON line per canonical row: its line as the loader numbers it, and its origin."""
    first_line = 2 if rule.contract.format == "csv" else 1
    relative = target.relative_to(out_dir).as_posix()
    lineage_file = lineage_path(out_dir, relative)
    lineage_file.parent.mkdir(parents=True, exist_ok=True)
    header = {
        "canonical_file": relative,
        "vendor_file": vendor_file,
        "vendor_sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "mapping": mapping.vendor,
        "file_rule": rule.name,
        "time_zone": rule.timezone,
    }
    with lineage_file.open("w", encoding="utf-8", newline="\n") as file:
        file.write(json.dumps(header, sort_keys=True) + "\n")
        for offset, entry in enumerate(lineage):
            entry = {"line": first_line + offset, **entry}
            file.write(json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n")


def lineage_path(out_dir: Path, canonical_file: str) -> Path:
    return out_dir / LINEAGE_DIR / f"{canonical_file}.jsonl"


def read_vendor_lines(out_dir: Path, canonical_file: str) -> dict[int, int]:
    """Canonical line -> vendor line, from a canonical file's lineage."""
    with lineage_path(out_dir, canonical_file).open(encoding="utf-8") as file:
        next(file)
        entries = [json.loads(text) for text in file]
    return {e["line"]: e["vendor_line"] for e in entries}
