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
