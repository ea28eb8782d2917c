"""Resources shared by every asset. Paths come from environment variables (see ``settings``)."""

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
from dagster_dbt import DbtCliResource
from dagster_duckdb import DuckDBResource

from orchestration.defs.dbt.project import dbt_project
from orchestration.settings import apply_defaults, working_connection_config

apply_defaults()


class WarehouseDuckDB(DuckDBResource):
    """The working warehouse; its connection is closed when a step fails, too.

    DuckDBResource closes only after a clean exit; a failed step's connection lived on, and DuckDB
    refuses any other connection in the process with other settings (read-only readers) meanwhile.
    """

    @contextmanager
    def get_connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        connection = super().get_connection().__enter__()
        try:
            yield connection
        finally:
            connection.close()


class WarehouseDbtCli(DbtCliResource):
    """dagster-dbt's dbt CLI without the dbt adapter it otherwise loads in this process per build.

    Loading it (dbt's project, profile and adapter) cost ~3.4 s of every build, and it serves only
    dagster-dbt's column and row-count fetches, which this project does not use: the relations'
    metadata is read from the warehouse after dbt exits (``defs/dbt/metadata.py``). Without it, no
    dbt connection to the warehouse lives on in this process while the next steps write it.
    """

    def _initialize_dbt_core_adapter(self, args):
        return None


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
            "warehouse": WarehouseDuckDB(
                database=dg.EnvVar("WAREHOUSE_PATH"),
                connection_config=working_connection_config(),
            ),
            "extracts": ExtractsFolder(directory=dg.EnvVar("EXTRACTS_DIR")),
            "dbt": WarehouseDbtCli(
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
