"""Spark implementations of the cross-database macros that DuckDB can check without Spark."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import duckdb

MACROS = Path(__file__).parent.parent / "dbt_project" / "macros" / "cross_db"
# The ranges spark__strip_accents covers (its comment says so): Latin, Greek and Cyrillic.
COVERED = [*range(0xC0, 0x500), *range(0x1E00, 0x2000)]


def without_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.category(c).startswith("M"))


def spark_strip_accents_lists() -> tuple[str, str]:
    text = (MACROS / "strip_accents.sql").read_text()
    body = text[text.index("macro spark__strip_accents") :]
    match = re.search(r"translate\(\{\{ expression \}\}, '([^']*)', '([^']*)'\)", body)
    return match.group(1), match.group(2)


def test_spark_strip_accents_equals_duckdb_on_its_ranges():
    from_list, to_list = spark_strip_accents_lists()
    texts = [chr(cp) for cp in COVERED]
    # Decomposed input too: a base letter followed by its combining marks.
    texts += [unicodedata.normalize("NFD", "Société Générale, Łódź, Ἀθῆναι, Йошкар-Ола")]
    with duckdb.connect() as con:
        con.execute("CREATE TABLE texts (t VARCHAR)")
        con.executemany("INSERT INTO texts VALUES (?)", [[t] for t in texts])
        differ = con.execute(
            "SELECT t, strip_accents(t), translate(t, ?, ?) FROM texts"
            " WHERE strip_accents(t) IS DISTINCT FROM translate(t, ?, ?)",
            [from_list, to_list, from_list, to_list],
        ).fetchall()
    assert differ == []

    # Every character of the ranges that loses a mark (or is one) is in the list.
    assert len(from_list) == sum(1 for t in texts[:-1] if without_marks(t) != t)
