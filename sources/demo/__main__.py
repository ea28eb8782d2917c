"""``python -m sources.demo --out DIR --scale 1 --seed 42``: write the demo company's extracts."""

from __future__ import annotations

import argparse
from pathlib import Path

from sources.demo.generate import generate


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
    args = parser.parse_args()
    report = generate(args.out, scale=args.scale, seed=args.seed, weekly_drops=args.weekly_drops)
    for name, count in sorted(report.rows.items()):
        print(f"{name:24} {count:>12,} rows")
    print(
        f"{len(report.files)} files, {len(report.defects)} malformed lines, "
        f"{report.seconds:.1f}s -> {args.out}"
    )


if __name__ == "__main__":
    main()
