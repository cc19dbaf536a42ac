"""Engine for identities and inequalities that must hold at every point of a domain.

Flow: explicit edge cases, then hypothesis draws batches of points → the torch fast path evaluates each
batch → relative margins with dtype-aware tolerances → ``hypothesis.target`` steers toward the tightest
margin → a point that looks violated is re-evaluated by the mpmath reference (inline, so false alarms of
the fast path do not stop the search) → hypothesis shrinks a confirmed violation to a minimal point →
the minimal and the worst point are confirmed again at a higher precision → verdict with evidence.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from hypothesis import HealthCheck, Phase, given, seed, settings, target
from hypothesis import strategies as st

from ..model import Claim, Verdict
from ..specs import Batch, PointwiseSpec
from ..tolerance import CONFIRM_DPS, ROUNDING_SAFETY, fast_tolerance, reference_tolerance
from .context import CheckContext, mp_context

_MARGIN_SAMPLE = 2000  # margins kept for the report's histogram


class _Violation(Exception):
    """Raised inside the hypothesis property when a point is violated (after inline confirmation)."""


@dataclass
class _Search:
    tol: float
    evaluated: int = 0
    nonfinite: int = 0
    tightest: float = math.inf
    tightest_point: dict | None = None
    margins: list[float] = field(default_factory=list)
    last_failure: dict | None = None
    worst_failure: tuple[float, dict] | None = None
    failures_seen: int = 0
    refuted: list[dict] = field(default_factory=list)  # fast-path alarms the reference refuted
    first_confirmed: dict | None = None  # the first alarm the reference confirmed (a fallback counterexample)


def relative_margins(lhs, rhs, scale, relation: str, xp) -> Any:
    """(rhs - lhs)/scale for <=, (lhs - rhs)/scale for >=, -|lhs - rhs|/scale for ==.

    `xp` is the array namespace (torch or mpmath-on-scalars via `_MpNS`)."""
    if scale is None:
        scale = xp.maximum(xp.abs(lhs), xp.abs(rhs))
    scale = xp.where(scale == 0, xp.ones_like(scale), scale)
    if relation in ("<=", "<"):
        diff = rhs - lhs
    elif relation in (">=", ">"):
        diff = lhs - rhs
    elif relation == "==":
        diff = -xp.abs(lhs - rhs)
    else:
        raise ValueError(f"unknown relation {relation!r}")
    return diff / scale


def reference_margin(spec: PointwiseSpec, point: Mapping[str, Any], constants: Mapping[str, Any],
                     dps: int) -> dict[str, Any]:
    """Both sides and the relative margin at `dps` digits, in a local mpmath context."""
    ctx = mp_context(dps)
    # the reference never sees the floats of a constrained input: it gets the exact representation
    out = spec.reference(spec.domain.exact_point(point, ctx), constants, ctx)
    lhs, rhs = ctx.mpf(out[0]), ctx.mpf(out[1])
    scale = ctx.mpf(out[2]) if len(out) > 2 else max(abs(lhs), abs(rhs))
    if scale == 0:
        scale = ctx.mpf(1)
    if spec.relation in ("<=", "<"):
        margin = (rhs - lhs) / scale
    elif spec.relation in (">=", ">"):
        margin = (lhs - rhs) / scale
    else:
        margin = -abs(lhs - rhs) / scale
    tol = reference_tolerance(dps, spec.reference_rtol)
    return {"dps": dps, "lhs": ctx.nstr(lhs, 25), "rhs": ctx.nstr(rhs, 25), "margin": float(margin),
            "margin_text": ctx.nstr(margin, 12), "tolerance": tol, "violated": bool(margin < -tol)}


def _confirm(spec: PointwiseSpec, point: dict, constants: Mapping[str, Any]) -> dict[str, Any]:
    """Re-evaluate at every precision in CONFIRM_DPS at the exact-domain point; `status` is violated / holds /
    unstable. A violation must also exceed what a rounding-size perturbation of any input that exists only
    in floating point can produce (``rounding_guard``), else it is ``unstable``."""
    evals = [reference_margin(spec, point, constants, dps) for dps in CONFIRM_DPS]
    flags = {e["violated"] for e in evals}
    status = "unstable" if len(flags) > 1 else ("violated" if flags == {True} else "holds")
    out: dict[str, Any] = {"point": point, "status": status, "evaluations": evals,
                           "exact_domain": spec.domain.exactness() or "every input is exact as given"}
    if status == "violated":
        guard = rounding_guard(spec, point, constants, evals[0])
        if guard is not None:
            out["rounding_guard"] = guard
            if not guard["exceeds_rounding"]:
                out["status"] = "unstable"
    return out


def _perturbed(value: Any, rng: np.random.Generator, scale: float) -> Any:
    if isinstance(value, list | tuple):
        return [_perturbed(v, rng, scale) for v in value]
    if isinstance(value, float) and value != 0.0 and math.isfinite(value):
        return value * (1.0 + scale * float(rng.choice((-1.0, 1.0))))
    return value


def rounding_guard(spec: PointwiseSpec, point: Mapping[str, Any], constants: Mapping[str, Any],
                   evaluation: Mapping[str, Any]) -> dict[str, Any] | None:
    """For inputs given only in floating point (derived entries the domain declares neither constrained nor
    free): re-evaluate the reference with each such input moved by ROUNDING_SAFETY relative units of float64
    rounding (random signs, fixed seed) and require the violation to exceed the largest change of the margin
    that produces. None when every input is exact."""
    names = spec.domain.float_only(point)
    if not names:
        return None
    scale = ROUNDING_SAFETY * float(np.finfo(np.float64).eps)
    rng = np.random.default_rng(0)
    margin = evaluation["margin"]
    spread = 0.0
    for _ in range(2):
        moved = dict(point)
        for n in names:
            moved[n] = _perturbed(point[n], rng, scale)
        spread = max(spread, abs(reference_margin(spec, moved, constants, evaluation["dps"])["margin"] - margin))
    return {"float_only_inputs": names, "perturbation": f"relative {scale:.2g} (ROUNDING_SAFETY · eps64)",
            "margin_change": spread, "margin": margin,
            "exceeds_rounding": bool(margin < -(evaluation["tolerance"] + spread))}


def _fast_evaluator(spec: PointwiseSpec, constants, backend) -> Callable[[Sequence[dict]], np.ndarray]:
    import torch

    device, dtype = backend.device, backend.dtype

    def evaluate(points: Sequence[dict]) -> np.ndarray:
        with torch.no_grad():
            out = spec.fast(Batch(points), constants, device=device, dtype=dtype)
            lhs, rhs = out[0], out[1]
            scale = out[2] if len(out) > 2 else None
            m = relative_margins(lhs, rhs, scale, spec.relation, torch)
        return m.detach().to("cpu", torch.float64).numpy().reshape(-1)

    return evaluate


def _reference_evaluator(spec: PointwiseSpec, constants) -> Callable[[Sequence[dict]], np.ndarray]:
    def evaluate(points: Sequence[dict]) -> np.ndarray:
        return np.array([reference_margin(spec, p, constants, CONFIRM_DPS[0])["margin"] for p in points])

    return evaluate


def check_pointwise(claim: Claim, spec: PointwiseSpec, ctx: CheckContext) -> tuple[Verdict, dict]:
    constants = claim.constants
    use_torch = ctx.backend.uses_torch
    if use_torch:
        evaluate = _fast_evaluator(spec, constants, ctx.backend)
        tol = fast_tolerance(ctx.backend.dtype, spec.terms)
        examples, batch = ctx.budget.examples, ctx.budget.batch
    else:
        evaluate = _reference_evaluator(spec, constants)
        tol = reference_tolerance(CONFIRM_DPS[0], spec.reference_rtol)
        examples, batch = ctx.budget.reference_examples, 2
    state = _Search(tol=tol)
    confirm_cache: dict[str, dict] = {}

    def confirmed_bad(point: dict) -> bool:
        """Inline confirmation (first precision only; the final check uses all of CONFIRM_DPS)."""
        if not use_torch:
            return True  # the evaluator already is the reference
        key = repr(sorted(point.items()))
        if key not in confirm_cache:
            # Once one violation is confirmed, shrinking runs on fast-path evidence alone: the final
            # confirmation (every precision) decides the shrunk point, and if it does not survive, the
            # first confirmed point is the counterexample. Before that, the budget caps reference calls.
            if state.first_confirmed is not None or len(confirm_cache) >= 4 * ctx.budget.confirm:
                return True
            confirm_cache[key] = reference_margin(spec, point, constants, CONFIRM_DPS[0])
            if not confirm_cache[key]["violated"]:
                state.refuted.append({"point": point, "reference": confirm_cache[key]})
            elif state.first_confirmed is None:
                state.first_confirmed = dict(point)
        return confirm_cache[key]["violated"]

    def consider(points: Sequence[dict], steer: bool = True, stop: bool = True) -> None:
        margins = evaluate(points)
        state.evaluated += len(points)
        finite = np.isfinite(margins)
        state.nonfinite += int((~finite).sum())
        if len(state.margins) < _MARGIN_SAMPLE:
            state.margins.extend(float(m) for m in margins[finite][: _MARGIN_SAMPLE - len(state.margins)])
        if finite.any():
            i = int(np.nanargmin(np.where(finite, margins, np.inf)))
            if margins[i] < state.tightest:
                state.tightest, state.tightest_point = float(margins[i]), dict(points[i])
            if steer:  # hypothesis maximises the target: steer toward the smallest (tightest) margin
                target(min(-float(margins[i]), 1e300), label="tightness")
        # Non-finite fast values are candidates too: the reference decides them.
        suspects = [i for i in np.argsort(np.where(finite, margins, -np.inf)) if not finite[i] or margins[i] < -tol]
        for i in suspects[:3]:
            point = dict(points[i])
            if confirmed_bad(point):
                state.failures_seen += 1
                state.last_failure = point
                m = float(margins[i]) if finite[i] else -math.inf
                if state.worst_failure is None or m < state.worst_failure[0]:
                    state.worst_failure = (m, point)
                if stop:
                    raise _Violation(point)

    # 1. explicit edge cases, one batch, outside hypothesis (they must never be skipped)
    explicit_violation = None
    edge = spec.domain.example_points()
    if edge:
        try:
            consider(edge, steer=False)  # `target` is only valid inside @given
        except _Violation as v:
            explicit_violation = v.args[0]
    # 2. hypothesis search
    strategy = st.lists(spec.domain.strategy(), min_size=1, max_size=batch)

    @settings(max_examples=examples, deadline=None, database=None, print_blob=False,
              suppress_health_check=list(HealthCheck),
              phases=[Phase.explicit, Phase.generate, Phase.target, Phase.shrink])
    @seed(ctx.seed)
    @given(strategy)
    def search(points: list[dict]) -> None:
        consider(points)

    minimal = None
    try:
        search()
    except _Violation:
        minimal = state.last_failure
    if minimal is None and explicit_violation is not None:
        minimal = explicit_violation
    if minimal is not None and ctx.budget.worst_search:
        # The shrunk point is the *smallest* violation; a second, non-stopping pass (another seed, steered
        # toward the most negative margin) finds the *worst* one, so the report shows both.
        # Half the search budget: it only looks for a worse point, the verdict is already decided.
        @settings(max_examples=max(4, examples // 2), deadline=None, database=None, print_blob=False,
                  suppress_health_check=list(HealthCheck), phases=[Phase.generate, Phase.target])
        @seed(ctx.seed + 1)
        @given(strategy)
        def explore(points: list[dict]) -> None:
            consider(points, stop=False)

        explore()

    evidence: dict[str, Any] = {
        "points_searched": state.evaluated, "hypothesis_examples": examples, "max_batch": batch,
        "relation": spec.relation, "domain": spec.domain.describe(),
        "tolerance": {"fast_rtol" if use_torch else "reference_rtol": tol,
                      "terms": spec.terms, "terms_reason": spec.terms_reason,
                      "confirm_dps": list(CONFIRM_DPS),
                      "reference_rtol": reference_tolerance(CONFIRM_DPS[-1], spec.reference_rtol),
                      "reference_rtol_reason": spec.reference_rtol_reason},
        "nonfinite_fast_values": state.nonfinite,
        "tightest_margin": state.tightest if math.isfinite(state.tightest) else None,
        "tightest_point": state.tightest_point,
        "margins_sample": state.margins,
        "fast_alarms_refuted_by_reference": state.refuted[:5],
    }
    if minimal is not None:
        confirmations = [_confirm(spec, minimal, constants)]
        worst = state.worst_failure[1] if state.worst_failure else None
        if worst is not None and worst != minimal:
            confirmations.append(_confirm(spec, worst, constants))
        evidence["minimal_counterexample"] = confirmations[0]
        if len(confirmations) > 1:
            evidence["worst_counterexample"] = confirmations[1]
        evidence["reproduce"] = ctx.reproduce(claim.id, _public(spec, minimal))
        if confirmations[0]["status"] != "violated" and state.first_confirmed not in (None, minimal):
            # the shrunk point rode on fast-path evidence and did not survive: fall back to the confirmed one
            fallback = _confirm(spec, state.first_confirmed, constants)
            evidence["shrunk_point_not_confirmed"] = confirmations[0]
            evidence["minimal_counterexample"] = confirmations[0] = fallback
            evidence["reproduce"] = ctx.reproduce(claim.id, _public(spec, state.first_confirmed))
        statuses = {c["status"] for c in confirmations}
        if "violated" in statuses:
            return Verdict.VIOLATED, evidence
        guarded = [c for c in confirmations if c.get("rounding_guard", {}).get("exceeds_rounding") is False]
        evidence["note"] = ("the apparent violation is within what a rounding-size perturbation of inputs given only "
                            "in floating point can produce" if guarded else
                            "the apparent violation did not survive re-evaluation at every precision")
        return Verdict.INCONCLUSIVE, evidence
    if state.tightest_point is not None:
        tight = _confirm(spec, state.tightest_point, constants)
        evidence["tightest_confirmed"] = tight
        if tight["status"] == "violated":  # the fast path missed it (tolerance too loose): trust the reference
            evidence["minimal_counterexample"] = tight
            evidence["reproduce"] = ctx.reproduce(claim.id, _public(spec, state.tightest_point))
            return Verdict.VIOLATED, evidence
        if tight["status"] == "unstable":
            return Verdict.INCONCLUSIVE, evidence
        if spec.strict_tight and spec.relation in ("<", ">"):
            top = tight["evaluations"][-1]
            if abs(top["margin"]) <= top["tolerance"]:
                evidence["note"] = "a strict inequality is attained with equality to working precision"
                return Verdict.INCONCLUSIVE, evidence
    if state.evaluated == 0 or state.nonfinite > state.evaluated // 2:
        evidence["note"] = "too many points could not be evaluated by the fast path"
        return Verdict.INCONCLUSIVE, evidence
    evidence["reproduce"] = ctx.reproduce(claim.id)
    return Verdict.HOLDS, evidence


def _public(spec: PointwiseSpec, point: Mapping[str, Any]) -> dict[str, Any]:
    """The declared parameters of a point (derived entries are recomputed by the domain)."""
    return {name: point[name] for name in spec.domain.names if name in point}


def check_pointwise_at(claim: Claim, spec: PointwiseSpec, point: Mapping[str, Any],
                       ctx: CheckContext) -> tuple[Verdict, dict]:
    """Evaluate one user-supplied point (``claims check ID --at ...``): fast path and reference."""
    evidence: dict[str, Any] = {"point": dict(point)}
    if ctx.backend.uses_torch:
        margins = _fast_evaluator(spec, claim.constants, ctx.backend)([dict(point)])
        evidence["fast_margin"] = float(margins[0])
        evidence["fast_rtol"] = fast_tolerance(ctx.backend.dtype, spec.terms)
    conf = _confirm(spec, dict(point), claim.constants)
    evidence["reference"] = conf
    evidence["reproduce"] = ctx.reproduce(claim.id, _public(spec, point))
    verdict = {"violated": Verdict.VIOLATED, "holds": Verdict.HOLDS, "unstable": Verdict.INCONCLUSIVE}
    return verdict[conf["status"]], evidence
