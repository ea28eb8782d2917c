"""The dbt project as Dagster sees it."""

from dagster_dbt import DbtProject

from orchestration.settings import DBT_PROJECT_DIR, apply_defaults

# dbt reads WAREHOUSE_PATH from the environment when parsing, so defaults must be set first.
apply_defaults()

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
dbt_project.prepare_if_dev()
