"""The demo company on both engines gives the same metric_values, row for row (``make test-spark``).

Slow (a Spark build of every model, minutes): not collected by ``make test`` (the file name does
not match ``test_*.py``) and marked ``slow``. DuckDB: ``demo_build`` (``make demo`` at the test
scale). Spark: ``make spark-build`` on that build's load (the raw layer as Parquet, every dbt
model and test on the spark target, then metric_values compiled by MetricFlow for Spark SQL).
The Spark table is read from its Parquet files, so this process needs no JVM.
"""

from __future__ import annotations

import subprocess

import duckdb
import pytest
from conftest import PROJECT_ROOT

pytestmark = pytest.mark.slow

KEY = ("metric_name", "grain", "period_start", "dimension_name", "dimension_value")
RELATIVE_TOLERANCE = 1e-9
# The DuckDB table's column types; Spark writes its string, date and double as these.
COLUMN_TYPES = {
    "metric_name": "VARCHAR",
    "grain": "VARCHAR",
    "period_start": "DATE",
    "dimension_name": "VARCHAR",
    "dimension_value": "VARCHAR",
    "value": "DOUBLE",
}


@pytest.fixture(scope="module")
def spark_build(demo_build, tmp_path_factory):
    """``make spark-build`` on demo_build's warehouse, into its own SPARK_DIR."""
    spark_dir = tmp_path_factory.mktemp("spark")
    result = subprocess.run(
        ["make", "--no-print-directory", "spark-build"],
        cwd=PROJECT_ROOT,
        env={**demo_build.env(), "SPARK_DIR": str(spark_dir)},
        capture_output=True,
        text=True,
        timeout=3600,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-6000:]
    return spark_dir


def _compared(con: duckdb.DuckDBPyConnection, spark_files: str) -> duckdb.DuckDBPyConnection:
    keys = ", ".join(KEY)
    return con.execute(
        f"with spark_values as (select * from read_parquet('{spark_files}'))"
        f" select {keys}, d.value as duckdb_value, s.value as spark_value,"
        " d.metric_name is null as only_spark, s.metric_name is null as only_duckdb"
        " from metric_layer.metric_values as d"
        f" full outer join spark_values as s using ({keys})"
        " where d.metric_name is null or s.metric_name is null"
        " or (d.value is null) <> (s.value is null)"
        f" or abs(d.value - s.value) > {RELATIVE_TOLERANCE} * greatest(abs(d.value), abs(s.value))"
        f" order by {keys}"
    )


def _column_types(con: duckdb.DuckDBPyConnection, relation: str) -> dict[str, str]:
    return {name: kind for name, kind, *_ in con.execute(f"describe {relation}").fetchall()}


def test_metric_values_are_identical_on_duckdb_and_spark(demo_build, spark_build):
    spark_files = f"{spark_build}/warehouse/metric_layer.db/metric_values/*.parquet"
    spark_table = f"select * from read_parquet('{spark_files}')"
    with duckdb.connect(str(demo_build.warehouse), read_only=True) as con:
        duckdb_types = _column_types(con, "metric_layer.metric_values")
        spark_types = _column_types(con, spark_table)
        counts = con.execute(
            f"select (select count(*) from metric_layer.metric_values),"
            f" (select count(*) from ({spark_table}))"
        ).fetchall()[0]
        differences = _compared(con, spark_files).fetchall()
    assert duckdb_types == COLUMN_TYPES
    assert spark_types == COLUMN_TYPES
    assert counts[0] > 0
    assert counts[0] == counts[1]
    assert differences == [], f"{len(differences)} rows differ, first: {differences[:10]}"
