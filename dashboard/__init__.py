"""The shared dashboard: every department's agreed metrics and the gate's verdicts, read from the
published file only (``PUBLISHED_PATH``), read-only."""
