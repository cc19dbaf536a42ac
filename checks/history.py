"""Run history in an embedded SQLite database: every run appended, queried by run id or claim id.

The database is a cache of results that were already written (``results.json`` first): appending never
comes before the run's files are safe, and a corrupt or missing database costs one clear line
(``HistoryError``), never the run. Each run is appended in one transaction.
"""

from __future__ import annotations

import json
import os
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from .result import Result
from .runner import RunRecord

DEFAULT_NAME = "history.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY, started TEXT, seed INTEGER, budget TEXT, backend TEXT, seconds REAL,
    statistical_tests INTEGER, family_alpha REAL, environment TEXT, results_path TEXT
);
CREATE TABLE IF NOT EXISTS results (
    run_id TEXT NOT NULL REFERENCES runs(run_id), claim_id TEXT NOT NULL, verdict TEXT NOT NULL,
    expected TEXT, as_expected INTEGER, kind TEXT, backend TEXT, tightest_margin REAL, seconds REAL,
    evidence TEXT, PRIMARY KEY (run_id, claim_id)
);
CREATE INDEX IF NOT EXISTS results_by_claim ON results(claim_id);
"""


class HistoryError(RuntimeError):
    """The history database cannot be used (corrupt, not a database, unwritable, unknown run)."""


def _connect(path: Path, *, create: bool) -> sqlite3.Connection:
    if not create and not path.exists():
        raise HistoryError(f"no history database at {path} (runs are recorded by `claims run`)")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path)
        conn.executescript(_SCHEMA)
        return conn
    except (sqlite3.Error, OSError) as exc:
        raise HistoryError(f"history database {path} is not usable: {exc}") from None


def _margin(result: Result) -> float | None:
    value = result.evidence.get("tightest_margin")
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def append(path: str | os.PathLike, record: RunRecord, results_path: str | os.PathLike | None = None) -> None:
    """Record a run (idempotent per run id)."""
    path = Path(path)
    with closing(_connect(path, create=True)) as conn:
        try:
            with conn:
                conn.execute("INSERT OR REPLACE INTO runs VALUES (?,?,?,?,?,?,?,?,?,?)", (
                    record.run_id, record.environment.get("started"), record.seed, record.budget, record.backend,
                    record.seconds, record.statistical_tests, record.family_alpha,
                    json.dumps(record.environment, default=str), str(results_path or "")))
                conn.executemany("INSERT OR REPLACE INTO results VALUES (?,?,?,?,?,?,?,?,?,?)", [
                    (record.run_id, r.id, r.verdict.value, json.dumps(r.expected), int(r.as_expected), r.kind,
                     r.backend, _margin(r), r.seconds, json.dumps(r.to_json()["evidence"], allow_nan=False))
                    for r in record.claims])
        except sqlite3.Error as exc:
            raise HistoryError(f"could not append run {record.run_id} to {path}: {exc}") from None


def runs(path: str | os.PathLike) -> list[dict[str, Any]]:
    with closing(_connect(Path(path), create=False)) as conn:
        try:
            rows = conn.execute("SELECT run_id, started, seed, budget, backend, seconds FROM runs "
                                "ORDER BY started, run_id").fetchall()
        except sqlite3.Error as exc:
            raise HistoryError(f"history database {path} is not usable: {exc}") from None
    return [dict(zip(("run_id", "started", "seed", "budget", "backend", "seconds"), r, strict=True)) for r in rows]


def load_run(path: str | os.PathLike, run_id: str) -> RunRecord:
    """A recorded run as a RunRecord (a unique prefix of the run id is enough)."""
    with closing(_connect(Path(path), create=False)) as conn:
        try:
            matches = conn.execute("SELECT * FROM runs WHERE run_id = ? OR run_id LIKE ?",
                                   (run_id, run_id.replace("%", "") + "%")).fetchall()
            exact = [m for m in matches if m[0] == run_id]
            matches = exact or matches
            if len(matches) != 1:
                raise HistoryError(f"{'no' if not matches else 'more than one'} run matches {run_id!r} in {path}")
            row = matches[0]
            results = conn.execute("SELECT claim_id, verdict, expected, kind, backend, seconds, evidence FROM "
                                   "results WHERE run_id = ? ORDER BY rowid", (row[0],)).fetchall()
        except sqlite3.Error as exc:
            raise HistoryError(f"history database {path} is not usable: {exc}") from None
    claims = [Result.from_json({"id": cid, "verdict": verdict, "expected": json.loads(expected), "kind": kind,
                                "backend": backend, "seconds": seconds, "evidence": json.loads(evidence)})
              for cid, verdict, expected, kind, backend, seconds, evidence in results]
    return RunRecord(seed=row[2], budget=row[3], backend=row[4], environment=json.loads(row[8] or "{}"),
                     claims=claims, family_alpha=row[7], statistical_tests=row[6], seconds=row[5], run_id=row[0])


def claim_history(path: str | os.PathLike, claim_id: str) -> list[dict[str, Any]]:
    """A claim's verdicts over time (oldest first)."""
    with closing(_connect(Path(path), create=False)) as conn:
        try:
            rows = conn.execute(
                "SELECT r.run_id, r.started, r.seed, r.budget, x.backend, x.verdict, x.as_expected, "
                "x.tightest_margin, x.seconds FROM results x JOIN runs r ON r.run_id = x.run_id "
                "WHERE x.claim_id = ? ORDER BY r.started, r.run_id", (claim_id,)).fetchall()
        except sqlite3.Error as exc:
            raise HistoryError(f"history database {path} is not usable: {exc}") from None
    keys = ("run_id", "started", "seed", "budget", "backend", "verdict", "as_expected", "tightest_margin", "seconds")
    return [dict(zip(keys, r, strict=True)) for r in rows]
