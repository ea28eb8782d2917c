"""The metric layer: definitions, governance that fails the build, MetricFlow validation,
metric_values against `mf query`, and the analysts' read-only target.

The session's demo build (scale 0.2, built by `make demo`: dbt in a separate process, then
metric_values from the semantic manifest through Dagster) is what these tests read.
"""

from __future__ import annotations

import csv
import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from metric_layer.governance import MetricGovernanceError, check_semantic_manifest
from metric_layer.manifest import read_semantic_manifest

DBT_DIR = Path(__file__).resolve().parents[1] / "dbt_project"
BIN = Path(sys.executable).parent

REQUIRED_METRICS = {
    "new_contacts", "contacts_replied", "mqls", "lead_to_mql_rate", "mql_to_opportunity_rate",
    "opportunity_to_won_rate", "lead_to_customer_rate", "lead_follow_up_rate",
    "speed_to_lead_hours_mean", "speed_to_lead_hours_median", "leads_never_followed_up",
    "marketing_sourced_pipeline", "sales_cycle_days_median",
    "pipeline_created", "bookings", "win_rate", "average_deal_size", "sales_cycle_days", "cac",
    "first_response_time_hours", "average_response_time_hours", "resolution_time_hours",
    "one_touch_resolution_rate", "satisfaction_score", "revenue", "mrr", "net_revenue_retention",
    "crm_adoption_leads", "crm_adoption_deals", "ad_impressions", "event_attendees",
    "booth_scans", "website_sessions", "emails_sent",
}  # fmt: skip
VANITY_CANDIDATES = {"ad_impressions", "event_attendees", "booth_scans", "website_sessions",
                     "emails_sent"}  # fmt: skip


def _dbt(root: Path, warehouse: Path, *args: str, project: Path = DBT_DIR):
    return subprocess.run(
        [str(BIN / "dbt"), *args, "--project-dir", str(project), "--profiles-dir", str(project),
         "--target-path", str(root / "target"), "--log-path", str(root / "logs")],
        env={**os.environ, "WAREHOUSE_PATH": str(warehouse)},
        capture_output=True, text=True, check=False,
    )  # fmt: skip


