"""The published warehouse: build, validate, swap, rotate, roll back, refuse personal data.

Every test works on real DuckDB files in tmp_path, built from a small synthetic working warehouse.
"""

from __future__ import annotations

import json
import multiprocessing
import subprocess
import textwrap
import time
from pathlib import Path

import duckdb
import pytest
import sqlalchemy

from publishing import (
    ContractError,
    PersonalDataError,
    PublishError,
    SpecError,
    load_spec,
    parse_spec,
    publish,
    retained_versions,
    rollback,
)
from publishing.personal_data import mask

OLD_DUCKDB_PYTHON = Path(__file__).resolve().parent.parent / ".venv-duckdb1" / "bin" / "python"

SPEC = {
    "personal_data": {
        "name_sources": [
            {
                "name": "contacts",
                "sql": "select first_name || ' ' || last_name as person_name "
                "from raw_crm.crm_contacts",
            },
            {"name": "reps", "sql": "select full_name as person_name from raw_crm.reps"},
        ]
    },
    "tables": [
        {
            "target": "metric_layer.metric_catalog",
            "source": "metric_layer.metric_catalog",
            "columns": {"metric_name": "VARCHAR", "gate_status": "VARCHAR", "owner": "VARCHAR"},
            "name_columns": ["owner"],
            "description": "Every metric and the gate's verdict.",
        },
        {
            "target": "metric_layer.metric_values",
            "source_sql": """
                select metric_values.* from metric_layer.metric_values
                join metric_layer.metric_catalog using (metric_name)
                where gate_status = 'certified'
            """,
            "columns": {
                "metric_name": "VARCHAR",
                "period_start": "DATE",
                "dimension_value": "VARCHAR",
                "value": "DECIMAL(18,2)",
            },
            "not_metrics": {"value": "the metric layer itself"},
        },
        {
            "target": "leaderboards.rep_leaderboard",
            "source": "marts.rep_leaderboard",
            "columns": {"rep_name": "VARCHAR", "value": "DOUBLE", "rank": "INTEGER"},
            "name_columns": ["rep_name"],
            "not_metrics": {"value": "a test figure", "rank": "an order"},
        },
        {
            "target": "marts.not_built_yet",
            "source": "marts.not_built_yet",
            "enabled": False,
            "columns": {"x": "INTEGER"},
            "not_metrics": {"x": "a test figure"},
        },
    ],
}


def build_working_warehouse(path: Path, values_per_metric: int = 100) -> None:
    """Contacts and reps with real-looking personal data, and metric tables without it."""
    with duckdb.connect(str(path)) as connection:
        connection.execute(
            f"""
            create schema if not exists raw_crm;
            create or replace table raw_crm.crm_contacts as
                select * from (values
                    ('Ada', 'Lovelace', 'ada@example.com', '+44 20 7946 0958'),
                    ('Grace', 'Hopper', 'grace@example.org', '(555) 123-4567')
                ) contacts(first_name, last_name, email, phone);
            create or replace table raw_crm.reps as
                select * from (values ('Linus Pauling'), ('Marie Curie')) reps(full_name);
            create schema if not exists metric_layer;
            create or replace table metric_layer.metric_catalog as
                select * from (values
                    ('win_rate', 'certified', 'Marie Curie'),
                    ('pipeline', 'certified', 'Linus Pauling'),
                    ('ad_impressions', 'blocked', 'Marie Curie')
                ) catalog(metric_name, gate_status, owner);
            create or replace table metric_layer.metric_values as
                select metric_name,
                       date '2024-01-01' + cast(i % 365 as integer) as period_start,
                       -- ids, dates and uuids must not look like personal data
                       ['EMEA', 'AMER', 'campaign 2024-03-01',
                        '6f1c2a3b-1234-5678-9012-123456789012', 'deal 1234567890'][i % 5 + 1]
                           as dimension_value,
                       cast(i * 1.25 as decimal(18, 2)) as value
                from (values ('win_rate'), ('pipeline'), ('ad_impressions')) m(metric_name),
                     range({values_per_metric}) r(i);
            create schema if not exists marts;
            create or replace table marts.rep_leaderboard as
                select rep_name, value::double as value, rank
                from (values ('Linus Pauling', 10.0, 1), ('Marie Curie', 7.5, 2))
                    leaderboard(rep_name, value, rank);
            """
        )


@pytest.fixture
def spec():
    return parse_spec(SPEC)


