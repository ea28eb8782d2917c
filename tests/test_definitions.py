"""The Dagster code location loads and exposes every extract, dbt model and check."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from orchestration.definitions import defs as load_definitions
from orchestration.defs.ingest.assets import raw_asset_key
from orchestration.defs.resources import ExtractsFolder
from orchestration.defs.sensors import new_extract_files
from sources.contracts import load_contracts


def test_definitions_load_with_an_asset_per_contract_in_its_department_group():
    defs = load_definitions()
    specs = {spec.key: spec for spec in defs.resolve_all_asset_specs()}
    for contract in load_contracts():
        spec = specs[raw_asset_key(contract)]
        assert spec.group_name == contract.department
    assert defs.resolve_job_def("build_warehouse")


def test_dbt_sources_are_the_ingest_assets_and_dbt_tests_are_checks():
    defs = load_definitions()
    specs = list(defs.resolve_all_asset_specs())
    staging = [s for s in specs if s.key.path[0] == "staging"]
    assert len(staging) >= len(load_contracts())
    ingest_keys = {raw_asset_key(c) for c in load_contracts()}
    upstream = {dep.asset_key for s in staging for dep in s.deps}
    assert upstream <= ingest_keys | {s.key for s in staging}
    assert upstream & ingest_keys
    check_keys = defs.resolve_asset_graph().asset_check_keys
    assert any(c.asset_key.path[0] == "staging" for c in check_keys)


def test_sensor_requests_a_run_for_new_files_once(tmp_path: Path):
    drop = tmp_path / "crm" / "deals"
    drop.mkdir(parents=True)
    (drop / "2025-11-03.csv").write_text("deal_id\n")
    resources = {"extracts": ExtractsFolder(directory=str(tmp_path))}
    with dg.build_sensor_context(resources=resources) as context:
        assert isinstance(new_extract_files(context), dg.RunRequest)
        assert isinstance(new_extract_files(context), dg.SkipReason)
        (drop / "2025-11-10.csv").write_text("deal_id\n")
        assert isinstance(new_extract_files(context), dg.RunRequest)
