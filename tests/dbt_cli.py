"""dbt in a separate process, as Dagster runs it: the test process never holds the warehouse."""

import os
import subprocess
import sys
from pathlib import Path

DBT_DIR = Path(__file__).resolve().parents[1] / "dbt_project"


def run_dbt(root: Path, warehouse: Path, *args: str) -> subprocess.CompletedProcess:
    dbt = Path(sys.executable).with_name("dbt")
    return subprocess.run(
        [str(dbt), *args, "--project-dir", str(DBT_DIR), "--profiles-dir", str(DBT_DIR)]
        + ["--target-path", str(root / "target"), "--log-path", str(root / "logs")],
        env={**os.environ, "WAREHOUSE_PATH": str(warehouse)},
        capture_output=True,
        text=True,
        check=False,
    )
