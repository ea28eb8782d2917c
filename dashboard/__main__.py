"""`python -m dashboard [--port N] [--address HOST]`: Streamlit headless on the published file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from streamlit.web import cli

APP = Path(__file__).with_name("app.py")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8501)
    parser.add_argument("--address", default="localhost")
    arguments = parser.parse_args()
    # Offline and quiet: no usage statistics, no browser tab, no file watcher, no developer menu.
    sys.argv = [
        "streamlit",
        "run",
        str(APP),
        "--server.headless=true",
        f"--server.port={arguments.port}",
        f"--server.address={arguments.address}",
        "--server.fileWatcherType=none",
        "--browser.gatherUsageStats=false",
        "--client.toolbarMode=viewer",
    ]
    sys.exit(cli.main())


if __name__ == "__main__":
    main()
