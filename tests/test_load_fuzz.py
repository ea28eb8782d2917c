"""Fuzz: seeded corruptions of CSV, JSONL and Parquet drops, none of which may lose a record or
change a value without a quarantine reason.

Each case generates a clean drop, corrupts it (odd values, broken quotes, repeated and
conflicting records, other line ends, blank lines, a cut-off end, ...), loads it, and compares
every record's fate with what the documented rules predict (:mod:`load_oracle`): the values it
loads as, or that it is quarantined, or that it repeats an earlier record. A file may instead
fail as a whole, naming itself, and change nothing. ``make test`` runs a few seeds per format;
``LOAD_FUZZ_SEEDS=500`` runs more.
"""

from __future__ import annotations

import json
import os
import random
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from load_oracle import REFUSED, value_of
from test_load import make_contract

from sources import text_lines
from sources.load import LoadError, ensure_raw_schema, load_extract

SEEDS = range(int(os.environ.get("LOAD_FUZZ_SEEDS", "12")))
ODD_VALUES = {
    "qty": ["18.0", "14.6", "-0", "+7", " 12 ", "1e3", "99999999999", "１２", "x", "NULL"],
    "price": ["5916.004", "0.125", "2.999", "5916.10", "0.30000000000000001", ".5", "-1.2300",
              "1,5", "12345678.9", "1e3", "  ", ""],
    "active": ["yes", "N", "TRUE", "2", "maybe", ""],
    "kind": ["d", "A", " a", "NULL", ""],
    "note": ["NULL", "   ", 'say "hi", ok', "line\nbreak", "tab\there", "Zoë, Ørsted", ""],
    "due_date": ["99999-01-01", "2025-02-30", "2025-11-30T00:00:00", "2025-11-30 10:00:00",
                 "30/11/2025", "2025-1-3"],
    "updated_at": ["2025-11-01T10:00:00-05:00", "2025-11-01 10:00:00Z", "2025-11-01 10:00",
                   "2025-11-01", "2025-11-01 10:00:00.1234567", "2025-11-01 10:00:00.123",
                   "11/01/2025 10:00", "99999-11-01 10:00:00", "2025-11-01 10:00:00+0530",
                   "2025-11-01 10:00:00+05:75", "2025-11-31 10:00:00", "2025-03-09 02:30:00",
                   "2025-11-02 01:30:00", "   ", "NULL"],
    "item_id": ["", "NULL", " "],
}  # fmt: skip
ZONES = ["UTC", "America/New_York", "Europe/Berlin"]


@dataclass
class Drop:
    """A drop as its records: field texts (None: absent or JSON null) and where each begins."""

    columns: tuple[str, ...]
    records: list[dict[str, str | None]]
    malformed: set[int] = field(default_factory=set)  # record indexes broken on purpose
    text: bytes = b""
    first_lines: list[int] = field(default_factory=list)
    line_counts: list[int] = field(default_factory=list)  # physical lines of each record
    cut_from_line: int | None = None  # lines from here on belong to a cut-off end


@pytest.fixture(scope="module")
def contracts(tmp_path_factory):
    """The loader tests' contract per format and declared time zone."""
    return {
        (fmt, zone): make_contract(tmp_path_factory.mktemp(fmt), fmt, f"time_zone: {zone}\n")
        for fmt in ("csv", "jsonl", "parquet")
        for zone in ZONES
    }