@pytest.fixture
def working(tmp_path):
    path = tmp_path / "working" / "warehouse.duckdb"
    path.parent.mkdir()
    build_working_warehouse(path)
    return path


@pytest.fixture
def published(tmp_path):
    return tmp_path / "published" / "metrics.duckdb"


def leftovers(published: Path) -> list[str]:
    return sorted(p.name for p in published.parent.iterdir() if ".building-" in p.name)


def execute(working: Path, sql: str) -> None:
    with duckdb.connect(str(working)) as connection:
        connection.execute(sql)


def read_rows(path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as connection:
        return connection.execute(sql).fetchall()


# --- the spec ------------------------------------------------------------------------------------


def test_shipped_spec_loads():
    shipped = load_spec()
    assert shipped.storage_version == "v1.1.0"
    assert all(table.schema != "metrics" for table in shipped.tables)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"columns": {"x": "NOT_A_TYPE"}}, "not a DuckDB type"),
        ({"target": "no_schema"}, "schema.table"),
        ({"source_sql": "select 1 as x"}, "exactly one of"),
        ({"name_columns": ["x"]}, "not a text column"),
        ({"colums": {}}, "unknown keys"),
        # Every numeric column is a checked metric or declared no metric, with a reason.
        ({"not_metrics": {}}, "neither marked as a metric .* nor declared .*: x"),
        ({"columns": {"x": "INTEGER", "y": "DECIMAL(18,2)"}}, "not_metrics:\\): y"),
        ({"not_metrics": {"x": " "}}, "give the reason"),
        (
            {"columns": {"x": "INTEGER", "y": "VARCHAR"}, "not_metrics": {"x": "id", "y": "id"}},
            "'y' is not a numeric column",
        ),
        ({"metrics": {"columns": {"x": "m"}}}, "marked as a metric and as no metric: x"),
        ({"metrics": "x"}, "'metrics' must be a mapping or a list"),
    ],
)
def test_spec_errors_say_what_is_wrong(change, message):
    table = {
        "target": "marts.t",
        "source": "marts.t",
        "columns": {"x": "INTEGER"},
        "not_metrics": {"x": "a test figure"},
    } | change
    with pytest.raises(SpecError, match=message):
        parse_spec({"tables": [table]})


def test_spec_spells_types_as_duckdb_does():
    table = {"target": "marts.t", "source": "marts.t", "columns": {"x": "int", "y": "text"}}
    table["not_metrics"] = {"x": "a test figure"}
    assert parse_spec({"tables": [table]}).tables[0].columns == {"x": "INTEGER", "y": "VARCHAR"}


# --- publish and validate ------------------------------------------------------------------------


def test_publish_copies_certified_tables_and_records_the_publication(working, published, spec):
    report = publish(working, published, spec, run_id="run-1")

    assert report.row_counts == {
        "metric_layer.metric_catalog": 3,
        "metric_layer.metric_values": 200,  # the blocked metric's 100 values stay out
        "leaderboards.rep_leaderboard": 2,
    }
    assert report.skipped_tables == ("marts.not_built_yet",)
    assert report.file_size_bytes == published.stat().st_size > 0
    assert leftovers(published) == []
    assert read_rows(
        published, "select distinct metric_name from metric_layer.metric_values order by 1"
    ) == [("pipeline",), ("win_rate",)]
    publication = read_rows(
        published, "select table_name, row_count, run_id, spec_sha256, version from publication"
    )
    assert {row[0]: row[1] for row in publication} == report.row_counts
    assert {row[2:] for row in publication} == {("run-1", spec.sha256, report.version)}
    comment = read_rows(
        published, "select comment from duckdb_tables() where table_name = 'metric_catalog'"
    )
    assert comment == [("Every metric and the gate's verdict.",)]


def test_column_type_change_keeps_previous_file_and_leaves_no_partial(working, published, spec):
    publish(working, published, spec)
    before = published.read_bytes()
    execute(working, "alter table metric_layer.metric_values alter value type double")

    with pytest.raises(ContractError, match=r"metric_layer\.metric_values\.value: type DOUBLE"):
        publish(working, published, spec)

    assert published.read_bytes() == before
    assert leftovers(published) == []
    assert retained_versions(published) == []


