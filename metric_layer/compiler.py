"""MetricFlow's SQL for each metric query, compiled once and kept for the builds that follow.

Compiling the ~360 queries of metric_values takes ~9 s, most of a build's metric step. The SQL of a
query depends only on the semantic manifest (relation names rendered), the SQL dialect, MetricFlow's
version and the query itself (metrics, group-by, time bounds), so it is kept in a file beside the
semantic manifest under a fingerprint of the first three: a changed model, metric, dialect or
MetricFlow release compiles everything afresh, a new drop recompiles only the queries whose time
bounds moved. The file holds the queries of the last build only, written whole or not at all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import tempfile
from importlib.metadata import version
from pathlib import Path
from typing import Any

from metricflow.engine.metricflow_engine import MetricFlowQueryRequest
from metricflow.protocols.sql_client import SqlEngine

from metric_layer.manifest import compile_engine

Bounds = tuple[dt.datetime | None, dt.datetime | None]
CACHE_FILE = "metricflow_compiled_sql.json"


def _fingerprint(raw: dict[str, Any], sql_engine: SqlEngine) -> str:
    releases = [version(package) for package in ("metricflow", "dbt-semantic-interfaces")]
    text = json.dumps([raw, sql_engine.name, releases], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


class MetricCompiler:
    """Compiles metric queries with MetricFlow, reading and keeping them in ``cache_path``.

    The MetricFlow engine is built only when a query is not in the cache.
    """

    def __init__(
        self,
        raw: dict[str, Any],
        sql_engine: SqlEngine = SqlEngine.DUCKDB,
        cache_path: Path | None = None,
    ):
        self._raw = raw
        self._sql_engine = sql_engine
        self._cache_path = cache_path
        self._fingerprint = _fingerprint(raw, sql_engine)
        self._engine = None
        self._known = self._read_cache()
        self._compiled: dict[str, str] = {}
        self.reused = 0

    def _read_cache(self) -> dict[str, str]:
        if self._cache_path is None or not self._cache_path.exists():
            return {}
        try:
            cached = json.loads(self._cache_path.read_text())
        except ValueError:  # a file cut short by hand or disk: compile afresh, rewrite it
            return {}
        return cached["queries"] if cached.get("fingerprint") == self._fingerprint else {}

    def __call__(self, names: list[str], group_by: list[str], bounds: Bounds) -> str:
        key = json.dumps([names, group_by, [b.isoformat() if b else None for b in bounds]])
        sql = self._known.get(key)
        if sql is None:
            sql = self._compile(names, group_by, bounds)
        else:
            self.reused += 1
        self._compiled[key] = sql
        return sql

    def _compile(self, names: list[str], group_by: list[str], bounds: Bounds) -> str:
        if self._engine is None:
            self._engine = compile_engine(self._raw, self._sql_engine)
        try:
            explained = self._engine.explain(
                MetricFlowQueryRequest.create(
                    metric_names=names,
                    group_by_names=group_by,
                    time_constraint_start=bounds[0],
                    time_constraint_end=bounds[1],
                )
            )
        except Exception as error:
            raise ValueError(
                f"MetricFlow cannot compile {', '.join(names)} by {', '.join(group_by)}"
                f" (check meta.grains/meta.dimensions): {error}"
            ) from error
        return explained.sql_statement.sql

    def save(self) -> None:
        """Keep this build's queries for the next, atomically (the old file or the new)."""
        if self._cache_path is None:
            return
        content = json.dumps({"fingerprint": self._fingerprint, "queries": self._compiled})
        handle, temporary = tempfile.mkstemp(dir=self._cache_path.parent, suffix=".tmp")
        os.fchmod(handle, 0o644)  # readable as the rest of dbt's target folder
        with os.fdopen(handle, "w") as file:
            file.write(content)
        os.replace(temporary, self._cache_path)
