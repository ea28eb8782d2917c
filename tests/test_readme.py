"""A newcomer's walk-through of the README: every command runs as written after ``make demo``.

The commands run in a folder laid out like a fresh clone after ``make demo`` (the project's files
linked, ``data/`` a copy of the ``demo_build`` fixture's files), from a shell without the venv on
PATH. Servers are started, asked for a page, and stopped with SIGTERM. ``README_WALKTHROUGH=full``
also runs the slow commands (``make lint``, ``make docs``).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from pathlib import Path

import duckdb
import pytest
from readme_commands import Command, readme_commands

PROJECT_ROOT = Path(__file__).resolve().parents[1]
COMMANDS = readme_commands(PROJECT_ROOT / "README.md")
FULL = os.environ.get("README_WALKTHROUGH") == "full"

# Commands not run here, and why.
NOT_RUN = {
    "make demo": "the demo_build fixture runs it, as written, before every command here",
    "make test": "the suite this test is part of",
    "make bench": "a benchmark at scale 1 and 10 (minutes of CPU); it has its own target",
    "make fuzz": "the loader's long fuzz run; make test runs a slice of it",
    "make calibrate": "the gate's calibration over 20 seeds (25 min); make test runs a slice",
    "make crash": "kills a build at every phase, minutes each; make test runs a slice",
    "make clean": "removes data/ and Dagster's state of the folder it runs in",
    "make test-spark": "builds the demo on both engines (tens of minutes); its own target",
    "make bench-spark": "a benchmark of both engines at scale 1 and 10; its own target",
}
# make install-spark downloads about 630 MB; make spark-build runs every model on Spark.
SLOW = {"make lint", "make docs", "make install-spark", "make spark-build"}
# Servers: the variable that moves the port, and the page that answers once it is up.
SERVERS = {
    "make dev": ("DEV_PORT", "/server_info"),
    "make dashboard": ("DASHBOARD_PORT", "/"),
    "make docs": ("DOCS_PORT", "/"),
}
SERVER_START_LIMIT_SECONDS = 600
SERVER_STOP_LIMIT_SECONDS = 120


@pytest.fixture(scope="module")
def clone(demo_build, tmp_path_factory) -> Path:
    """The project as a fresh clone looks after ``make demo``, with a private copy of data/."""
    folder = tmp_path_factory.mktemp("readme") / "project"
    folder.mkdir()
    for entry in PROJECT_ROOT.iterdir():
        if entry.name not in {"data", ".dagster_home"}:
            (folder / entry.name).symlink_to(entry)
    shutil.copytree(demo_build.root, folder / "data", symlinks=True)
    shutil.copytree(demo_build.dagster_home, folder / ".dagster_home")
    # A second version, so the README's rollback has one to put back.
    published = run(Command("bash", ".venv/bin/python -m publishing"), folder)
    assert published.returncode == 0, published.stdout + published.stderr
    return folder


def newcomer_env(folder: Path) -> dict[str, str]:
    """A shell that never activated the venv, with every path variable at its README default."""
    venv_bin = str(PROJECT_ROOT / ".venv" / "bin")
    path = [p for p in os.environ["PATH"].split(os.pathsep) if p != venv_bin]
    path = [p for p in path if p != str(Path(sys.executable).parent)]
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTEST"))},
        "PATH": os.pathsep.join(path),
        "EXTRACTS_DIR": str(folder / "data" / "extracts"),
        "WAREHOUSE_PATH": str(folder / "data" / "warehouse" / "warehouse.duckdb"),
        "PUBLISHED_PATH": str(folder / "data" / "published" / "metrics.duckdb"),
        "DAGSTER_HOME": str(folder / ".dagster_home"),
    }


def run(command: Command, folder: Path) -> subprocess.CompletedProcess:
    argv = ["bash", "-c", command.text]
    if command.kind == "python":
        argv = [str(folder / ".venv" / "bin" / "python"), "-c", command.text]
    return subprocess.run(
        argv, cwd=folder, env=newcomer_env(folder), capture_output=True, text=True, timeout=1200
    )


def ids(command: Command) -> str:
    return command.name[:40]


@pytest.mark.parametrize("command", COMMANDS, ids=ids)
def test_readme_command_runs_as_written(command: Command, clone: Path):
    if command.name in NOT_RUN:
        pytest.skip(NOT_RUN[command.name])
    if command.name in SLOW and not FULL:
        pytest.skip("slow: README_WALKTHROUGH=full runs it")
    if command.name in SERVERS:
        serve_and_stop(command, clone, *SERVERS[command.name])
        return
    result = run(command, clone)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    assert "Traceback" not in output


def serve_and_stop(command: Command, folder: Path, port_variable: str, page: str) -> None:
    port = free_port()
    server = subprocess.Popen(
        ["bash", "-c", f"{command.text} {port_variable}={port}"],
        cwd=folder,
        env=newcomer_env(folder),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        preexec_fn=terminal_signals,
    )
    try:
        answered = wait_for_page(server, f"http://127.0.0.1:{port}{page}")
    finally:
        # What a terminal's Ctrl-C or a supervisor's stop does: signal the whole process group.
        os.killpg(server.pid, signal.SIGTERM)
        output, _ = server.communicate(timeout=120)
    assert answered, output[-3000:]
    assert "Traceback" not in output, output[-3000:]
    assert stopped(server.pid), output[-3000:]
    warnings = Counter(line.split(" - ", 1)[-1] for line in output.splitlines() if "WARN" in line)
    assert max(warnings.values(), default=0) <= 1, warnings.most_common(3)


def terminal_signals() -> None:
    """Signals as a terminal's shell gives them. A command a non-interactive shell puts in the
    background ignores SIGINT, and its Python children then never see Ctrl-C: CI may start us so."""
    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT, signal.SIGHUP):
        signal.signal(number, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_SETMASK, set())


def stopped(group: int) -> bool:
    """Every process of the server's group has ended (servers finish their shutdown after the
    shell that started them); a group still alive after the bound is killed and reported."""
    deadline = time.monotonic() + SERVER_STOP_LIMIT_SECONDS
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return True
        time.sleep(1)
    os.killpg(group, signal.SIGKILL)
    return False


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_page(server: subprocess.Popen, url: str) -> bool:
    deadline = time.monotonic() + SERVER_START_LIMIT_SECONDS
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status == 200
        except OSError:
            time.sleep(2)
    return False


def test_rollback_with_nothing_left_to_restore_says_so_without_a_traceback(clone: Path):
    rollback = Command("bash", ".venv/bin/python -m publishing rollback")
    results = [run(rollback, clone) for _ in range(3)]
    last = results[-1]
    assert last.returncode == 1
    assert "nothing changed" in last.stderr and "Traceback" not in last.stderr


def test_a_long_lived_reader_sees_a_new_version_once_every_connection_is_closed(
    demo_build, tmp_path: Path
):
    published = tmp_path / "metrics.duckdb"
    shutil.copy2(demo_build.published, published)
    env = {
        **os.environ,
        "WAREHOUSE_PATH": str(demo_build.warehouse),
        "PUBLISHED_PATH": str(published),
    }

    def version(connection) -> str:
        return connection.execute("select version from main.publication").fetchall()[0][0]

    held = duckdb.connect(str(published), read_only=True)
    before = version(held)
    republished = subprocess.run(
        [sys.executable, "-m", "publishing"], cwd=PROJECT_ROOT, env=env, capture_output=True
    )
    assert republished.returncode == 0, republished.stderr
    # While one connection to the path is open, a new connect() joins the same database.
    with duckdb.connect(str(published), read_only=True) as joined:
        assert version(joined) == before
    held.close()
    with duckdb.connect(str(published), read_only=True) as reopened:
        assert version(reopened) != before
