"""Engine for statements settled by exact arithmetic (sympy, exact rationals, integers)."""

from __future__ import annotations

from ..model import Claim, Verdict
from ..specs import SymbolicSpec
from .context import CheckContext
from .pointwise import check_pointwise


def check_symbolic(claim: Claim, spec: SymbolicSpec, ctx: CheckContext) -> tuple[Verdict, dict]:
    outcome = spec.prove(claim.constants)
    evidence: dict = {"method": "exact", "detail": outcome.detail, "exact_cases": outcome.cases,
                      "values": dict(outcome.values)}
    if outcome.counterexample is not None:
        evidence["minimal_counterexample"] = {"point": dict(outcome.counterexample), "status": "violated",
                                              "exact": True}
    verdict = outcome.verdict
    if spec.numeric is not None:
        numeric_verdict, numeric_evidence = check_pointwise(claim, spec.numeric, ctx)
        numeric_evidence.pop("margins_sample", None)
        evidence["numeric_cross_check"] = {"verdict": numeric_verdict.value, **numeric_evidence}
        # Exact arithmetic is the arbiter; a disagreeing float check means a bug in one of the two.
        if numeric_verdict == Verdict.VIOLATED and verdict in (Verdict.PROVED, Verdict.HOLDS):
            evidence["note"] = "exact proof and numeric cross-check disagree"
            verdict = Verdict.INCONCLUSIVE
    evidence["reproduce"] = ctx.reproduce(claim.id)
    return verdict, evidence
