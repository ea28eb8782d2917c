"""Build metric_values from a semantic manifest on an open DuckDB connection (``python -m``)."""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path
from typing import Any

import duckdb
from metricflow.protocols.sql_client import SqlEngine

from metric_layer.compiler import CACHE_FILE, MetricCompiler
from metric_layer.governance import check_semantic_manifest
from metric_layer.manifest import read_semantic_manifest, with_catalog
from metric_layer.values import MetricQuery, data_time_bounds, plan_queries, write_metric_values


def compiled_queries(
    con: Any,
    raw: dict[str, Any],
    sql_engine: SqlEngine = SqlEngine.DUCKDB,
    cache_path: Path | None = None,
) -> tuple[list[MetricQuery], dict[str, Any]]:
    """Check governance, then compile every metric x grain x dimension for ``sql_engine`` over the
    manifest whose tables ``con`` reads (relation names already rendered for it), reusing the SQL
    kept in ``cache_path``; the seconds spent and how many queries were reused."""
    check_semantic_manifest(raw)
    bounds = data_time_bounds(con, raw)
    started = time.perf_counter()
    compiler = MetricCompiler(raw, sql_engine, cache_path)
    queries = plan_queries(compiler, raw, bounds)
    compiler.save()
    return queries, {
        "compile_seconds": round(time.perf_counter() - started, 2),
        "compiled_queries_reused": compiler.reused,
    }


def build_metric_values(con: Any, semantic_manifest_path: Path) -> dict[str, Any]:
    """Check governance, compile every metric x grain x dimension, write metric_values."""
    started = time.perf_counter()
    catalog = con.execute("select current_database()").fetchall()[0][0]
    raw = with_catalog(read_semantic_manifest(semantic_manifest_path), catalog)
    cache_path = semantic_manifest_path.parent / CACHE_FILE
    queries, compile_stats = compiled_queries(con, raw, cache_path=cache_path)
    stats = write_metric_values(con, queries) | compile_stats
    stats["total_seconds"] = round(time.perf_counter() - started, 2)
    return stats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--warehouse", default=os.environ.get("WAREHOUSE_PATH"))
    parser.add_argument(
        "--semantic-manifest",
        default=str(
            Path(__file__).resolve().parent.parent
            / "dbt_project"
            / "target"
            / "semantic_manifest.json"
        ),
    )
    args = parser.parse_args()
    con = duckdb.connect(args.warehouse)
    try:
        print(build_metric_values(con, Path(args.semantic_manifest)))
    finally:
        con.close()


if __name__ == "__main__":
    main()
