"""Load the semantic manifest dbt writes and build a MetricFlow engine that only compiles SQL.

Two engines: DuckDB (the one-machine warehouse) and Spark, compiled with MetricFlow's Databricks
renderer (Databricks SQL is Spark SQL; dbt-metricflow has no `spark` adapter mapping, so its
AdapterBackedSqlClient cannot serve dbt-spark, and the compile-only client below needs no adapter).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from metricflow.engine.metricflow_engine import MetricFlowEngine
from metricflow.protocols.sql_client import SqlEngine
from metricflow.sql.render.databricks import DatabricksSqlPlanRenderer
from metricflow.sql.render.duckdb_renderer import DuckDbSqlPlanRenderer
from metricflow.sql.render.sql_plan_renderer import SqlPlanRenderer
from metricflow_semantics.model.dbt_manifest_parser import (
    parse_manifest_from_dbt_generated_manifest,
)
from metricflow_semantics.model.semantic_manifest_lookup import SemanticManifestLookup

SEMANTIC_MANIFEST = "semantic_manifest.json"


def read_semantic_manifest(path: Path) -> dict[str, Any]:
    """The raw JSON dbt writes on parse/build (``target/semantic_manifest.json``)."""
    return json.loads(Path(path).read_text())


def _with_relation_names(raw: dict[str, Any], name_of: Callable[[dict], str]) -> dict[str, Any]:
    """The manifest with every table's relation_name rendered by ``name_of(node_relation)``."""
    raw = json.loads(json.dumps(raw))
    relations = [sm["node_relation"] for sm in raw.get("semantic_models", [])]
    config = raw.get("project_configuration") or {}
    relations += [spine["node_relation"] for spine in config.get("time_spines") or []]
    relations += [
        t["node_relation"]
        for t in config.get("time_spine_table_configurations") or []
        if isinstance(t, dict) and "node_relation" in t
    ]
    for relation in relations:
        relation["relation_name"] = name_of(relation)
    return raw


def with_catalog(raw: dict[str, Any], catalog: str) -> dict[str, Any]:
    """The manifest with every table in DuckDB catalog ``catalog``.

    dbt writes the catalog of the target it parsed with (the DuckDB file's name); SQL compiled for
    another connection (another file name, or an in-memory session with the warehouse attached
    under another alias) must name that connection's catalog.
    """

    def in_catalog(relation: dict) -> str:
        relation["database"] = catalog
        return f'"{catalog}"."{relation["schema_name"]}"."{relation["alias"]}"'

    return _with_relation_names(raw, in_catalog)


def in_spark_session(raw: dict[str, Any]) -> dict[str, Any]:
    """The manifest with every table named as Spark SQL reads it in the session's catalog:
    `schema`.`table` (the schemas are written as named, macros/generate_schema_name.sql)."""
    return _with_relation_names(
        raw, lambda relation: f"`{relation['schema_name']}`.`{relation['alias']}`"
    )


RENDERERS: dict[SqlEngine, type[SqlPlanRenderer]] = {
    SqlEngine.DUCKDB: DuckDbSqlPlanRenderer,
    SqlEngine.DATABRICKS: DatabricksSqlPlanRenderer,
}


class CompileOnlySqlClient:
    """The part of MetricFlow's SqlClient that compiling needs: an engine's dialect, no connection.

    metric_values runs the compiled SQL itself, set-based, on a connection the caller owns.
    """

    def __init__(self, sql_engine: SqlEngine) -> None:
        self.sql_engine_type = sql_engine
        self.sql_plan_renderer = RENDERERS[sql_engine]()

    def render_bind_parameter_key(self, bind_parameter_key: str) -> str:
        return f"${bind_parameter_key}"

    def _no_execution(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError("This client compiles SQL only; run it on your own connection.")

    query = execute = dry_run = _no_execution

    def close(self) -> None:
        return None


def compile_engine(
    raw: dict[str, Any], sql_engine: SqlEngine = SqlEngine.DUCKDB
) -> MetricFlowEngine:
    """A MetricFlow engine over the manifest that compiles for ``sql_engine``
    (``engine.explain(...)``)."""
    manifest = parse_manifest_from_dbt_generated_manifest(json.dumps(raw))
    return MetricFlowEngine(
        semantic_manifest_lookup=SemanticManifestLookup(manifest),
        sql_client=CompileOnlySqlClient(sql_engine),  # type: ignore[arg-type]
    )
