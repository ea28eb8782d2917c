"""Where files go. Every path moves with an environment variable; defaults sit in ``data/``."""

import os
import sys
from functools import cache
from pathlib import Path

import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"

DEFAULTS = {
    "EXTRACTS_DIR": PROJECT_ROOT / "data" / "extracts",
    "WAREHOUSE_PATH": PROJECT_ROOT / "data" / "warehouse" / "warehouse.duckdb",
    "PUBLISHED_PATH": PROJECT_ROOT / "data" / "published" / "metrics.duckdb",
}


@cache
def _working_profile() -> dict:
    """dbt's profile for the working warehouse (target ``dev``)."""
    profiles = yaml.safe_load((DBT_PROJECT_DIR / "profiles.yml").read_text())
    return profiles["shared_metrics"]["outputs"]["dev"]


def working_storage_version() -> str:
    """The DuckDB storage format of the working warehouse: the one dbt's profile declares, so
    every writer (ingest first, on a fresh machine) creates the file readable by the same DuckDB."""
    return _working_profile()["config_options"]["storage_compatibility_version"]


def working_connection_config() -> dict[str, object]:
    """What a writer of the working warehouse connects with: its storage format and DuckDB's
    memory limit and threads, as dbt's profile declares them (one place for all three)."""
    return {
        "storage_compatibility_version": working_storage_version(),
        **_working_profile()["settings"],
    }


def apply_defaults() -> None:
    """Fill unset path variables with their defaults, so dbt and Dagster resolve the same files."""
    for name, default in DEFAULTS.items():
        os.environ.setdefault(name, str(default))
    # dagster-dbt and MetricFlow start `dbt` by name: the venv's own must come first on PATH.
    venv_bin = str(Path(sys.executable).parent)
    if venv_bin not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = venv_bin + os.pathsep + os.environ.get("PATH", "")
