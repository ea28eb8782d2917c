"""``python -m sources.mappings``: list the mappings, dry-run one on a folder, or convert it.

    python -m sources.mappings list
    python -m sources.mappings check --mapping hubspot --folder exports/hubspot
    python -m sources.mappings convert --mapping hubspot --folder exports/hubspot \
        --out data/extracts

``--mapping`` takes a shipped vendor's name or the path of a mapping file (the generic CSV mapping
filled in for another system); ``--timezone`` overrides the time zone the mapping declares.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from sources.mappings.check import check_folder, render
from sources.mappings.convert import convert_folder
from sources.mappings.spec import MappingError, mapping_path, parse_mapping, shipped_mappings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m sources.mappings",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="the shipped mappings and their files")
    for name, text in (("check", "dry run: report, load nothing"), ("convert", "write extracts")):
        command = commands.add_parser(name, help=text)
        command.add_argument("--mapping", required=True, help="vendor name or mapping file")
        command.add_argument("--folder", type=Path, required=True, help="the vendor's exports")
        command.add_argument("--timezone", help="time zone of times without an offset")
        if name == "convert":
            command.add_argument(
                "--out",
                type=Path,
                default=Path(os.environ.get("EXTRACTS_DIR", "data/extracts")),
                help="extract folder the loader reads (default: EXTRACTS_DIR)",
            )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "list":
        for name in shipped_mappings():
            mapping = parse_mapping(mapping_path(name))
            files = ", ".join(f"{f.name} -> {f.contract.name}" for f in mapping.files)
            print(f"{name}: {files}")
        return 0
    try:
        mapping = parse_mapping(mapping_path(args.mapping), timezone=args.timezone)
    except (MappingError, FileNotFoundError) as error:
        print(f"mapping refused: {error}", file=sys.stderr)
        return 2
    if args.command == "check":
        report, checks = check_folder(mapping, args.folder)
        print(render(report, checks))
        refused = any(c.conversion.error or c.load_error for c in checks)
        return 1 if refused or not checks else 0
    report = convert_folder(mapping, args.folder, args.out)
    for file in report.files:
        target = file.output_file or f"nothing written: {file.error or 'no rows'}"
        print(f"{file.vendor_file}: {file.rows_written:,} rows -> {target}")
        for (column, value), rows in sorted(file.unmapped.items()):
            print(f"    unmapped value {column} = {value!r}: {rows:,} rows")
        for (column, value), rows in sorted(file.in_other_bucket.items()):
            print(f"    {column} = {value!r} not in the map: {rows:,} rows loaded as other")
        for (column, why), rows in sorted(file.unreadable.items()):
            print(f"    unreadable {column}: {why}: {rows:,} rows (quarantined when loaded)")
    return 1 if any(f.error for f in report.files) else 0


if __name__ == "__main__":
    sys.exit(main())
