"""Resources shared by every asset. Paths come from environment variables (see ``settings``)."""

import sys
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource
from dagster_duckdb import DuckDBResource

from orchestration.defs.dbt.project import dbt_project
from orchestration.settings import apply_defaults, working_storage_version

apply_defaults()


class ExtractsFolder(dg.ConfigurableResource):
    """The folder where department systems drop their extract files."""

    directory: str

    @property
    def path(self) -> Path:
        return Path(self.directory)


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(
        resources={
            "warehouse": DuckDBResource(
                database=dg.EnvVar("WAREHOUSE_PATH"),
                connection_config={"storage_compatibility_version": working_storage_version()},
            ),
            "extracts": ExtractsFolder(directory=dg.EnvVar("EXTRACTS_DIR")),
            "dbt": DbtCliResource(
                project_dir=dbt_project,
                profiles_dir=dbt_project.project_dir,
                # The venv's dbt, whether or not the venv's bin is on PATH.
                dbt_executable=str(Path(sys.executable).parent / "dbt"),
            ),
        },
        # The warehouse is one DuckDB file and only one process may write it: steps run one
        # after another in the run's process, so ingest connections and dbt never meet.
        executor=dg.in_process_executor,
    )
