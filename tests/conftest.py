"""Shared fixtures: a small demo company generated once, and a temporary warehouse per test."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# dagster-dbt parses the dbt project when definitions load, so no stale manifest is used.
os.environ.setdefault("DAGSTER_DBT_PARSE_PROJECT_ON_LOAD", "1")

TEST_SCALE = 0.2


@pytest.fixture(scope="session")
def demo_extracts(tmp_path_factory) -> Path:
    """A small demo company's extract drops, generated once per test session."""
    from sources.demo import generate

    folder = tmp_path_factory.mktemp("demo") / "extracts"
    generate(folder, scale=TEST_SCALE, seed=42)
    return folder


@pytest.fixture
def warehouse_env(tmp_path, monkeypatch, demo_extracts) -> Path:
    """Point every component at a fresh temporary warehouse and the demo extracts."""
    warehouse = tmp_path / "warehouse" / "warehouse.duckdb"
    warehouse.parent.mkdir()
    monkeypatch.setenv("WAREHOUSE_PATH", str(warehouse))
    monkeypatch.setenv("EXTRACTS_DIR", str(demo_extracts))
    return warehouse
