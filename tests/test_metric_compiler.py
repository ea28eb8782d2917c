"""MetricFlow's compiled SQL kept between builds (metric_layer/compiler.py), on the demo build."""

from __future__ import annotations

import copy

import duckdb
import pytest
from test_metric_values_plan import METRICS

from metric_layer.compiler import MetricCompiler
from metric_layer.manifest import read_semantic_manifest, with_catalog
from metric_layer.values import data_time_bounds, metrics_needing_time_bounds, plan_queries
from orchestration.defs.metrics.assets import semantic_manifest_path


@pytest.fixture(scope="module")
def manifest_and_bounds(demo_build):
    with duckdb.connect(str(demo_build.warehouse), read_only=True) as con:
        catalog = con.execute("select current_database()").fetchall()[0][0]
        raw = with_catalog(read_semantic_manifest(semantic_manifest_path()), catalog)
        return raw, data_time_bounds(con, raw)


def planned(raw, bounds, cache_path):
    compiler = MetricCompiler(raw, cache_path=cache_path)
    queries = plan_queries(compiler, raw, bounds, METRICS)
    compiler.save()
    return [query.sql for query in queries], compiler


def test_a_second_build_reuses_every_query_without_building_metricflow(
    manifest_and_bounds, tmp_path
):
    raw, bounds = manifest_and_bounds
    cache = tmp_path / "compiled.json"
    first, compiled = planned(raw, bounds, cache)
    second, reused = planned(raw, bounds, cache)
    fresh, _ = planned(raw, bounds, None)
    assert compiled.reused == 0 and reused.reused == len(first)
    assert reused._engine is None
    assert second == first == fresh


def test_a_changed_manifest_compiles_everything_afresh(manifest_and_bounds, tmp_path):
    raw, bounds = manifest_and_bounds
    cache = tmp_path / "compiled.json"
    planned(raw, bounds, cache)
    changed = copy.deepcopy(raw)
    measures = [m for model in changed["semantic_models"] for m in model["measures"]]
    next(m for m in measures if m["name"] == "bookings_amount")["agg"] = "max"
    sql, compiler = planned(changed, bounds, cache)
    assert compiler.reused == 0
    assert sql != planned(raw, bounds, None)[0]


def test_moved_time_bounds_recompile_only_the_queries_they_bound(manifest_and_bounds, tmp_path):
    raw, bounds = manifest_and_bounds
    cache = tmp_path / "compiled.json"
    first, _ = planned(raw, bounds, cache)
    bounded = metrics_needing_time_bounds(raw) & set(METRICS)
    assert bounded, "the sample has a cumulative metric"
    later = {
        measure: (start, end and end.replace(year=end.year + 1))
        for measure, (start, end) in bounds.items()
    }
    moved, compiler = planned(raw, later, cache)
    changed = sum(a != b for a, b in zip(first, moved, strict=True))
    assert 0 < changed == len(first) - compiler.reused


def test_a_damaged_file_is_compiled_afresh_and_rewritten(manifest_and_bounds, tmp_path):
    raw, bounds = manifest_and_bounds
    cache = tmp_path / "compiled.json"
    first, _ = planned(raw, bounds, cache)
    cache.write_text(cache.read_text()[:100])
    again, compiler = planned(raw, bounds, cache)
    assert compiler.reused == 0 and again == first
    assert planned(raw, bounds, cache)[1].reused == len(first)
