"""The files beside the published one: the file being built, retired versions, the publish lock.

``metrics.duckdb``                         the live file readers open
``metrics.duckdb.building-<stamp>``        a publish in progress (removed if it fails, or by
                                           the next publish if the process was killed)
``metrics.duckdb.<stamp>``                 earlier versions kept for rollback, newest last
``metrics.duckdb.lock``                    held while a publish or a rollback runs
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from publishing.errors import PublishError

STAMP_FORMAT = "%Y%m%dT%H%M%S%fZ"
STAMP_PATTERN = r"\d{8}T\d{12}Z"


def new_stamp() -> str:
    return datetime.now(UTC).strftime(STAMP_FORMAT)


def building_path(published_path: Path, stamp: str) -> Path:
    return published_path.with_name(f"{published_path.name}.building-{stamp}")


def retained_versions(published_path: Path) -> list[Path]:
    """Earlier versions, oldest first (the stamp sorts by time)."""
    pattern = re.compile(re.escape(published_path.name) + r"\." + STAMP_PATTERN + "$")
    return sorted(path for path in published_path.parent.iterdir() if pattern.match(path.name))


def live_version(published_path: Path) -> str:
    """The version the live file records; its build time if it predates the publication table."""
    try:
        with duckdb.connect(str(published_path), read_only=True) as connection:
            version = connection.execute("select max(version) from publication").fetchall()[0][0]
    except duckdb.Error:
        version = None
    if version and re.fullmatch(STAMP_PATTERN, version):
        return version
    built_at = datetime.fromtimestamp(published_path.stat().st_mtime, UTC)
    return built_at.strftime(STAMP_FORMAT)


def retire_current(published_path: Path) -> Path | None:
    """Keep the live file under its version name, without ever unlinking the live path."""
    if not published_path.exists():
        return None
    retired = published_path.with_name(f"{published_path.name}.{live_version(published_path)}")
    if retired.exists():
        return retired
    try:
        # A hard link costs nothing and keeps the live path in place for readers.
        os.link(published_path, retired)
    except OSError:
        shutil.copy2(published_path, retired)
    return retired


def prune_versions(published_path: Path, keep_versions: int) -> list[Path]:
    versions = retained_versions(published_path)
    surplus = versions[: max(len(versions) - keep_versions, 0)]
    for path in surplus:
        path.unlink()
    return versions[len(surplus) :]


def remove_partial(path: Path) -> None:
    for leftover in (path, path.with_name(path.name + ".wal")):
        leftover.unlink(missing_ok=True)


def remove_killed_builds(published_path: Path) -> list[Path]:
    """Remove the files of publishes that were killed; call it holding the publish lock.

    Under the lock no other publish runs, so every building file is a dead one.
    """
    pattern = re.compile(re.escape(published_path.name) + r"\.building-" + STAMP_PATTERN + "$")
    killed = sorted(p for p in published_path.parent.iterdir() if pattern.match(p.name))
    for path in killed:
        remove_partial(path)
    return killed


@contextmanager
def publish_lock(published_path: Path) -> Iterator[None]:
    """One publish or rollback at a time per published file; readers never take it."""
    lock_path = published_path.with_name(published_path.name + ".lock")
    with lock_path.open("w") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)


def rollback(published_path: Path | str) -> Path:
    """Put the newest retained version back in place; returns the version restored.

    The replaced file is dropped: it is the one being rolled back. Readers still holding it open
    keep reading it until they reconnect.
    """
    published_path = Path(published_path)
    with publish_lock(published_path):
        versions = retained_versions(published_path)
        if not versions:
            raise PublishError(f"no earlier version of {published_path} to roll back to")
        restored = versions[-1]
        os.replace(restored, published_path)
    return restored
