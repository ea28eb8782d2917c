"""One translator decides dbt asset keys, groups, owners and descriptions.

Keys are ``[schema, name]`` like raw tables. Groups follow layer and domain: a department's raw
extracts and their staging views together, then the shared core, the marts, the metric layer and
the revenue gate. Owners come from meta: the node's own, else the teams owning the metrics defined
on it, else the department whose extracts a staging view reads, else the data platform team.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings
from dagster_dbt.asset_utils import default_description_fn

from sources.contracts import load_contracts

PLATFORM_TEAM = "team:data-platform"
# models/<folder>/... → group; staging goes to its system's department instead.
GROUP_OF_LAYER = {
    "intermediate": "core",
    "metrics": "metric_layer",
    "gate": "quality",
}
GROUP_OF_MART_DOMAIN = {"core": "core"}
MARTS_GROUP = "marts"
SEEDS_GROUP = "core"


def team(name: str) -> str:
    return name if name.startswith("team:") or "@" in name else f"team:{name}"


def department_of_system() -> dict[str, str]:
    return {contract.system: contract.department for contract in load_contracts()}


def metric_teams_by_model(manifest: Mapping[str, Any]) -> dict[str, set[str]]:
    """Model unique id → teams owning a metric computed from it (derived metrics followed down)."""
    metrics = manifest.get("metrics", {})
    semantic_models = manifest.get("semantic_models", {})

    def models_under(unique_id: str, seen: set[str]) -> set[str]:
        if unique_id in seen:
            return set()
        seen.add(unique_id)
        node = metrics.get(unique_id) or semantic_models.get(unique_id)
        if node is None:
            return {unique_id} if unique_id.startswith("model.") else set()
        found: set[str] = set()
        for parent in node["depends_on"]["nodes"]:
            found |= models_under(parent, seen)
        return found

    teams: dict[str, set[str]] = {}
    for unique_id, metric in metrics.items():
        owner = (metric.get("meta") or {}).get("owner_team")
        if owner:
            for model in models_under(unique_id, set()):
                teams.setdefault(model, set()).add(team(owner))
    return teams


class WarehouseTranslator(DagsterDbtTranslator):
    def __init__(self, manifest_path: Path, settings: DagsterDbtTranslatorSettings):
        super().__init__(settings=settings)
        self._manifest_path = manifest_path

    @cached_property
    def _metric_teams(self) -> dict[str, set[str]]:
        return metric_teams_by_model(json.loads(self._manifest_path.read_text()))

    @cached_property
    def _departments(self) -> dict[str, str]:
        return department_of_system()

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        # A dbt source is the raw table an ingest asset writes: the same key, so lineage joins.
        return dg.AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        folders = dbt_resource_props["fqn"][1:-1]
        if dbt_resource_props["resource_type"] == "seed" or not folders:
            return SEEDS_GROUP
        layer, domain = folders[0], (folders[1:] or [""])[0]
        if layer == "staging":
            return self._departments.get(domain, layer)
        if layer == "marts":
            return GROUP_OF_MART_DOMAIN.get(domain, MARTS_GROUP)
        return GROUP_OF_LAYER.get(layer, layer)

    def get_owners(self, dbt_resource_props: Mapping[str, Any]) -> list[str]:
        meta = dbt_resource_props.get("meta") or {}
        declared = (meta.get("dagster") or {}).get("owners") or meta.get("owner_team")
        if declared:
            return [team(name) for name in ([declared] if isinstance(declared, str) else declared)]
        metric_teams = self._metric_teams.get(dbt_resource_props["unique_id"])
        if metric_teams:
            return sorted(metric_teams)
        group = self.get_group_name(dbt_resource_props)
        return [team(group)] if group in self._departments.values() else [PLATFORM_TEAM]

    def get_description(self, dbt_resource_props: Mapping[str, Any]) -> str:
        # The SQL is one click away in the asset's code reference; pasted, it buries the prose.
        return default_description_fn(dbt_resource_props, display_raw_sql=False)


def build_translator(manifest_path: Path) -> WarehouseTranslator:
    return WarehouseTranslator(
        manifest_path,
        settings=DagsterDbtTranslatorSettings(
            enable_asset_checks=True,
            # Tests on sources are checks of the ingest assets, not loose observations.
            enable_source_tests_as_checks=True,
            enable_code_references=True,
        ),
    )
