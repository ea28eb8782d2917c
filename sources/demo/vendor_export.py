"""The demo company as vendor exports: HubSpot, Salesforce, Zendesk and Stripe files.

Each canonical extract a vendor exports is written back through its shipped mapping read in
reverse (vendor column names, vendor value labels, vendor time formats and time zone), one vendor
file per drop. Extracts no vendor mapping covers (ads, web analytics, events, email, ledger) are
copied unchanged into ``canonical/``. Converting the vendor folders with their mappings must give
back the canonical company, which is what the vendor-format proof test checks.
"""

from __future__ import annotations

import csv
import json
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import duckdb

from sources.contracts import Contract, load_contracts
from sources.mappings.spec import ColumnRule, FileRule, mapping_path, parse_mapping
from sources.mappings.values import TIMESTAMP_TEXT, zone
from sources.readers import REJECTS_TABLE, STAGE_TABLE, stage_file

# Which vendor exports each canonical extract in the demo company: HubSpot for marketing,
# Salesforce as the CRM, Zendesk for service, Stripe for billing.
DEMO_VENDOR_RULES = {
    "contacts": ("hubspot", "contacts"),
    "crm_accounts": ("salesforce", "accounts"),
    "crm_contacts": ("salesforce", "contacts"),
    "deals": ("salesforce", "opportunities"),
    "deal_stage_history": ("salesforce", "opportunity_history"),
    "sales_activities": ("salesforce", "tasks"),
    "reps": ("salesforce", "users"),
    "teams": ("salesforce", "user_roles"),
    "tickets": ("zendesk", "tickets"),
    "ticket_comments": ("zendesk", "ticket_comments"),
    "satisfaction_ratings": ("zendesk", "satisfaction_ratings"),
    "billing_customers": ("stripe", "customers"),
    "subscriptions": ("stripe", "subscriptions"),
    "invoices": ("stripe", "invoices"),
    "invoice_lines": ("stripe", "invoice_line_items"),
    "payments": ("stripe", "charges"),
    "refunds": ("stripe", "refunds"),
}
CANONICAL_FOLDER = "canonical"


@dataclass
class VendorExportReport:
    files: list[Path] = field(default_factory=list)


def vendor_folders(out_dir: Path) -> dict[str, Path]:
    """The vendor folders an export wrote, by mapping name."""
    return {vendor: Path(out_dir) / vendor for vendor, _ in DEMO_VENDOR_RULES.values()}


def export_vendor_formats(canonical_dir: Path, out_dir: Path) -> VendorExportReport:
    """Write the canonical extracts in ``canonical_dir`` as vendor exports under ``out_dir``."""
    canonical_dir, out_dir = Path(canonical_dir), Path(out_dir)
    mappings = {v: parse_mapping(mapping_path(v)) for v, _ in DEMO_VENDOR_RULES.values()}
    report = VendorExportReport()
    for contract in load_contracts():
        paths = sorted(canonical_dir.glob(contract.file_pattern), key=lambda p: p.as_posix())
        if contract.name not in DEMO_VENDOR_RULES:
            for path in paths:
                target = out_dir / CANONICAL_FOLDER / path.relative_to(canonical_dir)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)
                report.files.append(target)
            continue
        vendor, rule_name = DEMO_VENDOR_RULES[contract.name]
        mapping = mappings[vendor]
        for path in paths:
            records = _canonical_records(contract, path)
            target = out_dir / vendor / _vendor_file_name(mapping.file(rule_name), path.stem)
            _write_vendor_file(mapping.file(rule_name), target, records)
            report.files.append(target)
    return report


def _canonical_records(contract: Contract, path: Path) -> list[dict | str]:
    """The file's records as text, through the loader's own reader, in file order; a line the
    reader rejects (the demo's malformed rows) comes back as its raw text, to stay malformed."""
    con = duckdb.connect()
    try:
        stage_file(con, contract, path, path.name)
        cursor = con.execute(f"SELECT * FROM {STAGE_TABLE} ORDER BY _line")
        names = [d[0] for d in cursor.description]
        records = {row[0]: dict(zip(names[1:], row[1:], strict=True)) for row in cursor.fetchall()}
        rejects = con.execute(
            f"SELECT line, any_value(raw_record) FROM {REJECTS_TABLE} GROUP BY line"
        ).fetchall()
    finally:
        con.close()
    records.update({line: json.loads(raw)["raw_line"] for line, raw in rejects})
    return [records[line] for line in sorted(records)]


def _vendor_file_name(rule: FileRule, stem: str) -> str:
    pattern = next(p for p in rule.files if "*" in p)
    return pattern.replace("*", stem)


def _vendor_value(rule: FileRule, column: ColumnRule, value: str | None) -> str | None:
    """The canonical value as the vendor writes it: the mapping read backwards."""
    if value is None or value == "":
        return None
    if column.key_from_name:
        raise ValueError(f"{rule.name}.{column.target}: a key made from a name has no way back")
    if column.length:
        return "x" * int(value)
    if column.labels is not None:
        # A value no vendor label names is the demo's deliberate dirt: it must stay unlisted.
        value = column.labels.get(value, f"?{value}")
    if column.divide_by is not None:
        value = str(int(Decimal(value) * column.divide_by))
    try:
        if column.type == "timestamp":
            moment = datetime.strptime(value[:19], TIMESTAMP_TEXT).replace(tzinfo=UTC)
            return _format(moment.astimezone(zone(rule.timezone)), column.formats[0])
        if column.type == "date":
            return _format(datetime.strptime(value, "%Y-%m-%d"), column.formats[0])
    except ValueError:
        return value  # the demo's deliberate bad values travel as they are
    return value


def _format(moment: datetime, fmt: str) -> str:
    return moment.isoformat() if fmt == "iso" else moment.strftime(fmt)


def _write_vendor_file(rule: FileRule, target: Path, records: list[dict | str]) -> None:
    constants = {column: allowed[0] for column, allowed in rule.where.items()}
    if rule.currency is not None:
        constants[rule.currency.source] = rule.currency.convert_to or "USD"
    names = list(dict.fromkeys([*constants, *(c.sources[0] for c in rule.columns if c.sources)]))
    rows = []
    for record in records:
        if isinstance(record, str):
            rows.append(record)
            continue
        row = dict(constants)
        for column in rule.columns:
            if column.sources:
                row[column.sources[0]] = _vendor_value(rule, column, record[column.target])
        rows.append(row)
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", encoding="utf-8", newline="") as file:
        if rule.format == "jsonl":
            for row in rows:
                text = row if isinstance(row, str) else json.dumps(row, separators=(",", ":"))
                file.write(text + "\n")
            return
        writer = csv.writer(file, lineterminator="\n", delimiter=rule.delimiter)
        writer.writerow(names)
        for row in rows:
            if isinstance(row, str):
                # One field too many, whatever the vendor's column count: malformed in any shape.
                fields = next(csv.reader([row]), [])
                writer.writerow((fields + [""] * len(names))[: len(names) + 1])
            else:
                writer.writerow([row.get(n) or "" for n in names])
