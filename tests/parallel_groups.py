"""How ``make test`` splits the suite over two pytest-xdist workers (``--dist loadscope``).

Each unit of work goes to one worker, so what it builds is built once: a test module (its module
fixtures), or the modules that read one of the session's costly second builds (``SHARED_BUILDS``).
``demo_build``, which most units read, is built once for both workers (``shared_by_workers``).
The first unit builds ``demo_build``; the second, which never reads it, keeps the other worker
busy meanwhile; then the longest units (``LONGEST``, so that neither worker is left alone with
one at the end), then the rest in collection order (``--no-loadscope-reorder``).

xdist's own ``loadgroup`` cannot be used: it renames node ids, which pytest 9 no longer allows.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

# Modules that read the same session build beside demo_build: one worker builds it for all.
SHARED_BUILDS = {
    "tests/test_mappings_vendor_demo.py": "vendor_two_drop_build",
    "tests/test_publish_asset.py": "vendor_two_drop_build",
    "tests/test_dbt_go_to_market.py": "incremental_build",
    "tests/test_dbt_service_finance.py": "incremental_build",
}
SECOND_UNIT = "tests/test_gate_calibration.py"  # a long unit that never reads demo_build
# The longest units (each runs whole builds or servers), longest first; the others are shorter.
LONGEST = (
    "vendor_two_drop_build",
    "tests/test_crash_safety.py",
    "tests/test_end_to_end.py",
    "tests/test_mappings_partial.py",
    "incremental_build",
    "tests/test_readme.py",
    "tests/test_dashboard_browser.py",
)


def unit_of_work(nodeid: str) -> str:
    module = nodeid.split("::")[0]
    return SHARED_BUILDS.get(module, module)


def ordered_for_workers(items: list[pytest.Item]) -> list[pytest.Item]:
    """The items unit by unit: a unit that builds demo_build, ``SECOND_UNIT``, ``LONGEST``."""
    units: dict[str, list[pytest.Item]] = {}
    for item in items:
        units.setdefault(unit_of_work(item.nodeid), []).append(item)
    first = next(
        (u for u, its in units.items() if any("demo_build" in i.fixturenames for i in its)), None
    )
    order = list(dict.fromkeys(u for u in (first, SECOND_UNIT, *LONGEST) if u in units))
    order += [u for u in units if u not in order]
    return [item for unit in order for item in units[unit]]


def unit_scheduling(config: pytest.Config, log):
    """xdist's scope scheduling with ``unit_of_work`` as the scope."""
    from xdist.scheduler import LoadScopeScheduling

    class UnitScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return unit_of_work(nodeid)

    return UnitScheduling(config, log)


def shared_by_workers(
    tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], str]
) -> tuple[Path, str]:
    """``build(folder)`` run once for every worker: the first one builds, the others wait for it
    and read its folder and its output. Without xdist, a plain temporary folder."""
    if "PYTEST_XDIST_WORKER" not in os.environ:
        folder = tmp_path_factory.mktemp(name)
        return folder, build(folder)
    folder = tmp_path_factory.getbasetemp().parent / name
    outcome = folder.with_suffix(".json")
    with open(folder.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not outcome.exists():
            folder.mkdir()
            try:
                recorded = {"output": build(folder)}
            except Exception as error:  # the waiting workers fail with the same message
                recorded = {"error": f"{type(error).__name__}: {error}"}
            outcome.write_text(json.dumps(recorded))
    recorded = json.loads(outcome.read_text())
    if "error" in recorded:
        pytest.fail(f"{name} failed: {recorded['error']}")
    return folder, recorded["output"]
