"""Engine for rates: measure a quantity on a grid, fit the exponent, compare.

The quantity is computed by the torch fast path and by the mpmath reference; both must agree to the
dtype's tolerance. The fit uses the reference values (exact) on the tail of the grid, where the
asymptotic regime is best approximated. The values are deterministic, so there is no sampling error and
no confidence level: the verdict compares the claimed exponent with the range of the local (secant)
exponents on the fitted tail (``checks.stats.fit_slope``): all of them on the claimed side → HOLDS on the
grid; all of them on the wrong side → VIOLATED; otherwise INCONCLUSIVE (the grid has not settled). A rate
claim is therefore not a statistical test and takes no share of the run's family α.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..model import Claim, Verdict
from ..specs import RateSpec
from ..stats import fit_slope
from ..tolerance import CONFIRM_DPS, fast_tolerance
from .context import CheckContext, mp_context


def check_rate(claim: Claim, spec: RateSpec, ctx: CheckContext) -> tuple[Verdict, dict]:
    claimed = float(claim.constants[spec.exponent_name])
    ctx_mp = mp_context(CONFIRM_DPS[0])
    xs = np.array(spec.grid, dtype=float)
    ref = [spec.reference(x, claim.constants, ctx_mp) for x in spec.grid]
    logy = np.array([float(ctx_mp.log(v)) if v > 0 else -math.inf for v in ref])
    evidence: dict[str, Any] = {"grid": list(spec.grid), "reference_values": [ctx_mp.nstr(v, 15) for v in ref],
                                "scale": spec.scale, "claimed_slope": claimed, "relation": spec.relation}
    if ctx.backend.uses_torch:
        import torch

        with torch.no_grad():
            fast = spec.fast(torch.tensor(xs, dtype=ctx.backend.dtype, device=ctx.backend.device),
                             claim.constants, device=ctx.backend.device, dtype=ctx.backend.dtype)
        fast = fast.detach().to("cpu", torch.float64).numpy()
        refv = np.array([float(v) for v in ref])
        rel = np.abs(fast - refv) / np.maximum(np.abs(refv), 1e-300)
        tol = fast_tolerance(ctx.backend.dtype, spec.fast_rtol_terms)
        evidence["fast_vs_reference_max_rel_err"] = float(np.nanmax(rel))
        evidence["fast_rtol"] = tol
        evidence["fast_agrees"] = bool(np.nanmax(rel) <= tol)
        evidence["tolerance"] = {"fast_rtol": tol}  # the report's tolerance column (no confidence: deterministic)
    if not np.isfinite(logy).all():
        evidence["note"] = "a measured value is zero or negative; no exponent can be fitted"
        return Verdict.INCONCLUSIVE, evidence
    k = max(2, int(math.ceil(len(xs) * spec.tail_fraction)))
    tx = np.log(xs[-k:]) if spec.scale == "loglog" else xs[-k:]
    fit = fit_slope(tx, logy[-k:])
    full_x = np.log(xs) if spec.scale == "loglog" else xs
    full = fit_slope(full_x, logy)
    evidence["tail_fit"] = fit.as_dict()
    evidence["full_fit"] = full.as_dict()
    evidence["interval"] = ("deterministic: the reference values are exact, so [low, high] is the range of the "
                            "local exponents on the fitted tail of the grid, not a confidence interval")
    evidence["reproduce"] = ctx.reproduce(claim.id)
    if spec.relation in ("<=", "<"):
        evidence["tightest_margin"] = claimed - fit.slope
        if fit.low > claimed:
            return Verdict.VIOLATED, evidence
        return (Verdict.HOLDS if fit.high <= claimed else Verdict.INCONCLUSIVE), evidence
    if spec.relation in (">=", ">"):
        evidence["tightest_margin"] = fit.slope - claimed
        if fit.high < claimed:
            return Verdict.VIOLATED, evidence
        return (Verdict.HOLDS if fit.low >= claimed else Verdict.INCONCLUSIVE), evidence
    evidence["tightest_margin"] = -abs(fit.slope - claimed)
    if fit.low <= claimed <= fit.high:
        return Verdict.HOLDS, evidence
    return Verdict.VIOLATED, evidence
