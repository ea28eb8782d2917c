"""Where files go. Every path moves with an environment variable; defaults sit in ``data/``."""

import os
import sys
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
    # dagster-dbt and MetricFlow start `dbt` by name: the venv's own must come first on PATH.
    venv_bin = str(Path(sys.executable).parent)
    if venv_bin not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = venv_bin + os.pathsep + os.environ.get("PATH", "")
