"""Run many claims: selection, multiple-testing control, supervised parallel workers (or Dask), progress,
interrupts and resumption, the run record.

Every claim runs in a worker process of its own (``checks.supervisor``), also with one job: a claim that
crashes, is killed or hangs past its time limit is an ERROR and nothing else is affected. Workers are
forked from this process where the platform allows, so they inherit the imported registry; that is safe
because the parent runs no torch operation before forking (no intra-op threads exist yet) — the same
reasoning as torch's DataLoader workers. Keep it so: nothing here may compute with torch.
"""

from __future__ import annotations

import contextlib
import os
import platform
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .backend import Backend
from .budget import Budget
from .engine import n_statistical_tests
from .model import Claim, Kind
from .result import Result
from .tolerance import FAMILY_ALPHA, per_test_alpha


@dataclass
class RunRecord:
    seed: int
    budget: str
    backend: str
    environment: dict[str, Any]
    claims: list[Result] = field(default_factory=list)
    family_alpha: float = FAMILY_ALPHA
    statistical_tests: int = 0
    seconds: float = 0.0
    run_id: str = ""  # unique per run: start time, seed and a random suffix; the key of the history database
    interrupted_by: str = ""  # the signal (SIGINT, SIGTERM) that stopped the run early; "" for a complete run
    timeout_s: float | None = None  # the per-claim wall-clock limit the run used
    # what was asked for: {"paper", "kind", "ids": every selected claim id} (`claims run --resume` needs it)
    selection: dict[str, Any] = field(default_factory=dict)
    load_errors: dict[str, str] = field(default_factory=dict)  # papers that could not be loaded: key -> why

    def __post_init__(self) -> None:
        if not self.run_id:
            started = str(self.environment.get("started", "")).replace("-", "").replace(":", "").replace("+0000", "")
            self.run_id = f"{started or 'run'}-s{self.seed}-{uuid.uuid4().hex[:6]}"

    def to_json(self) -> dict[str, Any]:
        return {"run_id": self.run_id, "seed": self.seed, "budget": self.budget, "backend": self.backend,
                "environment": self.environment,
                "multiple_testing": {"method": "Bonferroni", "family_alpha": self.family_alpha,
                                     "tests": self.statistical_tests,
                                     "per_test_alpha": per_test_alpha(self.statistical_tests, self.family_alpha)},
                "seconds": round(self.seconds, 3),
                "interrupted": self.interrupted,
                **({"interrupted_by": self.interrupted_by} if self.interrupted else {}),
                "timeout_s": self.timeout_s, "selection": self.selection,
                **({"load_errors": self.load_errors} if self.load_errors else {}),
                "claims": [r.to_json() for r in self.claims]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RunRecord:
        mt = data.get("multiple_testing", {})
        return cls(seed=int(data["seed"]), budget=str(data["budget"]), backend=str(data.get("backend", "")),
                   environment=dict(data.get("environment", {})),
                   claims=[Result.from_json(c) for c in data["claims"]],
                   family_alpha=float(mt.get("family_alpha", FAMILY_ALPHA)),
                   statistical_tests=int(mt.get("tests", 0)), seconds=float(data.get("seconds", 0.0)),
                   run_id=str(data.get("run_id", "")) or f"legacy-s{data['seed']}-{data.get('budget', '')}",
                   interrupted_by=(str(data.get("interrupted_by") or "SIGINT") if data.get("interrupted") else ""),
                   timeout_s=None if data.get("timeout_s") is None else float(data["timeout_s"]),
                   selection=dict(data.get("selection") or {}), load_errors=dict(data.get("load_errors") or {}))

    @property
    def interrupted(self) -> bool:
        """The run was stopped by a signal: it holds only the claims that finished."""
        return bool(self.interrupted_by)

    @property
    def all_as_expected(self) -> bool:
        """Every verdict is the expected one, the run is complete and every paper loaded."""
        return all(r.as_expected for r in self.claims) and not self.interrupted and not self.load_errors


def select(claims: Sequence[Claim], *, paper: str | None = None, kind: str | None = None) -> list[Claim]:
    if kind is not None and kind not in {k.value for k in Kind}:
        raise ValueError(f"unknown kind {kind!r}; choose one of {', '.join(k.value for k in Kind)}")
    return [c for c in claims if (paper is None or c.paper == paper) and (kind is None or c.kind.value == kind)]


def environment(backend: Backend) -> dict[str, Any]:
    import hypothesis
    import mpmath
    import numpy
    import sympy
    import torch

    env = {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count(),
           "torch": torch.__version__, "numpy": numpy.__version__, "mpmath": mpmath.__version__,
           "sympy": sympy.__version__, "hypothesis": hypothesis.__version__, "backend": backend.label,
           "cuda_available": bool(torch.cuda.is_available()),
           "started": datetime.now(UTC).isoformat(timespec="seconds")}
    if backend.name == "torch-cuda" and torch.cuda.is_available():
        env["cuda_device"] = torch.cuda.get_device_name(0)
    try:
        here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        env["commit"] = subprocess.run(["git", "-C", here, "rev-parse", "--short", "HEAD"], capture_output=True,
                                       text=True, timeout=5).stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        env["commit"] = None
    return env


_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM") if hasattr(signal, name))


@contextlib.contextmanager
def _stop_on_signals():
    """While the run lasts, SIGINT / SIGTERM only set a flag (which signal arrived): the run then stops
    scheduling, ends its workers and returns the finished claims. Outside the main thread (where handlers
    cannot be installed) the flag never turns."""
    caught: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield caught
        return
    previous = {sig: signal.getsignal(sig) for sig in _SIGNALS}
    for sig in _SIGNALS:
        signal.signal(sig, lambda signum, frame: caught.append(signum))
    try:
        yield caught
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def run(claims: Sequence[Claim], *, budget: Budget, backend: Backend, seed: int = 0, jobs: int = 1,
        progress: Callable[[int, int, Result], None] | None = None,
        events: Callable[[dict], None] | None = None, plots: bool = False, timeout: float | None = None,
        dask: str | None = None, resume: RunRecord | None = None,
        selection: dict[str, Any] | None = None) -> RunRecord:
    """Check every claim, each in a supervised worker process; statistical verdicts share one family-wise
    error rate (Bonferroni over the statistical tests of the whole selection).

    ``timeout``: per-claim wall-clock limit in seconds (default: the budget's). ``dask``: a scheduler
    address or ``local:N`` — run the claims as Dask tasks (``checks.dask_exec``). ``resume``: the record of an
    interrupted run of the same selection; only the claims missing from it are checked, at its multiple-testing
    level, and the returned record is the complete run. On SIGINT / SIGTERM the run stops early and returns
    the finished claims with ``interrupted`` set to the signal's name."""
    from .supervisor import Task, WorkerConfig, supervise

    start = time.perf_counter()
    limit = float(timeout if timeout is not None else budget.timeout_s)
    if resume is not None:
        record = resume
        n_tests = record.statistical_tests  # the level of the whole selection, as the interrupted run used
        alpha = per_test_alpha(n_tests, record.family_alpha)
        results = {r.id: r for r in record.claims}
        record.environment.setdefault("resumed", []).append(environment(backend)["started"])
        seconds_before = record.seconds
    else:
        n_tests = sum(n_statistical_tests(c) for c in claims)
        alpha = per_test_alpha(n_tests)
        record = RunRecord(seed=seed, budget=budget.name, backend=backend.label, environment=environment(backend),
                           statistical_tests=n_tests)
        results = {}
        seconds_before = 0.0
    record.timeout_s = limit
    record.selection = {**(selection or {}), "ids": [c.id for c in claims]}
    record.environment["executor"] = f"dask {dask}" if dask else f"local, {jobs} worker processes"
    todo = [c for c in claims if c.id not in results]
    emit = events or (lambda event: None)
    emit({"event": "run-resume" if resume is not None else "run-start", "run_id": record.run_id, "seed": seed,
          "budget": budget.name, "backend": backend.label, "claims": len(claims), "to_check": len(todo),
          "statistical_tests": n_tests, "per_test_alpha": alpha, "timeout_s": limit,
          "executor": record.environment["executor"], "environment": record.environment})
    finished = len(results)

    def done(result: Result) -> None:
        nonlocal finished
        finished += 1
        results[result.id] = result
        emit({"event": "claim", "run_id": record.run_id, "index": finished, "id": result.id,
              "verdict": result.verdict.value, "expected": result.expected, "as_expected": result.as_expected,
              "seconds": round(result.seconds, 4)})
        if progress:
            progress(finished, len(claims), result)

    if plots:  # import matplotlib once here: forked workers inherit it (importing it in each costs ~1 s)
        from .report.plots import _pyplot

        _pyplot()
    config = WorkerConfig(budget.name, backend.name, backend.dtype_name, seed, alpha, limit, plots)
    tasks = [Task(c.id, tuple(sorted(v.value for v in c.expected_verdicts)), c.kind.value) for c in todo]
    with _stop_on_signals() as caught:
        if dask:
            from .dask_exec import run_on_dask

            run_on_dask(dask, tasks, config, done=done, stop=lambda: bool(caught))
        else:
            supervise(tasks, config, jobs=jobs, done=done, stop=lambda: bool(caught))
    record.claims = [results[c.id] for c in claims if c.id in results]
    record.interrupted_by = signal.Signals(caught[0]).name if caught else ""
    record.seconds = seconds_before + time.perf_counter() - start
    emit({"event": "run-interrupted" if caught else "run-end", "run_id": record.run_id,
          "seconds": round(record.seconds, 3), "finished": len(record.claims), "claims": len(claims),
          **({"signal": record.interrupted_by} if caught else {}),
          "verdicts": {v: sum(r.verdict.value == v for r in record.claims) for v in
                       sorted({r.verdict.value for r in record.claims})},
          "all_as_expected": record.all_as_expected})
    return record


def print_progress(i: int, n: int, result: Result) -> None:
    mark = "" if result.as_expected else "   <-- expected " + "|".join(result.expected)
    print(f"[{i:>3}/{n}] {result.verdict.value:<12} {result.id}  ({result.seconds:.1f} s){mark}",
          file=sys.stderr, flush=True)
