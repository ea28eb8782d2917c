"""The publication spec: which tables the published warehouse holds, and the BI contract of each.

Loaded from ``publication.yml`` and validated on load, so a typo fails before any file is written.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import yaml

from publishing.errors import SpecError

DEFAULT_SPEC_PATH = Path(__file__).with_name("publication.yml")

# DuckDB 1.1 reads storage up to v1.1.0; BI tools bundle old drivers, so we write that format.
DEFAULT_STORAGE_VERSION = "v1.1.0"

IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")
QUALIFIED_NAME = re.compile(r"^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$")
TYPE_TEXT = re.compile(r"^[A-Za-z0-9_(), \[\]]+$")
TEXT_TYPES = {"VARCHAR"}
# A published column of one of these types is a figure: the contract must say whether it is a
# metric (a metrics: block checks it) or why it is not (not_metrics:).
NUMERIC_TYPE = re.compile(
    r"^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT"
    r"|FLOAT|DOUBLE|DECIMAL\(\d+,\d+\))$"
)
# The published file keeps its metadata here; no spec table may take the name.
PUBLICATION_TABLE = "main.publication"


@dataclass(frozen=True)
class TableSpec:
    target: str
    source_sql: str
    columns: dict[str, str]
    name_columns: tuple[str, ...] = ()
    description: str = ""
    # Which columns are metric figures and where the metric layer keeps them (``metrics:`` in the
    # spec, one block or a list; read by metric_layer.consistency), and why each other numeric
    # column is no metric. Not part of the copy, so not in the fingerprint.
    metrics: tuple[dict, ...] = field(default=(), compare=False)
    not_metrics: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def schema(self) -> str:
        return self.target.split(".")[0]


@dataclass(frozen=True)
class NameSource:
    """A query over the working warehouse returning one person name per row in ``person_name``."""

    name: str
    sql: str


@dataclass(frozen=True)
class PublicationSpec:
    tables: tuple[TableSpec, ...]
    name_sources: tuple[NameSource, ...] = ()
    storage_version: str = DEFAULT_STORAGE_VERSION
    skipped: tuple[str, ...] = field(default=(), compare=False)

    @property
    def sha256(self) -> str:
        """Fingerprint of what the spec asks for, recorded in every published file."""
        payload = {
            "storage_version": self.storage_version,
            "tables": [
                [t.target, t.source_sql, list(t.columns.items()), list(t.name_columns)]
                for t in self.tables
            ],
            "name_sources": [[s.name, s.sql] for s in self.name_sources],
        }
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def load_spec(path: Path | str = DEFAULT_SPEC_PATH) -> PublicationSpec:
    try:
        raw = yaml.safe_load(Path(path).read_text())
    except yaml.YAMLError as error:
        raise SpecError(f"{path}: not valid YAML: {error}") from error
    return parse_spec(raw, where=str(path))


def parse_spec(raw: object, where: str = "spec") -> PublicationSpec:
    if not isinstance(raw, dict):
        raise SpecError(f"{where}: expected a mapping at the top level")
    _reject_unknown_keys(raw, {"storage_version", "tables", "personal_data"}, where)
    tables_raw = raw.get("tables")
    if not isinstance(tables_raw, list) or not tables_raw:
        raise SpecError(f"{where}: 'tables' must be a non-empty list")

    tables, skipped = [], []
    with duckdb.connect() as types_connection:
        for index, table_raw in enumerate(tables_raw):
            table_where = f"{where}: tables[{index}]"
            if not isinstance(table_raw, dict):
                raise SpecError(f"{table_where}: expected a mapping")
            table = _parse_table(table_raw, table_where, types_connection)
            if table_raw.get("enabled", True):
                tables.append(table)
            else:
                skipped.append(table.target)

    targets = [t.target for t in tables] + skipped
    duplicates = sorted({t for t in targets if targets.count(t) > 1})
    if duplicates:
        raise SpecError(f"{where}: targets listed twice: {', '.join(duplicates)}")
    if PUBLICATION_TABLE in targets:
        raise SpecError(f"{where}: {PUBLICATION_TABLE} is reserved for publication metadata")

    return PublicationSpec(
        tables=tuple(tables),
        name_sources=_parse_name_sources(raw.get("personal_data") or {}, where),
        storage_version=str(raw.get("storage_version", DEFAULT_STORAGE_VERSION)),
        skipped=tuple(skipped),
    )


def _parse_table(raw: dict, where: str, types_connection: duckdb.DuckDBPyConnection) -> TableSpec:
    _reject_unknown_keys(
        raw,
        {
            "target",
            "source",
            "source_sql",
            "columns",
            "name_columns",
            "description",
            "enabled",
            "metrics",
            "not_metrics",
        },
        where,
    )
    target = raw.get("target")
    if not isinstance(target, str) or not QUALIFIED_NAME.match(target):
        raise SpecError(f"{where}: 'target' must be schema.table in lower case, got {target!r}")
    where = f"{where} ({target})"

    if ("source" in raw) == ("source_sql" in raw):
        raise SpecError(f"{where}: give exactly one of 'source' (schema.table) or 'source_sql'")
    if "source" in raw:
        if not QUALIFIED_NAME.match(str(raw["source"])):
            raise SpecError(f"{where}: 'source' must be schema.table, got {raw['source']!r}")
        source_sql = f"select * from {raw['source']}"
    else:
        source_sql = str(raw["source_sql"]).strip().rstrip(";")

    columns_raw = raw.get("columns")
    if not isinstance(columns_raw, dict) or not columns_raw:
        raise SpecError(f"{where}: 'columns' must map each column name to its type")
    columns = {}
    for column, type_text in columns_raw.items():
        if not IDENTIFIER.match(str(column)):
            raise SpecError(f"{where}: column name {column!r} is not a lower-case identifier")
        columns[column] = canonical_type(str(type_text), f"{where}.{column}", types_connection)

    name_columns = tuple(raw.get("name_columns") or ())
    for column in name_columns:
        if columns.get(column) not in TEXT_TYPES:
            raise SpecError(f"{where}: name column {column!r} is not a text column of the table")

    metrics, not_metrics = _parse_figures(raw, columns, where)

    return TableSpec(
        target=target,
        source_sql=source_sql,
        columns=columns,
        name_columns=name_columns,
        description=str(raw.get("description", "")).strip(),
        metrics=metrics,
        not_metrics=not_metrics,
    )


def _parse_figures(
    raw: dict, columns: dict[str, str], where: str
) -> tuple[tuple[dict, ...], dict[str, str]]:
    """The metrics: blocks and not_metrics: reasons; every numeric column is in one of them.

    A figure nobody declared would reach analysts unchecked: the publish refuses it.
    """
    blocks = raw.get("metrics") or []
    blocks = [blocks] if isinstance(blocks, dict) else blocks
    if not isinstance(blocks, list) or not all(isinstance(b, dict) for b in blocks):
        raise SpecError(f"{where}: 'metrics' must be a mapping or a list of mappings")
    marked = {str(c) for block in blocks for c in (block.get("columns") or {})}
    reasons = raw.get("not_metrics") or {}
    if not isinstance(reasons, dict):
        raise SpecError(f"{where}: 'not_metrics' must map each column to why it is no metric")
    for column, reason in reasons.items():
        if not NUMERIC_TYPE.match(columns.get(column, "")):
            raise SpecError(f"{where}.not_metrics: {column!r} is not a numeric column of the table")
        if not isinstance(reason, str) or not reason.strip():
            raise SpecError(f"{where}.not_metrics.{column}: give the reason it is no metric")
    both = sorted(marked & set(reasons))
    if both:
        raise SpecError(f"{where}: marked as a metric and as no metric: {', '.join(both)}")
    undeclared = [
        column
        for column, column_type in columns.items()
        if NUMERIC_TYPE.match(column_type) and column not in marked and column not in reasons
    ]
    if undeclared:
        raise SpecError(
            f"{where}: numeric columns neither marked as a metric (metrics:) nor declared as no"
            f" metric with a reason (not_metrics:): {', '.join(undeclared)}"
        )
    return tuple(blocks), {column: reason.strip() for column, reason in reasons.items()}


def _parse_name_sources(raw: object, where: str) -> tuple[NameSource, ...]:
    if not isinstance(raw, dict):
        raise SpecError(f"{where}: 'personal_data' must be a mapping")
    _reject_unknown_keys(raw, {"name_sources"}, f"{where}: personal_data")
    sources = []
    for index, source in enumerate(raw.get("name_sources") or []):
        if not isinstance(source, dict) or not {"name", "sql"} <= source.keys():
            raise SpecError(f"{where}: personal_data.name_sources[{index}] needs 'name' and 'sql'")
        sources.append(NameSource(name=str(source["name"]), sql=str(source["sql"]).strip()))
    return tuple(sources)


def canonical_type(type_text: str, where: str, connection: duckdb.DuckDBPyConnection) -> str:
    """Let DuckDB spell the type (``int`` becomes ``INTEGER``) so comparisons are exact."""
    if not TYPE_TEXT.match(type_text):
        raise SpecError(f"{where}: {type_text!r} is not a DuckDB type")
    try:
        rows = connection.execute(f"describe select null::{type_text} as probe").fetchall()
    except duckdb.Error as error:
        raise SpecError(f"{where}: {type_text!r} is not a DuckDB type") from error
    return rows[0][1]


def _reject_unknown_keys(raw: dict, allowed: set[str], where: str) -> None:
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise SpecError(f"{where}: unknown keys {', '.join(unknown)}; allowed: {sorted(allowed)}")
