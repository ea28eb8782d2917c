"""One benchmark phase per process, so each phase's peak memory is its own.

    python -m benchmarks.phases generate --scale 10 --workdir /tmp/bench-10
    python -m benchmarks.phases load --workdir /tmp/bench-10

Prints one JSON line: the phase's row count.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import duckdb


def generate(workdir: Path, scale: float) -> int:
    from sources.demo import generate as generate_company

    report = generate_company(workdir / "extracts", scale=scale, seed=42)
    return sum(report.rows.values())


def load(workdir: Path) -> int:
    from sources.contracts import load_contracts
    from sources.load import ensure_raw_schema, load_all

    contracts = load_contracts()
    con = duckdb.connect(str(workdir / "warehouse.duckdb"))
    try:
        ensure_raw_schema(con, contracts)
        results = load_all(con, contracts, workdir / "extracts")
    finally:
        con.close()
    return sum(f.rows_in_file for r in results.values() for f in r.files)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("phase", choices=["generate", "load"])
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--scale", type=float, default=1)
    args = parser.parse_args()
    rows = generate(args.workdir, args.scale) if args.phase == "generate" else load(args.workdir)
    print(json.dumps({"rows": rows}))


if __name__ == "__main__":
    main()
