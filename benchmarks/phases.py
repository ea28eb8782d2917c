"""One benchmark phase per process, so each phase's peak memory is its own.

    python -m benchmarks.phases generate --scale 10 --workdir /tmp/bench-10
    python -m benchmarks.phases load --workdir /tmp/bench-10

Phases, in order: ``generate`` (the demo company, holding its last weekly drop back), ``load``
(every extract but the held-back drop) and its floor ``load_floor`` (DuckDB alone reading the same
files), ``dbt_parse`` (once, as the product parses once), ``dbt_full`` (a full build) and its floor
``transform_floor`` (the compiled SQL as one DuckDB script), ``load_last_drop``, ``dbt_fixed_cost``
(one tiny model: what any dbt invocation costs, the floor of an incremental build),
``dbt_incremental`` (what a new drop costs; as in the product, the views unchanged since
``dbt_full`` are left alone) and ``dbt_full_refresh`` (the same data rebuilt from
scratch, to compare with), ``metric_values`` and ``gate`` (the revenue-link gate's step, target
under 20 s at scale 1: wall and CPU seconds). Prints one JSON line: the rows the phase handled,
for the floors the seconds of the measured work alone, and for dbt the seconds per
materialization and outside them.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb

from benchmarks.floors import load_floor, transform_floor
from orchestration.defs.dbt.build_state import record_successful_build, unchanged_views_excluded
from orchestration.settings import DBT_PROJECT_DIR, working_connection_config

HELD_BACK = "held_back"


@dataclass
class Outcome:
    rows: int
    seconds: float | None = None  # the measured work alone, when not the whole process
    detail: dict[str, float] = field(default_factory=dict)


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


# Seeds and models: tests cost the same in a full and an incremental build.
BUILD = ("build", "--exclude-resource-type", "test", "unit_test")
FULL_REFRESH = (*BUILD, "--full-refresh")
# The cheapest build dbt can do: one tiny model (the time spine). What every invocation costs
# before and after its models, the floor of any incremental build.
ONE_TINY_MODEL = ("run", "--select", "metricflow_time_spine")


def dbt_build(workdir: Path, *args: str) -> Outcome:
    """Run dbt; count the rows built and say where the time went (``where_time_went``)."""
    dbt = Path(sys.executable).parent / "dbt"
    command = [str(dbt), *args]
    command += ["--project-dir", str(DBT_PROJECT_DIR)]
    command += ["--profiles-dir", str(DBT_PROJECT_DIR), "--target-path", str(workdir / "target")]
    command += ["--log-path", str(workdir / "logs"), "--quiet"]
    env = {**os.environ, "WAREHOUSE_PATH": str(workdir / "warehouse.duckdb")}
    # A parse writes no run results: none must be read from an earlier invocation.
    (workdir / "target" / "run_results.json").unlink(missing_ok=True)
    started = time.perf_counter()
    subprocess.run(command, check=True, env=env, stdout=sys.stderr)
    detail = where_time_went(workdir / "target", time.perf_counter() - started)
    con = duckdb.connect(str(workdir / "warehouse.duckdb"), read_only=True)
    try:
        tables = con.execute(
            "select schema_name || '.' || table_name from duckdb_tables()"
            " where schema_name not like 'raw%'"
        ).fetchall()
        rows = sum(con.execute(f"select count(*) from {t}").fetchone()[0] for (t,) in tables)
    finally:
        con.close()
    return Outcome(rows, detail=detail)


def dbt_build_keeping_state(workdir: Path, *args: str) -> Outcome:
    """A build as the product runs it: views unchanged since the last build left alone."""
    warehouse = workdir / "warehouse.duckdb"
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        state_args = unchanged_views_excluded(con, warehouse)
    finally:
        con.close()
    outcome = dbt_build(workdir, *args, *state_args)
    record_successful_build(warehouse, workdir / "target" / "manifest.json")
    return outcome


def where_time_went(target: Path, wall_seconds: float) -> dict[str, float]:
    """Seconds per materialization (from dbt's run_results.json), and the rest of the process:
    imports, the partial parse, writing the manifest, the adapter's start (dbt's fixed cost)."""
    nodes = json.loads((target / "manifest.json").read_text())["nodes"]
    run_results = target / "run_results.json"
    results = json.loads(run_results.read_text())["results"] if run_results.exists() else []
    seconds: dict[str, float] = {}
    for result in results:
        uid = result["unique_id"]
        # Exposures report too; they are no node (their id starts with their resource type).
        kind = nodes[uid]["config"]["materialized"] if uid in nodes else uid.split(".")[0]
        seconds[kind] = seconds.get(kind, 0.0) + result["execution_time"]
    seconds["outside nodes"] = wall_seconds - sum(seconds.values())
    return {kind: round(value, 1) for kind, value in seconds.items()}


def metric_values(workdir: Path) -> int:
    """The metric layer's values on the built warehouse (what the gate judges and hashes)."""
    from metric_layer.build import build_metric_values

    con = duckdb.connect(str(workdir / "warehouse.duckdb"), config=working_connection_config())
    try:
        build_metric_values(con, workdir / "target" / "semantic_manifest.json")
        return con.execute("select count(*) from metric_layer.metric_values").fetchone()[0]
    finally:
        con.close()


