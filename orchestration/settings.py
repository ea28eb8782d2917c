"""Where files go. Every path moves with an environment variable; defaults sit in ``data/``."""

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"

DEFAULTS = {
    "EXTRACTS_DIR": PROJECT_ROOT / "data" / "extracts",
    "WAREHOUSE_PATH": PROJECT_ROOT / "data" / "warehouse" / "warehouse.duckdb",
    "PUBLISHED_PATH": PROJECT_ROOT / "data" / "published" / "metrics.duckdb",
}


def apply_defaults() -> None:
    """Fill unset path variables with their defaults, so dbt and Dagster resolve the same files."""
    for name, default in DEFAULTS.items():
        os.environ.setdefault(name, str(default))
