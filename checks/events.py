"""The JSON-lines event log of a run: one object per line, appended and flushed as the run goes.

Unlike the reports (written atomically at the end), the log is written while checks complete, so a run
that is killed still leaves a record of every claim that finished. Events: ``run-start`` (run id, seed,
budget, backend, environment, multiple-testing level), ``claim`` (id, verdict, expected, seconds) per claim,
``run-end`` (counts, wall time), ``reports-written``, ``history-appended`` / ``history-failed``.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


class EventLog:
    """Append events to ``path`` (created with its folder); usable as the runner's ``events`` callback."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fh = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 - lives as long as the run

    def __call__(self, event: dict[str, Any]) -> None:
        record = {"time": datetime.now(UTC).isoformat(timespec="milliseconds"), **event}
        self._fh.write(json.dumps(record, default=str, allow_nan=False) + "\n")
        self._fh.flush()

    def close(self) -> None:
        self._fh.close()

    def __enter__(self) -> EventLog:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def read_events(path: str | os.PathLike) -> list[dict[str, Any]]:
    """Every event of a log (a truncated last line, from a killed run, is ignored)."""
    events = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        try:
            events.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return events