def test_a_killed_publishs_files_are_removed_by_the_next_publish(working, published, spec):
    publish(working, published, spec)
    # What kill -9 during a build leaves: the half-written file and its write-ahead log.
    killed = published.with_name(f"{published.name}.building-20240101T000000000000Z")
    killed.write_bytes(b"half a database")
    killed.with_name(killed.name + ".wal").write_bytes(b"log")
    unrelated = published.with_name("notes.building-20240101T000000000000Z")
    unrelated.write_bytes(b"not ours")

    publish(working, published, spec)

    assert leftovers(published) == [unrelated.name]
    assert not killed.with_name(killed.name + ".wal").exists()


def test_missing_column_is_named(working, published, spec):
    execute(working, "alter table marts.rep_leaderboard drop column rank")
    with pytest.raises(ContractError, match=r"leaderboards\.rep_leaderboard\.rank: missing"):
        publish(working, published, spec)
    assert not published.exists()
    assert leftovers(published) == []


def test_schema_named_like_the_file_is_refused(working, tmp_path, spec):
    with pytest.raises(PublishError, match="ambiguous"):
        publish(working, tmp_path / "leaderboards.duckdb", spec)


# --- versions and rollback -----------------------------------------------------------------------


def test_versions_rotate_and_rollback_restores_the_previous_one(working, published, spec):
    for board_size in range(1, 6):
        execute(
            working,
            "create or replace table marts.rep_leaderboard as select 'Linus Pauling' as rep_name, "
            f"i::double as value, i::integer as rank from range({board_size}) r(i)",
        )
        publish(working, published, spec, keep_versions=2)

    assert len(retained_versions(published)) == 2
    count_sql = "select count(*) from leaderboards.rep_leaderboard"
    assert read_rows(published, count_sql) == [(5,)]

    newest_kept = retained_versions(published)[-1]
    assert rollback(published) == newest_kept
    assert read_rows(published, "select distinct version from publication") == [
        (newest_kept.name.rsplit(".", 1)[1],)
    ]
    assert read_rows(published, count_sql) == [(4,)]
    rollback(published)
    assert read_rows(published, count_sql) == [(3,)]
    with pytest.raises(PublishError, match="no earlier version"):
        rollback(published)


# --- personal data -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("leaked_value", "kind"),
    [
        ("contact ada@example.com", "email address"),
        ("call +1 555-123-4567", "phone number"),
        ("owned by grace HOPPER", "person name"),
        ("rep Marie Curie", "person name"),  # rep names only where the spec allows them
        ("owner: Lovelace, Ada", "person name"),
        ("by A. Lovelace", "person name"),
        ("Hopper, G.", "person name"),
        ("callback 5551234567", "phone number"),  # a known phone's digits, bare
        ("tel 442079460958", "phone number"),
    ],
)
def test_personal_data_blocks_the_publish(working, published, spec, leaked_value, kind):
    publish(working, published, spec)
    before = published.read_bytes()
    execute(
        working,
        f"update metric_layer.metric_values set dimension_value = '{leaked_value}' "
        "where metric_name = 'win_rate' and period_start = date '2024-01-05'",
    )

    with pytest.raises(PersonalDataError) as raised:
        publish(working, published, spec)

    message = str(raised.value)
    assert f"metric_layer.metric_values.dimension_value: {kind}" in message
    assert mask(leaked_value) in message
    assert leaked_value not in message
    assert published.read_bytes() == before
    assert leftovers(published) == []


@pytest.mark.parametrize(
    "harmless_value",
    [
        "plan a hopper",  # a word "a", no initial
        "order 5551234568",  # digits of no known phone
        "account 0000001234567",
        "total 1234567890.00",
        "Lovelace",  # one word of a name alone is not a person
    ],
)
def test_ids_amounts_and_words_are_not_taken_for_personal_data(
    working, published, spec, harmless_value
):
    execute(
        working,
        f"update metric_layer.metric_values set dimension_value = '{harmless_value}' "
        "where metric_name = 'win_rate' and period_start = date '2024-01-05'",
    )
    publish(working, published, spec)
    assert read_rows(
        published, "select count(*) from metric_layer.metric_values where dimension_value = ?"
        .replace("?", f"'{harmless_value}'"),
    ) == [(1,)]  # fmt: skip


def test_mask_keeps_only_the_first_letter_of_each_word():
    assert mask("ada@example.com") == "a**@e******.c**"


# --- readers -------------------------------------------------------------------------------------


