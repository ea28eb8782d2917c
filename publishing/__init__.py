"""The published warehouse: a read-only DuckDB file for analysts and BI tools.

``publish`` copies the tables named in ``publication.yml`` from the working warehouse into a new
file, validates it, refuses personal data, and swaps it in atomically; ``rollback`` undoes it.
"""

from publishing.errors import (
    ContractError,
    PersonalDataError,
    PublishError,
    SpecError,
    ValidationError,
)
from publishing.publisher import PublishReport, publish
from publishing.spec import PublicationSpec, TableSpec, load_spec, parse_spec
from publishing.versions import retained_versions, rollback

__all__ = [
    "ContractError",
    "PersonalDataError",
    "PublicationSpec",
    "PublishError",
    "PublishReport",
    "SpecError",
    "TableSpec",
    "ValidationError",
    "load_spec",
    "parse_spec",
    "publish",
    "retained_versions",
    "rollback",
]
