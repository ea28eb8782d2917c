"""The published file: ``PUBLISHED_PATH`` (default in ``orchestration.settings``)."""

from pathlib import Path

import dagster as dg

from orchestration.settings import apply_defaults

apply_defaults()


class PublishedWarehouse(dg.ConfigurableResource):
    """The read-only DuckDB file analysts and BI tools open, and how many old versions to keep."""

    path: str
    keep_versions: int = 3

    @property
    def file(self) -> Path:
        return Path(self.path)


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(
        resources={"published": PublishedWarehouse(path=dg.EnvVar("PUBLISHED_PATH"))},
    )
