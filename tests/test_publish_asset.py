"""The published-warehouse asset in Dagster: built with the warehouse, read safely during a rebuild.

The session's vendor-door company (``conftest.vendor_two_drop_build``: the demo company as vendor
files, its last weekly drop held back) is built in process with the ``build_warehouse`` job; a
second run loads the held-back drop and republishes while eight reader processes query the
published file. Tests of the first build read a copy taken right after it.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from dagster_duckdb import DuckDBResource
from published_files import published_contents
from vendor_company import READERS

from expectations.verdicts import PUBLISHABLE
from orchestration.definitions import defs as load_definitions
from orchestration.defs.dbt.project import prepared_manifest
from orchestration.defs.publish.assets import (
    NO_BLOCKED_METRIC_VALUES,
    PUBLISHED_METRICS,
    metrics_duckdb,
    tables_read,
)
from orchestration.defs.publish.resources import PublishedWarehouse
from publishing import load_spec
from publishing.versions import retained_versions


@pytest.fixture(scope="module")
def env(vendor_two_drop_build):
    """The working and published files as the first build left them (a copy)."""
    first = vendor_two_drop_build.first
    return {"working": first.warehouse, "published": first.published}


@pytest.fixture(scope="module")
def first_build(vendor_two_drop_build) -> dg.ExecuteInProcessResult:
    return vendor_two_drop_build.first_result


def publication(published: Path) -> tuple[str, dict[str, int]]:
    with duckdb.connect(str(published), read_only=True) as connection:
        rows = connection.execute(
            "select version, table_name, row_count from publication"
        ).fetchall()
    assert len({version for version, _, _ in rows}) == 1
    return rows[0][0], {table: count for _, table, count in rows}


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_publish_asset_waits_for_every_table_the_spec_reads():
    defs = load_definitions()
    specs = {spec.key: spec for spec in defs.resolve_all_asset_specs()}
    asset = specs[PUBLISHED_METRICS]
    assert asset.group_name == "metric_layer"  # beside the metric layer it publishes
    deps = {dep.asset_key for dep in asset.deps}
    spec = load_spec()
    for table in spec.tables:
        for schema, name in tables_read(table.source_sql):
            assert dg.AssetKey([schema, name]) in deps, table.target
    # Every table the spec reads is built by an asset of this code location, not a stub.
    assert deps <= {key for key, s in specs.items() if key != PUBLISHED_METRICS}
    assert metrics_duckdb.op.pool == "duckdb_writer"


def test_exposure_lists_every_dbt_model_the_published_file_reads_and_has_an_owner():
    # The manifest the Dagster definitions are built from (parsed again if the project changed).
    manifest = json.loads(prepared_manifest().read_text())
    models = {
        (node["schema"], node["alias"]): unique_id
        for unique_id, node in manifest["nodes"].items()
        if node["resource_type"] == "model"
    }
    read = {key for table in load_spec().tables for key in tables_read(table.source_sql)}
    exposure = manifest["exposures"]["exposure.shared_metrics.published_metrics_duckdb"]
    assert set(exposure["depends_on"]["nodes"]) == {models[key] for key in read if key in models}
    for name, each in manifest["exposures"].items():
        assert each["owner"].get("email") and each["owner"].get("name"), name


def test_tables_read_finds_joins_and_subqueries_but_not_ctes():
    sql = """
        with recent as (select * from marts.mrr)
        select v.* from metric_layer.metric_values v
        join gate.metric_status s using (metric_name)
        where s.metric_name in (select metric_name from metric_layer.metric_catalog)
          and exists (select 1 from recent)
    """
    assert tables_read(sql) == {
        ("marts", "mrr"),
        ("metric_layer", "metric_values"),
        ("gate", "metric_status"),
        ("metric_layer", "metric_catalog"),
    }


def test_build_publishes_every_spec_table_with_the_working_row_counts(env, first_build):
    spec = load_spec()
    [materialization] = first_build.asset_materializations_for_node("published__metrics_duckdb")
    metadata = materialization.metadata
    version, counts = publication(env["published"])
    assert set(counts) == {table.target for table in spec.tables}
    assert metadata["version"].value == version
    assert metadata["file_size_bytes"].value == env["published"].stat().st_size
    assert metadata["dagster/row_count"].value == sum(counts.values())
    with duckdb.connect(str(env["working"]), read_only=True) as working:
        for table in spec.tables:
            source = working.execute(f"select count(*) from ({table.source_sql})").fetchall()
            assert counts[table.target] == source[0][0], table.target
    # BI tools see schemas named for what they hold, never one named like the file.
    schemas = {target.split(".")[0] for target in counts}
    assert "metrics" not in schemas


def test_published_file_holds_no_blocked_metric_values(env, first_build):
    if "metric_layer.metric_values" not in {table.target for table in load_spec().tables}:
        pytest.skip("metric_layer.metric_values is disabled in publishing/publication.yml")
    with duckdb.connect(str(env["working"]), read_only=True) as working:
        verdicts = dict(
            working.execute("select metric_name, status from gate.metric_status").fetchall()
        )
        computed = {
            name
            for (name,) in working.execute(
                "select distinct metric_name from metric_layer.metric_values"
            ).fetchall()
        }
    with duckdb.connect(str(env["published"]), read_only=True) as published:
        values = {
            name
            for (name,) in published.execute(
                "select distinct metric_name from metric_layer.metric_values"
            ).fetchall()
        }
        catalog = dict(
            published.execute(
                "select metric_name, gate_status from metric_layer.metric_catalog"
            ).fetchall()
        )
    blocked = {name for name, status in verdicts.items() if status == "blocked"}
    publishable = {name for name, status in verdicts.items() if status in PUBLISHABLE}
    assert blocked and values, "the demo company has both blocked and certified metrics"
    assert not values & blocked
    assert values == publishable & computed  # every certified metric with values is published
    assert catalog == verdicts  # the catalog shows every verdict, blocked ones included
    check = next(
        e
        for e in first_build.get_asset_check_evaluations()
        if e.check_name == NO_BLOCKED_METRIC_VALUES
    )
    assert check.passed


def test_every_dbt_asset_carries_its_columns_and_every_table_its_row_count(env, first_build):
    materializations = first_build.asset_materializations_for_node("warehouse_dbt_assets")
    assert materializations
    counted = 0
    with duckdb.connect(str(env["working"]), read_only=True) as working:
        for materialization in materializations:
            schema, name = materialization.asset_key.path[-2:]
            columns = materialization.metadata["dagster/column_schema"].value.columns
            described = working.execute(f'describe "{schema}"."{name}"').fetchall()
            assert [(c.name, c.type) for c in columns] == [(r[0], r[1]) for r in described]
            if "dagster/row_count" in materialization.metadata:
                rows = working.execute(f'select count(*) from "{schema}"."{name}"').fetchall()
                assert materialization.metadata["dagster/row_count"].value == rows[0][0]
                counted += 1
    assert counted > len(materializations) / 2  # tables are counted; views are not


def test_a_new_drop_rebuilds_every_table_but_leaves_the_unchanged_views(vendor_two_drop_build):
    """The drop changed data, not SQL: the second build re-creates no view (build_state) and
    rebuilds everything else; ``test_two_builds_of_the_same_files_publish_identical_contents``
    proves it publishes what one build of every file does."""

    def built(result) -> set[tuple[str, ...]]:
        materialized = result.asset_materializations_for_node("warehouse_dbt_assets")
        return {tuple(m.asset_key.path[-2:]) for m in materialized}

    with duckdb.connect(str(vendor_two_drop_build.build.warehouse), read_only=True) as working:
        views = set(
            working.execute(
                "select schema_name, view_name from duckdb_views() where not internal"
            ).fetchall()
        )
    first = built(vendor_two_drop_build.first_result)
    second = built(vendor_two_drop_build.second_result)
    assert views and views <= first
    assert second == first - views


def test_readers_never_fail_or_see_a_mix_while_the_warehouse_rebuilds(vendor_two_drop_build):
    build, during = vendor_two_drop_build.build, vendor_two_drop_build.readers
    first_version, first_counts = publication(vendor_two_drop_build.first.published)
    outcomes = during.outcomes

    second_version, second_counts = publication(build.published)
    reads = sum(reads for reads, _, _ in outcomes)
    errors = [error for _, reader_errors, _ in outcomes for error in reader_errors]
    versions_read = set().union(*(versions for _, _, versions in outcomes))
    print(
        f"\nrebuild and publish in {during.rebuild_seconds:.1f}s while {READERS} readers made"
        f" {reads} consistent reads of versions {sorted(versions_read)}"
    )
    assert errors == []
    assert second_version != first_version
    assert second_counts != first_counts  # the new drop changed the published numbers
    assert {first_version, second_version} <= versions_read
    assert all(reads > 0 for reads, _, _ in outcomes)
    assert first_version in {
        path.name.rsplit(".", 1)[-1] for path in retained_versions(build.published)
    }


def test_a_refused_publish_keeps_the_previous_file(env, tmp_path):
    # A private copy of the first build: this test changes the warehouse and publishes.
    working = tmp_path / "warehouse" / env["working"].name
    published = tmp_path / "published" / env["published"].name
    for source, target in ((env["working"], working), (env["published"], published)):
        shutil.copytree(source.parent, target.parent)
    before_sha, (before_version, _) = file_sha256(published), publication(published)
    resources = {
        "warehouse": DuckDBResource(database=str(working)),
        "published": PublishedWarehouse(path=str(published)),
    }
    # A mart drifts from the BI contract: the column's type changes under it.
    with duckdb.connect(str(working)) as connection:
        connection.execute(
            "alter table marts.mrr alter column active_subscription_count type bigint"
        )
    try:
        result = dg.materialize([metrics_duckdb], resources=resources, raise_on_error=False)
    finally:
        with duckdb.connect(str(working)) as connection:
            connection.execute(
                "alter table marts.mrr alter column active_subscription_count type integer"
            )
    assert not result.success
    failure = next(event for event in result.all_events if event.is_step_failure)
    message = failure.step_failure_data.error.message
    assert "marts.mrr.active_subscription_count" in message and "unchanged" in message
    assert file_sha256(published) == before_sha
    assert publication(published)[0] == before_version
    assert not list(published.parent.glob("*.building-*"))

    # Once the source agrees with the contract again, the next publish goes through.
    assert dg.materialize([metrics_duckdb], resources=resources).success
    assert publication(published)[0] != before_version


def test_two_builds_of_the_same_files_publish_identical_contents(vendor_two_drop_build, demo_build):
    """The vendor-door company, loaded in two drops and rebuilt (the readers test), against
    ``make demo`` of the canonical files at once: every published value is the same, bit for bit."""
    build = vendor_two_drop_build.build
    assert not list(vendor_two_drop_build.held_back.rglob("*.*")), "the last drop was loaded"
    ours, theirs = published_contents(build.published), published_contents(demo_build.published)
    assert set(ours) == set(theirs)
    differing = [table for table in ours if ours[table] != theirs[table]]
    assert differing == []
