"""The dbt project as Dagster sees it, and the one rule for when its manifest is re-parsed."""

import os
from collections.abc import Iterator
from pathlib import Path

from dagster_dbt import DbtProject

from orchestration.settings import DBT_PROJECT_DIR, apply_defaults

# dbt reads WAREHOUSE_PATH from the environment when parsing, so defaults must be set first.
apply_defaults()

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)

# What a parse reads: a change to any of these makes the manifest stale.
PROJECT_FOLDERS = ("models", "macros", "seeds", "snapshots", "tests", "analyses")
PROJECT_FILES = ("dbt_project.yml", "profiles.yml", "packages.yml", "dependencies.yml")
FORCE_PARSE = "DAGSTER_DBT_PARSE_PROJECT_ON_LOAD"


def project_sources(project_dir: Path) -> Iterator[Path]:
    for name in PROJECT_FILES:
        if (project_dir / name).is_file():
            yield project_dir / name
    for folder in PROJECT_FOLDERS:
        yield from (path for path in (project_dir / folder).rglob("*") if path.is_file())


def manifest_is_stale(project: DbtProject) -> bool:
    """No manifest yet, or a project file changed after it was written."""
    manifest = project.manifest_path
    if not manifest.exists():
        return True
    written = manifest.stat().st_mtime_ns
    return any(path.stat().st_mtime_ns > written for path in project_sources(project.project_dir))


def prepared_manifest() -> Path:
    """The manifest, parsed again only when the project changed (or FORCE_PARSE is set).

    A parse costs ~20 s of CPU, so every process that loads the definitions reuses the manifest
    the last parse wrote; dbt's partial parsing keeps the re-parse after an edit short. `dagster
    dev`'s own rule (re-parse on every load) is replaced by this one.
    """
    if os.getenv(FORCE_PARSE) or manifest_is_stale(dbt_project):
        dbt_project.preparer.prepare(dbt_project)
    return dbt_project.manifest_path
