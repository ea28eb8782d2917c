"""``make demo``'s flow, end to end, into a temporary folder; and a second run changes nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from orchestration.settings import DBT_PROJECT_DIR, PROJECT_ROOT
from sources.contracts import DEPARTMENTS, load_contracts


def table_counts(warehouse: Path) -> dict[str, int]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = con.execute(
            "select table_schema || '.' || table_name from information_schema.tables"
            " where table_type = 'BASE TABLE'"
        ).fetchall()
        return {t: con.execute(f"select count(*) from {t}").fetchone()[0] for (t,) in tables}
    finally:
        con.close()


def demo_env(folder: Path) -> dict[str, str]:
    return {
        **os.environ,
        "EXTRACTS_DIR": str(folder / "extracts"),
        "WAREHOUSE_PATH": str(folder / "warehouse" / "warehouse.duckdb"),
        "DAGSTER_HOME": str(folder / "dagster_home"),
        "PUBLISHED_PATH": str(folder / "published" / "metrics.duckdb"),
    }


def run_make_demo(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", "--no-print-directory", "demo", "SCALE=0.2"],
        cwd=PROJECT_ROOT,
        env=demo_env(folder),
        capture_output=True,
        text=True,
        timeout=900,
    )


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("make_demo")
    result = run_make_demo(folder)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert str(folder / "warehouse" / "warehouse.duckdb") in result.stdout
    assert "Revenue-link gate: " in result.stdout
    assert (folder / "published" / "metrics.duckdb").exists()
    return folder


def test_make_demo_loads_every_department_then_reruns_without_change(demo_folder):
    warehouse = demo_folder / "warehouse" / "warehouse.duckdb"
    counts = table_counts(warehouse)
    for contract in load_contracts():
        assert counts[contract.raw_table] > 0, contract.raw_table
    departments = {c.department for c in load_contracts() if counts[c.raw_table] > 0}
    assert departments == set(DEPARTMENTS)
    assert counts["raw_meta.quarantine"] > 0  # the demo's malformed rows, kept aside
    assert counts["core.deals"] > 0 and counts["marts.lead_funnel"] > 0

    second = run_make_demo(demo_folder)
    assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-3000:]
    assert table_counts(warehouse) == counts


def test_dbt_docs_generate_and_every_model_and_column_is_described(demo_folder, tmp_path):
    dbt = Path(sys.executable).parent / "dbt"
    subprocess.run(
        [str(dbt), "docs", "generate", "--project-dir", str(DBT_PROJECT_DIR)]
        + ["--profiles-dir", str(DBT_PROJECT_DIR), "--target-path", str(tmp_path)]
        + ["--log-path", str(tmp_path / "logs")],
        env=demo_env(demo_folder),
        check=True,
        capture_output=True,
    )
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    catalog = json.loads((tmp_path / "catalog.json").read_text())
    assert (tmp_path / "index.html").exists()
    undocumented = []
    for unique_id, node in manifest["nodes"].items():
        if node["resource_type"] not in ("model", "seed"):
            continue
        if not node["description"].strip():
            undocumented.append(unique_id)
        described = {n.lower() for n, c in node["columns"].items() if c["description"].strip()}
        built = catalog["nodes"].get(unique_id, {}).get("columns", {})
        undocumented += [f"{unique_id}.{c}" for c in built if c.lower() not in described]
    assert not undocumented, undocumented
