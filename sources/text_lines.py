"""A text file's physical lines, numbered from the file itself, read in bounded pieces.

``read_lines`` fills ``_load_lines(line, text, lacks_line_end)``: line numbers count the file's own
line ends (``\\n``, or ``\\r`` in a file without any ``\\n``), a leading byte order mark is no
text, and only the last line can lack a line end. The file is read in pieces of whole lines of
about ``PIECE_BYTES``, so that no file (4 GB at scale 100) has to fit in memory at once: DuckDB
spills the table to its temp folder instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pyarrow as pa

from sources.staging import LoadError

LINES_TABLE = "_load_lines"
PIECE_VIEW = "_load_piece"
PIECE_BYTES = 32 << 20
BYTE_ORDER_MARK = "\ufeff".encode()


def _separator(path: Path) -> bytes:
    """``\\n``, unless the file has no ``\\n`` but has ``\\r`` (old Mac line ends)."""
    has_carriage_return = False
    with path.open("rb") as file:
        while block := file.read(1 << 20):
            if b"\n" in block:
                return b"\n"
            has_carriage_return = has_carriage_return or b"\r" in block
    return b"\r" if has_carriage_return else b"\n"


def _pieces(path: Path, separator: bytes) -> Iterator[tuple[bytes, bool]]:
    """The file's bytes in pieces of whole lines, each with whether its last line ends.

    Every piece but the last ends before a separator (dropped); the last is what follows the
    file's last separator: one line without a line end, or nothing. A separator byte never occurs
    inside a UTF-8 character, so each piece decodes on its own.
    """
    pending: list[bytes] = []
    with path.open("rb") as file:
        while block := file.read(PIECE_BYTES):
            end = block.rfind(separator) + 1
            if not end:
                pending.append(block)
                continue
            yield b"".join([*pending, block[: end - 1]]), True
            pending = [block[end:]]
    yield b"".join(pending), False


def _as_text(piece: bytes, lines_before: int, separator: bytes, source_file: str) -> pa.Array:
    """The piece as one Arrow string, without copying it; a file that is not UTF-8 is refused."""
    offsets = pa.array([0, len(piece)], pa.int64()).buffers()[1]
    text = pa.LargeStringArray.from_buffers(1, offsets, pa.py_buffer(piece))
    try:
        text.validate(full=True)
    except pa.ArrowInvalid:
        try:
            piece.decode("utf-8")
        except UnicodeDecodeError as error:
            line = lines_before + piece.count(separator, 0, error.start) + 1
            raise LoadError(source_file, f"file is not UTF-8 encoded (line {line})") from None
        raise
    return text


def read_lines(con: duckdb.DuckDBPyConnection, path: Path, source_file: str) -> str:
    """Fill ``_load_lines(line, text, lacks_line_end)``; return the separator (``\\n`` or ``\\r``).

    Only the last line can lack a line end. With ``\\r\\n`` line ends each text keeps its
    ``\\r``: a CSV field running over lines keeps its line breaks as written. The file is read in
    pieces, so its lines never have to fit in memory at once (DuckDB spills the table).
    """
    separator = _separator(path)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {LINES_TABLE}"
        " (line BIGINT, text VARCHAR, lacks_line_end BOOLEAN)"
    )
    lines_before = 0
    for piece, ends in _pieces(path, separator):
        if lines_before == 0:
            while piece.startswith(BYTE_ORDER_MARK):
                piece = piece[len(BYTE_ORDER_MARK) :]
        if not ends and not piece:
            break  # after a final line end there is no line, and none lacks an end
        text = _as_text(piece, lines_before, separator, source_file)
        # Handed over as Arrow data: binding a long string as a parameter costs several times more.
        con.register(PIECE_VIEW, pa.table({"text": text}))
        try:
            (inserted,) = con.execute(
                f"INSERT INTO {LINES_TABLE} SELECT ? + generate_subscripts(parts, 1),"
                f" unnest(parts), ? FROM (SELECT string_split(text, ?) AS parts FROM {PIECE_VIEW})",
                [lines_before, not ends, separator.decode()],
            ).fetchall()[0]
        finally:
            con.unregister(PIECE_VIEW)
        lines_before += inserted
    return separator.decode()
