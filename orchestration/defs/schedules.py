"""A nightly rebuild, for drops that arrive without the sensor noticing (e.g. a paused sensor)."""

import dagster as dg

from orchestration.defs.jobs import build_warehouse

nightly_build = dg.ScheduleDefinition(
    name="nightly_build",
    job=build_warehouse,
    cron_schedule="0 5 * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.STOPPED,
)
