"""Which views a dbt build may leave alone: those unchanged since the last build that succeeded.

A weekly drop changes data, not SQL, and a view holds no data: re-creating every view (31 of them,
about 6 s of a build at scale 10) bought nothing. After a build succeeds its manifest is kept beside
the warehouse file; the next build excludes the views dbt's own state comparison finds unmodified
(``state:unmodified``: same SQL, config, relation and macros), provided every view of that manifest
is still in the warehouse (a new or replaced file gets all of its views). The views' tests still
run, and every table and incremental model is built as before.

The same folder keeps that build's partial parse: dbt parses the whole project again (about 10 s)
when its profile differs from the one the parse was made with, as it does for any warehouse path
but the one the project's shared parse saw (the tests' and the benchmarks' folders).

Only on engines that bind a view's SQL when it is queried (DuckDB): a view there survives the
rebuild of the tables it reads, even one whose columns changed. Engines whose table rebuild drops
dependent views (Postgres' ``drop ... cascade``) re-create every view, as before.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import duckdb

UNCHANGED_VIEWS = "config.materialized:view,state:unmodified"
PARTIAL_PARSE = "partial_parse.msgpack"
ADAPTERS_BINDING_VIEWS_ON_QUERY = {"duckdb"}


def state_dir(warehouse_path: Path) -> Path:
    """Where the manifest of the last successful build on this warehouse file is kept."""
    return warehouse_path.with_name(f"{warehouse_path.name}.dbt_state")


def partial_parse_for(warehouse_path: Path, shared: Path) -> Path | None:
    """The partial parse a build of this warehouse starts from: its last successful build's, else
    the project's shared one. dbt checks either against the project and profile itself, so a stale
    file costs a full parse, never a wrong one."""
    own = state_dir(warehouse_path) / PARTIAL_PARSE
    if own.exists():
        return own
    return shared if shared.exists() else None


def views_of(manifest: dict) -> set[tuple[str, str]]:
    return {
        (node["schema"], node["alias"])
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["config"]["materialized"] == "view"
    }


def unchanged_views_excluded(
    connection: duckdb.DuckDBPyConnection, warehouse_path: Path
) -> list[str]:
    """dbt arguments that skip re-creating unchanged views, or none when they cannot be trusted.

    The kept manifest is taken, not copied: until this build succeeds none is kept, so a build
    that fails or is killed half way (some views re-created, some not) leaves the next build
    re-creating every view.
    """
    state = state_dir(warehouse_path)
    if not (state / "manifest.json").exists():
        return []
    compared = state / "compared"
    compared.mkdir(exist_ok=True)
    os.replace(state / "manifest.json", compared / "manifest.json")
    manifest = json.loads((compared / "manifest.json").read_text())
    if manifest["metadata"]["adapter_type"] not in ADAPTERS_BINDING_VIEWS_ON_QUERY:
        return []
    present = set(
        connection.execute(
            "select schema_name, view_name from duckdb_views()"
            " where database_name = current_database() and not internal"
        ).fetchall()
    )
    if not views_of(manifest) <= present:
        return []
    return ["--state", str(compared), "--exclude", UNCHANGED_VIEWS]


def record_successful_build(warehouse_path: Path, manifest_path: Path) -> None:
    """Keep the manifest of a build that succeeded on every model: the next build's state.

    Only a build of the whole project may record: after a partial one, a changed view it did not
    select would look unchanged next time.
    """
    state = state_dir(warehouse_path)
    state.mkdir(parents=True, exist_ok=True)
    _swap_in(manifest_path, state / "manifest.json")
    parsed = manifest_path.parent / PARTIAL_PARSE
    if parsed.exists():
        _swap_in(parsed, state / PARTIAL_PARSE)


def _swap_in(source: Path, target: Path) -> None:
    """Copy ``source`` to ``target`` whole: a build killed here leaves the old file or none, never
    half a file."""
    written = target.with_name(f"{target.name}.partial")
    shutil.copyfile(source, written)
    os.replace(written, target)
