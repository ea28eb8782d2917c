"""Extract contracts: one declarative YAML per extract, the single source of truth for loading.

A contract says where an extract's files arrive (a glob under the extract folder), their format,
the columns with their types, nullability and allowed values, the primary key, the column that
orders versions of a record, the time zone of timestamps written without an offset and the texts
that mean "no value". Adding an extract means adding a YAML file, not code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path, PurePosixPath
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

CONTRACTS_DIR = Path(__file__).parent / "contracts"
FORMATS = ("csv", "jsonl", "parquet")
DEPARTMENTS = ("marketing", "sales", "service", "finance")
_TYPE = re.compile(r"^(varchar|integer|bigint|double|boolean|date|timestamp|decimal\(\d+,\d+\))$")
# The same rule as the publication spec's: names reach SQL as schema, table and column names.
IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")
# Texts that mean "no value" in every extract unless its contract declares its own list.
DEFAULT_NULL_VALUES = ("NULL",)
DEFAULT_TIME_ZONE = "UTC"


class ContractError(ValueError):
    """A contract file is malformed."""


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    nullable: bool = True
    accepted_values: tuple[str, ...] | None = None
    description: str = ""


@dataclass(frozen=True)
class Contract:
    name: str
    department: str
    system: str
    description: str
    file_pattern: str
    format: str
    primary_key: tuple[str, ...]
    columns: tuple[Column, ...]
    version_column: str | None = None
    freshness_column: str | None = None
    time_zone: str = DEFAULT_TIME_ZONE
    null_values: tuple[str, ...] = DEFAULT_NULL_VALUES
    path: Path = field(default=Path(), compare=False)

    @property
    def raw_schema(self) -> str:
        return f"raw_{self.system}"

    @property
    def raw_table(self) -> str:
        """Fully qualified raw table, e.g. ``raw_crm.deals``."""
        return f"{self.raw_schema}.{self.name}"

    @property
    def quoted_raw_schema(self) -> str:
        return f'"{self.raw_schema}"'

    @property
    def quoted_raw_table(self) -> str:
        """The raw table as SQL: each part quoted (the names are validated identifiers too)."""
        return f'"{self.raw_schema}"."{self.name}"'

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _parse(path: Path) -> Contract:
    doc = yaml.safe_load(path.read_text())
    where = f"contract {path}"
    try:
        columns = tuple(
            Column(
                name=c["name"],
                type=str(c["type"]).lower().replace(" ", ""),
                nullable=bool(c.get("nullable", True)),
                accepted_values=tuple(str(v) for v in c["accepted_values"])
                if c.get("accepted_values")
                else None,
                description=c.get("description", ""),
            )
            for c in doc["columns"]
        )
        contract = Contract(
            name=doc["name"],
            department=doc["department"],
            system=doc["system"],
            description=doc.get("description", ""),
            file_pattern=doc["file_pattern"],
            format=doc["format"],
            primary_key=tuple(doc["primary_key"]),
            columns=columns,
            version_column=doc.get("version_column"),
            freshness_column=doc.get("freshness_column"),
            time_zone=str(doc.get("time_zone", DEFAULT_TIME_ZONE)),
            null_values=tuple(str(v) for v in doc.get("null_values", DEFAULT_NULL_VALUES)),
            path=path,
        )
    except KeyError as missing:
        raise ContractError(f"{where}: required key {missing} is missing") from None
    names = contract.column_names
    problems = [
        f"column {c.name}: unknown type {c.type!r}" for c in columns if not _TYPE.match(c.type)
    ]
    problems += [
        f"{what} {value!r} is not a lower-case identifier"
        for what, value in (("name", contract.name), ("system", contract.system))
        + tuple(("column name", name) for name in names)
        if not IDENTIFIER.match(str(value))
    ]
    problems += _file_pattern_problems(contract.file_pattern)
    problems += _time_zone_problems(contract.time_zone)
    if len(set(names)) != len(names):
        problems.append("duplicate column names")
    if contract.format not in FORMATS:
        problems.append(f"format {contract.format!r} is not one of {FORMATS}")
    if contract.department not in DEPARTMENTS:
        problems.append(f"department {contract.department!r} is not one of {DEPARTMENTS}")
    for key in (*contract.primary_key, contract.version_column, contract.freshness_column):
        if key is not None and key not in names:
            problems.append(f"{key!r} is named as a key but is not a column")
    if any(contract.column(k).nullable for k in contract.primary_key if k in names):
        problems.append("primary key columns must be nullable: false")
    if contract.name != path.stem:
        problems.append(f"name {contract.name!r} differs from the file name {path.stem!r}")
    if problems:
        raise ContractError(f"{where}: " + "; ".join(problems))
    return contract


def _file_pattern_problems(pattern: str) -> list[str]:
    """A pattern must stay inside the extracts folder: relative, without ``..``."""
    parts = PurePosixPath(pattern).parts
    if not pattern or pattern.startswith(("/", "\\")) or ".." in parts or "\\" in pattern:
        return [f"file_pattern {pattern!r} must be a relative path inside the extracts folder"]
    return []


def _time_zone_problems(name: str) -> list[str]:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return [f"time_zone {name!r} is not an IANA time zone name"]
    return []


@cache
def load_contracts(directory: Path = CONTRACTS_DIR) -> tuple[Contract, ...]:
    """Every contract under ``directory``, sorted by department then name; names must be unique."""
    contracts = tuple(
        sorted((_parse(p) for p in directory.glob("*/*.yml")), key=lambda c: (c.department, c.name))
    )
    seen: dict[str, Path] = {}
    for c in contracts:
        if c.name in seen:
            raise ContractError(f"contract name {c.name!r} is used by {seen[c.name]} and {c.path}")
        seen[c.name] = c.path
    return contracts


def contract_by_name(name: str) -> Contract:
    return next(c for c in load_contracts() if c.name == name)
