"""``make bench-spark``: the same company built on DuckDB and on Spark, phase by phase.

Per scale: the DuckDB phases of ``make bench`` that build it (generate, load, parse, a full dbt
build, metric_values), then the Spark phases on the same load (export to Parquet, the full dbt
build on the spark target, metric_values compiled for Spark SQL), each in its own process for its
own peak memory; the ratio column is Spark's seconds over DuckDB's for the same work.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from benchmarks.run import Measurement, run_phase, table

SPARK_PYTHON = str(Path(__file__).resolve().parent.parent / ".venv-spark" / "bin" / "python")
DUCKDB_PHASES = ("generate", "load", "dbt_parse", "dbt_full", "metric_values")
SPARK_PHASES = ("spark_export", "spark_dbt_full", "spark_metric_values")
DUCKDB_PHASE_OF = {"spark_dbt_full": "dbt_full", "spark_metric_values": "metric_values"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scales", type=float, nargs="+", default=[1, 10])
    args = parser.parse_args()
    measurements: list[Measurement] = []
    for scale in args.scales:
        workdir = Path(tempfile.mkdtemp(prefix=f"bench-spark-{scale:g}-"))
        try:
            runs = [(phase, {}) for phase in DUCKDB_PHASES]
            runs += [
                (phase, {"python": SPARK_PYTHON, "module": "benchmarks.spark_phases"})
                for phase in SPARK_PHASES
            ]
            for phase, engine in runs:
                measurements.append(run_phase(phase, workdir, scale, **engine))
                line = table(measurements[-1:], measurements, DUCKDB_PHASE_OF)
                print(line.split("\n", 2)[2], flush=True)
        finally:
            shutil.rmtree(workdir)
    print()
    print(table(measurements, baseline_of=DUCKDB_PHASE_OF))


if __name__ == "__main__":
    main()
