"""The dbt project as Dagster sees it."""

import os

from dagster_dbt import DbtProject

from orchestration.settings import DBT_PROJECT_DIR, apply_defaults

# dbt reads WAREHOUSE_PATH from the environment when parsing, so defaults must be set first.
apply_defaults()

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
# `dagster dev` re-parses on load by itself. Elsewhere (make demo, tests, CI on a fresh clone, where
# no manifest exists yet) parse when asked to or when the manifest is missing.
if os.getenv("DAGSTER_DBT_PARSE_PROJECT_ON_LOAD") or not dbt_project.manifest_path.exists():
    dbt_project.preparer.prepare(dbt_project)
else:
    dbt_project.prepare_if_dev()
