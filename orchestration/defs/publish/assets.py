"""The published warehouse: one read-only DuckDB file for analysts and BI tools.

What it holds is ``publishing/publication.yml`` (the BI contract). The asset depends on every
table the spec reads, keyed ``[schema, table]`` like the ingest and dbt assets, so enabling a table
in the spec is all it takes for the asset to wait for the model that builds it.
"""

import json
from pathlib import Path

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource

from expectations.verdicts import PUBLISHABLE
from orchestration.defs.ingest.assets import WRITER_POOL
from orchestration.defs.publish.resources import PublishedWarehouse
from publishing import (
    PublicationSpec,
    PublishError,
    PublishReport,
    load_spec,
    publish,
    rollback,
)

PUBLISHED_METRICS = dg.AssetKey(["published", "metrics_duckdb"])
NO_BLOCKED_METRIC_VALUES = "no_blocked_metric_values"
METRIC_VALUES = "metric_layer.metric_values"
GATE_STATUS = "gate.metric_status"


def tables_read(*queries: str) -> set[tuple[str, str]]:
    """Every schema-qualified table the selects read, from DuckDB's own parse tree.

    Unqualified names are CTEs (or the working warehouse's main schema, which holds nothing). One
    connection parses them all: opening one costs about 0.1 s, paid by every load of the
    definitions.
    """
    with duckdb.connect() as connection:
        trees = [
            json.loads(connection.execute("select json_serialize_sql(?)", [sql]).fetchall()[0][0])
            for sql in queries
        ]
    found: set[tuple[str, str]] = set()
    for sql, tree in zip(queries, trees, strict=True):
        if tree.get("error"):
            raise ValueError(f"cannot parse {sql!r}: {tree.get('error_message')}")
        pending: list[object] = [tree]
        while pending:
            node = pending.pop()
            if isinstance(node, dict):
                if node.get("type") == "BASE_TABLE" and node.get("schema_name"):
                    found.add((node["schema_name"], node["table_name"]))
                pending.extend(node.values())
            elif isinstance(node, list):
                pending.extend(node)
    return found


def upstream_keys(spec: PublicationSpec) -> list[dg.AssetKey]:
    """The assets whose tables a publish copies (enabled tables) or scans for person names."""
    queries = [t.source_sql for t in spec.tables] + [source.sql for source in spec.name_sources]
    return sorted({dg.AssetKey([s, t]) for s, t in tables_read(*queries)})


SPEC = load_spec()


@dg.asset(
    key=PUBLISHED_METRICS,
    group_name="metric_layer",
    deps=upstream_keys(SPEC),
    kinds={"duckdb"},
    owners=["team:data-platform"],
    pool=WRITER_POOL,
    description="The read-only DuckDB file analysts and BI tools open (PUBLISHED_PATH): the "
    "tables of publishing/publication.yml, checked against their contract and for personal data, "
    "written in DuckDB 1.1's storage format and swapped in atomically. A refused publish keeps "
    "the previous file.",
    metadata={
        "spec": dg.MetadataValue.path("publishing/publication.yml"),
        "published_tables": [t.target for t in SPEC.tables],
        "disabled_in_spec": list(SPEC.skipped),
    },
    check_specs=[
        dg.AssetCheckSpec(
            NO_BLOCKED_METRIC_VALUES,
            asset=PUBLISHED_METRICS,
            blocking=True,
            description=f"The published {METRIC_VALUES} holds only metrics {GATE_STATUS} "
            "certifies or exempts. Should a blocked metric slip through (a wrong spec), the "
            "previous version is put back and the run fails.",
        )
    ],
)
def metrics_duckdb(
    context: dg.AssetExecutionContext, warehouse: DuckDBResource, published: PublishedWarehouse
) -> dg.MaterializeResult:
    # publish() opens the working file read-only itself; this step opens nothing else.
    try:
        report = publish(
            warehouse.database,
            published.file,
            SPEC,
            keep_versions=published.keep_versions,
            run_id=context.run_id,
        )
    except PublishError as error:
        raise dg.Failure(
            description=f"publish refused, {published.file} is unchanged: {error}",
            metadata={"published_path": dg.MetadataValue.path(str(published.file))},
        ) from error
    leaked, checked = metrics_not_certified(report.published_path, warehouse.database)
    if leaked:
        restored = rollback(report.published_path)
        raise dg.Failure(
            description=f"{report.version} published values of metrics the gate did not certify "
            f"({', '.join(leaked)}); rolled back to {restored.name}",
            metadata={"metrics_not_certified": leaked},
        )
    context.log.info(
        f"published {report.version} to {report.published_path}: "
        f"{sum(report.row_counts.values()):,} rows in {len(report.row_counts)} tables, "
        f"{report.file_size_bytes / 1e6:.1f} MB in {report.duration_seconds:.2f}s"
    )
    return dg.MaterializeResult(
        metadata=report_metadata(report, SPEC),
        check_results=[
            dg.AssetCheckResult(
                check_name=NO_BLOCKED_METRIC_VALUES,
                passed=True,
                metadata={"metrics_published": checked if checked is not None else "not published"},
            )
        ],
    )


def metrics_not_certified(published_path: Path, working_path: str) -> tuple[list[str], int | None]:
    """Metrics in the published values without a certified or exempt verdict, and how many
    metrics the file has values for (None when it publishes no metric values)."""
    with duckdb.connect(str(published_path), read_only=True) as connection:
        schema, table = METRIC_VALUES.split(".")
        published = connection.execute(
            "select count(*) from duckdb_tables() where schema_name = ? and table_name = ?",
            [schema, table],
        ).fetchall()[0][0]
        if not published:
            return [], None
        quoted = str(working_path).replace("'", "''")
        connection.execute(f"attach '{quoted}' as working_warehouse (read_only)")
        rows = connection.execute(
            f"""
            select published.metric_name, metric_status.status
            from (select distinct metric_name from {METRIC_VALUES}) published
            left join working_warehouse.{GATE_STATUS} using (metric_name)
            """
        ).fetchall()
    leaked = sorted(name for name, status in rows if status not in PUBLISHABLE)
    return leaked, len(rows)


def report_metadata(report: PublishReport, spec: PublicationSpec) -> dict[str, object]:
    descriptions = {t.target: t.description for t in spec.tables}
    table = ["| table | rows | description |", "|---|---:|---|"]
    table += [
        f"| {name} | {count:,} | {descriptions.get(name, '')} |"
        for name, count in report.row_counts.items()
    ]
    return {
        "published_path": dg.MetadataValue.path(str(report.published_path)),
        "version": report.version,
        "tables": dg.MetadataValue.md("\n".join(table)),
        "dagster/row_count": sum(report.row_counts.values()),
        **{f"rows/{name}": count for name, count in report.row_counts.items()},
        "file_size_bytes": report.file_size_bytes,
        "file_size_mb": round(report.file_size_bytes / 1e6, 2),
        "duration_seconds": report.duration_seconds,
        "retained_versions": [path.name for path in report.retained_versions],
        "storage_version": report.storage_version,
        "disabled_in_spec": list(report.skipped_tables),
        "source_sha256": report.source_sha256,
        "spec_sha256": report.spec_sha256,
    }
