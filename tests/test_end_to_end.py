"""``make demo``'s flow, end to end, into a temporary folder; and a second run changes nothing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
from conftest import copy_build, run_make_demo

from orchestration.settings import DBT_PROJECT_DIR
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


def test_make_demo_says_where_everything_is(demo_build):
    assert str(demo_build.warehouse) in demo_build.stdout
    assert "Revenue-link gate: " in demo_build.stdout
    assert demo_build.published.exists()


def test_make_demo_loads_every_department_then_reruns_without_change(demo_build, tmp_path):
    build = copy_build(demo_build, tmp_path / "rerun")
    counts = table_counts(build.warehouse)
    for contract in load_contracts():
        assert counts[contract.raw_table] > 0, contract.raw_table
    departments = {c.department for c in load_contracts() if counts[c.raw_table] > 0}
    assert departments == set(DEPARTMENTS)
    assert counts["raw_meta.quarantine"] > 0  # the demo's malformed rows, kept aside
    assert counts["core.deals"] > 0 and counts["marts.lead_funnel"] > 0

    second = run_make_demo(build)
    assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-3000:]
    assert table_counts(build.warehouse) == counts


def test_dbt_docs_generate_and_every_model_and_column_is_described(demo_build, tmp_path):
    dbt = Path(sys.executable).parent / "dbt"
    # The analyst target attaches the warehouse read-only: the dev target would hold demo_build's
    # write lock and refuse the other worker's readers of the same file meanwhile.
    subprocess.run(
        [str(dbt), "docs", "generate", "--project-dir", str(DBT_PROJECT_DIR), "--target", "analyst"]
        + ["--profiles-dir", str(DBT_PROJECT_DIR), "--target-path", str(tmp_path)]
        + ["--log-path", str(tmp_path / "logs")],
        env=demo_build.env(),
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
