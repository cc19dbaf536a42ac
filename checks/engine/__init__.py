"""Kind-specific engines behind one entry point, ``run_check``."""

from __future__ import annotations

import time
import traceback
from typing import Any

from ..determinism import seed_only_search
from ..model import Claim, Verdict
from ..result import Result
from ..specs import ExperimentSpec, InvarianceSpec, PointwiseSpec, ProbabilisticSpec, RateSpec, SymbolicSpec
from .context import CheckContext
from .experiment import check_experiment
from .experiment import n_statistical_tests as _experiment_tests
from .invariance import check_invariance
from .pointwise import check_pointwise, check_pointwise_at
from .probabilistic import check_probabilistic
from .rate import check_rate
from .symbolic import check_symbolic

__all__ = ["CheckContext", "run_check", "n_statistical_tests"]


def n_statistical_tests(claim: Claim) -> int:
    """How many statistical tests a claim contributes to the run's multiple-testing family."""
    spec = claim.spec
    if isinstance(spec, ProbabilisticSpec):
        return len(spec.settings)
    if isinstance(spec, ExperimentSpec):
        return _experiment_tests(spec)
    return 0  # rate claims fit exact reference values: deterministic, no sampling error (see engine.rate)


def _dispatch(claim: Claim, spec: Any, ctx: CheckContext) -> tuple[Verdict, dict]:
    if isinstance(spec, PointwiseSpec):
        return check_pointwise(claim, spec, ctx)
    if isinstance(spec, SymbolicSpec):
        return check_symbolic(claim, spec, ctx)
    if isinstance(spec, ProbabilisticSpec):
        return check_probabilistic(claim, spec, ctx)
    if isinstance(spec, RateSpec):
        return check_rate(claim, spec, ctx)
    if isinstance(spec, InvarianceSpec):
        return check_invariance(claim, spec, ctx)
    if isinstance(spec, ExperimentSpec):
        return check_experiment(claim, spec, ctx)
    raise TypeError(f"{claim.id}: no engine for spec type {type(spec).__name__}")


def run_check(claim: Claim, ctx: CheckContext, point: dict | None = None) -> Result:
    """Run the battery for one claim on one backend; never raises (a crash is an ERROR verdict)."""
    start = time.perf_counter()
    expected = sorted(v.value for v in claim.expected_verdicts)
    evidence: dict[str, Any]
    reason = ctx.backend.available()
    if reason:
        return Result(claim.id, Verdict.SKIPPED, expected, {"reason": reason}, 0.0, ctx.backend.label,
                      claim.kind.value)
    try:
        import torch

        torch.manual_seed(ctx.seed)
        with seed_only_search():  # the search depends on the seed, not on the modules imported so far
            if point is not None:
                if not isinstance(claim.spec, PointwiseSpec):
                    raise TypeError("--at is supported for pointwise (identity / inequality) claims")
                verdict, evidence = check_pointwise_at(claim, claim.spec, point, ctx)
            else:
                verdict, evidence = _dispatch(claim, claim.spec, ctx)
    except Exception as exc:  # isolate: one broken claim never stops a run
        verdict = Verdict.ERROR
        evidence = {"error": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc()}
    evidence.setdefault("establishes", claim.establishes)
    if claim.errata:
        evidence["errata"] = [e.__dict__ for e in claim.errata]
    if claim.expected_reason:
        evidence["expected_reason"] = claim.expected_reason
    return Result(claim.id, verdict, expected, evidence, time.perf_counter() - start, ctx.backend.label,
                  claim.kind.value)
