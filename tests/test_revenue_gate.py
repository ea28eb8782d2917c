"""The revenue-link gate on the session's demo build (scale 0.2, built by ``make demo``).

Read-only on the build: every metric's verdict with role, effect and interval; goals and inputs
published; vanity broadcasts not certified. On private copies: a rebuild on the same files changes
nothing, cutting the link of a certified metric un-certifies it, an exemption counts until its
expiry, and the Dagster asset shows one check per metric (WARN when blocked or unproven). The
story scenarios on generated companies are in tests/test_gate_calibration.py.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from dagster_duckdb import DuckDBResource

from expectations.exemptions import Exemption
from expectations.gate import (
    DEFAULT_SEMANTIC_MANIFEST,
    compute_evidence,
    gate_settings,
    judge,
    run_gate,
)
from expectations.verdicts import PUBLISHABLE

STATUSES = {"certified", "blocked", "unproven", "exempt", "goal", "input"}


def _rows(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def _status(warehouse: Path) -> dict[str, tuple]:
    rows = _rows(
        warehouse,
        "select metric_name, status, role, reason, effect, effect_low, effect_high"
        " from gate.metric_status",
    )
    return {row[0]: row[1:] for row in rows}


@pytest.fixture
def warehouse_copy(demo_build, tmp_path) -> Path:
    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(demo_build.warehouse, copy)
    return copy


def test_every_metric_has_a_verdict_with_role_effect_and_interval(demo_build):
    statuses = _status(demo_build.warehouse)
    catalog = {
        m
        for (m,) in _rows(
            demo_build.warehouse, "select metric_name from metric_layer.metric_catalog"
        )
    }
    assert set(statuses) == catalog
    assert {s for s, *_ in statuses.values()} <= STATUSES
    judged = {m: v for m, v in statuses.items() if v[3] is not None}
    # Most drivers have an effect with its interval (goal and input metrics are not judged).
    drivers = [m for m, v in statuses.items() if v[1] == "driver"]
    assert len([m for m in drivers if m in judged]) > len(drivers) / 2
    for metric, (_, _, _, effect, low, high) in judged.items():
        assert low <= effect <= high, metric
    assert all(reason for _, _, reason, *_ in statuses.values())


def test_goal_and_input_metrics_publish_as_such(demo_build):
    statuses = _status(demo_build.warehouse)
    for metric in ("revenue", "bookings", "mrr", "net_revenue_retention"):
        assert statuses[metric][:2] == ("goal", "goal"), statuses[metric]
    for metric in ("campaign_cost", "acquisition_costs"):
        assert statuses[metric][:2] == ("input", "input"), statuses[metric]
    published = {
        m
        for (m,) in _rows(
            demo_build.published, "select distinct metric_name from metric_layer.metric_values"
        )
    }
    assert {"revenue", "bookings", "campaign_cost", "acquisition_costs"} <= published
    withheld = {m for m, (s, *_) in statuses.items() if s not in PUBLISHABLE}
    assert withheld and not published & withheld


@pytest.mark.parametrize("metric", ["emails_sent", "booth_scans", "website_sessions"])
def test_vanity_candidates_are_not_certified_on_the_default_company(demo_build, metric):
    status, _, reason, *_ = _status(demo_build.warehouse)[metric]
    assert status in ("blocked", "unproven"), reason


def test_the_catalog_carries_status_role_effect_and_reason(demo_build):
    rows = _rows(
        demo_build.published,
        "select metric_name, gate_status, gate_role, gate_effect, gate_reason"
        " from metric_layer.metric_catalog",
    )
    assert rows and all(status and role and reason for _, status, role, _, reason in rows)


def test_a_rebuild_on_the_same_files_changes_nothing(demo_build, warehouse_copy):
    before = _status(demo_build.warehouse)
    run_gate(warehouse_copy)
    assert _status(warehouse_copy) == before
    hashes = _rows(
        warehouse_copy,
        "select count(*), count(*) filter (where values_hash = first_values_hash_same_inputs)"
        " from gate.metric_reproducibility",
    )
    assert hashes[0][0] > 0 and hashes[0][0] == hashes[0][1]


def test_cutting_the_link_un_certifies_a_certified_metric(warehouse_copy):
    with duckdb.connect(str(warehouse_copy)) as con:
        before = con.execute(
            "select status from gate.metric_status where metric_name = 'leads_followed_up'"
        ).fetchone()[0]
        # Sales follows up, but no followed-up lead's deal is won any more.
        con.execute(
            "delete from gate.gate_revenue_events where person_id in"
            " (select person_id from marts.lead_funnel where is_followed_up)"
        )
    assert before == "certified"
    run_gate(warehouse_copy)
    status, _, reason, *_ = _status(warehouse_copy)["leads_followed_up"]
    assert status in ("blocked", "unproven"), reason


def test_an_exemption_counts_until_its_expiry(warehouse_copy):
    settings = gate_settings()
    manifest = json.loads(DEFAULT_SEMANTIC_MANIFEST.read_text())
    with duckdb.connect(str(warehouse_copy)) as con:
        evidence = compute_evidence(con, manifest, settings)
    exemption = Exemption(
        "emails_sent", "Newsletter redesign under review.", "VP Marketing", dt.date(2026, 6, 30)
    )
    before = judge(evidence, settings, dt.date(2026, 6, 30), (exemption,)).statuses
    after = judge(evidence, settings, dt.date(2026, 7, 1), (exemption,)).statuses
    emails_before = next(s for s in before if s.metric_name == "emails_sent")
    emails_after = next(s for s in after if s.metric_name == "emails_sent")
    assert emails_before.status == "exempt"
    assert "approved by VP Marketing" in emails_before.reason
    assert emails_after.status in ("blocked", "unproven")
    # An exemption never changes a goal's or a certified metric's verdict.
    assert next(s for s in before if s.metric_name == "revenue").status == "goal"


def test_dagster_asset_has_one_check_per_metric_warning_when_not_published(
    warehouse_copy, monkeypatch
):
    from orchestration.defs.quality.assets import QUESTION_CHECKS, metric_check_name, metric_status

    monkeypatch.setenv("WAREHOUSE_PATH", str(warehouse_copy))
    result = dg.materialize(
        [metric_status], resources={"warehouse": DuckDBResource(database=str(warehouse_copy))}
    )
    assert result.success
    checks = {e.check_name: e for e in result.get_asset_check_evaluations()}
    questions = {name: checks.pop(name) for name in QUESTION_CHECKS}
    assert all(e.passed for e in questions.values())  # verdicts are not gate errors
    statuses = _status(warehouse_copy)
    assert set(checks) == {metric_check_name(m) for m in statuses}
    for metric, (status, *_rest) in statuses.items():
        check = checks[metric_check_name(metric)]
        assert check.passed == (status in PUBLISHABLE), metric
        assert check.severity == dg.AssetCheckSeverity.WARN
        assert check.metadata["status"].value == status
    failing = next(c for c in checks.values() if not c.passed and "good_n" in c.metadata)
    assert {"effect_low", "effect_high", "good_n", "other_n", "reason"} <= set(failing.metadata)
    blocking = {s.name: s.blocking for s in metric_status.check_specs}
    assert all(blocking[q] for q in QUESTION_CHECKS)
    assert not any(blocking[metric_check_name(m)] for m in statuses)
