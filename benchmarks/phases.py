"""One benchmark phase per process, so each phase's peak memory is its own.

    python -m benchmarks.phases generate --scale 10 --workdir /tmp/bench-10
    python -m benchmarks.phases load --workdir /tmp/bench-10

Phases, in order: ``generate`` (the demo company, holding its last weekly drop back), ``load``
(every extract but the held-back drop) and its floor ``load_floor`` (DuckDB alone reading the same
files), ``dbt_full`` (a full build) and its floor ``transform_floor`` (the compiled SQL as one
DuckDB script), ``load_last_drop``, ``dbt_incremental`` (what a new drop costs) and
``dbt_full_refresh`` (the same data rebuilt from scratch, to compare with). Prints one JSON line:
the rows the phase handled, and for the floors the seconds of the measured work alone.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb

from benchmarks.floors import load_floor, transform_floor
from orchestration.settings import DBT_PROJECT_DIR, working_connection_config

HELD_BACK = "held_back"


def generate(workdir: Path, scale: float) -> int:
    from sources.demo import generate as generate_company

    extracts = workdir / "extracts"
    report = generate_company(extracts, scale=scale, seed=42)
    last_drop = max(p.stem for p in report.files)
    for path in report.files:
        if path.stem == last_drop:
            target = workdir / HELD_BACK / path.relative_to(extracts)
            target.parent.mkdir(parents=True, exist_ok=True)
            path.rename(target)
    return sum(report.rows.values())


def load(workdir: Path) -> int:
    from sources.contracts import load_contracts
    from sources.load import ensure_raw_schema, load_all

    contracts = load_contracts()
    con = duckdb.connect(str(workdir / "warehouse.duckdb"), config=working_connection_config())
    try:
        ensure_raw_schema(con, contracts)
        results = load_all(con, contracts, workdir / "extracts")
    finally:
        con.close()
    return sum(f.rows_in_file for r in results.values() for f in r.files)


def load_last_drop(workdir: Path) -> int:
    held_back = workdir / HELD_BACK
    for path in held_back.rglob("*.*"):
        path.rename(workdir / "extracts" / path.relative_to(held_back))
    return load(workdir)


def dbt_build(workdir: Path, *flags: str) -> int:
    """Build seeds and models (tests cost the same either way) and count the rows built."""
    dbt = Path(sys.executable).parent / "dbt"
    command = [str(dbt), "build", "--exclude-resource-type", "test", "unit_test"]
    command += ["--project-dir", str(DBT_PROJECT_DIR)]
    command += ["--profiles-dir", str(DBT_PROJECT_DIR), "--target-path", str(workdir / "target")]
    command += ["--log-path", str(workdir / "logs"), "--quiet", *flags]
    env = {**os.environ, "WAREHOUSE_PATH": str(workdir / "warehouse.duckdb")}
    subprocess.run(command, check=True, env=env, stdout=sys.stderr)
    con = duckdb.connect(str(workdir / "warehouse.duckdb"), read_only=True)
    try:
        tables = con.execute(
            "select schema_name || '.' || table_name from duckdb_tables()"
            " where schema_name not like 'raw%'"
        ).fetchall()
        return sum(con.execute(f"select count(*) from {t}").fetchone()[0] for (t,) in tables)
    finally:
        con.close()


PHASES = {
    "generate": lambda args: generate(args.workdir, args.scale),
    "load": lambda args: load(args.workdir),
    "load_floor": lambda args: load_floor(args.workdir),
    "dbt_full": lambda args: dbt_build(args.workdir, "--full-refresh"),
    "transform_floor": lambda args: transform_floor(args.workdir, DBT_PROJECT_DIR),
    "load_last_drop": lambda args: load_last_drop(args.workdir),
    "dbt_incremental": lambda args: dbt_build(args.workdir),
    "dbt_full_refresh": lambda args: dbt_build(args.workdir, "--full-refresh"),
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("phase", choices=list(PHASES))
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--scale", type=float, default=1)
    args = parser.parse_args()
    outcome = PHASES[args.phase](args)
    rows, seconds = outcome if isinstance(outcome, tuple) else (outcome, None)
    print(json.dumps({"rows": rows, "seconds": seconds}))


if __name__ == "__main__":
    main()
