"""Load the semantic manifest dbt writes and build a MetricFlow engine that only compiles SQL."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from metricflow.engine.metricflow_engine import MetricFlowEngine
from metricflow.protocols.sql_client import SqlEngine
from metricflow.sql.render.duckdb_renderer import DuckDbSqlPlanRenderer
from metricflow_semantics.model.dbt_manifest_parser import (
    parse_manifest_from_dbt_generated_manifest,
)
from metricflow_semantics.model.semantic_manifest_lookup import SemanticManifestLookup

SEMANTIC_MANIFEST = "semantic_manifest.json"


def read_semantic_manifest(path: Path) -> dict[str, Any]:
    """The raw JSON dbt writes on parse/build (``target/semantic_manifest.json``)."""
    return json.loads(Path(path).read_text())


def with_catalog(raw: dict[str, Any], catalog: str) -> dict[str, Any]:
    """The manifest with every table in ``catalog``.

    dbt writes the catalog of the target it parsed with (the DuckDB file's name); SQL compiled for
    another connection (another file name, or an in-memory session with the warehouse attached
    under another alias) must name that connection's catalog.
    """
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
        relation["database"] = catalog
        relation["relation_name"] = f'"{catalog}"."{relation["schema_name"]}"."{relation["alias"]}"'
    return raw


class CompileOnlyDuckDbClient:
    """The part of MetricFlow's SqlClient that compiling needs: DuckDB's dialect, no connection.

    metric_values runs the compiled SQL itself, set-based, on a connection the caller owns.
    """

    sql_engine_type = SqlEngine.DUCKDB
    sql_plan_renderer = DuckDbSqlPlanRenderer()

    def render_bind_parameter_key(self, bind_parameter_key: str) -> str:
        return f"${bind_parameter_key}"

    def _no_execution(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError("This client compiles SQL only; run it on your own connection.")

    query = execute = dry_run = _no_execution

    def close(self) -> None:
        return None


def compile_engine(raw: dict[str, Any]) -> MetricFlowEngine:
    """A MetricFlow engine over the manifest, for ``engine.explain(...)``."""
    manifest = parse_manifest_from_dbt_generated_manifest(json.dumps(raw))
    return MetricFlowEngine(
        semantic_manifest_lookup=SemanticManifestLookup(manifest),
        sql_client=CompileOnlyDuckDbClient(),  # type: ignore[arg-type]
    )
