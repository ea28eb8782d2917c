"""Bit-stable values: each metric's values hashed per input fingerprint (the loaded files).

The hash covers every value of ``metric_layer.metric_values`` exactly as stored (no rounding: a
value whose last digits move between two runs on the same files is a defect at its source, and the
gate says so instead of hiding it). A run on inputs seen before compares its hash with the first
one stored for them; a hash already stored for the same inputs is not stored again.
"""

from __future__ import annotations

import datetime as dt

import duckdb

HISTORY_TABLE = "gate.metric_value_history"
REPRODUCIBILITY_TABLE = "gate.metric_reproducibility"
HASH_METHOD = "exact-v2"


def table_exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return bool(
        con.execute(
            "select count(*) from information_schema.tables"
            " where table_schema = ? and table_name = ?",
            [schema, table],
        ).fetchone()[0]
    )


def values_hashes(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """md5 of each metric's values, in a fixed order, every digit as stored."""
    if not table_exists(con, "metric_layer", "metric_values"):
        return {}
    rows = con.execute(
        "select metric_name, md5(string_agg(concat_ws('|', grain, period_start, dimension_name,"
        " dimension_value, coalesce(cast(value as varchar), 'null')), ';' order by grain,"
        " period_start, dimension_name, dimension_value)) from metric_layer.metric_values"
        " group by 1"
    ).fetchall()
    return dict(rows)


def record_values(con: duckdb.DuckDBPyConnection) -> None:
    """Store this run's hashes; write this run's hash beside the first one for the same inputs."""
    con.execute("create schema if not exists gate")
    con.execute(
        f"create table if not exists {HISTORY_TABLE} (metric_name varchar, inputs_fingerprint"
        " varchar, values_hash varchar, recorded_at timestamp)"
    )
    files = con.execute(
        "select md5(coalesce(string_agg(file_sha256, ',' order by file_sha256), ''))"
        " from raw_meta.loaded_files"
    ).fetchone()[0]
    definitions = dict(
        con.execute(
            "select metric_name, definition_hash from metric_layer.metric_catalog"
        ).fetchall()
        if table_exists(con, "metric_layer", "metric_catalog")
        else []
    )
    con.execute(
        "create or replace temp table gate_this_run"
        " (metric_name varchar, inputs_fingerprint varchar, values_hash varchar)"
    )
    hashes = values_hashes(con)
    if hashes:
        # Same inputs = the same files, the same definition of the metric, the same hash method:
        # a metric redefined on the same files may rightly change its values.
        con.executemany(
            "insert into gate_this_run values (?, ?, ?)",
            [
                (m, f"{HASH_METHOD}:{files}:{definitions.get(m, '')}", h)
                for m, h in sorted(hashes.items())
            ],
        )
    con.execute(
        f"""
        create or replace table {REPRODUCIBILITY_TABLE} as
        select this_run.*, first_seen.values_hash as first_values_hash_same_inputs
        from gate_this_run as this_run
        left join (
            select metric_name, inputs_fingerprint, arg_min(values_hash, recorded_at) as values_hash
            from {HISTORY_TABLE} group by metric_name, inputs_fingerprint
        ) as first_seen using (metric_name, inputs_fingerprint)
        """
    )
    con.execute(
        f"insert into {HISTORY_TABLE} select this_run.*, ? from gate_this_run as this_run"
        f" where not exists (select 1 from {HISTORY_TABLE} as seen"
        " where seen.metric_name = this_run.metric_name"
        " and seen.inputs_fingerprint = this_run.inputs_fingerprint"
        " and seen.values_hash = this_run.values_hash)",
        [dt.datetime.now(dt.UTC).replace(tzinfo=None)],
    )


def reproducibility(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, str | None]]:
    """metric -> (this run's hash, the first hash stored for the same inputs)."""
    rows = con.execute(
        "select metric_name, values_hash, first_values_hash_same_inputs"
        f" from {REPRODUCIBILITY_TABLE}"
    ).fetchall()
    return {m: (h, first) for m, h, first in rows}
