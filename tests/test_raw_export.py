"""The raw layer's Parquet export (sources/raw_export.py) keeps every loaded value and its type."""

from __future__ import annotations

import duckdb
from test_load import CLEAN_ROWS, csv_text, make_contract, write

from sources.load import ensure_raw_schema, load_extract
from sources.raw_export import PARQUET_FILE, export_raw_layer, table_folder


def test_export_keeps_rows_types_and_lineage(tmp_path):
    contract = make_contract(tmp_path, "csv")
    extracts = tmp_path / "extracts"
    write(extracts, "items_csv/2025-11-03.csv", csv_text(*CLEAN_ROWS))
    late_row = "I3,7,0.01,true,c,late,,2025-11-09 23:59:59"
    write(extracts, "items_csv/2025-11-10.csv", csv_text(late_row))
    warehouse = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        ensure_raw_schema(con, [contract])
        load_extract(con, contract, extracts)

    out = tmp_path / "raw"
    (exported,) = export_raw_layer(warehouse, out, [contract])

    assert exported.rows == 3
    assert exported.path == table_folder(out, contract) / PARQUET_FILE
    assert [p.name for p in exported.path.parent.iterdir()] == [PARQUET_FILE]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        table = contract.quoted_raw_table
        parquet = f"read_parquet('{exported.path}')"
        schema = "SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM {})"
        # Zone-less UTC timestamps become the instants they hold; every other type stays.
        as_instants = {"TIMESTAMP": "TIMESTAMP WITH TIME ZONE"}
        assert con.execute(schema.format(parquet)).fetchall() == [
            (name, as_instants.get(kind, kind))
            for name, kind in con.execute(schema.format(table)).fetchall()
        ]
        # Decimals, dates and timestamps come back as the same values, lineage columns included.
        ordered = "SELECT * FROM {} ORDER BY _source_file, _source_line"
        loaded = con.execute(ordered.format(table)).fetchall()
        read_back = (
            "SELECT * REPLACE (timezone('UTC', updated_at) AS updated_at,"
            " timezone('UTC', _loaded_at) AS _loaded_at)"
            " FROM {} ORDER BY _source_file, _source_line"
        )
        assert con.execute(read_back.format(parquet)).fetchall() == loaded
        assert {row[0] for row in loaded} == {"I1", "I2", "I3"}
