"""Contract-driven writing: typed Arrow tables, the dated drop files, and CSV/JSONL/Parquet text.

The contract decides column order, types and rendering, so a file can only ever carry the
contract's columns. CSV and JSONL lines are built column-wise with Arrow compute kernels, which
keeps tens of millions of rows fast and the bytes identical from run to run.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from sources.contracts import Column, Contract
from sources.demo.dirt import Defect, broken_line
from sources.demo.records import Rows
from sources.demo.timeline import Timeline

_SCALARS = {
    "varchar": pa.string(),
    "integer": pa.int32(),
    "bigint": pa.int64(),
    "double": pa.float64(),
    "boolean": pa.bool_(),
}


def arrow_type(column: Column) -> pa.DataType:
    if column.type == "timestamp":
        return pa.timestamp("s")
    if column.type == "date":
        return pa.date32()
    if column.type.startswith("decimal"):
        precision, scale = column.type[len("decimal(") : -1].split(",")
        return pa.decimal128(int(precision), int(scale))
    return _SCALARS[column.type]


def _typed(column: Column, values) -> pa.Array:
    target = arrow_type(column)
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if column.type in ("timestamp", "date"):
        # Times arrive as epoch seconds, dates as their midnight.
        seconds = values if isinstance(values, pa.Array) else pa.array(values, pa.int64())
        return seconds.cast(pa.int64()).cast(pa.timestamp("s")).cast(target)
    if column.type.startswith("decimal"):
        floats = values if isinstance(values, pa.Array) else pa.array(values, pa.float64())
        return pc.round(floats.cast(pa.float64()), 2).cast(target, safe=False)
    if isinstance(values, pa.Array):
        return values.cast(target)
    return pa.array(values, target)


def typed_table(contract: Contract, columns: Mapping) -> pa.Table:
    """The contract's columns, in the contract's order, cast to the contract's types."""
    return pa.table({c.name: _typed(c, columns[c.name]) for c in contract.columns})


def _join(*parts, separator: str = "") -> pa.Array:
    return pc.binary_join_element_wise(*parts, separator)


def _cell(column: Column, values: pa.Array, fmt: str) -> pa.Array:
    """A column rendered as CSV fields or JSON values; nulls become empty fields or null."""
    # Arrow renders seconds-precision timestamps as YYYY-MM-DD HH:MM:SS, dates as YYYY-MM-DD.
    text = values.cast(pa.string())
    quoted = column.type in ("varchar", "timestamp", "date")
    if fmt == "jsonl":
        if quoted:
            escaped = pc.replace_substring(pc.replace_substring(text, "\\", "\\\\"), '"', '\\"')
            text = _join('"', escaped, '"')
        return pc.fill_null(text, "null")
    if quoted:
        needs_quotes = pc.match_substring_regex(text, '[,"\r\n]')
        text = pc.if_else(
            needs_quotes, _join('"', pc.replace_substring(text, '"', '""'), '"'), text
        )
    return pc.fill_null(text, "")


def _lines(fmt: str, names: list[str], cells: list[pa.Array]) -> pa.Array:
    if fmt == "jsonl":
        keyed = [_join(f'"{n}":', c) for n, c in zip(names, cells, strict=True)]
        return _join("{", _join(*keyed, separator=","), "}")
    return _join(*cells, separator=",")


def _concat(strings: pa.Array) -> bytes:
    # A string array's data buffer is its values back to back: exactly the file's bytes.
    offsets = np.frombuffer(strings.buffers()[1], dtype=np.int32)[
        strings.offset : strings.offset + len(strings) + 1
    ]
    return strings.buffers()[2].to_pybytes()[offsets[0] : offsets[-1]]


class DropFile:
    """One dated file of one extract, written chunk by chunk."""

    def __init__(self, contract: Contract, path: Path, defects: list[Defect]):
        self.contract = contract
        self.path = path
        self.rows = 0
        self._pending_defects = list(defects)
        self.injected: list[Defect] = []
        path.parent.mkdir(parents=True, exist_ok=True)
        self._parquet: pq.ParquetWriter | None = None
        self._text = None
        if contract.format == "parquet":
            schema = pa.schema([(c.name, arrow_type(c)) for c in contract.columns])
            self._parquet = pq.ParquetWriter(path, schema, compression="zstd")
        else:
            self._text = path.open("wb")
            if contract.format == "csv":
                self._text.write((",".join(contract.column_names) + "\n").encode())

    def write(self, columns: Mapping) -> None:
        table = (
            typed_table(self.contract, columns) if not isinstance(columns, pa.Table) else columns
        )
        if table.num_rows == 0:
            return
        self.rows += table.num_rows
        if self._parquet is not None:
            self._parquet.write_table(table)
            return
        fmt = self.contract.format
        names = list(self.contract.column_names)
        cells = [_cell(c, table[c.name].combine_chunks(), fmt) for c in self.contract.columns]
        lines = _lines(fmt, names, cells)
        while self._pending_defects:
            lines = self._inject(self._pending_defects.pop(0), lines, names, cells)
        self._text.write(_concat(_join(lines, "\n")))

    def _inject(self, defect: Defect, lines, names, cells) -> pa.Array:
        row = len(cells[0]) // 2
        row_cells = {n: c[row].as_py() for n, c in zip(names, cells, strict=True)}
        bad = broken_line(defect, self.contract.format, row_cells)
        self.injected.append(defect)
        self.rows += 1
        return pa.concat_arrays([lines[: row + 1], pa.array([bad]), lines[row + 1 :]])

    def close(self) -> None:
        if self._parquet is not None:
            self._parquet.close()
        else:
            self._text.close()
        if self.rows == 0:
            # Source systems send no file for a week without changes; empty files are errors.
            self.path.unlink()


def drop_path(out_dir: Path, contract: Contract, timeline: Timeline, drop: int) -> Path:
    folder = contract.file_pattern.rsplit("/", 1)[0]
    return out_dir / folder / f"{timeline.file_stem(drop)}.{contract.format}"


def split_into_drops(rows: Rows, timeline: Timeline) -> list[pa.Table]:
    """One table per drop: what each export carries.

    A version belongs to the drop whose window holds its version time (event time for immutable
    extracts). A versioned record changed several times in one window is exported once, in its
    latest version; versions after the as-of date are never exported.
    """
    contract = rows.contract
    table = typed_table(contract, rows.columns)
    visible_column = contract.version_column or contract.freshness_column
    visible = np.asarray(rows.columns[visible_column], dtype=np.int64)
    frame = pd.DataFrame({"drop": timeline.drop_of(visible), "visible": visible})
    frame["position"] = np.arange(len(frame))
    if contract.version_column:
        frame["key"] = _key_strings(rows, contract.primary_key)
        frame = frame.sort_values(["drop", "visible", "position"], kind="stable")
        frame = frame.drop_duplicates(["key", "drop"], keep="last")
    frame = frame.sort_values(["drop", "visible", "position"], kind="stable")
    return [
        table.take(pa.array(frame.loc[frame["drop"] == d, "position"].to_numpy()))
        for d in range(timeline.drop_count)
    ]


def _key_strings(rows: Rows, key: tuple[str, ...]) -> list[str]:
    parts = [rows.columns[k] for k in key]
    return ["|".join(map(str, values)) for values in zip(*parts, strict=True)]
