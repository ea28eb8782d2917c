"""Contract-driven loading: clean files, quarantined rows, rejected files, idempotence, history."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from sources.contracts import contract_by_name, load_contracts
from sources.demo.dirt import DEFECTS
from sources.load import LoadError, ensure_raw_schema, load_all, load_extract

TEST_CONTRACT = """\
name: {name}
department: sales
system: test
description: "A small extract for loader tests."
file_pattern: {folder}/*.{ext}
format: {format}
primary_key: [item_id]
version_column: updated_at
columns:
  - {{name: item_id, type: varchar, nullable: false}}
  - {{name: qty, type: integer}}
  - {{name: price, type: "decimal(10,2)", nullable: false}}
  - {{name: active, type: boolean}}
  - {{name: kind, type: varchar, accepted_values: [a, b, c]}}
  - {{name: note, type: varchar}}
  - {{name: due_date, type: date}}
  - {{name: updated_at, type: timestamp, nullable: false}}
"""
HEADER = "item_id,qty,price,active,kind,note,due_date,updated_at"
CLEAN_ROWS = [
    "I1,3,9.99,true,a,hello,2025-11-30,2025-11-01 10:00:00",
    'I2,,10.00,false,b,"with, comma",,2025-11-01 11:00:00',
]
RAW_META_TABLES = ("raw_meta.loaded_files", "raw_meta.quarantine", "raw_meta.converted_values")


def make_contract(tmp_path: Path, fmt: str, extra: str = ""):
    """Write a test contract (its own folder so the parser's cache sees a fresh directory).

    ``extra`` is YAML added to the contract, e.g. ``time_zone: Europe/Paris``.
    """
    ext = {"csv": "csv", "jsonl": "jsonl", "parquet": "parquet"}[fmt]
    directory = tmp_path / "contracts"
    (directory / "sales").mkdir(parents=True)
    name = f"items_{fmt}"
    text = TEST_CONTRACT.format(name=name, folder=f"items_{fmt}", ext=ext, format=fmt) + extra
    (directory / "sales" / f"{name}.yml").write_text(text)
    (contract,) = load_contracts(directory)
    return contract


@pytest.fixture
def csv_contract(tmp_path):
    return make_contract(tmp_path, "csv")


@pytest.fixture
def extracts(tmp_path) -> Path:
    path = tmp_path / "extracts"
    path.mkdir()
    return path


@pytest.fixture
def con(tmp_path):
    connection = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    yield connection
    connection.close()


def write(extracts: Path, relative: str, content: str | bytes) -> Path:
    path = extracts / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode()
    path.write_bytes(content)
    return path


def csv_text(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def rows(con, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def snapshot(con, contract) -> dict[str, list[tuple]]:
    return {
        table: sorted(rows(con, f"SELECT * FROM {table}"), key=repr)
        for table in (contract.raw_table, *RAW_META_TABLES)
    }


def quarantined(con) -> list[tuple]:
    return rows(
        con,
        "SELECT source_file, source_line, column_name, raw_value, reason"
        " FROM raw_meta.quarantine ORDER BY source_line, column_name",
    )


# ----------------------------------------------------------------------------------------------
# clean files
# ----------------------------------------------------------------------------------------------


def test_clean_csv_loads_typed_values_with_lineage(con, csv_contract, extracts):
    write(extracts, "items_csv/2025-11-03.csv", csv_text(*CLEAN_ROWS))
    ensure_raw_schema(con, [csv_contract])

    result = load_extract(con, csv_contract, extracts)

    (file,) = result.files
    assert (file.rows_in_file, file.rows_loaded, file.rows_quarantined) == (2, 2, 0)
    loaded = rows(
        con,
        "SELECT item_id, qty, price::VARCHAR, active, kind, note, due_date::VARCHAR,"
        " updated_at::VARCHAR, _source_file, _source_line, _file_sha256 = ?"
        " FROM raw_test.items_csv ORDER BY item_id".replace("?", f"'{file.sha256}'"),
    )
    assert loaded == [
        ("I1", 3, "9.99", True, "a", "hello", "2025-11-30", "2025-11-01 10:00:00",
         "items_csv/2025-11-03.csv", 2, True),
        ("I2", None, "10.00", False, "b", "with, comma", None, "2025-11-01 11:00:00",
         "items_csv/2025-11-03.csv", 3, True),
    ]  # fmt: skip
    bookkeeping = "SELECT contract, source_file, rows_loaded FROM raw_meta.loaded_files"
    assert rows(con, bookkeeping) == [("items_csv", "items_csv/2025-11-03.csv", 2)]
    assert result.as_metadata()["rows_loaded"] == 2


def test_raw_table_has_contract_columns_then_lineage(con, csv_contract):
    ensure_raw_schema(con, [csv_contract])
    ensure_raw_schema(con, [csv_contract])  # idempotent
    columns = rows(
        con,
        "SELECT column_name, data_type FROM information_schema.columns"
        " WHERE table_schema = 'raw_test' AND table_name = 'items_csv' ORDER BY ordinal_position",
    )
    assert columns == [
        ("item_id", "VARCHAR"), ("qty", "INTEGER"), ("price", "DECIMAL(10,2)"),
        ("active", "BOOLEAN"), ("kind", "VARCHAR"), ("note", "VARCHAR"), ("due_date", "DATE"),
        ("updated_at", "TIMESTAMP"), ("_source_file", "VARCHAR"), ("_source_line", "BIGINT"),
        ("_file_sha256", "VARCHAR"), ("_loaded_at", "TIMESTAMP"),
    ]  # fmt: skip


def test_clean_jsonl_keeps_line_numbers_and_reports_extra_keys(con, tmp_path, extracts):
    contract = make_contract(tmp_path, "jsonl")
    records = [
        {"item_id": "J1", "qty": 2, "price": 1.5, "active": True, "kind": "c", "note": None,
         "due_date": "2025-12-01", "updated_at": "2025-11-01 10:00:00", "unexpected": 1},
        {"item_id": "J2", "qty": "x", "price": 2, "updated_at": "2025-11-01 10:00:00"},
    ]  # fmt: skip
    lines = [json.dumps(records[0]), "", json.dumps(records[1])]
    write(extracts, "items_jsonl/2025-11-03.jsonl", "\n".join(lines) + "\n")
    ensure_raw_schema(con, [contract])

    (file,) = load_extract(con, contract, extracts).files

    assert (file.rows_in_file, file.rows_loaded, file.rows_quarantined) == (2, 1, 1)
    assert file.extra_columns == ("unexpected",)
    assert rows(con, "SELECT item_id, qty, price::VARCHAR, active, _source_line"
                     " FROM raw_test.items_jsonl") == [("J1", 2, "1.50", True, 1)]  # fmt: skip
    assert quarantined(con) == [
        ("items_jsonl/2025-11-03.jsonl", 3, "qty", "x", "bad value for type integer")
    ]


def test_jsonl_nullable_key_absent_from_the_file_loads_as_null(con, tmp_path, extracts):
    contract = make_contract(tmp_path, "jsonl")
    record = {"item_id": "J1", "price": "3.10", "updated_at": "2025-11-01 10:00:00"}
    write(extracts, "items_jsonl/2025-11-03.jsonl", json.dumps(record) + "\n")
    ensure_raw_schema(con, [contract])

    load_extract(con, contract, extracts)

    assert rows(con, "SELECT item_id, qty, kind, price::VARCHAR FROM raw_test.items_jsonl") == [
        ("J1", None, None, "3.10")
    ]


def test_clean_parquet_uses_row_numbers(con, tmp_path, extracts):
    contract = make_contract(tmp_path, "parquet")
    table = pa.table({
        "item_id": ["P1", "P2", "P3"], "qty": [1, 2, 3], "price": ["1.00", "2.00", None],
        "active": [True, None, False], "kind": ["a", "z", "b"], "note": ["", None, "n"],
        "due_date": ["2025-12-01"] * 3, "updated_at": ["2025-11-01 10:00:00"] * 3,
    })  # fmt: skip
    pq.write_table(table, write(extracts, "items_parquet/2025-11-03.parquet", b""))
    ensure_raw_schema(con, [contract])

    (file,) = load_extract(con, contract, extracts).files

    assert (file.rows_in_file, file.rows_loaded, file.rows_quarantined) == (3, 1, 2)
    assert rows(con, "SELECT item_id, qty, note, _source_line FROM raw_test.items_parquet") == [
        ("P1", 1, None, 1)
    ]
    assert [q[1:] for q in quarantined(con)] == [
        (2, "kind", "z", "value not in accepted values (a, b, c)"),
        (3, "price", None, "missing required value"),
    ]


def test_real_contract_deals_loads_a_drop(con, extracts):
    deals = contract_by_name("deals")
    header = ",".join(deals.column_names)
    row = (
        "D1,Acme renewal,A1,,R1,renewal,closed_won,1200.00,event,C1,"
        "2025-10-01 09:00:00,2025-11-01,2025-11-02 12:00:00,,2025-11-02 12:00:00"
    )
    bad = row.replace("D1,", "D2,").replace("closed_won", "won")
    write(extracts, "crm/deals/2025-11-03.csv", csv_text(row, bad, header=header))
    ensure_raw_schema(con, load_contracts())

    result = load_extract(con, deals, extracts)

    assert (result.rows_loaded, result.rows_quarantined) == (1, 1)
    assert rows(con, "SELECT deal_id, amount::VARCHAR, closed_at::VARCHAR FROM raw_crm.deals") == [
        ("D1", "1200.00", "2025-11-02 12:00:00")
    ]
    assert quarantined(con)[0][1:3] == (3, "stage")


# ----------------------------------------------------------------------------------------------
# bad rows go to quarantine
# ----------------------------------------------------------------------------------------------

BAD_ROW_CASES = {
    "bad integer": ("I9,three,1.00,,,,,2025-11-01 10:00:00", "qty", "three",
                    "bad value for type integer"),
    "bad timestamp": ("I9,1,1.00,,,,,2025-11-31 10:00:00", "updated_at", "2025-11-31 10:00:00",
                      "not a valid date and time"),
    "bad date": ("I9,1,1.00,,,,31/12/2025,2025-11-01 10:00:00", "due_date", "31/12/2025",
                 "not an ISO 8601 date (YYYY-MM-DD)"),
    "bad boolean": ("I9,1,1.00,maybe,,,,2025-11-01 10:00:00", "active", "maybe",
                    "bad value for type boolean"),
    "bad decimal": ("I9,1,1.0.0,,,,,2025-11-01 10:00:00", "price", "1.0.0",
                    "bad value for type decimal(10,2)"),
    "missing required": ("I9,1,,,,,,2025-11-01 10:00:00", "price", "",
                         "missing required value"),
    "empty quoted required": ('I9,1,"",,,,,2025-11-01 10:00:00', "price", "",
                              "missing required value"),
    "whitespace-only required": ("I9,1,1.00,,,,,  ", "updated_at", "  ",
                                 "missing required value"),
    "null text in a required column": ("I9,1,NULL,,,,,2025-11-01 10:00:00", "price", "NULL",
                                       "missing required value"),
    "not accepted": ("I9,1,1.00,,d,,,2025-11-01 10:00:00", "kind", "d",
                     "value not in accepted values (a, b, c)"),
}  # fmt: skip


@pytest.mark.parametrize("case", BAD_ROW_CASES)
def test_bad_row_is_quarantined_and_the_rest_loads(con, csv_contract, extracts, case):
    bad_row, column, raw_value, reason = BAD_ROW_CASES[case]
    write(extracts, "items_csv/2025-11-03.csv", csv_text(CLEAN_ROWS[0], bad_row, CLEAN_ROWS[1]))
    ensure_raw_schema(con, [csv_contract])

    (file,) = load_extract(con, csv_contract, extracts).files

    assert quarantined(con) == [("items_csv/2025-11-03.csv", 3, column, raw_value, reason)]
    assert rows(con, "SELECT item_id, _source_line FROM raw_test.items_csv ORDER BY 1") == [
        ("I1", 2), ("I2", 4)
    ]  # fmt: skip
    assert (file.rows_loaded, file.rows_quarantined, file.rows_in_file) == (2, 1, 3)
    (record,) = rows(con, "SELECT raw_record FROM raw_meta.quarantine")
    assert json.loads(record[0])["item_id"] == "I9"


def test_one_quarantine_row_per_problem_and_malformed_rows(con, csv_contract, extracts):
    text = csv_text(
        CLEAN_ROWS[0],
        "I3,x,,,,,,2025-11-01 10:00:00",  # two problems on one line
        "I4,too,few",  # wrong number of fields
        "I5,1,1.00,,a,,,2025-11-01 10:00:00,surplus",  # one field too many
        CLEAN_ROWS[1],
    )
    write(extracts, "items_csv/2025-11-03.csv", text)
    ensure_raw_schema(con, [csv_contract])

    (file,) = load_extract(con, csv_contract, extracts).files

    problems = quarantined(con)
    assert [p[1:3] for p in problems] == [(3, "price"), (3, "qty"), (4, None), (5, None)]
    assert problems[2][3] == "I4,too,few"
    assert problems[2][4].startswith("malformed CSV row")
    assert (file.rows_in_file, file.rows_loaded, file.rows_quarantined) == (5, 2, 3)
    assert rows(con, "SELECT item_id, _source_line FROM raw_test.items_csv ORDER BY 1") == [
        ("I1", 2), ("I2", 6)
    ]  # fmt: skip


def test_conflicting_copies_of_a_key_in_a_file_quarantine_every_copy(con, csv_contract, extracts):
    text = csv_text(CLEAN_ROWS[0], CLEAN_ROWS[1], CLEAN_ROWS[0].replace(",3,", ",4,"))
    write(extracts, "items_csv/2025-11-03.csv", text)
    ensure_raw_schema(con, [csv_contract])

    (file,) = load_extract(con, csv_contract, extracts).files

    conflict = "conflicting copies of one key and version in the file"
    assert [p[1:] for p in quarantined(con)] == [
        (2, "item_id, updated_at", "I1, 2025-11-01 10:00:00", conflict),
        (4, "item_id, updated_at", "I1, 2025-11-01 10:00:00", conflict),
    ]
    assert (file.rows_loaded, file.rows_quarantined, file.rows_duplicate) == (1, 2, 0)


def test_exact_repeat_of_a_line_loads_once_and_counts_as_a_duplicate(con, csv_contract, extracts):
    # The same version spelled another way (T between date and time) is the same record too.
    respelled = CLEAN_ROWS[1].replace("2025-11-01 11:00:00", "2025-11-01T11:00:00")
    text = csv_text(CLEAN_ROWS[0], CLEAN_ROWS[1], CLEAN_ROWS[0], respelled)
    write(extracts, "items_csv/2025-11-03.csv", text)
    ensure_raw_schema(con, [csv_contract])

    (file,) = load_extract(con, csv_contract, extracts).files

    assert (file.rows_in_file, file.rows_loaded, file.rows_duplicate) == (4, 2, 2)
    assert quarantined(con) == []
    assert rows(con, "SELECT item_id, _source_line FROM raw_test.items_csv ORDER BY 1") == [
        ("I1", 2), ("I2", 3)
    ]  # fmt: skip
    assert rows(con, "SELECT rows_duplicate FROM raw_meta.loaded_files") == [(2,)]


def test_broken_copy_of_a_good_row_is_quarantined_alone(con, csv_contract, extracts):
    broken_copy = CLEAN_ROWS[0].replace(",3,", ",three,")
    write(extracts, "items_csv/2025-11-03.csv", csv_text(CLEAN_ROWS[0], broken_copy))
    ensure_raw_schema(con, [csv_contract])

    (file,) = load_extract(con, csv_contract, extracts).files

    assert [p[1:3] for p in quarantined(con)] == [(3, "qty")]
    assert (file.rows_loaded, file.rows_quarantined) == (1, 1)
    assert rows(con, "SELECT _source_line FROM raw_test.items_csv") == [(2,)]


def test_a_malformed_line_is_not_reported_again_for_the_next_file(con, csv_contract, extracts):
    write(extracts, "items_csv/2025-11-03.csv", csv_text(CLEAN_ROWS[0], "I9,too,many,,,,,,"))
    write(extracts, "items_csv/2025-11-10.csv", csv_text(CLEAN_ROWS[1]))
    ensure_raw_schema(con, [csv_contract])

    first, second = load_extract(con, csv_contract, extracts).files

    assert (first.rows_in_file, first.rows_quarantined) == (2, 1)
    assert (second.rows_in_file, second.rows_loaded, second.rows_quarantined) == (1, 1, 0)
    assert {p[0] for p in quarantined(con)} == {"items_csv/2025-11-03.csv"}


def test_nullable_empty_string_is_stored_as_null(con, csv_contract, extracts):
    write(extracts, "items_csv/a.csv", csv_text('I1,"",1.00,"","","",,2025-11-01 10:00:00'))
    ensure_raw_schema(con, [csv_contract])
    load_extract(con, csv_contract, extracts)
    assert rows(con, "SELECT qty, active, kind, note FROM raw_test.items_csv") == [
        (None, None, None, None)
    ]


# ----------------------------------------------------------------------------------------------
# bad files raise LoadError and change nothing
# ----------------------------------------------------------------------------------------------

BAD_CSV_FILES = {
    "zero bytes": (b"", None, "empty"),
    "header only": ((HEADER + "\n").encode(), None, "no rows"),
    "missing column": (
        csv_text("I1,3,true,a,hello,2025-11-30,2025-11-01 10:00:00",
                 header=HEADER.replace("price,", "")).encode(), "price", "missing"),
    "not utf-8": (csv_text(CLEAN_ROWS[0]).encode() + "I8,1,1.00,,,caf\u00e9,,2025-11-01 10:00:00\n"
                  .encode("latin-1"), None, "not UTF-8 encoded (line 3)"),
}  # fmt: skip


@pytest.mark.parametrize("case", BAD_CSV_FILES)
def test_bad_csv_file_raises_and_changes_nothing(con, csv_contract, extracts, case):
    content, column, message = BAD_CSV_FILES[case]
    ensure_raw_schema(con, [csv_contract])
    write(extracts, "items_csv/2025-11-01.csv", csv_text(CLEAN_ROWS[1]))
    load_extract(con, csv_contract, extracts)
    before = snapshot(con, csv_contract)
    write(extracts, "items_csv/2025-11-02.csv", content)

    with pytest.raises(LoadError) as raised:
        load_extract(con, csv_contract, extracts)

    assert raised.value.source_file == "items_csv/2025-11-02.csv"
    assert raised.value.column == column
    assert "items_csv/2025-11-02.csv" in str(raised.value)
    assert message in str(raised.value)
    if column:
        assert column in str(raised.value)
    assert snapshot(con, csv_contract) == before


BAD_JSONL_FILES = {
    "missing required key": ('{"item_id": "J1", "updated_at": "2025-11-01 10:00:00"}\n', "price",
                             "missing"),
    "blank only": ("\n\n", None, "no rows"),
}  # fmt: skip


@pytest.mark.parametrize("case", BAD_JSONL_FILES)
def test_bad_jsonl_file_raises_and_changes_nothing(con, tmp_path, extracts, case):
    contract = make_contract(tmp_path, "jsonl")
    content, column, message = BAD_JSONL_FILES[case]
    ensure_raw_schema(con, [contract])
    before = snapshot(con, contract)
    write(extracts, "items_jsonl/2025-11-02.jsonl", content)

    with pytest.raises(LoadError, match=message) as raised:
        load_extract(con, contract, extracts)

    assert (raised.value.source_file, raised.value.column) == (
        "items_jsonl/2025-11-02.jsonl", column
    )  # fmt: skip
    assert snapshot(con, contract) == before


def test_corrupt_and_empty_parquet_raise(con, tmp_path, extracts):
    contract = make_contract(tmp_path, "parquet")
    ensure_raw_schema(con, [contract])
    write(extracts, "items_parquet/a.parquet", b"PAR1 this is not parquet")
    with pytest.raises(LoadError, match="items_parquet/a.parquet: unreadable parquet"):
        load_extract(con, contract, extracts)

    (extracts / "items_parquet/a.parquet").unlink()
    empty = pa.table({name: pa.array([], pa.string()) for name in contract.column_names})
    pq.write_table(empty, extracts / "items_parquet/b.parquet")
    with pytest.raises(LoadError, match="no rows"):
        load_extract(con, contract, extracts)
    assert snapshot(con, contract) == {t: [] for t in (contract.raw_table, *RAW_META_TABLES)}


def test_parquet_missing_column_raises_naming_it(con, tmp_path, extracts):
    contract = make_contract(tmp_path, "parquet")
    columns = {name: ["x"] for name in contract.column_names if name != "due_date"}
    pq.write_table(pa.table(columns), write(extracts, "items_parquet/a.parquet", b""))
    ensure_raw_schema(con, [contract])

    with pytest.raises(LoadError, match="items_parquet/a.parquet, column due_date") as raised:
        load_extract(con, contract, extracts)

    assert raised.value.column == "due_date"
    assert snapshot(con, contract) == {t: [] for t in (contract.raw_table, *RAW_META_TABLES)}


# ----------------------------------------------------------------------------------------------
# idempotence, history, recovery
# ----------------------------------------------------------------------------------------------


def test_same_file_twice_even_renamed_changes_nothing(con, csv_contract, extracts):
    write(extracts, "items_csv/2025-11-03.csv", csv_text(*CLEAN_ROWS, "I9,bad,1,,,,,x"))
    ensure_raw_schema(con, [csv_contract])
    load_extract(con, csv_contract, extracts)
    before = snapshot(con, csv_contract)

    again = load_extract(con, csv_contract, extracts)
    write(extracts, "items_csv/2025-11-04-resent.csv", csv_text(*CLEAN_ROWS, "I9,bad,1,,,,,x"))
    renamed = load_extract(con, csv_contract, extracts)

    assert [f.skipped_because_already_loaded for f in again.files] == [True]
    assert [f.skipped_because_already_loaded for f in renamed.files] == [True, True]
    assert snapshot(con, csv_contract) == before


def test_newer_version_is_added_and_history_kept(con, csv_contract, extracts):
    write(extracts, "items_csv/2025-11-03.csv", csv_text(*CLEAN_ROWS))
    newer_i1 = "I1,5,9.99,true,a,hello,2025-11-30,2025-11-04 08:00:00"
    new_i3 = "I3,1,1.00,,,,,2025-11-04 08:00:00"
    # The second drop repeats I2 unchanged (already known), changes I1 and adds I3.
    write(extracts, "items_csv/2025-11-04.csv", csv_text(CLEAN_ROWS[1], newer_i1, new_i3))
    ensure_raw_schema(con, [csv_contract])

    result = load_extract(con, csv_contract, extracts)

    second = result.files[1]
    assert (second.rows_loaded, second.rows_skipped_as_known, second.rows_in_file) == (2, 1, 3)
    assert rows(
        con, "SELECT item_id, qty, updated_at::VARCHAR, _source_file FROM raw_test.items_csv"
        " ORDER BY item_id, updated_at",
    ) == [
        ("I1", 3, "2025-11-01 10:00:00", "items_csv/2025-11-03.csv"),
        ("I1", 5, "2025-11-04 08:00:00", "items_csv/2025-11-04.csv"),
        ("I2", None, "2025-11-01 11:00:00", "items_csv/2025-11-03.csv"),
        ("I3", 1, "2025-11-04 08:00:00", "items_csv/2025-11-04.csv"),
    ]  # fmt: skip


def test_immutable_record_resent_unchanged_is_known_and_changed_is_a_conflict(con, extracts):
    payments = contract_by_name("payments")
    header = ",".join(payments.column_names)
    first = "P1,INV1,C1,10.00,USD,card,failed,2025-11-01 10:00:00"
    write(extracts, "billing/payments/2025-11-03.csv", csv_text(first, header=header))
    other = first.replace("P1,", "P2,")
    write(extracts, "billing/payments/2025-11-04.csv", csv_text(first, other, header=header))
    changed = first.replace("failed", "succeeded")
    write(extracts, "billing/payments/2025-11-05.csv", csv_text(changed, header=header))
    ensure_raw_schema(con, [payments])

    result = load_extract(con, payments, extracts)

    assert [(f.rows_loaded, f.rows_skipped_as_known, f.rows_quarantined) for f in result.files] == [
        (1, 0, 0), (1, 1, 0), (0, 0, 1)
    ]  # fmt: skip
    assert rows(con, "SELECT status FROM raw_billing.payments") == [("failed",), ("failed",)]
    (conflict,) = quarantined(con)
    assert conflict[:4] == ("billing/payments/2025-11-05.csv", 2, "payment_id", "P1")
    assert conflict[4] == (
        "differs from the stored record with the same key and version"
        " (billing/payments/2025-11-03.csv, line 2)"
    )


def test_changed_record_resent_with_the_same_version_is_a_conflict(con, csv_contract, extracts):
    write(extracts, "items_csv/2025-11-03.csv", csv_text(*CLEAN_ROWS))
    # Same key and version, another quantity; and the stored version spelled with a T.
    changed = CLEAN_ROWS[0].replace(",3,", ",4,")
    respelled = CLEAN_ROWS[1].replace("2025-11-01 11:00:00", "2025-11-01T11:00:00")
    write(extracts, "items_csv/2025-11-04.csv", csv_text(changed, respelled))
    ensure_raw_schema(con, [csv_contract])

    first, second = load_extract(con, csv_contract, extracts).files

    assert (second.rows_loaded, second.rows_quarantined, second.rows_skipped_as_known) == (0, 1, 1)
    assert [q[:3] for q in quarantined(con)] == [
        ("items_csv/2025-11-04.csv", 2, "item_id, updated_at")
    ]
    assert rows(con, "SELECT item_id, qty FROM raw_test.items_csv ORDER BY 1") == [
        ("I1", 3), ("I2", None)
    ]  # fmt: skip


def test_failed_file_does_not_block_later_good_files(con, csv_contract, extracts):
    ensure_raw_schema(con, [csv_contract])
    write(extracts, "items_csv/2025-11-03.csv", b"")
    write(extracts, "items_csv/2025-11-04.csv", csv_text(CLEAN_ROWS[0]))

    with pytest.raises(LoadError, match="2025-11-03.csv"):
        load_extract(con, csv_contract, extracts)
    assert rows(con, "SELECT item_id FROM raw_test.items_csv") == [("I1",)]

    # A later run still reports the broken file, loads the new drop, and the fixed file too.
    write(extracts, "items_csv/2025-11-05.csv", csv_text(CLEAN_ROWS[1]))
    result = load_extract(con, csv_contract, extracts, raise_on_failure=False)
    assert [str(e.source_file) for e in result.failures] == ["items_csv/2025-11-03.csv"]
    write(extracts, "items_csv/2025-11-03.csv", csv_text("I3,1,1.00,,,,,2025-11-01 10:00:00"))
    load_extract(con, csv_contract, extracts)
    assert rows(con, "SELECT item_id FROM raw_test.items_csv ORDER BY 1") == [
        ("I1",), ("I2",), ("I3",)
    ]  # fmt: skip


def test_load_all_creates_schema_and_loads_every_contract(con, extracts):
    teams = contract_by_name("teams")
    team = "T1,Enterprise East,enterprise,east,2025-11-01 10:00:00"
    write(extracts, "crm/teams/2025-11-03.csv", csv_text(team, header=",".join(teams.column_names)))

    results = load_all(con, load_contracts(), extracts)

    assert set(results) == {c.name for c in load_contracts()}
    assert (results["teams"].rows_loaded, results["deals"].rows_loaded) == (1, 0)
    (raw_tables,) = rows(
        con, "SELECT count(*) FROM information_schema.tables WHERE table_schema ^@ 'raw_'"
    )
    assert raw_tables[0] == len(load_contracts()) + len(RAW_META_TABLES)


def test_the_demo_companys_deliberate_defects_are_quarantined_and_nothing_else(demo_build):
    with duckdb.connect(str(demo_build.warehouse), read_only=True) as con:
        found = rows(
            con,
            "SELECT contract, column_name, count(DISTINCT (source_file, source_line))"
            " FROM raw_meta.quarantine GROUP BY ALL",
        )
    expected = [
        (d.extract, d.column if d.kind != "wrong_field_count" else None, 1) for d in DEFECTS
    ]
    assert sorted(found, key=repr) == sorted(expected, key=repr)
