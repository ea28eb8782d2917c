"""``make bench``: time, throughput and peak memory of each phase at several data sizes.

Not a test: it prints a table to paste into notes. ``--scales 1 10 100`` picks the sizes.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.phases import PHASES


@dataclass
class Measurement:
    scale: float
    phase: str
    seconds: float
    rows: int
    peak_mib: float
    detail: dict[str, float]

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def run_phase(
    phase: str,
    workdir: Path,
    scale: float,
    python: str = sys.executable,
    module: str = "benchmarks.phases",
) -> Measurement:
    command = [python, "-m", module, phase, "--workdir", str(workdir)]
    command += ["--scale", str(scale)]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"benchmark phase {phase} at scale {scale} failed")
    reported = json.loads(output.strip().splitlines()[-1])
    # A floor times its work alone (not its setup, nor Python's start).
    seconds = reported["seconds"] if reported["seconds"] is not None else seconds
    # ru_maxrss is in KiB on Linux.
    peak_mib = usage.ru_maxrss / 1024
    return Measurement(scale, phase, seconds, reported["rows"], peak_mib, reported["detail"])


# Each product phase against the floor that does the same work with DuckDB alone.
FLOOR_OF = {"load": "load_floor", "dbt_full": "transform_floor"}
# The incremental build against a full rebuild of the same data; its floor, one dbt invocation.
BASELINE_OF = {
    **FLOOR_OF,
    "dbt_incremental": "dbt_full_refresh",
    "dbt_fixed_cost": "dbt_incremental",
}


def ratio(
    measurement: Measurement, measurements: list[Measurement], baseline_of: dict[str, str]
) -> str:
    baseline = next(
        (
            m
            for m in measurements
            if m.scale == measurement.scale and m.phase == baseline_of.get(measurement.phase)
        ),
        None,
    )
    if baseline is None or not baseline.seconds:
        return ""
    return f"{measurement.seconds / baseline.seconds:.2f}x {baseline.phase}"


def table(
    measurements: list[Measurement],
    everything: list[Measurement] | None = None,
    baseline_of: dict[str, str] = BASELINE_OF,
) -> str:
    header = (
        f"{'scale':>6} {'phase':<20} {'seconds':>9} {'rows':>13} {'rows/s':>12} {'peak MiB':>9}"
        "  ratio"
    )
    lines = [header, "-" * len(header)]
    lines += [
        f"{m.scale:>6g} {m.phase:<20} {m.seconds:>9.1f} {m.rows:>13,} "
        f"{m.rows_per_second:>12,.0f} {m.peak_mib:>9.0f}  "
        f"{ratio(m, everything or measurements, baseline_of)}"
        + "".join(f"\n{'':>28}{seconds:>9.1f}  {kind}" for kind, seconds in m.detail.items())
        for m in measurements
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scales", type=float, nargs="+", default=[1, 10])
    parser.add_argument("--keep", action="store_true", help="keep the work folders")
    parser.add_argument(
        "--phases",
        nargs="+",
        choices=list(PHASES),
        default=list(PHASES),
        help="a subset, in run order (e.g. scale 100 end to end without the incremental trio)",
    )
    args = parser.parse_args()
    measurements = []
    for scale in args.scales:
        workdir = Path(tempfile.mkdtemp(prefix=f"bench-scale-{scale:g}-"))
        try:
            for phase in (phase for phase in PHASES if phase in args.phases):
                measurements.append(run_phase(phase, workdir, scale))
                print(table(measurements[-1:], measurements).split("\n", 2)[2], flush=True)
        finally:
            if not args.keep:
                shutil.rmtree(workdir)
    print()
    print(table(measurements))


if __name__ == "__main__":
    main()