def gate(workdir: Path) -> Outcome:
    """The gate step as the product runs it (evidence, GX suites with Data Docs, verdicts): wall
    and CPU seconds of the step alone, its modules imported first (the code location has them
    loaded before a run), and the step's own split."""
    import resource

    from expectations.gate import run_gate_on

    con = duckdb.connect(str(workdir / "warehouse.duckdb"), config=working_connection_config())
    try:
        cpu = resource.getrusage(resource.RUSAGE_SELF)
        started = time.perf_counter()
        run = run_gate_on(
            con, workdir / "target" / "semantic_manifest.json", docs_dir=workdir / "gate_docs"
        )
        seconds = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_SELF)
    finally:
        con.close()
    cpu_seconds = after.ru_utime - cpu.ru_utime + after.ru_stime - cpu.ru_stime
    detail = {"cpu seconds": round(cpu_seconds, 1), **run.seconds}
    return Outcome(len(run.statuses), seconds=seconds, detail=detail)


PHASES = {
    "generate": lambda args: generate(args.workdir, args.scale),
    "load": lambda args: load(args.workdir),
    "load_floor": lambda args: load_floor(args.workdir),
    # Parsed once, as the product does (prepared_manifest): the builds below reuse the parse.
    "dbt_parse": lambda args: dbt_build(args.workdir, "parse"),
    "dbt_full": lambda args: dbt_build_keeping_state(args.workdir, *FULL_REFRESH),
    "transform_floor": lambda args: transform_floor(args.workdir, DBT_PROJECT_DIR),
    "load_last_drop": lambda args: load_last_drop(args.workdir),
    "dbt_fixed_cost": lambda args: dbt_build(args.workdir, *ONE_TINY_MODEL),
    "dbt_incremental": lambda args: dbt_build_keeping_state(args.workdir, *BUILD),
    "dbt_full_refresh": lambda args: dbt_build(args.workdir, *FULL_REFRESH),
    "metric_values": lambda args: metric_values(args.workdir),
    "gate": lambda args: gate(args.workdir),
}


def main(phases: dict | None = None) -> None:
    phases = phases or PHASES
    parser = argparse.ArgumentParser()
    parser.add_argument("phase", choices=list(phases))
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--scale", type=float, default=1)
    args = parser.parse_args()
    outcome = phases[args.phase](args)
    if not isinstance(outcome, Outcome):
        outcome = Outcome(*outcome) if isinstance(outcome, tuple) else Outcome(outcome)
    print(json.dumps(asdict(outcome)))


if __name__ == "__main__":
    main()
