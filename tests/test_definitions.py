"""The Dagster code location: every extract, dbt model and check, as Dagster's users expect."""

from __future__ import annotations

import collections
import json
import os
from pathlib import Path

import dagster as dg
import pytest
from dagster_dbt import DbtProject

from orchestration.definitions import defs as load_definitions
from orchestration.defs.dbt.project import dbt_project, manifest_is_stale
from orchestration.defs.ingest.assets import raw_asset_key
from orchestration.defs.ingest.partitions import EXTRACT_DROPS
from orchestration.defs.publish.assets import PUBLISHED_METRICS
from orchestration.defs.resources import ExtractsFolder
from orchestration.defs.sensors import FAILURE_TAG_PREFIX, new_extract_files, record_run_failure
from sources.contracts import load_contracts


@pytest.fixture(scope="module")
def defs() -> dg.Definitions:
    return load_definitions()


@pytest.fixture(scope="module")
def specs(defs) -> dict[dg.AssetKey, dg.AssetSpec]:
    return {spec.key: spec for spec in defs.resolve_all_asset_specs()}


def test_definitions_load_with_an_asset_per_contract_in_its_department_group(defs, specs):
    for contract in load_contracts():
        spec = specs[raw_asset_key(contract)]
        assert spec.group_name == contract.department
        assert spec.owners == [f"team:{contract.department}"]
    assert defs.resolve_job_def("build_warehouse")


def test_a_handful_of_groups_none_of_one_asset_and_every_asset_owned(specs):
    sizes = collections.Counter(spec.group_name for spec in specs.values())
    assert len(sizes) <= 10, sizes
    assert min(sizes.values()) > 1, sizes
    assert not [key for key, spec in specs.items() if not spec.owners]


def test_models_are_owned_by_the_teams_whose_metrics_stand_on_them(specs):
    manifest = json.loads(dbt_project.manifest_path.read_text())
    metric = next(m for m in manifest["metrics"].values() if m["type"] == "simple")
    semantic_model = manifest["semantic_models"][metric["depends_on"]["nodes"][0]]
    model = manifest["nodes"][semantic_model["depends_on"]["nodes"][0]]
    key = dg.AssetKey([model["schema"], model["alias"]])
    assert f"team:{metric['meta']['owner_team']}" in specs[key].owners


def test_dbt_descriptions_carry_no_pasted_sql(specs):
    dbt_specs = [s for s in specs.values() if "dbt" in s.kinds]
    assert dbt_specs
    assert not [s.key for s in dbt_specs if "```" in (s.description or "")]


