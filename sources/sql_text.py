"""Text that goes into SQL: quoted identifiers and literals, and file paths read as themselves."""

from __future__ import annotations

import re
from pathlib import Path


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def literal_path(path: Path) -> str:
    """A SQL literal DuckDB's file readers open as exactly this file, never as a glob pattern.

    DuckDB globs every path it reads; a glob character inside brackets matches only itself,
    and DuckDB opens such an escaped path directly.
    """
    return quote_literal(re.sub(r"([*?\[])", r"[\1]", str(path)))
