"""The floors the product is measured against: DuckDB alone doing the same work, nothing else.

- ``load_floor``: DuckDB's own readers read every extract file the contracts match into one table
  per contract (no checks, no quarantine, no lineage, no versions): what reading the bytes costs.
- ``transform_floor``: the SQL dbt compiled for the full build, run as one DuckDB script in
  dependency order on a copy of the loaded raw tables (no dbt process, no parse, no adapter).

Both connect with the product's DuckDB settings (memory limit, threads). Each returns the rows it
wrote and the seconds of the measured work alone (setup such as copying the raw tables is not
timed), so ``make bench`` can print product / floor ratios.
"""

from __future__ import annotations

import json
import time
from graphlib import TopologicalSorter
from pathlib import Path

import duckdb

from orchestration.settings import working_connection_config
from sources.contracts import load_contracts
from sources.sql_text import literal_path, quote_ident, quote_literal

FLOOR_DIR = "floor"
READERS = {
    # The contracts' dialect, stated: sniffing fails on a file whose one bad line has an extra
    # field. Unreadable lines are skipped (the product quarantines them): the floor reads the rest.
    "csv": (
        "read_csv({files}, all_varchar = true, union_by_name = true, header = true, delim = ',',"
        " quote = '\"', escape = '\"', strict_mode = false, ignore_errors = true)"
    ),
    "jsonl": (
        "read_json({files}, format = 'newline_delimited', union_by_name = true,"
        " ignore_errors = true)"
    ),
    "parquet": "read_parquet({files}, union_by_name = true)",
}


def _sql_list(paths: list[Path]) -> str:
    return "[" + ", ".join(literal_path(p) for p in paths) + "]"


def load_floor(workdir: Path) -> tuple[int, float]:
    """Read every contract's files with DuckDB alone into a scratch file."""
    target = workdir / FLOOR_DIR / "load.duckdb"
    target.parent.mkdir(exist_ok=True)
    target.unlink(missing_ok=True)
    extracts = workdir / "extracts"
    rows = 0
    started = time.perf_counter()
    with duckdb.connect(str(target), config=working_connection_config()) as con:
        for contract in load_contracts():
            files = sorted(p for p in extracts.glob(contract.file_pattern) if p.is_file())
            if not files:
                continue
            reader = READERS[contract.format].format(files=_sql_list(files))
            table = quote_ident(contract.name)
            con.execute(f"create table {table} as select * from {reader}")
            rows += con.execute(f"select count(*) from {table}").fetchall()[0][0]
    return rows, time.perf_counter() - started


def _models_in_build_order(manifest: dict) -> list[dict]:
    nodes = {
        uid: node
        for uid, node in manifest["nodes"].items()
        if node["resource_type"] in ("model", "seed")
        and node["config"].get("materialized") != "ephemeral"
        and node["config"].get("enabled", True)
    }
    graph = {
        uid: [dep for dep in node["depends_on"].get("nodes", []) if dep in nodes]
        for uid, node in nodes.items()
    }
    return [nodes[uid] for uid in TopologicalSorter(graph).static_order()]


def _statement(node: dict, project_dir: Path) -> str:
    relation = node["relation_name"]
    if node["resource_type"] == "seed":
        seed = project_dir / node["original_file_path"]
        return f"create or replace table {relation} as select * from read_csv({literal_path(seed)})"
    kind = "view" if node["config"]["materialized"] == "view" else "table"
    return f"create or replace {kind} {relation} as {node['compiled_code']}"


def transform_floor(workdir: Path, project_dir: Path) -> tuple[int, float]:
    """Run the full build's compiled SQL as one DuckDB script on a copy of the raw tables.

    The copy is named like the working file, so the compiled relation names (its catalog) resolve.
    """
    manifest = json.loads((workdir / "target" / "manifest.json").read_text())
    source = workdir / "warehouse.duckdb"
    target = workdir / FLOOR_DIR / source.name
    target.parent.mkdir(exist_ok=True)
    target.unlink(missing_ok=True)
    with duckdb.connect(str(target), config=working_connection_config()) as con:
        con.execute(f"attach {quote_literal(str(source))} as loaded (read_only)")
        raw = con.execute(
            "select schema_name, table_name from duckdb_tables()"
            " where database_name = 'loaded' and schema_name like 'raw%'"
        ).fetchall()
        for schema, table in raw:
            name = f"{quote_ident(schema)}.{quote_ident(table)}"
            con.execute(f"create schema if not exists {quote_ident(schema)}")
            con.execute(f"create table {name} as from loaded.{name}")
        con.execute("detach loaded")
        models = _models_in_build_order(manifest)
        started = time.perf_counter()
        for schema in sorted({node["schema"] for node in models}):
            con.execute(f"create schema if not exists {quote_ident(schema)}")
        for node in models:
            con.execute(_statement(node, project_dir))
        seconds = time.perf_counter() - started
        tables = con.execute(
            "select schema_name, table_name from duckdb_tables() where schema_name not like 'raw%'"
        ).fetchall()
        rows = sum(
            con.execute(f"select count(*) from {quote_ident(s)}.{quote_ident(t)}").fetchall()[0][0]
            for s, t in tables
        )
    return rows, seconds
