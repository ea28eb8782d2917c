"""``make demo``: materialize every asset in process, then say what was built and where it is."""

from __future__ import annotations

import os
import sys
import uuid
from collections import Counter
from pathlib import Path

import dagster as dg
import duckdb

from expectations.summary import verdict_summary
from orchestration.definitions import defs
from orchestration.defs.ingest.partitions import register_drops
from orchestration.defs.jobs import build_warehouse
from orchestration.killed_runs import LAUNCHED_BY, sole_build
from orchestration.progress import StepHeartbeat
from orchestration.settings import apply_defaults


def build(instance: dg.DagsterInstance) -> dg.ExecuteInProcessResult:
    job = defs().resolve_job_def(build_warehouse.name)
    run_id = str(uuid.uuid4())
    with StepHeartbeat(instance, run_id):
        return job.execute_in_process(
            instance=instance,
            run_id=run_id,
            tags=LAUNCHED_BY,
            raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": "INFO"}}}},
        )


def checks_not_passed(result: dg.ExecuteInProcessResult) -> dict[str, list[tuple[str, str]]]:
    """(asset, check) of the evaluations that did not pass, by severity: WARN checks flag what a
    run may carry (the demo's deliberately dirty rows, metrics the gate withholds); ERROR fails."""
    found: dict[str, list[tuple[str, str]]] = {"WARN": [], "ERROR": []}
    for event in result.all_events:
        if event.event_type != dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            continue
        data = event.asset_check_evaluation_data
        if not data.passed:
            found[data.severity.value].append((data.asset_key.to_user_string(), data.check_name))
    return found


def grouped(checks: list[tuple[str, str]]) -> str:
    """``check on N assets`` for a check several assets share, ``asset: N checks`` for an asset
    with several, ``asset:check`` otherwise: a summary line, not a list of fifty."""
    by_check = Counter(check for _, check in checks)
    shared = {check for check, count in by_check.items() if count > 1}
    rest = [(asset, check) for asset, check in checks if check not in shared]
    by_asset = Counter(asset for asset, _ in rest)
    parts = [f"{check} on {by_check[check]} assets" for check in sorted(shared)]
    parts += [f"{asset}: {n} checks" for asset, n in sorted(by_asset.items()) if n > 1]
    parts += [f"{asset}:{check}" for asset, check in rest if by_asset[asset] == 1]
    return ", ".join(parts)


def summary(warehouse_path: str) -> str:
    con = duckdb.connect(warehouse_path, read_only=True)
    try:
        schemas = con.execute(
            "select schema_name, count(*), sum(estimated_size) from duckdb_tables()"
            " group by schema_name order by schema_name"
        ).fetchall()
        match_rates = con.execute(
            "select record_system || ' ' || record_type, account_match_rate,"
            " person_cross_system_rate from intermediate.int_identity__match_rates"
            " order by record_system, record_type"
        ).fetchall()
        quarantined = con.execute(
            "select contract, count(distinct (source_file, source_line)) from raw_meta.quarantine"
            " group by contract order by contract"
        ).fetchall()
    finally:
        con.close()
    lines = [f"Working warehouse: {warehouse_path}"]
    lines += [f"  {schema}: {tables} tables, ~{rows:,} rows" for schema, tables, rows in schemas]
    lines.append("Identity: share of records resolved to an account (found in another system):")
    lines += [
        f"  {source}: {account:.1%}" + (f" ({cross:.1%})" if cross is not None else "")
        for source, account, cross in match_rates
    ]
    lines.append(
        "Quarantined rows (kept in raw_meta.quarantine with file, line, column and reason): "
        + (", ".join(f"{c} {n}" for c, n in quarantined) or "none")
    )
    return "\n".join(lines)


def published_summary(published_path: str) -> str:
    if not Path(published_path).exists():
        return f"Published file: not written ({published_path})"
    con = duckdb.connect(published_path, read_only=True)
    try:
        tables = con.execute(
            "select table_name, row_count from main.publication order by table_name"
        ).fetchall()
    finally:
        con.close()
    lines = [f"Published for analysts and BI tools (read-only, DuckDB 1.1+): {published_path}"]
    lines += [f"  {table}: {rows:,} rows" for table, rows in tables]
    return "\n".join(lines)


def main() -> int:
    apply_defaults()
    with (
        dg.DagsterInstance.get() as instance,
        sole_build(instance, Path(os.environ["DAGSTER_HOME"])) as ended,
    ):
        for run_id in ended:
            print(f"Run {run_id} was killed before it ended: marked failed, its pool slot freed.")
        # The drops become the ingest assets' partitions in the UI (`make dev`), for backfills.
        register_drops(instance, Path(os.environ["EXTRACTS_DIR"]))
        result = build(instance)
    not_passed = checks_not_passed(result)
    print(summary(os.environ["WAREHOUSE_PATH"]))
    print(verdict_summary(os.environ["WAREHOUSE_PATH"]))
    print(published_summary(os.environ["PUBLISHED_PATH"]))
    if not_passed["WARN"]:
        print(
            f"Warnings, expected on the demo ({len(not_passed['WARN'])} checks of severity WARN:"
            " its extracts carry deliberately dirty rows, kept in quarantine, and the gate"
            " withholds metrics it cannot certify): " + grouped(not_passed["WARN"])
        )
    print("Failed checks (severity ERROR): " + (grouped(not_passed["ERROR"]) or "none"))
    print(f"Extracts: {os.environ['EXTRACTS_DIR']}")
    print("Open the Dagster UI on this project with `make dev`.")
    if not result.success:
        print("The run failed; see the log above.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
