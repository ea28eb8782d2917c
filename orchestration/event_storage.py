"""Dagster's SQLite event log, keeping its database connections open across writes.

Dagster's own SQLite event log creates an engine, opens a connection, commits with a full sync and
closes (checkpointing the WAL) for every event it stores, two or three times per event. A build of
the warehouse stores about 2,000 events (every dbt test is a planned and an evaluated asset check),
so that cost ~14 s of a 100-s `make demo`. This storage keeps one engine and one connection per
database file, so SQLAlchemy's statement cache lives across writes too, and commits with
`synchronous=NORMAL`: in WAL mode a crash of the process loses nothing committed, only a power
loss may lose the last events. Everything else is Dagster's: `orchestration/dagster.yaml` names it.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
from dagster._core.instance.ref import _event_logs_directory
from dagster._core.storage.event_log import SqliteEventLogStorage
from dagster._core.storage.sql import create_engine
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from dagster._serdes import ConfigurableClassData
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import StaticPool

# Open database files kept per process: the index and the runs being written or watched. The UI
# reads many runs; older connections are closed rather than held for ever.
OPEN_SHARDS = 8


def _synchronous_normal(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    """SQLite event log storage with one open connection per database file and process."""

    def __init__(self, base_dir: str | None = None, inst_data: ConfigurableClassData | None = None):
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        self._engines_pid = os.getpid()
        base_dir = base_dir or _event_logs_directory(os.environ["DAGSTER_HOME"])
        super().__init__(base_dir, inst_data)

    @classmethod
    def config_type(cls) -> dict:
        # Without base_dir: where Dagster's default storage keeps the event logs.
        return {"base_dir": dg.Field(dg.StringSource, is_required=False)}

    @classmethod
    def from_config_value(cls, inst_data, config_value) -> PooledSqliteEventLogStorage:
        return cls(inst_data=inst_data, **config_value)

    def _engine(self, shard: str) -> Engine:
        if self._engines_pid != os.getpid():  # a forked child must not share its parent's files
            self._engines = OrderedDict()
            self._engines_pid = os.getpid()
        engine = self._engines.get(shard)
        if engine is not None:
            self._engines.move_to_end(shard)
            return engine
        engine = create_engine(
            self.conn_string_for_shard(shard),
            poolclass=StaticPool,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
        )
        event.listen(engine, "connect", _synchronous_normal)
        if shard not in self._initialized_dbs:
            self._initdb(engine)
            self._initialized_dbs.add(shard)
        self._engines[shard] = engine
        while len(self._engines) > OPEN_SHARDS:
            _, oldest = self._engines.popitem(last=False)
            oldest.dispose()
        return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        # The lock serialises this process's threads (the UI's watchers) on the shared connection.
        with self._db_lock, self._engine(shard).connect() as conn, conn.begin():
            yield conn

    def _close_files(self) -> None:
        for engine in self._engines.values():
            engine.dispose()
        self._engines.clear()

    def wipe(self) -> None:
        self._close_files()  # the run files it deletes must not stay open here
        super().wipe()

    def dispose(self) -> None:
        self._close_files()
        super().dispose()
