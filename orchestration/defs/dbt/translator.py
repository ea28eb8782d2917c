"""One translator decides dbt asset keys and groups: keys are ``[schema, name]`` like raw tables."""

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings


class WarehouseTranslator(DagsterDbtTranslator):
    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        # A dbt source is the raw table an ingest asset writes: the same key, so lineage joins.
        return dg.AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        # models/<layer>/<domain>/...: staging by system, marts by domain.
        folders = dbt_resource_props["fqn"][1:-1]
        return "_".join(folders[:2]) if folders else "dbt"


translator = WarehouseTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))