def clean_records(rng: random.Random, count: int) -> list[dict[str, str | None]]:
    def maybe(text: str) -> str:
        return text if rng.random() > 0.2 else ""

    return [
        {
            "item_id": f"I{n}",
            "qty": maybe(str(rng.randint(-50, 5000))),
            "price": f"{rng.randint(0, 99999)}.{rng.randint(0, 99):02d}",
            "active": maybe(rng.choice(["true", "false"])),
            "kind": maybe(rng.choice("abc")),
            "note": maybe(rng.choice(["plain", "with, comma", 'a "quote"', "two\nlines", "é"])),
            "due_date": maybe(f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"),
            "updated_at": f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            f" {rng.randint(4, 20):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}",
        }
        for n in range(count)
    ]


def corrupt_values(rng: random.Random, drop: Drop) -> None:
    for column, values in ODD_VALUES.items():
        for record in rng.sample(drop.records, rng.randint(0, 3)):
            record[column] = rng.choice(values)
    for _ in range(rng.randint(0, 3)):  # repeats, exact or changed, anywhere later
        copy = dict(rng.choice(drop.records))
        if rng.random() < 0.4:
            copy["qty"] = str(rng.randint(6000, 7000))
        drop.records.insert(rng.randint(0, len(drop.records)), copy)


def csv_field(text: str | None) -> str:
    text = text or ""
    return '"' + text.replace('"', '""') + '"' if any(c in text for c in ',"\r\n') else text


def write_text_drop(rng: random.Random, drop: Drop, fmt: str) -> None:
    line_end = rng.choice(["\n", "\n", "\r\n", "\r"] if fmt == "csv" else ["\n", "\r\n"])
    break_char = "\r" if line_end == "\r" else "\n"
    lines = [",".join(drop.columns)] if fmt == "csv" else []
    physical_lines = len(lines)
    for index, record in enumerate(drop.records):
        while rng.random() < 0.05:
            lines.append("")
            physical_lines += 1
        drop.first_lines.append(physical_lines + 1)
        if fmt == "csv":  # a quoted line break is written with the file's own line end
            record.update({c: v.replace("\n", break_char) for c, v in record.items() if v})
        text = encode_record(rng, record, fmt)
        drop.line_counts.append(1 + text.count(break_char))
        physical_lines += drop.line_counts[-1]
        if rng.random() < 0.05 and '"' not in text and "\n" not in text:
            position = rng.randint(1, len(text))  # a quote that never closes
            text, _ = text[:position] + '"' + text[position:], drop.malformed.add(index)
        elif rng.random() < 0.03:
            text, _ = text + ("," if fmt == "csv" else "}"), drop.malformed.add(index)
        lines.append(text)
    content = line_end.join(lines) + line_end
    if rng.random() < 0.1:
        content = "\ufeff" + content
    data = content.encode()
    if rng.random() < 0.25:  # cut off: the end of the file never arrived
        data = data[: rng.randint(len(data) * 3 // 4, len(data) - 1)]
        kept = data.decode(errors="ignore")
        if not kept.endswith(line_end):
            cut_line = kept.count(break_char if fmt == "csv" else "\n") + 1
            drop.cut_from_line = max(line for line in drop.first_lines if line <= cut_line)
    drop.text = data


def encode_record(rng: random.Random, record: dict, fmt: str) -> str:
    if fmt == "csv":
        return ",".join(csv_field(record[c]) for c in record)
    members = []
    for column, value in record.items():
        if value is None or (value == "" and rng.random() < 0.5):
            continue  # JSON writers drop empty keys
        number = column in ("qty", "price") and value.strip() and rng.random() < 0.5
        is_json_number = number and _is_json_number(value)
        members.append(f'"{column}": {value if is_json_number else json.dumps(value)}')
    return "{" + ", ".join(members) + "}"


def _is_json_number(text: str) -> bool:
    try:
        return json.loads(text) is not None and text == text.strip() and text[0] in "-0123456789"
    except ValueError:
        return False


# Parquet types a column may be written in, when every one of its values has a typed meaning.
PARQUET_TYPES = {
    "qty": pa.int64(),
    "price": pa.decimal128(20, 4),
    "active": pa.bool_(),
    "due_date": pa.date32(),
    "updated_at": pa.timestamp("us", tz="UTC"),  # an instant: its text must not matter
}


def write_parquet_drop(rng: random.Random, drop: Drop, path, contract) -> None:
    """Every column as text, or some typed (their values being what the text means)."""
    columns = {c: pa.array([r[c] for r in drop.records], pa.string()) for c in drop.columns}
    for column, arrow_type in PARQUET_TYPES.items():
        type_ = contract.column(column).type
        values = [value_of(r[column], type_, contract.time_zone) for r in drop.records]
        if REFUSED not in values and rng.random() < 0.5:
            columns[column] = pa.array(values, arrow_type)
    pq.write_table(pa.table(columns), path)
    drop.first_lines = list(range(1, len(drop.records) + 1))
    drop.line_counts = [1] * len(drop.records)


def expected_outcome(drop: Drop, contract) -> tuple[dict[int, tuple], set[int], int]:
    """The rules' prediction: values per loaded line, quarantined lines, number of repeats."""
    valid, quarantined = {}, set()
    for index, record in enumerate(drop.records):
        line = drop.first_lines[index]
        if drop.cut_from_line is not None and line >= drop.cut_from_line:
            continue  # the cut-off end: judged separately
        values = tuple(
            value_of(record.get(c.name), c.type, contract.time_zone) for c in contract.columns
        )
        broken = index in drop.malformed or REFUSED in values
        missing = any(v is None for c, v in zip(contract.columns, values, strict=True)
                      if not c.nullable)  # fmt: skip
        kind = values[contract.column_names.index("kind")]
        if index in drop.malformed:
            # A broken record over several lines is no record: each of its lines is quarantined.
            quarantined.update(range(line, line + drop.line_counts[index]))
        elif broken or missing or kind not in (None, "a", "b", "c"):
            quarantined.add(line)
        else:
            valid[line] = values
    loaded, repeats = {}, 0
    key = [contract.column_names.index(c) for c in ("item_id", "updated_at")]
    groups: dict[tuple, list[int]] = {}
    for line, values in valid.items():
        groups.setdefault(tuple(values[i] for i in key), []).append(line)
    for lines in groups.values():
        if len({valid[line] for line in lines}) > 1:
            quarantined.update(lines)
        else:
            loaded[min(lines)] = valid[min(lines)]
            repeats += len(lines) - 1
    return loaded, quarantined, repeats


def run_case(contracts, fmt: str, seed: int, tmp_path) -> None:
    rng = random.Random(f"{fmt}-{seed}")
    contract = contracts[fmt, rng.choice(ZONES)]
    drop = Drop(contract.column_names, clean_records(rng, rng.randint(20, 60)))
    corrupt_values(rng, drop)
    folder = tmp_path / f"items_{fmt}"
    folder.mkdir(parents=True)
    path = folder / f"drop-{seed}.{fmt}"
    if fmt == "parquet":
        write_parquet_drop(rng, drop, path, contract)
    else:
        write_text_drop(rng, drop, fmt)
        path.write_bytes(drop.text)
    con = duckdb.connect()
    # The session's time zone must change nothing (it shifted Parquet instants once).
    con.execute(f"SET TimeZone = '{rng.choice(['UTC', 'Europe/Berlin', 'Asia/Kolkata'])}'")
    ensure_raw_schema(con, [contract])
    try:
        (result,) = load_extract(con, contract, tmp_path).files
    except LoadError as error:
        assert error.source_file == f"items_{fmt}/{path.name}"
        assert con.execute(f"SELECT count(*) FROM {contract.raw_table}").fetchall() == [(0,)]
        return
    columns = ", ".join(contract.column_names)
    stored = con.execute(f"SELECT _source_line, {columns} FROM {contract.raw_table}").fetchall()
    in_quarantine = {
        line for (line,) in con.execute("SELECT source_line FROM raw_meta.quarantine").fetchall()
    }
    loaded, quarantined, repeats = expected_outcome(drop, contract)
    where = f"{fmt} seed {seed} ({contract.time_zone}): {path}"
    assert result.rows_accounted_for, where
    actual = {line: tuple(values) for line, *values in stored}
    cut = drop.cut_from_line
    if cut is not None:
        assert all(line < cut for line in actual), f"{where}: a cut-off record was loaded"
        assert any(line >= cut for line in in_quarantine), f"{where}: cut-off end not quarantined"
        in_quarantine = {line for line in in_quarantine if line < cut}
    assert actual == loaded, where
    assert in_quarantine == quarantined, where
    assert result.rows_duplicate == repeats, where


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_corrupted_drop_loses_nothing_and_changes_nothing_silently(contracts, fmt, seed, tmp_path):
    run_case(contracts, fmt, seed, tmp_path)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_text_drop_read_in_small_pieces_loads_the_same(contracts, fmt, seed, tmp_path, monkeypatch):
    """Big files are read in pieces: pieces shorter than a line (every line and quoted line break
    spans reads) or of a few lines must give the records of a file read in one piece."""
    monkeypatch.setattr(text_lines, "PIECE_BYTES", (7, 300)[seed % 2])
    run_case(contracts, fmt, seed, tmp_path)
