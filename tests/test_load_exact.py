"""Loading never silently changes a value: each case loads exactly or is quarantined with a reason.

Records counted from the file's own lines (broken quotes, line ends, cut-off files), values read
exactly (numbers, null texts, dates, time zones), and file names read as themselves.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from test_load import CLEAN_ROWS, HEADER, csv_text, make_contract, quarantined, rows, write

from sources.load import LoadError, ensure_raw_schema, load_extract
from sources.text_files import CUT_OFF

ROW = "I{n},1,1.00,,a,note {n},,2025-11-01 10:00:00"


@pytest.fixture
def con(tmp_path):
    connection = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    yield connection
    connection.close()


@pytest.fixture
def extracts(tmp_path) -> Path:
    path = tmp_path / "extracts"
    path.mkdir()
    return path


def load_csv(con, tmp_path, extracts, content: str | bytes, contract_text: str = ""):
    contract = make_contract(tmp_path, "csv", extra=contract_text)
    write(extracts, "items_csv/2025-11-03.csv", content)
    ensure_raw_schema(con, [contract])
    (file,) = load_extract(con, contract, extracts).files
    assert file.rows_accounted_for
    return file


def loaded(con, columns: str = "item_id, _source_line") -> list[tuple]:
    return rows(con, f"SELECT {columns} FROM raw_test.items_csv ORDER BY _source_line")


# ----------------------------------------------------------------------------------------------
# records counted from the file itself
# ----------------------------------------------------------------------------------------------


def test_unterminated_quote_costs_its_own_line_only(con, tmp_path, extracts):
    records = [ROW.format(n=n) for n in range(1, 31)]
    records[9] = records[9].replace("note 10", '"note 10')  # line 11: a quote never closed
    file = load_csv(con, tmp_path, extracts, csv_text(*records))

    assert (file.rows_in_file, file.rows_loaded, file.rows_quarantined) == (30, 29, 1)
    ((_, line, column, raw_value, reason),) = quarantined(con)
    assert (line, column, reason) == (
        11,
        None,
        "malformed CSV row: a quote is not closed or is misplaced",
    )
    assert raw_value == records[9]
    assert loaded(con)[9:11] == [("I11", 12), ("I12", 13)]


def test_two_broken_quotes_far_apart_do_not_swallow_the_records_between(con, tmp_path, extracts):
    records = [ROW.format(n=n) for n in range(1, 21)]
    records[2] = records[2].replace("note 3", 'note "3')
    records[15] = records[15].replace("note 16", 'note "16')
    file = load_csv(con, tmp_path, extracts, csv_text(*records))

    assert (file.rows_loaded, file.rows_quarantined) == (18, 2)
    assert [q[1] for q in quarantined(con)] == [4, 17]


def test_quoted_field_over_two_lines_is_one_record_and_later_lines_keep_their_numbers(
    con, tmp_path, extracts
):
    spanning = 'I2,1,1.00,,a,"first line\nsecond line",,2025-11-01 10:00:00'
    file = load_csv(con, tmp_path, extracts, csv_text(ROW.format(n=1), spanning, ROW.format(n=3)))

    assert (file.rows_in_file, file.rows_loaded) == (3, 3)
    assert loaded(con, "item_id, note, _source_line") == [
        ("I1", "note 1", 2), ("I2", "first line\nsecond line", 3), ("I3", "note 3", 5)
    ]  # fmt: skip


@pytest.mark.parametrize("line_end", ["\r\n", "\r"], ids=["crlf", "cr only"])
def test_other_line_ends_load_the_same_values(con, tmp_path, extracts, line_end):
    text = csv_text(*CLEAN_ROWS).replace("\n", line_end)
    file = load_csv(con, tmp_path, extracts, text)

    assert (file.rows_in_file, file.rows_loaded) == (2, 2)
    assert loaded(con, "item_id, updated_at::VARCHAR, _source_line") == [
        ("I1", "2025-11-01 10:00:00", 2), ("I2", "2025-11-01 11:00:00", 3)
    ]  # fmt: skip


@pytest.mark.parametrize(
    "last_line",
    ["I7,1,2.0", "I7,1,2.00,,,,,2025-11-0", "I7,1,2.00,,,,,2025-11-01"],
    ids=["short row", "cut inside a value", "cut where it still parses"],
)
def test_cut_off_last_line_is_quarantined_never_half_loaded(con, tmp_path, extracts, last_line):
    file = load_csv(con, tmp_path, extracts, csv_text(*CLEAN_ROWS) + last_line)

    assert (file.rows_in_file, file.rows_loaded, file.rows_quarantined) == (3, 2, 1)
    assert [q[1:] for q in quarantined(con)] == [(4, None, last_line, CUT_OFF)]


def test_jsonl_bad_and_cut_off_lines_are_quarantined_and_the_rest_loads(con, tmp_path, extracts):
    contract = make_contract(tmp_path, "jsonl")
    good = '{"item_id": "J%d", "price": "1.00", "updated_at": "2025-11-01 10:00:00"}'
    lines = [good % 1, '{"item_id": "J2",, }', '["J3"]', good % 4, '{"item_id": "J5", "pri']
    write(extracts, "items_jsonl/a.jsonl", "\n".join(lines))
    ensure_raw_schema(con, [contract])

    (file,) = load_extract(con, contract, extracts).files

    assert (file.rows_in_file, file.rows_loaded, file.rows_quarantined) == (5, 2, 3)
    assert [q[1::3] for q in quarantined(con)] == [
        (2, "not a JSON object"), (3, "not a JSON object"), (5, CUT_OFF)
    ]  # fmt: skip


# ----------------------------------------------------------------------------------------------
# values read exactly
# ----------------------------------------------------------------------------------------------

VALUE_CASES = {
    # column, text, loaded value as text (None: quarantined) or quarantine reason
    "integral integer with .0": ("qty", "18.0", ("18", None)),
    "integer with a fraction": ("qty", "14.6", (None, "not a whole number: would be rounded")),
    "integer out of range": ("qty", "99999999999", (None, "out of range for integer")),
    "decimal within scale": ("price", "5916.10", ("5916.10", None)),
    "decimal with zeros beyond scale": ("price", "5916.1000", ("5916.10", None)),
    "decimal beyond scale": ("price", "5916.004",
                             (None, "more than 2 decimal places: would be rounded")),
    "decimal with exponent": ("price", "1e3", (None, "bad value for type decimal(10,2)")),
    "null text": ("note", "NULL", (None, None)),
    "whitespace only": ("note", "   ", (None, None)),
    "year 99999": ("due_date", "99999-01-01", (None, "not an ISO 8601 date (YYYY-MM-DD)")),
    "date with a time": ("due_date", "2025-11-30 10:00:00",
                         (None, "not an ISO 8601 date (YYYY-MM-DD)")),
    "date at midnight": ("due_date", "2025-11-30T00:00:00", ("2025-11-30", None)),
    "timestamp with T": ("updated_at", "2025-11-01T10:00:00", ("2025-11-01 10:00:00", None)),
    "timestamp with offset": ("updated_at", "2025-11-01T10:00:00-05:00",
                              ("2025-11-01 15:00:00", None)),
    "timestamp with Z": ("updated_at", "2025-11-01T10:00:00Z", ("2025-11-01 10:00:00", None)),
    "timestamp with +0530": ("updated_at", "2025-11-01 10:00:00+0530",
                             ("2025-11-01 04:30:00", None)),
    "microseconds": ("updated_at", "2025-11-01 10:00:00.123456",
                     ("2025-11-01 10:00:00.123456", None)),
    "nanoseconds": ("updated_at", "2025-11-01 10:00:00.1234567",
                    (None, "more than 6 fractional second digits: would be rounded")),
    "non-ISO timestamp": ("updated_at", "11/01/2025 10:00",
                          (None, "not an ISO 8601 timestamp (YYYY-MM-DD[ HH:MM[:SS[.ffffff]]]"
                                 "[Z|+HH:MM])")),
    "year 99999 timestamp": ("updated_at", "99999-11-01 10:00:00",
                             (None, "not an ISO 8601 timestamp (YYYY-MM-DD[ HH:MM[:SS[.ffffff]]]"
                                    "[Z|+HH:MM])")),
}  # fmt: skip


@pytest.mark.parametrize("case", VALUE_CASES)
def test_value_loads_exactly_or_is_quarantined_with_the_reason(con, tmp_path, extracts, case):
    column, text, (expected, reason) = VALUE_CASES[case]
    record = dict(zip(HEADER.split(","), CLEAN_ROWS[0].split(","), strict=True))
    record[column] = text
    file = load_csv(con, tmp_path, extracts, csv_text(",".join(record.values())))

    if reason is None:
        assert quarantined(con) == []
        assert loaded(con, f"CAST({column} AS VARCHAR)") == [(expected,)]
    else:
        assert file.rows_loaded == 0
        assert [q[2:] for q in quarantined(con)] == [(column, text, reason)]


def test_contract_declares_its_own_null_texts(con, tmp_path, extracts):
    text = csv_text("I1,n/a,1.00,,,NULL,,2025-11-01 10:00:00")
    load_csv(con, tmp_path, extracts, text, contract_text="null_values: [n/a]\n")
    assert loaded(con, "qty, note") == [(None, "NULL")]


def test_offsets_are_converted_to_utc_and_the_original_kept_in_lineage(con, tmp_path, extracts):
    text = csv_text("I1,1,1.00,,,,,2025-11-01T10:00:00-05:00", "I2,1,1.00,,,,,2025-11-01 10:00:00Z")
    load_csv(con, tmp_path, extracts, text)

    assert loaded(con, "item_id, updated_at::VARCHAR") == [
        ("I1", "2025-11-01 15:00:00"), ("I2", "2025-11-01 10:00:00")
    ]  # fmt: skip
    assert rows(
        con,
        "SELECT source_line, column_name, raw_value, loaded_value, conversion"
        " FROM raw_meta.converted_values",
    ) == [
        (2, "updated_at", "2025-11-01T10:00:00-05:00", "2025-11-01 15:00:00",
         "UTC offset -05:00 converted to UTC"),
    ]  # fmt: skip


def test_time_without_offset_takes_the_declared_time_zone(con, tmp_path, extracts):
    text = csv_text(
        "I1,1,1.00,,,,,2025-07-01 10:00:00",  # EDT, UTC-4
        "I2,1,1.00,,,,,2025-12-01 10:00:00",  # EST, UTC-5
        "I3,1,1.00,,,,,2025-03-09 02:30:00",  # clocks jump from 02:00 to 03:00
        "I4,1,1.00,,,,,2025-11-02 01:30:00",  # 01:00-02:00 happens twice
        "I5,1,1.00,,,,,2025-12-01 10:00:00+01:00",  # an offset wins over the zone
    )
    contract_text = "time_zone: America/New_York\n"
    file = load_csv(con, tmp_path, extracts, text, contract_text=contract_text)

    assert loaded(con, "item_id, updated_at::VARCHAR") == [
        ("I1", "2025-07-01 14:00:00"), ("I2", "2025-12-01 15:00:00"),
        ("I5", "2025-12-01 09:00:00"),
    ]  # fmt: skip
    assert [q[1::3] for q in quarantined(con)] == [
        (4, "local time that does not exist in America/New_York (clocks moved forward)"),
        (5, "local time that occurs twice in America/New_York (clocks moved back)"),
    ]
    assert file.rows_quarantined == 2
    (conversions,) = rows(con, "SELECT count(*) FROM raw_meta.converted_values")
    assert conversions == (3,)


def test_parquet_instants_are_not_shifted_by_the_session_time_zone(tmp_path, extracts, monkeypatch):
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    try:
        contract = make_contract(tmp_path, "parquet")
        instants = pa.array([1_761_991_200_000_000], pa.timestamp("us", tz="UTC"))  # 10:00 UTC
        columns = {name: ["x"] for name in contract.column_names}
        columns |= {"item_id": ["P1"], "price": ["1.00"], "qty": ["1"], "kind": ["a"]}
        columns |= {"active": ["true"], "due_date": ["2025-11-30"], "updated_at": instants}
        pq.write_table(pa.table(columns), write(extracts, "items_parquet/a.parquet", b""))
        with duckdb.connect(str(tmp_path / "berlin.duckdb")) as con:
            con.execute("SET TimeZone = 'Europe/Berlin'")
            ensure_raw_schema(con, [contract])
            load_extract(con, contract, extracts)
            loaded_at = rows(con, "SELECT updated_at::VARCHAR FROM raw_test.items_parquet")
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    assert loaded_at == [("2025-11-01 10:00:00",)]


def test_json_numbers_load_as_written(con, tmp_path, extracts):
    contract = make_contract(tmp_path, "jsonl")
    lines = [
        '{"item_id": "J1", "qty": 18.0, "price": 1176.00, "updated_at": "2025-11-01 10:00:00"}',
        '{"item_id": "J2", "price": 0.30000000000000001, "updated_at": "2025-11-01 10:00:00"}',
    ]
    write(extracts, "items_jsonl/a.jsonl", "\n".join(lines) + "\n")
    ensure_raw_schema(con, [contract])

    load_extract(con, contract, extracts)

    assert rows(con, "SELECT item_id, qty, price::VARCHAR FROM raw_test.items_jsonl") == [
        ("J1", 18, "1176.00")
    ]
    assert [q[1:] for q in quarantined(con)] == [
        (2, "price", "0.30000000000000001", "more than 2 decimal places: would be rounded")
    ]
    record = rows(con, "SELECT raw_record FROM raw_meta.quarantine")[0][0]
    assert json.loads(record)["price"] == "0.30000000000000001"


# ----------------------------------------------------------------------------------------------
# files read as themselves, contracts kept inside the extracts folder
# ----------------------------------------------------------------------------------------------


def test_file_names_with_glob_characters_load_as_themselves(con, tmp_path, extracts):
    contract = make_contract(tmp_path, "csv")
    names = ["a*.csv", "b?.csv", "c1.csv", "c[1].csv"]  # in load order: by name
    for n, name in enumerate(names, start=1):
        write(extracts, f"items_csv/{name}", csv_text(ROW.format(n=n)))
    ensure_raw_schema(con, [contract])

    result = load_extract(con, contract, extracts)

    assert [(f.file, f.rows_loaded) for f in result.files] == [
        (f"items_csv/{name}", 1) for name in names
    ]
    assert rows(con, "SELECT item_id, _source_file FROM raw_test.items_csv ORDER BY 1") == [
        (f"I{n}", f"items_csv/{name}") for n, name in enumerate(names, start=1)
    ]


def test_a_link_out_of_the_extracts_folder_is_refused(con, tmp_path, extracts):
    contract = make_contract(tmp_path, "csv")
    outside = write(tmp_path, "elsewhere/secret.csv", csv_text(*CLEAN_ROWS))
    (extracts / "items_csv").mkdir()
    os.symlink(outside, extracts / "items_csv" / "link.csv")
    ensure_raw_schema(con, [contract])

    with pytest.raises(LoadError, match="outside the extracts folder"):
        load_extract(con, contract, extracts)
    assert rows(con, "SELECT count(*) FROM raw_test.items_csv") == [(0,)]
