"""A heartbeat for long steps of an in-process run: which step is still running, and for how long.

Dagster logs when a step starts and ends; MetricFlow's compile and the gate's suites run for tens of
seconds in between without a word. The heartbeat reads the run's step events from the instance
(another thread may read the event log while the run writes it) and prints a line while a step
runs longer than ``every`` seconds. It also says when each step starts (Dagster logs that at DEBUG
only), so a reader, or the crash tests' harness, can tell which phase a run has reached.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO

import dagster as dg

STARTS = {dg.DagsterEventType.STEP_START, dg.DagsterEventType.STEP_RESTARTED}
# A step up for retry waits for its next attempt: it is not running until it restarts.
ENDS = {
    dg.DagsterEventType.STEP_SUCCESS,
    dg.DagsterEventType.STEP_FAILURE,
    dg.DagsterEventType.STEP_UP_FOR_RETRY,
}


def running_steps(instance: dg.DagsterInstance, run_id: str) -> dict[str, float]:
    """Steps of the run that started and have not ended yet, with their start time."""
    started: dict[str, float] = {}
    for entry in instance.all_logs(run_id, of_type=STARTS | ENDS):
        event = entry.dagster_event
        if event.event_type in STARTS:
            started[event.step_key] = entry.timestamp
        else:
            started.pop(event.step_key, None)
    return started


# How often the run's step events are read: a step start is told within this many seconds.
POLL_SECONDS = 1.0


class StepHeartbeat:
    def __init__(
        self, instance: dg.DagsterInstance, run_id: str, every: float = 15, out: TextIO = sys.stdout
    ):
        self._instance, self._run_id, self._every, self._out = instance, run_id, every, out
        self._told: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name="step-heartbeat", daemon=True)

    def __enter__(self) -> StepHeartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()

    def _beat(self) -> None:
        while not self._stop.wait(POLL_SECONDS):
            now = time.time()
            for step, started in running_steps(self._instance, self._run_id).items():
                told = self._told.get(step)
                if told is None or told < started:
                    print(f"  ... {step} started", file=self._out)
                elif now - told >= self._every:
                    print(f"  ... {step} still running ({now - started:.0f} s)", file=self._out)
                else:
                    continue
                self._told[step] = now
                self._out.flush()
