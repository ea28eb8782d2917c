"""metric_values: every metric at its meta grains and dimensions, compiled by MetricFlow from the
semantic layer dbt parsed (``dbt_project/models/metrics/``), written to ``metric_layer``."""

import json
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from orchestration.defs.dbt.project import prepared_manifest
from orchestration.defs.ingest.assets import WRITER_POOL

METRIC_VALUES_KEY = dg.AssetKey(["metric_layer", "metric_values"])
METRIC_CATALOG_KEY = dg.AssetKey(["metric_layer", "metric_catalog"])
EVERY_METRIC_HAS_VALUES = "every_metric_has_values_at_its_grains"


def semantic_manifest_path() -> Path:
    # dbt writes it beside manifest.json on every parse and build.
    return prepared_manifest().parent / "semantic_manifest.json"


def upstream_tables() -> list[dg.AssetKey]:
    """The catalog (built with the governance check) and every table a semantic model reads: the
    dbt translator keys them ``[schema, name]``, so the asset runs after dbt has built them."""
    keys = {METRIC_CATALOG_KEY}
    path = semantic_manifest_path()
    if path.exists():
        for semantic_model in json.loads(path.read_text()).get("semantic_models", []):
            relation = semantic_model["node_relation"]
            keys.add(dg.AssetKey([relation["schema_name"], relation["alias"]]))
    return sorted(keys, key=lambda key: key.to_user_string())


@dg.asset(
    key=METRIC_VALUES_KEY,
    group_name="metric_layer",
    owners=["team:data-platform"],
    description=(
        "Every metric of the semantic layer at the grains (day, week, month, quarter) and"
        " dimensions its meta lists: metric_name, grain, period_start, dimension_name ('' for the"
        " total), dimension_value, value. Compiled by MetricFlow from the one definition."
    ),
    kinds={"duckdb", "metricflow"},
    pool=WRITER_POOL,
    deps=upstream_tables(),
    check_specs=[
        dg.AssetCheckSpec(
            EVERY_METRIC_HAS_VALUES,
            asset=METRIC_VALUES_KEY,
            description="Every metric in the catalog has rows at every grain its meta lists.",
        )
    ],
)
def metric_values(
    context: dg.AssetExecutionContext, warehouse: DuckDBResource
) -> dg.MaterializeResult:
    # MetricFlow costs seconds to import: only the step that compiles metrics pays for it.
    from metric_layer.build import build_metric_values

    # One writer at a time: the connection is opened and closed inside the step.
    with warehouse.get_connection() as con:
        stats = build_metric_values(con, semantic_manifest_path())
        missing = con.execute(
            "select catalog.metric_name || ' @ ' || grains.grain"
            " from metric_layer.metric_catalog as catalog,"
            " unnest(catalog.grains) as grains(grain)"
            " where not exists (select 1 from metric_layer.metric_values as v"
            " where v.metric_name = catalog.metric_name and v.grain = grains.grain)"
            " order by 1"
        ).fetchall()
    context.log.info(f"metric_values: {stats}")
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": stats["rows"],
            "metrics": stats["metrics"],
            "compiled_queries": stats["queries"],
            "compile_seconds": stats["compile_seconds"],
            "compiled_queries_reused": stats["compiled_queries_reused"],
            "write_seconds": stats["seconds"],
            "total_seconds": stats["total_seconds"],
        },
        check_results=[
            dg.AssetCheckResult(
                check_name=EVERY_METRIC_HAS_VALUES,
                passed=not missing,
                severity=dg.AssetCheckSeverity.WARN,
                metadata={"metric_grains_without_rows": [row[0] for row in missing]},
            )
        ],
    )
