"""Read-only access to the published file: the one source of every figure the dashboard shows.

Each page render opens its own connection and closes it: DuckDB keeps serving the file version a
connection opened, so a long-lived dashboard sees a new publication only through a fresh one.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

DEFAULT_PUBLISHED_PATH = Path("data/published/metrics.duckdb")
CATALOG = "metric_layer.metric_catalog"
VALUES = "metric_layer.metric_values"
PUBLICATION = "main.publication"
# metric_values marks a metric's total (no dimension) with an empty dimension name.
TOTAL = ""


def published_path() -> Path:
    return Path(os.environ.get("PUBLISHED_PATH", DEFAULT_PUBLISHED_PATH))


class Published:
    """Queries over one open read-only connection to the published file."""

    def __init__(self, connection: duckdb.DuckDBPyConnection) -> None:
        self._connection = connection
        self._columns = self._table_columns()

    def _table_columns(self) -> dict[str, list[str]]:
        rows = self._connection.execute(
            "select table_schema || '.' || table_name, column_name"
            " from information_schema.columns order by table_schema, table_name, ordinal_position"
        ).fetchall()
        columns: dict[str, list[str]] = {}
        for table, column in rows:
            columns.setdefault(table, []).append(column)
        return columns

    def frame(self, sql: str, parameters: list | None = None) -> pd.DataFrame:
        return self._connection.execute(sql, parameters or []).df()

    def has_table(self, table: str) -> bool:
        return table in self._columns

    def columns(self, table: str) -> list[str]:
        return self._columns.get(table, [])

    def present(self, table: str, wanted: list[str]) -> list[str]:
        """The wanted columns the table has, in the wanted order: optional columns degrade."""
        have = set(self.columns(table))
        return [column for column in wanted if column in have]

    def tables_like(self, fragment: str, with_column: str) -> list[str]:
        return sorted(
            table
            for table, columns in self._columns.items()
            if fragment in table.split(".")[-1] and with_column in columns
        )

    def catalog(self) -> pd.DataFrame:
        """Every metric with its verdict, and whether the file holds its values: the publish, not
        the dashboard, decides which verdicts let values through."""
        return self.frame(
            f"select *, metric_name in (select metric_name from {VALUES}) as has_values"
            f" from {CATALOG} order by owner_team, metric_name"
        )

    def publication(self) -> pd.DataFrame:
        return self.frame(f"select * from {PUBLICATION} order by table_name")

    def periods(self, grain: str) -> list[date]:
        rows = self._connection.execute(
            f"select distinct period_start from {VALUES} where grain = ? order by 1", [grain]
        ).fetchall()
        return [row[0] for row in rows]

    def values(
        self,
        metric_name: str,
        grain: str,
        dimension: str = TOTAL,
        start: date | None = None,
        end: date | None = None,
    ) -> pd.DataFrame:
        """A metric's published values at one grain, total or split by one dimension."""
        return self.frame(
            f"select period_start, dimension_value, value from {VALUES}"
            " where metric_name = ? and grain = ? and dimension_name = ?"
            " and period_start between coalesce(?, period_start) and coalesce(?, period_start)"
            " order by period_start, dimension_value",
            [metric_name, grain, dimension, start, end],
        )

    def dimension_values(self, metric_name: str, dimension: str) -> list[str]:
        rows = self._connection.execute(
            f"select distinct dimension_value from {VALUES}"
            " where metric_name = ? and dimension_name = ? order by 1",
            [metric_name, dimension],
        ).fetchall()
        return [row[0] for row in rows]

    def distinct(
        self, table: str, column: str, where: str = "true", parameters: list | None = None
    ) -> list:
        if column not in self.columns(table):
            return []
        rows = self._connection.execute(
            f'select distinct "{column}" from {table}'
            f' where "{column}" is not null and {where} order by 1',
            parameters or [],
        ).fetchall()
        return [row[0] for row in rows]

    def table(
        self,
        table: str,
        wanted: list[str],
        where: str = "true",
        parameters: list | None = None,
        order_by: str = "1",
    ) -> pd.DataFrame:
        """The wanted columns of a published mart or leaderboard that exist, filtered."""
        columns = self.present(table, wanted)
        if not columns:
            return pd.DataFrame(columns=wanted)
        quoted = ", ".join(f'"{column}"' for column in columns)
        return self.frame(
            f"select {quoted} from {table} where {where} order by {order_by}", parameters
        )


@contextmanager
def connect(path: Path | None = None) -> Iterator[Published]:
    connection = duckdb.connect(str(path or published_path()), read_only=True)
    try:
        yield Published(connection)
    finally:
        connection.close()
