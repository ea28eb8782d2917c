"""The Spark session dbt's `spark` target runs in (dbt_project/profiles.yml), for the steps that
read or write the same Spark warehouse outside dbt: one definition of its settings, dbt's."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from dbt.config.profile import read_profile
from dbt.config.renderer import ProfileRenderer
from dbt_common.context import set_invocation_context

DBT_PROJECT_DIR = Path(__file__).resolve().parent.parent / "dbt_project"
PROFILE = "shared_metrics"
TARGET = "spark"


def spark_settings(profiles_dir: Path = DBT_PROJECT_DIR) -> dict[str, str]:
    """The target's ``server_side_parameters``, rendered as dbt renders them (``env_var``)."""
    set_invocation_context(os.environ)
    raw = read_profile(str(profiles_dir))[PROFILE]["outputs"][TARGET]
    return ProfileRenderer({}).render_data(raw).get("server_side_parameters") or {}


def spark_session(profiles_dir: Path = DBT_PROJECT_DIR) -> Any:
    """A session as dbt-spark's session method opens it (Hive catalog, the target's settings)."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.enableHiveSupport()
    for key, value in spark_settings(profiles_dir).items():
        builder = builder.config(key, value)
    return builder.getOrCreate()