def test_dbt_sources_are_the_ingest_assets_and_dbt_tests_are_checks(defs, specs):
    staging = [s for s in specs.values() if s.key.path[0] == "staging"]
    assert len(staging) >= len(load_contracts())
    ingest_keys = {raw_asset_key(c) for c in load_contracts()}
    upstream = {dep.asset_key for s in staging for dep in s.deps}
    assert upstream <= ingest_keys | {s.key for s in staging}
    assert upstream & ingest_keys
    check_keys = defs.resolve_asset_graph().asset_check_keys
    assert any(c.asset_key.path[0] == "staging" for c in check_keys)
    # Source tests are checks of the ingest assets (not loose observations), and every dbt test,
    # singular ones reading several models included, is a check of exactly one asset.
    source_checks = {c for c in check_keys if c.name.startswith("source_")}
    assert {c.asset_key for c in source_checks} == ingest_keys
    manifest = json.loads(dbt_project.manifest_path.read_text())
    known = manifest["nodes"].keys() | manifest["sources"].keys()
    tests = {
        node["name"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "test" and set(node["depends_on"]["nodes"]) <= known
    }
    assert tests <= {c.name for c in check_keys}


def test_freshness_checks_on_every_extract_and_the_published_file_not_inside_builds(defs):
    check_keys = defs.resolve_asset_graph().asset_check_keys
    fresh = {c.asset_key for c in check_keys if c.name == "freshness_check"}
    assert {raw_asset_key(c) for c in load_contracts()} | {PUBLISHED_METRICS} <= fresh
    build = defs.resolve_job_def("build_warehouse")
    in_build = {key for data in build.asset_layer.data for key in data.assets_def.check_keys}
    assert in_build and not [c for c in in_build if c.name == "freshness_check"]
    assert defs.resolve_sensor_def("freshness_checks_sensor")


def test_ingest_job_loads_extracts_only_with_retries_for_passing_failures(defs):
    job = defs.resolve_job_def("ingest_extracts")
    ingest_keys = {raw_asset_key(c) for c in load_contracts()}
    assert job.asset_layer.selected_asset_keys == ingest_keys
    for key in ingest_keys:
        assert defs.resolve_assets_def(key).op.retry_policy.max_retries >= 1
        assert defs.resolve_assets_def(key).partitions_def == EXTRACT_DROPS


def test_sensor_requests_a_run_for_new_files_once_and_registers_their_drops(tmp_path: Path):
    drop = tmp_path / "crm" / "deals"
    drop.mkdir(parents=True)
    (drop / "2025-11-03.csv").write_text("deal_id\n")
    resources = {"extracts": ExtractsFolder(directory=str(tmp_path))}
    with dg.instance_for_test() as instance:
        context = dg.build_sensor_context(instance=instance, resources=resources)
        first = new_extract_files(context)
        assert len(first.run_requests) == 1
        # The sensor adds the drop dates as ingest partitions; Dagster applies the request.
        assert [r.partition_keys for r in first.dynamic_partitions_requests] == [["2025-11-03"]]
        instance.add_dynamic_partitions(EXTRACT_DROPS.name, ["2025-11-03"])
        assert isinstance(new_extract_files(context), dg.SkipReason)
        (drop / "2025-11-10.csv").write_text("deal_id\n")
        second = new_extract_files(context)
        assert len(second.run_requests) == 1
        assert [r.partition_keys for r in second.dynamic_partitions_requests] == [["2025-11-10"]]


@dg.op
def load_a_broken_drop():
    raise dg.Failure(description="crm/deals/2025-11-03.csv, line 4: unterminated quote")


@dg.job
def job_that_fails():
    load_a_broken_drop()


def test_failure_sensor_records_which_step_failed_and_why():
    with dg.instance_for_test() as instance:
        result = job_that_fails.execute_in_process(instance=instance, raise_on_error=False)
        failure = next(e for e in result.all_events if e.event_type_value == "PIPELINE_FAILURE")
        context = dg.build_run_status_sensor_context(
            sensor_name=record_run_failure.name,
            dagster_instance=instance,
            dagster_run=result.dagster_run,
            dagster_event=failure,
        ).for_run_failure()
        record_run_failure(context)
        tags = instance.get_run_by_id(result.run_id).tags
    assert tags[f"{FAILURE_TAG_PREFIX}steps"] == "load_a_broken_drop"
    assert "unterminated quote" in tags[f"{FAILURE_TAG_PREFIX}why"]


def test_manifest_is_parsed_again_only_when_the_project_changed(tmp_path: Path):
    (tmp_path / "dbt_project.yml").write_text("name: p\n")
    model = tmp_path / "models" / "a.sql"
    model.parent.mkdir()
    model.write_text("select 1\n")
    project = DbtProject(project_dir=tmp_path)
    assert manifest_is_stale(project)  # no manifest yet
    project.manifest_path.parent.mkdir()
    project.manifest_path.write_text("{}")
    later = project.manifest_path.stat().st_mtime_ns + 1_000_000_000
    os.utime(project.manifest_path, ns=(later, later))
    assert not manifest_is_stale(project)
    os.utime(model, ns=(later + 1, later + 1))
    assert manifest_is_stale(project)
