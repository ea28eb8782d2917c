"""Kill a real build with SIGKILL once it has reached a chosen point, then look at what it left.

The build is the command ``make demo`` runs after generating the extracts (``python -m
orchestration.demo``), in its own process group so dbt, which it starts, dies with it. A kill point
is something the build shows it has reached (a line of its progress output, or a file it writes),
never a time: the test must not depend on how loaded the machine is.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
from published_files import published_contents

PROJECT_ROOT = Path(__file__).resolve().parents[1]
BUILD_COMMAND = (sys.executable, "-m", "orchestration.demo")
PUBLISH_COMMAND = (sys.executable, "-m", "publishing", "publish")
# How often the harness looks at the build's output and files; not a wait for anything.
POLL_SECONDS = 0.02
# A build of the test company takes minutes on a busy machine; this only ends a hung one.
BUILD_TIMEOUT_SECONDS = 1800


@dataclass(frozen=True)
class KillPoint:
    """Where to kill: at the first output line matching ``line``, or once a file matching
    ``published_glob`` exists beside the published file."""

    name: str
    line: str | None = None
    published_glob: str | None = None

    def reached(self, output: list[str], published: Path) -> bool:
        if self.line is not None:
            return any(re.search(self.line, text) for text in output)
        return any(published.parent.glob(self.published_glob))


# Points in each phase of a build (load, dbt, metric values, gate, publish), one per phase first;
# the step names are the Dagster step keys the progress output prints when a step starts.
DBT_KILL = KillPoint("dbt, building an incremental model", line=r"START sql incremental model")
PUBLISH_KILL = KillPoint("publish, new file half written", published_glob="*.building-*")
KILL_POINTS = (
    KillPoint("load, after a new file was committed", line=r": [1-9]\d* loaded, "),
    DBT_KILL,
    KillPoint("metric values", line=r"metric_layer__metric_values started"),
    KillPoint("gate", line=r"gate__metric_status started"),
    PUBLISH_KILL,
    KillPoint("dbt, testing models", line=r"\d+ of \d+ START test (?!source_)"),
)


@dataclass(frozen=True)
class Killed:
    point: KillPoint
    output: str


def run_until(command: tuple[str, ...], env: dict[str, str], point: KillPoint) -> Killed:
    """Run ``command`` and SIGKILL its whole process group as soon as it reaches ``point``."""
    process = subprocess.Popen(
        command,
        cwd=PROJECT_ROOT,
        env={**env, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    output: list[str] = []
    reader = threading.Thread(target=lambda: output.extend(process.stdout), daemon=True)
    reader.start()
    published = Path(env["PUBLISHED_PATH"])
    deadline = time.monotonic() + BUILD_TIMEOUT_SECONDS
    try:
        while not point.reached(output, published):
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(
                    f"the build ended (exit {process.returncode}) before reaching {point.name}:\n"
                    + "".join(output[-40:])
                )
            time.sleep(POLL_SECONDS)
        os.killpg(process.pid, signal.SIGKILL)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        reader.join()
    return Killed(point, "".join(output))


def run_to_the_end(command: tuple[str, ...], env: dict[str, str]) -> str:
    result = subprocess.run(
        command,
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT_SECONDS,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return result.stdout


@dataclass(frozen=True)
class Published:
    """What readers see in a published file: its version and every published table's rows."""

    version: str
    contents: dict[str, list[tuple]]

    @classmethod
    def read(cls, path: Path) -> Published:
        with duckdb.connect(str(path), read_only=True) as connection:
            (version,) = connection.execute("select max(version) from publication").fetchall()[0]
        return cls(version, published_contents(path))


def leftovers(published: Path, warehouse: Path) -> list[str]:
    """Files of killed publishes beside the published file, and dbt's half-built relations."""
    found = [p.name for p in published.parent.glob("*.building-*")]
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        found += [
            f"{schema}.{name}"
            for schema, name in connection.execute(
                "select schema_name, table_name from duckdb_tables()"
                " union all select schema_name, view_name from duckdb_views()"
            ).fetchall()
            if "__dbt_tmp" in name or "__dbt_backup" in name
        ]
    return found


def assert_survived(killed: Killed, before: Published, published: Path, warehouse: Path) -> None:
    """After a kill: readers still get the last good version, and the working file opens."""
    after = Published.read(published)
    assert after.version == before.version, killed.point.name
    assert after.contents == before.contents, killed.point.name
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        assert connection.execute("select count(*) from duckdb_tables()").fetchall()[0][0] > 0
