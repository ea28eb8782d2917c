"""``python -m sources.demo --out DIR --scale 1 --seed 42``: write the demo company's extracts."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from sources.demo.generate import generate
from sources.demo.vendor_export import export_vendor_formats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, required=True, help="extract folder to write into")
    parser.add_argument(
        "--scale", type=float, default=1.0, help="1 = demo, 10 and 100 = benchmarks"
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--weekly-drops", type=int, default=8, help="weekly files after the full export"
    )
    parser.add_argument(
        "--format",
        choices=("canonical", "vendor"),
        default="canonical",
        help="canonical extracts, or HubSpot/Salesforce/Zendesk/Stripe exports (one folder each)",
    )
    args = parser.parse_args()
    if args.format == "vendor":
        with tempfile.TemporaryDirectory(prefix="demo-canonical-") as canonical:
            generate(canonical, scale=args.scale, seed=args.seed, weekly_drops=args.weekly_drops)
            exported = export_vendor_formats(Path(canonical), args.out)
        print(f"{len(exported.files)} vendor files -> {args.out}")
        return
    report = generate(args.out, scale=args.scale, seed=args.seed, weekly_drops=args.weekly_drops)
    for name, count in sorted(report.rows.items()):
        print(f"{name:24} {count:>12,} rows")
    print(
        f"{len(report.files)} files, {len(report.defects)} malformed lines, "
        f"{report.seconds:.1f}s -> {args.out}"
    )


if __name__ == "__main__":
    main()
