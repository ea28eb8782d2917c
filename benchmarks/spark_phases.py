"""The Spark phases of ``make bench-spark``, one per process (run by the Spark environment's
Python), on a work folder the DuckDB phases built: ``spark_export`` (the raw layer to Parquet),
``spark_dbt_full`` (every model on the spark target, as ``dbt_full`` builds them on DuckDB) and
``spark_metric_values`` (metric_values compiled for Spark SQL)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from benchmarks.phases import FULL_REFRESH, Outcome, main, where_time_went
from orchestration.settings import DBT_PROJECT_DIR


def spark_dir(workdir: Path) -> Path:
    return workdir / "spark"


def spark_env(workdir: Path) -> dict[str, str]:
    # The session binds to the loopback address: the machine's hostname need not resolve.
    return {**os.environ, "SPARK_DIR": str(spark_dir(workdir)), "SPARK_LOCAL_IP": "127.0.0.1"}


def spark_export(workdir: Path) -> int:
    from sources.raw_export import export_raw_layer

    tables = export_raw_layer(workdir / "warehouse.duckdb", spark_dir(workdir) / "raw")
    return sum(table.rows for table in tables)


def spark_dbt(workdir: Path, *args: str) -> None:
    command = [str(Path(sys.executable).parent / "dbt"), *args, "--target", "spark"]
    command += ["--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)]
    command += ["--target-path", str(spark_dir(workdir) / "target"), "--quiet"]
    command += ["--log-path", str(spark_dir(workdir) / "logs")]
    subprocess.run(command, check=True, env=spark_env(workdir), stdout=sys.stderr)


def spark_dbt_full(workdir: Path) -> Outcome:
    """Every model on Spark; rows counted from the tables' Parquet files (no second session)."""
    raw = spark_dir(workdir) / "raw"
    spark_dbt(workdir, "run-operation", "register_raw_parquet", "--args", f"{{raw_dir: '{raw}'}}")
    started = time.perf_counter()
    spark_dbt(workdir, *FULL_REFRESH)
    detail = where_time_went(spark_dir(workdir) / "target", time.perf_counter() - started)
    files = spark_dir(workdir) / "warehouse" / "*.db" / "*" / "*.parquet"
    with duckdb.connect() as con:
        rows = con.execute(f"select count(*) from read_parquet('{files}')").fetchone()[0]
    return Outcome(rows, seconds=time.perf_counter() - started, detail=detail)


def spark_metric_values(workdir: Path) -> int:
    os.environ.update(spark_env(workdir))
    from metric_layer.spark_session import spark_session
    from metric_layer.spark_values import build_metric_values_on_spark

    spark = spark_session()
    try:
        manifest = spark_dir(workdir) / "target" / "semantic_manifest.json"
        return build_metric_values_on_spark(spark, manifest)["rows"]
    finally:
        spark.stop()


SPARK_PHASES = {
    "spark_export": lambda args: spark_export(args.workdir),
    "spark_dbt_full": lambda args: spark_dbt_full(args.workdir),
    "spark_metric_values": lambda args: spark_metric_values(args.workdir),
}

if __name__ == "__main__":
    main(SPARK_PHASES)