def test_sqlalchemy_reads_the_published_file(working, published, spec):
    publish(working, published, spec)
    engine = sqlalchemy.create_engine(f"duckdb:///{published}?access_mode=read_only")
    with engine.connect() as connection:
        total = connection.execute(
            sqlalchemy.text("select sum(value) from metric_layer.metric_values")
        ).scalar_one()
    engine.dispose()
    assert (
        float(total)
        == read_rows(published, "select sum(value)::double from metric_layer.metric_values")[0][0]
    )


@pytest.mark.skipif(
    not OLD_DUCKDB_PYTHON.exists(),
    reason=f"{OLD_DUCKDB_PYTHON} is missing: `make .venv-duckdb1/bin/python` builds it",
)
def test_duckdb_1_1_reads_every_table(working, published, spec):
    report = publish(working, published, spec)
    script = textwrap.dedent(
        """
        import json, sys
        import duckdb
        connection = duckdb.connect(sys.argv[1], read_only=True)
        tables = connection.execute(
            "select schema_name || '.' || table_name from duckdb_tables() order by 1"
        ).fetchall()
        counts = {}
        for (table,) in tables:
            counts[table] = len(connection.execute(f"select * from {table}").fetchall())
        print(json.dumps({"version": duckdb.__version__, "counts": counts}))
        """
    )
    result = subprocess.run(
        [str(OLD_DUCKDB_PYTHON), "-c", script, str(published)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    output = json.loads(result.stdout)
    assert output["version"].startswith("1.1.")
    assert output["counts"] == report.row_counts | {"main.publication": 3}


def read_in_a_loop(published: str, number: int, ready, stop, sightings, results) -> None:
    """One reader process: each read checks table counts against that version's publication.

    Each version it reads for the first time is reported on ``sightings``, so the test waits for
    what the readers saw instead of sleeping for a time that a busy machine might not honour.
    """
    reads, retries, errors, versions = 0, 0, [], set()
    ready.set()
    while not stop.is_set():
        try:
            connection = duckdb.connect(published, read_only=True)
        except duckdb.IOException as error:
            # Only a file caught mid-swap is worth another try; anything else is a failure.
            if "No such file" in str(error) or "Could not set lock" in str(error):
                retries += 1
                continue
            errors.append(f"open: {error}")
            continue
        try:
            publication = connection.execute(
                "select version, table_name, row_count from publication"
            ).fetchall()
            for _, table, expected in publication:
                actual = connection.execute(f"select count(*) from {table}").fetchall()[0][0]
                if actual != expected:
                    errors.append(f"{table}: {actual} rows, publication says {expected}")
            reads += 1
            for version in {version for version, _, _ in publication} - versions:
                versions.add(version)
                sightings.put((number, version))
        except duckdb.Error as error:
            errors.append(f"read: {error}")
        finally:
            connection.close()
    results.put((reads, retries, errors, versions))


def test_eight_readers_never_fail_while_publishes_happen(working, published, spec):
    publish(working, published, spec)
    context = multiprocessing.get_context("spawn")
    results, sightings, stop = context.Queue(), context.Queue(), context.Event()
    ready_events = [context.Event() for _ in range(8)]
    readers = [
        context.Process(
            target=read_in_a_loop,
            args=(str(published), number, ready, stop, sightings, results),
        )
        for number, ready in enumerate(ready_events)
    ]
    for reader in readers:
        reader.start()
    assert all(ready.wait(timeout=120) for ready in ready_events)
    started = time.monotonic()

    versions_seen, sighted = set(), set()
    for publish_number in range(1, 5):
        build_working_warehouse(working, values_per_metric=100 + publish_number * 50)
        version = publish(working, published, spec).version
        versions_seen.add(version)
        # Every reader must reach each new version before the next publish replaces it.
        while not all((number, version) in sighted for number in range(len(readers))):
            sighted.add(sightings.get(timeout=300))
    stop.set()

    outcomes = [results.get(timeout=60) for _ in readers]
    for reader in readers:
        reader.join(timeout=30)
    reads = sum(outcome[0] for outcome in outcomes)
    retries = sum(outcome[1] for outcome in outcomes)
    errors = [error for outcome in outcomes for error in outcome[2]]
    versions_read = set().union(*(outcome[3] for outcome in outcomes))
    print(
        f"\n{len(versions_seen)} publishes in {time.monotonic() - started:.1f}s, "
        f"{reads} consistent reads of {len(versions_read)} versions, {retries} open retries"
    )
    assert errors == []
    assert reads >= 8 * len(versions_seen)
    assert versions_seen <= versions_read  # every reader followed every swap
