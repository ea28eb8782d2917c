"""Publish or roll back from the command line: ``python -m publishing [publish|rollback]``.

Paths come from WAREHOUSE_PATH and PUBLISHED_PATH, defaulting to the files under ``data/``.
"""

import argparse
import os
from pathlib import Path

from publishing.errors import PublishError
from publishing.publisher import publish
from publishing.spec import DEFAULT_SPEC_PATH, load_spec
from publishing.versions import rollback

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_WORKING_PATH = PROJECT_ROOT / "data" / "warehouse" / "warehouse.duckdb"
DEFAULT_PUBLISHED_PATH = PROJECT_ROOT / "data" / "published" / "metrics.duckdb"


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m publishing", description=__doc__)
    parser.add_argument("action", choices=["publish", "rollback"], nargs="?", default="publish")
    parser.add_argument("--spec", type=Path, default=DEFAULT_SPEC_PATH)
    parser.add_argument("--keep-versions", type=int, default=3)
    arguments = parser.parse_args()
    published_path = Path(os.environ.get("PUBLISHED_PATH", DEFAULT_PUBLISHED_PATH))

    if arguments.action == "rollback":
        if not published_path.parent.is_dir():
            raise SystemExit(
                f"rollback: nothing changed: nothing was ever published at {published_path}"
            )
        try:
            restored = rollback(published_path)
        except PublishError as error:
            # Nothing to roll back to is an expected state, not a crash: say so, exit non-zero.
            raise SystemExit(f"rollback: nothing changed: {error}") from error
        print(f"restored {restored.name} as {published_path}")
        return
    try:
        report = publish(
            os.environ.get("WAREHOUSE_PATH", DEFAULT_WORKING_PATH),
            published_path,
            load_spec(arguments.spec),
            keep_versions=arguments.keep_versions,
        )
    except PublishError as error:
        raise SystemExit(f"publish refused, the published file is unchanged: {error}") from error
    print(
        f"published {report.version} to {report.published_path}: "
        f"{sum(report.row_counts.values())} rows in {len(report.row_counts)} tables, "
        f"{report.file_size_bytes / 1e6:.1f} MB, {report.duration_seconds:.2f}s"
    )
    for table, count in report.row_counts.items():
        print(f"  {table}: {count} rows")
    if report.skipped_tables:
        print(f"  disabled in the spec: {', '.join(report.skipped_tables)}")


if __name__ == "__main__":
    main()
