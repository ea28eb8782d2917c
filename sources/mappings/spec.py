"""Vendor mappings: one declarative YAML per vendor, from its documented export columns onto the
canonical extract contracts (:mod:`sources.contracts`), which stay the one internal shape.

A mapping lists the vendor's export files; each names the contract its rows become and, per
contract column, where the value comes from (vendor columns, first non-empty wins, or a constant)
and how it is read: a value map with an ``other`` bucket, time formats, a time zone, a currency
rule, an opaque key made from a name, a text's length. Validation against the contract happens
here, so a mapping that would silently mix currencies or leave a required column unfed never runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from sources.contracts import Contract, contract_by_name, load_contracts

VENDORS_DIR = Path(__file__).parent / "vendors"
VENDOR_FORMATS = ("csv", "jsonl")
DEFAULT_TIMESTAMP_FORMATS = ("iso",)
DEFAULT_DATE_FORMATS = ("%Y-%m-%d", "iso")


class MappingError(ValueError):
    """A mapping file is malformed or does not fit its contract."""


@dataclass(frozen=True)
class ColumnRule:
    """How one contract column is filled from a vendor row."""

    target: str
    type: str
    sources: tuple[str, ...] = ()
    constant: str | None = None
    values: dict[str, str] | None = None  # vendor value (lower case) -> canonical value
    labels: dict[str, str] | None = None  # canonical value -> first vendor value naming it
    other: str | None = None  # canonical value for vendor values the map does not list
    formats: tuple[str, ...] = ()
    key_from_name: bool = False
    length: bool = False
    divide_by: Decimal | None = None


@dataclass(frozen=True)
class CurrencyRule:
    """Amounts are converted to ``convert_to`` with the mapping's rates, or kept per currency."""

    source: str
    amounts: tuple[str, ...]
    column: str | None
    convert_to: str | None


@dataclass(frozen=True)
class FileRule:
    name: str
    contract: Contract
    files: tuple[str, ...]
    format: str
    columns: tuple[ColumnRule, ...]
    where: dict[str, tuple[str, ...]] = field(default_factory=dict)
    currency: CurrencyRule | None = None
    timezone: str = "UTC"
    delimiter: str = ","

    @property
    def vendor_columns(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s for c in self.columns for s in c.sources))


@dataclass(frozen=True)
class Mapping:
    vendor: str
    description: str
    files: tuple[FileRule, ...]
    rates: dict[str, Decimal]
    null_values: frozenset[str]
    path: Path

    def file(self, name: str) -> FileRule:
        return next(f for f in self.files if f.name == name)


def _as_tuple(value) -> tuple[str, ...]:
    if value is None:
        return ()
    return tuple(str(v) for v in value) if isinstance(value, list) else (str(value),)


def _column(target: str, doc, contract: Contract, defaults: dict, where: str) -> ColumnRule:
    if target not in contract.column_names:
        raise MappingError(f"{where}: {target!r} is not a column of contract {contract.name}")
    column = contract.column(target)
    if isinstance(doc, str | list):
        doc = {"from": doc}
    unknown = set(doc) - {"from", "value", "values", "other", "format", "key_from_name",
                          "length", "divide_by"}  # fmt: skip
    if unknown:
        raise MappingError(f"{where}: column {target}: unknown keys {sorted(unknown)}")
    values = doc.get("values")
    formats = _as_tuple(doc.get("format")) or defaults.get(column.type, ())
    rule = ColumnRule(
        target=target,
        type=column.type,
        sources=_as_tuple(doc.get("from")),
        constant=None if doc.get("value") is None else str(doc["value"]),
        values={str(k).strip().lower(): str(v) for k, v in values.items()} if values else None,
        labels={str(v): str(k) for k, v in reversed(values.items())} if values else None,
        other=None if doc.get("other") is None else str(doc["other"]),
        formats=formats,
        key_from_name=bool(doc.get("key_from_name")),
        length=bool(doc.get("length")),
        divide_by=Decimal(str(doc["divide_by"])) if doc.get("divide_by") else None,
    )
    if bool(rule.sources) == (rule.constant is not None):
        raise MappingError(f"{where}: column {target}: give exactly one of 'from' and 'value'")
    accepted = column.accepted_values
    named = [*(rule.values or {}).values(), *([rule.other] if rule.other else [])]
    if accepted and (wrong := sorted({v for v in named if v not in accepted})):
        raise MappingError(f"{where}: column {target}: {wrong} not accepted by the contract")
    return rule


