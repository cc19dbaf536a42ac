"""Run many claims: selection, multiple-testing control, parallel jobs, progress, the run record."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, datetime
from multiprocessing import get_context
from typing import Any

from .backend import Backend
from .budget import Budget
from .budget import get as get_budget
from .engine import CheckContext, n_statistical_tests, run_check
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
                "claims": [r.to_json() for r in self.claims]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RunRecord:
        mt = data.get("multiple_testing", {})
        return cls(seed=int(data["seed"]), budget=str(data["budget"]), backend=str(data.get("backend", "")),
                   environment=dict(data.get("environment", {})),
                   claims=[Result.from_json(c) for c in data["claims"]],
                   family_alpha=float(mt.get("family_alpha", FAMILY_ALPHA)),
                   statistical_tests=int(mt.get("tests", 0)), seconds=float(data.get("seconds", 0.0)),
                   run_id=str(data.get("run_id", "")) or f"legacy-s{data['seed']}-{data.get('budget', '')}")

    @property
    def all_as_expected(self) -> bool:
        return all(r.as_expected for r in self.claims)


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


def _worker(claim_id: str, budget_name: str, backend_name: str, dtype: str, seed: int, alpha: float,
            plots: bool = False) -> Result:
    import torch

    from claims import get

    torch.set_num_threads(1)  # one claim per process; jobs provide the parallelism
    ctx = CheckContext(get_budget(budget_name), Backend(backend_name, dtype), seed, alpha)
    result = run_check(get(claim_id), ctx)
    if plots:  # plot here, in parallel with the other workers, rather than serially in the report
        from .report.plots import render_png

        result.plot_png = render_png(result)
    return result


def _pool_context():
    """fork where the platform has it: workers inherit the imported registry (torch, sympy, scipy and every
    claim module, ~6 s to import) instead of importing it again. The parent has run no torch operation
    before the pool starts (no intra-op threads exist yet), which is what makes forking safe — the same
    reasoning as torch's DataLoader workers. Elsewhere: spawn."""
    import multiprocessing

    return get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")


def run(claims: Sequence[Claim], *, budget: Budget, backend: Backend, seed: int = 0, jobs: int = 1,
        progress: Callable[[int, int, Result], None] | None = None,
        events: Callable[[dict], None] | None = None, plots: bool = False) -> RunRecord:
    """Check every claim; statistical verdicts share one family-wise error rate (Bonferroni)."""
    start = time.perf_counter()
    n_tests = sum(n_statistical_tests(c) for c in claims)
    alpha = per_test_alpha(n_tests)
    record = RunRecord(seed=seed, budget=budget.name, backend=backend.label, environment=environment(backend),
                       statistical_tests=n_tests)
    results: dict[str, Result] = {}
    emit = events or (lambda event: None)
    emit({"event": "run-start", "run_id": record.run_id, "seed": seed, "budget": budget.name,
          "backend": backend.label, "claims": len(claims), "statistical_tests": n_tests, "per_test_alpha": alpha,
          "environment": record.environment})

    def done(i: int, result: Result) -> None:
        emit({"event": "claim", "run_id": record.run_id, "index": i, "id": result.id, "verdict": result.verdict.value,
              "expected": result.expected, "as_expected": result.as_expected, "seconds": round(result.seconds, 4)})
        if progress:
            progress(i, len(claims), result)

    if jobs <= 1 or len(claims) <= 1:
        ctx = CheckContext(budget, backend, seed, alpha)
        for i, claim in enumerate(claims, 1):
            results[claim.id] = run_check(claim, ctx)
            done(i, results[claim.id])
    else:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=_pool_context()) as pool:
            futures = {pool.submit(_worker, c.id, budget.name, backend.name, backend.dtype_name, seed, alpha,
                                   plots): c
                       for c in claims}
            for i, fut in enumerate(as_completed(futures), 1):
                claim = futures[fut]
                try:
                    results[claim.id] = fut.result()
                except Exception as exc:  # a worker that died (not a claim that failed) is still a result
                    from .model import Verdict

                    results[claim.id] = Result(claim.id, Verdict.ERROR,
                                               sorted(v.value for v in claim.expected_verdicts),
                                               {"error": f"worker failed: {type(exc).__name__}: {exc}"}, 0.0,
                                               backend.label, claim.kind.value)
                done(i, results[claim.id])
    record.claims = [results[c.id] for c in claims]
    record.seconds = time.perf_counter() - start
    emit({"event": "run-end", "run_id": record.run_id, "seconds": round(record.seconds, 3),
          "verdicts": {v: sum(r.verdict.value == v for r in record.claims) for v in
                       sorted({r.verdict.value for r in record.claims})},
          "all_as_expected": record.all_as_expected})
    return record


def print_progress(i: int, n: int, result: Result) -> None:
    mark = "" if result.as_expected else "   <-- expected " + "|".join(result.expected)
    print(f"[{i:>3}/{n}] {result.verdict.value:<12} {result.id}  ({result.seconds:.1f} s){mark}",
          file=sys.stderr, flush=True)