def _mf(warehouse: Path, *args: str, target: str = "analyst") -> subprocess.CompletedProcess:
    """`mf` as an analyst runs it, from the dbt project, through a profile target."""
    return subprocess.run(
        [str(BIN / "mf"), *args],
        cwd=DBT_DIR,
        env={**os.environ, "WAREHOUSE_PATH": str(warehouse), "DBT_TARGET": target},
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip


@pytest.fixture(scope="module")
def layer(demo_build):
    """The session's demo build, and the semantic manifest `mf` reads (the project's own target)."""
    # `mf` reads the project's own target/semantic_manifest.json: the parse the Dagster
    # definitions reuse keeps it current (parsed again if a project file changed). A parse of its
    # own here would rewrite the target while make test's other worker reads it.
    from orchestration.defs.dbt.project import prepared_manifest

    prepared_manifest()
    return {
        "warehouse": demo_build.warehouse,
        "manifest": DBT_DIR / "target" / "semantic_manifest.json",
    }


def _rows(warehouse: Path, sql: str, params=None) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


# ---------- definitions and governance


def test_every_required_metric_is_defined_once_with_governance_meta(layer):
    raw = read_semantic_manifest(layer["manifest"])
    names = [m["name"] for m in raw["metrics"]]
    assert set(names) >= REQUIRED_METRICS
    assert len(names) == len(set(names))
    check_semantic_manifest(raw)  # raises on any breach
    by_name = {m["name"]: m for m in raw["metrics"]}
    for name in VANITY_CANDIDATES:
        assert by_name[name]["config"]["meta"]["subject"] == "us", name
    kinds = {m["type"] for m in raw["metrics"]}
    assert {"simple", "ratio", "derived", "cumulative", "conversion"} <= kinds


def test_python_governance_names_the_metric_that_breaks_it():
    good = {"name": "ok", "config": {"meta": {
        "owner_team": "sales", "owner": "VP of Sales", "unit": "count",
        "direction": "higher_is_better", "action": "act", "subject": "buyers", "role": "driver",
        "revenue_link": {"entity": "deal", "path": "deal -> revenue"},
        "grains": ["month"], "dimensions": [],
    }}}  # fmt: skip
    check_semantic_manifest({"metrics": [good]})
    no_meta = {"name": "orphan_metric", "config": {"meta": {}}}
    person = json.loads(json.dumps(good))
    person["name"] = "personal_owner"
    person["config"]["meta"]["owner"] = "Jane Smith"
    no_role = json.loads(json.dumps(good))
    no_role["name"] = "roleless"
    del no_role["config"]["meta"]["role"]
    with pytest.raises(MetricGovernanceError) as error:
        check_semantic_manifest({"metrics": [good, no_meta, person, no_role, dict(good)]})
    message = str(error.value)
    assert "roleless: meta.role is missing" in message
    assert "orphan_metric: meta.owner_team is missing" in message
    assert "personal_owner: meta.owner = Jane Smith is not a role" in message
    assert "ok: defined 2 times" in message


def test_catalog_has_one_row_per_metric_with_meta_and_definition_hash(layer):
    raw = read_semantic_manifest(layer["manifest"])
    rows = _rows(
        layer["warehouse"],
        "select metric_name, owner_team, subject, revenue_link_entity, grains, definition_hash"
        " from metric_layer.metric_catalog",
    )
    assert {r[0] for r in rows} == {m["name"] for m in raw["metrics"]}
    assert all(r[1] and r[2] and r[3] and r[4] and len(r[5]) == 32 for r in rows)
    hashes = {r[0]: r[5] for r in rows}
    # A ratio's hash covers its inputs: two ratios over different measures never share one.
    assert hashes["win_rate"] != hashes["lead_follow_up_rate"]


def _project_copy(tmp_path: Path) -> Path:
    project = tmp_path / "dbt_project"
    shutil.copytree(
        DBT_DIR, project, ignore=shutil.ignore_patterns("target", "logs", "dbt_packages")
    )
    return project


def test_a_metric_without_meta_fails_dbt_build_naming_it(tmp_path):
    project = _project_copy(tmp_path)
    (project / "models" / "metrics" / "_bad__metrics.yml").write_text(
        "version: 2\nmetrics:\n"
        "  - name: ungoverned_metric\n    label: Ungoverned\n    type: simple\n"
        "    type_params: {measure: leads_captured}\n"
    )
    result = _dbt(tmp_path, tmp_path / "w.duckdb", "build", "--select", "metric_catalog",
                  project=project)  # fmt: skip
    assert result.returncode != 0
    assert "ungoverned_metric" in result.stdout
    assert "meta.owner_team is missing" in result.stdout


def test_a_second_definition_under_an_existing_name_fails_the_build(tmp_path):
    project = _project_copy(tmp_path)
    metrics = (project / "models" / "metrics" / "_metrics__metrics.yml").read_text()
    start = metrics.index("- name: bookings\n")
    end = metrics.index("\n- name:", start + 1)
    (project / "models" / "metrics" / "_copy__metrics.yml").write_text(
        "version: 2\nmetrics:\n" + metrics[start:end] + "\n"
    )
    result = _dbt(tmp_path, tmp_path / "w.duckdb", "build", "--select", "metric_catalog",
                  project=project)  # fmt: skip
    assert result.returncode != 0
    assert "bookings" in result.stdout


def test_metricflow_validates_the_semantic_layer(layer):
    result = _mf(layer["warehouse"], "validate-configs", "--skip-dw")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    assert "(ERRORS: 0, FUTURE_ERRORS: 0" in output, output[-4000:]


# ---------- metric_values


def test_metric_values_cover_every_metric_at_its_grains_and_dimensions(layer):
    raw = read_semantic_manifest(layer["manifest"])
    present = set(_rows(layer["warehouse"],
                        "select distinct metric_name, grain, dimension_name"
                        " from metric_layer.metric_values"))  # fmt: skip
    for metric in raw["metrics"]:
        meta = metric["config"]["meta"]
        for grain in meta["grains"]:
            assert (metric["name"], grain, "") in present, (metric["name"], grain)
    keys = _rows(layer["warehouse"],
                 "select count(*), count(distinct (metric_name, grain, period_start,"
                 " dimension_name, dimension_value)) from metric_layer.metric_values")  # fmt: skip
    assert keys[0][0] == keys[0][1]


SAMPLE = [
    ("revenue", "month", ""),
    ("speed_to_lead_hours_mean", "week", "rep__team_name"),
    ("speed_to_lead_hours_median", "month", "rep"),
    ("win_rate", "quarter", "deal__deal_type"),
    ("mrr", "quarter", "subscription_month__plan"),
    ("lead_to_customer_rate", "month", ""),
    ("lead_to_customer_conversion_365d", "month", "lead__capture_channel"),
]


@pytest.mark.parametrize(("metric", "grain", "dimension"), SAMPLE)
def test_metric_values_match_mf_query(layer, tmp_path, metric, grain, dimension):
    out = tmp_path / "mf.csv"
    group_by = f"metric_time__{grain}" + (f",{dimension}" if dimension else "")
    result = _mf(layer["warehouse"], "query", "--metrics", metric, "--group-by", group_by,
                 "--csv", str(out))  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    expected = {}
    with out.open() as handle:
        for row in csv.DictReader(handle):
            key = (row[f"metric_time__{grain}"][:10], row[dimension] if dimension else "")
            expected[key] = float(row[metric]) if row[metric] not in ("", "None") else None
    stored = {
        (str(period), value_of): value
        for period, value_of, value in _rows(
            layer["warehouse"],
            "select period_start, dimension_value, value from metric_layer.metric_values"
            " where metric_name = ? and grain = ? and dimension_name = ?",
            [metric, grain, dimension],
        )
    }
    stored = {(p, "" if v == "(none)" and dimension else v): x for (p, v), x in stored.items()}
    expected = {k: v for k, v in expected.items() if k[0] != ""}
    assert stored, metric
    if metric != "lead_to_customer_rate":  # cumulative: mf runs on to the spine's end
        assert set(stored) == set(expected)
    for key, value in stored.items():
        other = expected[key]
        assert (value is None and other is None) or math.isclose(value, other, rel_tol=1e-6), key


# ---------- analysts' read-only target


def test_analyst_target_reads_beside_another_reader(layer):
    con = duckdb.connect(str(layer["warehouse"]), read_only=True)
    try:
        result = _mf(layer["warehouse"], "query", "--metrics", "revenue",
                     "--group-by", "metric_time__month")  # fmt: skip
    finally:
        con.close()
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "revenue" in result.stdout


def test_analyst_target_is_refused_while_a_writer_holds_the_file(layer, tmp_path):
    """DuckDB allows one writing process or many reading ones, never both: documented in
    docs/analyst_guide.md (query the published file, or wait for the run to end)."""
    copy = tmp_path / "warehouse" / "warehouse.duckdb"
    copy.parent.mkdir()
    shutil.copy(layer["warehouse"], copy)
    writer = subprocess.Popen(
        [sys.executable, "-c",
         "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]);"
         " c.execute('create table if not exists main.lock_probe (x int)');"
         " print('ready', flush=True); time.sleep(120)", str(copy)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert writer.stdout.readline().strip() == "ready"
        result = _mf(copy, "query", "--metrics", "revenue", "--group-by", "metric_time__month")
    finally:
        writer.kill()
        writer.wait()
    assert result.returncode != 0
    assert "lock" in (result.stdout + result.stderr).lower()


# ---------- Dagster


def test_metric_values_asset_runs_after_the_catalog_in_the_writer_pool():
    import dagster as dg

    from orchestration.definitions import defs as load_definitions

    defs = load_definitions()
    specs = {spec.key.to_user_string(): spec for spec in defs.resolve_all_asset_specs()}
    spec = specs["metric_layer/metric_values"]
    deps = {dep.asset_key.to_user_string() for dep in spec.deps}
    assert {"metric_layer/metric_catalog", "marts/lead_funnel", "core/revenue"} <= deps
    assets_def = defs.resolve_assets_def(dg.AssetKey(["metric_layer", "metric_values"]))
    assert assets_def.op.pool == "duckdb_writer"