def _currency(doc, contract: Contract, where: str) -> CurrencyRule | None:
    if not doc:
        return None
    rule = CurrencyRule(
        source=str(doc["from"]),
        amounts=_as_tuple(doc["amounts"]),
        column=doc.get("column"),
        convert_to=doc.get("convert_to"),
    )
    for name in (*rule.amounts, *([rule.column] if rule.column else [])):
        if name not in contract.column_names:
            raise MappingError(f"{where}: currency: {name!r} is not a column of {contract.name}")
    if rule.convert_to is None and rule.column is None:
        # Amounts of several currencies in one column without the currency beside them would
        # be summed as if they were one: refuse rather than mix.
        raise MappingError(
            f"{where}: currency: amounts kept per currency need the contract column that says "
            "which currency ('column'), or 'convert_to' with rates"
        )
    return rule


def _file(doc: dict, defaults: dict, where: str) -> FileRule:
    name = doc["name"]
    where = f"{where}, file {name}"
    try:
        contract = contract_by_name(doc["contract"])
    except StopIteration:
        raise MappingError(f"{where}: unknown contract {doc['contract']!r}") from None
    fmt = doc.get("format", "csv")
    if fmt not in VENDOR_FORMATS:
        raise MappingError(f"{where}: format {fmt!r} is not one of {VENDOR_FORMATS}")
    columns = tuple(
        _column(target, spec, contract, defaults, where) for target, spec in doc["columns"].items()
    )
    currency = _currency(doc.get("currency"), contract, where)
    fed = {r.target for r in columns} | (
        {currency.column} if currency and currency.column else set()
    )
    unfed = [c.name for c in contract.columns if not c.nullable and c.name not in fed]
    if unfed:
        raise MappingError(f"{where}: required contract columns not mapped: {unfed}")
    return FileRule(
        name=name,
        contract=contract,
        files=_as_tuple(doc["files"]),
        format=fmt,
        columns=columns,
        where={str(k): _as_tuple(v) for k, v in (doc.get("where") or {}).items()},
        currency=currency,
        timezone=str(doc.get("timezone", defaults["timezone"])),
        delimiter=str(doc.get("delimiter", ",")),
    )


def parse_mapping(path: Path, timezone: str | None = None) -> Mapping:
    """Read and validate one mapping file; ``timezone`` overrides the one it declares."""
    doc = yaml.safe_load(Path(path).read_text())
    where = f"mapping {path}"
    load_contracts()
    try:
        defaults = {
            "timezone": timezone or str(doc.get("timezone", "UTC")),
            "timestamp": _as_tuple(doc.get("timestamp_formats")) or DEFAULT_TIMESTAMP_FORMATS,
            "date": _as_tuple(doc.get("date_formats")) or DEFAULT_DATE_FORMATS,
        }
        files = tuple(_file(f, defaults, where) for f in doc["files"])
        rates = {str(k).upper(): Decimal(str(v)) for k, v in (doc.get("rates") or {}).items()}
        mapping = Mapping(
            vendor=doc["vendor"],
            description=doc.get("description", ""),
            files=files,
            rates=rates,
            null_values=frozenset(str(v).strip().lower() for v in doc.get("null_values", [])),
            path=Path(path),
        )
    except KeyError as missing:
        raise MappingError(f"{where}: required key {missing} is missing") from None
    except InvalidOperation:
        raise MappingError(f"{where}: a rate or divide_by is not a number") from None
    for rule in files:
        try:
            ZoneInfo(rule.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise MappingError(f"{where}: unknown time zone {rule.timezone!r}") from None
    if len({f.name for f in files}) != len(files):
        raise MappingError(f"{where}: file names repeat")
    return mapping


def mapping_path(name_or_path: str) -> Path:
    """A shipped mapping by vendor name (``hubspot``) or any mapping file by its path."""
    shipped = VENDORS_DIR / f"{name_or_path}.yml"
    return shipped if shipped.exists() else Path(name_or_path)


def shipped_mappings() -> tuple[str, ...]:
    return tuple(sorted(p.stem for p in VENDORS_DIR.glob("*.yml")))
