"""After every publish: each figure the BI contract marks as a metric equals the metric layer."""

import dagster as dg
from dagster_duckdb import DuckDBResource

from metric_layer.consistency import compare_published
from orchestration.defs.ingest.assets import WRITER_POOL
from orchestration.defs.publish.assets import PUBLISHED_METRICS, SPEC
from orchestration.defs.publish.resources import PublishedWarehouse

PUBLISHED_FIGURES_EQUAL_METRIC_LAYER = "published_figures_equal_metric_layer"


@dg.asset_check(
    asset=PUBLISHED_METRICS,
    name=PUBLISHED_FIGURES_EQUAL_METRIC_LAYER,
    blocking=True,
    # It reads the working warehouse: not while another step writes it.
    pool=WRITER_POOL,
    description="Every column publishing/publication.yml marks as a metric (a table's metrics: "
    "block) equals metric_layer.metric_values for the same metric, grain, period and dimension, "
    "row by row. Fails naming the column, the metric and example rows where a mart or "
    "leaderboard shows its own version of a metric.",
)
def published_figures_equal_metric_layer(
    warehouse: DuckDBResource, published: PublishedWarehouse
) -> dg.AssetCheckResult:
    comparisons = compare_published(published.file, warehouse.database, SPEC)
    failed = [c for c in comparisons if not c.passed]
    table = ["| column | metric | rows | differ |", "|---|---|---:|---:|"]
    table += [
        f"| {c.target}.{c.column} | {c.metric} | {c.rows_compared:,} | {c.rows_different:,} |"
        for c in comparisons
    ]
    return dg.AssetCheckResult(
        passed=bool(comparisons) and not failed,
        metadata={
            "columns_compared": len(comparisons),
            "columns_differing": [c.describe() for c in failed],
            "comparison": dg.MetadataValue.md("\n".join(table)),
        },
    )
