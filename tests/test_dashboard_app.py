"""The dashboard's pages run in Streamlit's AppTest (no browser) on copies of the demo build's
published file: a third verdict and new verdict columns show without a code change, a new
publication is seen without a restart, and a missing file says what to run."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[1] / "dashboard" / "app.py"
UNPROVEN_REASON = "Unproven: too few matured months to tell (a test's verdict)"


def render_view(view: str) -> None:
    import importlib

    importlib.import_module(f"dashboard.views.{view}").render()


def run_view(view: str) -> AppTest:
    app = AppTest.from_function(render_view, args=(view,), default_timeout=60)
    app.run()
    assert not app.exception, app.exception
    return app


@pytest.fixture
def published_copy(demo_build, tmp_path, monkeypatch) -> Path:
    copy = tmp_path / "metrics.duckdb"
    shutil.copy2(demo_build.published, copy)
    monkeypatch.setenv("PUBLISHED_PATH", str(copy))
    return copy


def test_an_unproven_metric_and_new_verdict_columns_show(published_copy):
    metric_name = "bookings"  # a headline of the Overview and Sales pages
    with duckdb.connect(str(published_copy)) as con:
        # A verdict column the gate does not publish (yet): the page must show it unasked.
        con.execute("alter table metric_layer.metric_catalog add column gate_effect_p_value double")
        verdict_columns = [
            column
            for (column,) in con.execute(
                "select column_name from information_schema.columns"
                " where table_name = 'metric_catalog' and column_name like 'gate_%'"
            ).fetchall()
        ]
        con.execute(
            "update metric_layer.metric_catalog set gate_status = 'unproven', gate_reason = ?"
            " where metric_name = ?",
            [UNPROVEN_REASON, metric_name],
        )
        con.execute("delete from metric_layer.metric_values where metric_name = ?", [metric_name])
        (unproven,) = con.execute(
            "select count(*) from metric_layer.metric_catalog where gate_status = 'unproven'"
        ).fetchone()
    overview = run_view("overview")
    counts = {metric.label: metric.value for metric in overview.metric}
    assert counts["Metrics unproven"] == str(unproven)
    assert any(UNPROVEN_REASON in error.value for error in overview.error)
    assert not [label for label in counts if label.startswith("Bookings")]
    gate = run_view("gate")
    assert UNPROVEN_REASON in [error.value.split("is not published. ")[-1] for error in gate.error]
    shown_columns = list(gate.dataframe[0].value.columns)
    assert set(verdict_columns) <= set(shown_columns)
    sales = run_view("sales")
    assert any(UNPROVEN_REASON in error.value for error in sales.error)


def test_a_new_publication_is_seen_without_a_restart(published_copy, tmp_path):
    app = AppTest.from_function(render_view, args=("overview",), default_timeout=60)
    app.run()
    (version,) = (
        duckdb.connect(str(published_copy), read_only=True)
        .execute("select distinct version from publication")
        .fetchone()
    )
    assert any(version in caption.value for caption in app.caption)
    # A publish swaps a new file in by one rename, as publishing/ does.
    newer = tmp_path / "newer.duckdb"
    shutil.copy2(published_copy, newer)
    with duckdb.connect(str(newer)) as con:
        con.execute("update publication set version = 'a-newer-version'")
    os.replace(newer, published_copy)
    app.run()
    assert not app.exception
    assert any("a-newer-version" in caption.value for caption in app.caption)


def test_a_missing_published_file_says_what_to_run(tmp_path, monkeypatch):
    monkeypatch.setenv("PUBLISHED_PATH", str(tmp_path / "absent.duckdb"))
    app = AppTest.from_file(str(APP), default_timeout=60)
    app.run()
    assert not app.exception
    assert "make demo" in app.error[0].value
