"""``make demo``'s flow, end to end, into a temporary folder; and a second run changes nothing."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import duckdb

from sources.contracts import DEPARTMENTS, load_contracts

PROJECT_ROOT = Path(__file__).resolve().parent.parent


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


def run_make_demo(tmp_path: Path) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "EXTRACTS_DIR": str(tmp_path / "extracts"),
        "WAREHOUSE_PATH": str(tmp_path / "warehouse" / "warehouse.duckdb"),
        "DAGSTER_HOME": str(tmp_path / "dagster_home"),
    }
    return subprocess.run(
        ["make", "--no-print-directory", "demo", "SCALE=0.2"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def test_make_demo_builds_every_department_then_reruns_without_change(tmp_path):
    warehouse = tmp_path / "warehouse" / "warehouse.duckdb"
    first = run_make_demo(tmp_path)
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    assert str(warehouse) in first.stdout
    counts = table_counts(warehouse)

    for contract in load_contracts():
        assert counts[contract.raw_table] > 0, contract.raw_table
    departments = {c.department for c in load_contracts() if counts[c.raw_table] > 0}
    assert departments == set(DEPARTMENTS)
    assert "raw_meta.quarantine" in counts

    second = run_make_demo(tmp_path)
    assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-3000:]
    assert table_counts(warehouse) == counts
