"""The pooled SQLite event log (orchestration/event_storage.py) as `make demo` configures it."""

import shutil
import sqlite3
from pathlib import Path

import dagster as dg
import pytest

from orchestration import event_storage
from orchestration.event_storage import PooledSqliteEventLogStorage

CONFIG = Path(__file__).parents[1] / "orchestration" / "dagster.yaml"


@dg.asset(check_specs=[dg.AssetCheckSpec("positive", asset="numbers")])
def numbers():
    yield dg.Output([1, 2, 3])
    yield dg.AssetCheckResult(passed=True)


@dg.asset
def total(numbers):
    return sum(numbers)


@pytest.fixture
def dagster_home(tmp_path, monkeypatch) -> Path:
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(CONFIG, home / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    return home


def materialize(instance: dg.DagsterInstance) -> dg.ExecuteInProcessResult:
    return dg.materialize([numbers, total], instance=instance)


def test_the_demo_instance_uses_it_where_dagster_keeps_event_logs(dagster_home):
    with dg.DagsterInstance.get() as instance:
        assert isinstance(instance.event_log_storage, PooledSqliteEventLogStorage)
        run_id = materialize(instance).run_id
    assert (dagster_home / "history" / "runs" / f"{run_id}.db").exists()
    assert (dagster_home / "history" / "runs" / "index.db").exists()


def test_what_one_process_writes_another_reads_in_full(dagster_home):
    with dg.DagsterInstance.get() as writer:
        first = materialize(writer)
        second = materialize(writer)
    # A new instance stands for the UI or the daemon: its own connections, the same files.
    with dg.DagsterInstance.get() as reader:
        for result in (first, second):
            stored = [e.dagster_event_type for e in reader.all_logs(result.run_id)]
            assert stored.count(dg.DagsterEventType.ASSET_MATERIALIZATION) == 2
            assert stored.count(dg.DagsterEventType.ASSET_CHECK_EVALUATION) == 1
            assert stored[-1] == dg.DagsterEventType.RUN_SUCCESS
        latest = reader.get_latest_materialization_event(dg.AssetKey("total"))
        assert latest.run_id == second.run_id
        check = reader.event_log_storage.get_latest_asset_check_execution_by_key(
            [dg.AssetCheckKey(dg.AssetKey("numbers"), "positive")]
        )
        assert next(iter(check.values())).run_id == second.run_id


def test_commits_skip_the_full_sync_but_keep_the_write_ahead_log(dagster_home):
    with dg.DagsterInstance.get() as instance:
        materialize(instance)
        with instance.event_log_storage.index_connection() as conn:
            synchronous = conn.exec_driver_sql("PRAGMA synchronous").scalar()
    assert synchronous == 1  # NORMAL; FULL (2) would fsync on every commit
    journal = sqlite3.connect(dagster_home / "history" / "runs" / "index.db")
    assert journal.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    journal.close()


def test_it_keeps_only_a_few_files_open(dagster_home, monkeypatch):
    monkeypatch.setattr(event_storage, "OPEN_SHARDS", 2)
    with dg.DagsterInstance.get() as instance:
        runs = [materialize(instance).run_id for _ in range(4)]
        assert len(instance.event_log_storage._engines) == 2
        # A run whose file was closed is opened again when read.
        assert instance.all_logs(runs[0])[-1].dagster_event_type == dg.DagsterEventType.RUN_SUCCESS


def test_wipe_deletes_the_run_files_it_had_open(dagster_home):
    with dg.DagsterInstance.get() as instance:
        run_id = materialize(instance).run_id
        instance.event_log_storage.wipe()
        assert not (dagster_home / "history" / "runs" / f"{run_id}.db").exists()
        assert instance.all_logs(run_id) == []
