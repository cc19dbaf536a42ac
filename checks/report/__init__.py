"""Reports of a run: results.json (the contract), report.md, junit.xml, a self-contained index.html and
the plots next to it.

Violated bounds come first everywhere. Files are written atomically (temp file + rename), results.json
before anything else, so a crash while rendering never loses the run.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from ..runner import RunRecord
from .html import render_html
from .junit import render_junit
from .markdown import render_markdown

__all__ = ["ResultsError", "atomic_write", "read_results", "write_all", "write_results"]


class ResultsError(ValueError):
    """A results file that is missing, unreadable or not a claims-harness results file."""


def atomic_write(path: Path, text: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb" if isinstance(text, bytes) else "w", **({} if isinstance(text, bytes)
                                                                          else {"encoding": "utf-8"})) as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; reports are meant to be shared
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def read_results(location: str | os.PathLike) -> RunRecord:
    """Load a run from a results.json file or a report directory; one clear error on any problem."""
    path = Path(location)
    if path.is_dir():
        path = path / "results.json"
    if not path.exists():
        raise ResultsError(f"no results file at {path}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ResultsError(f"{path} is not a readable results file: {exc}") from None
    try:
        return RunRecord.from_json(data)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ResultsError(f"{path} is not a claims-harness results file (missing or bad field: {exc})") from None


def write_results(record: RunRecord, out_dir: str | os.PathLike) -> Path:
    """results.json alone: the first thing written after a run."""
    path = Path(out_dir) / "results.json"
    atomic_write(path, json.dumps(record.to_json(), indent=1, allow_nan=False) + "\n")
    return path


def write_all(record: RunRecord, out_dir: str | os.PathLike, claims_by_id: dict[str, Any] | None = None, *,
              plots: bool = True) -> Path:
    out = Path(out_dir)
    write_results(record, out)
    figures = {}
    if plots:
        from .plots import render_plots

        figures = render_plots(record.claims, out)
    atomic_write(out / "report.md", render_markdown(record, claims_by_id, figures))
    atomic_write(out / "junit.xml", render_junit(record, claims_by_id))
    atomic_write(out / "index.html", render_html(record, claims_by_id, figures))
    return out
