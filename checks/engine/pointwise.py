"""Engine for identities and inequalities that must hold at every point of a domain.

Flow: explicit edge cases, then per hypothesis example a few hypothesis-drawn points plus a bulk of points from
the domain's vectorised sampler (seeded by the example; ``Budget.fill``) → the torch fast path evaluates each
batch → relative margins with dtype-aware tolerances → ``hypothesis.target`` steers toward the tightest
margin → a point that looks violated is re-evaluated by the mpmath reference (inline, so false alarms of
the fast path do not stop the search) → hypothesis shrinks a confirmed violation to a minimal point (a
violation found among the sampled points is simplified parameter by parameter instead) → the minimal and the
worst point are confirmed again at a higher precision → verdict with evidence.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from hypothesis import HealthCheck, Phase, given, seed, settings, target
from hypothesis import strategies as st

from ..batching import Batch
from ..domain import Choice, Float, Int, Param
from ..model import Claim, Verdict
from ..specs import PointwiseSpec
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
    hypothesis_points: int = 0
    sampled_points: int = 0
    last_failure_sampled: bool = False  # the last failing point came from the sampler (hypothesis cannot shrink it)
    unexamined_alarms: int = 0  # alarms past the reference-call budget (non-finite ones are not presumed violated)


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


#: random-sign perturbations the rounding guard tries (the largest margin change counts): with two, a bulk of
#: sampled points found points where both happened to move the margin little
GUARD_DRAWS = 8


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
    for _ in range(GUARD_DRAWS):
        moved = dict(point)
        for n in names:
            moved[n] = _perturbed(point[n], rng, scale)
        spread = max(spread, abs(reference_margin(spec, moved, constants, evaluation["dps"])["margin"] - margin))
    return {"float_only_inputs": names, "perturbation": f"relative {scale:.2g} (ROUNDING_SAFETY · eps64)",
            "margin_change": spread, "margin": margin,
            "exceeds_rounding": bool(margin < -(evaluation["tolerance"] + spread))}


def _fast_evaluator(spec: PointwiseSpec, constants, backend) -> Callable[[Batch], np.ndarray]:
    import torch

    device, dtype = backend.device, backend.dtype

    def evaluate(batch: Batch) -> np.ndarray:
        with torch.no_grad():
            out = spec.fast(batch, constants, device=device, dtype=dtype)
            lhs, rhs = out[0], out[1]
            scale = out[2] if len(out) > 2 else None
            m = relative_margins(lhs, rhs, scale, spec.relation, torch)
        return m.detach().to("cpu", torch.float64).numpy().reshape(-1)

    return evaluate


def _reference_evaluator(spec: PointwiseSpec, constants) -> Callable[[Batch], np.ndarray]:
    def evaluate(batch: Batch) -> np.ndarray:
        return np.array([reference_margin(spec, batch.point(i), constants, CONFIRM_DPS[0])["margin"]
                         for i in range(len(batch))])

    return evaluate


def check_pointwise(claim: Claim, spec: PointwiseSpec, ctx: CheckContext) -> tuple[Verdict, dict]:
    constants = claim.constants
    use_torch = ctx.backend.uses_torch
    if use_torch:
        evaluate = _fast_evaluator(spec, constants, ctx.backend)
        tol = fast_tolerance(ctx.backend.dtype, spec.terms)
        examples, batch = ctx.budget.examples, ctx.budget.batch
        fill = int(round(ctx.budget.fill * spec.search_scale))
    else:
        evaluate = _reference_evaluator(spec, constants)
        tol = reference_tolerance(CONFIRM_DPS[0], spec.reference_rtol)
        # the reference backend is slow per point: a handful of sampled points per example (bounds and examples
        # among them) next to the two drawn ones
        examples, batch, fill = ctx.budget.reference_examples, 2, REFERENCE_FILL
    state = _Search(tol=tol)
    confirm_cache: dict[str, dict] = {}

    def confirmed_bad(point: dict, presume: bool = True) -> bool:
        """Inline confirmation (first precision only; the final check uses all of CONFIRM_DPS). ``presume`` is
        the answer once the reference-call budget is spent: True for a negative fast margin (the final
        confirmation decides), False for a non-finite fast value (no evidence of a violation: float32 overflow
        in a bulk of sampled points must not stand for one; such points are counted in nonfinite_fast_values)."""
        if not use_torch:
            return True  # the evaluator already is the reference
        key = repr(sorted(point.items()))
        if key not in confirm_cache:
            # Once one violation is confirmed, shrinking runs on fast-path evidence alone: the final
            # confirmation (every precision) decides the shrunk point, and if it does not survive, the
            # first confirmed point is the counterexample. Before that, the budget caps reference calls.
            if state.first_confirmed is not None:
                return True
            if len(confirm_cache) >= 4 * ctx.budget.confirm:
                state.unexamined_alarms += 1
                return presume
            confirm_cache[key] = reference_margin(spec, point, constants, CONFIRM_DPS[0])
            if not confirm_cache[key]["violated"]:
                state.refuted.append({"point": point, "reference": confirm_cache[key]})
            elif state.first_confirmed is None:
                state.first_confirmed = dict(point)
        return confirm_cache[key]["violated"]

    def consider(points: Batch, stop: bool = True, sampled_from: int | None = None) -> float:
        """Evaluate a batch, record margins, raise _Violation on a confirmed failure (when ``stop``); returns
        the batch's smallest finite margin (for hypothesis to steer by). Points from position ``sampled_from``
        on came from the sampler (None: none did); the others were drawn by hypothesis, and their suspects are
        examined first, so that hypothesis can shrink a counterexample it drew."""
        margins = evaluate(points)
        first_sampled = len(points) if sampled_from is None else sampled_from
        state.evaluated += len(points)
        state.sampled_points += len(points) - first_sampled
        state.hypothesis_points += first_sampled
        finite = np.isfinite(margins)
        state.nonfinite += int((~finite).sum())
        if len(state.margins) < _MARGIN_SAMPLE:
            state.margins.extend(float(m) for m in margins[finite][: _MARGIN_SAMPLE - len(state.margins)])
        smallest = math.inf
        if finite.any():
            i = int(np.nanargmin(np.where(finite, margins, np.inf)))
            smallest = float(margins[i])
            if margins[i] < state.tightest:
                state.tightest, state.tightest_point = float(margins[i]), points.point(i)
        # Non-finite fast values are candidates too: the reference decides them.
        order = np.argsort(np.where(finite, margins, -np.inf), kind="stable")
        suspects = [int(i) for i in order if not finite[i] or margins[i] < -tol]
        suspects = sorted(suspects, key=lambda i: i >= first_sampled)  # drawn points first, each part by margin
        for i in suspects[:3]:
            point = points.point(i)
            if confirmed_bad(point, presume=bool(finite[i])):
                state.failures_seen += 1
                state.last_failure = point
                state.last_failure_sampled = i >= first_sampled
                m = float(margins[i]) if finite[i] else -math.inf
                if state.worst_failure is None or m < state.worst_failure[0]:
                    state.worst_failure = (m, point)
                if stop:
                    raise _Violation(point)
        return smallest

    def example(drawn: tuple[list[dict], int], stop: bool = True) -> None:
        """One hypothesis example: its drawn points, then the sampler's points seeded by it; one target."""
        params, fill_seed = drawn
        # The drawn parameters and the sampler's points completed together and evaluated in one fast-path call:
        # a sampler's and a fast path's cost is mostly per call and per group of equal shape, paid once here.
        points = spec.domain.sample(np.random.default_rng([ctx.seed, fill_seed]), fill, drawn=params)
        smallest = consider(points, stop=stop, sampled_from=len(params))
        if math.isfinite(smallest):  # hypothesis maximises the target: steer toward the tightest margin
            target(min(-smallest, 1e300), label="tightness")

    # 1. explicit edge cases, one batch, outside hypothesis (they must never be skipped)
    explicit_violation = None
    edge = spec.domain.example_points()
    if edge:
        try:
            consider(Batch(edge))  # outside @given: no `target`
        except _Violation as v:
            explicit_violation = v.args[0]
    # 2. hypothesis search
    strategy = st.tuples(st.lists(spec.domain.raw_strategy(), min_size=1, max_size=batch), st.integers(0, 2**63 - 1))

    @settings(max_examples=examples, deadline=None, database=None, print_blob=False, report_multiple_bugs=False,
              suppress_health_check=list(HealthCheck),
              phases=[Phase.explicit, Phase.generate, Phase.target, Phase.shrink])
    @seed(ctx.seed)
    @given(strategy)
    def search(drawn: tuple[list[dict], int]) -> None:
        example(drawn)

    minimal = None
    shrunk_by = None
    try:
        search()
    except _Violation:
        minimal = state.last_failure
        shrunk_by = "hypothesis"
        if state.last_failure_sampled:
            # hypothesis cannot shrink a point of the sampler (it only sees the seed): simplify the point's
            # parameters one by one, keeping each change while the point stays a counterexample
            def still_bad(point: dict) -> bool:
                m = evaluate(Batch([point]))[0]
                return bool(not np.isfinite(m) or m < -tol) and confirmed_bad(point)

            minimal = simplify(spec.domain, minimal, still_bad)
            shrunk_by = "parameter-wise simplification (the point came from the sampler)"
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
        def explore(drawn: tuple[list[dict], int]) -> None:
            example(drawn, stop=False)

        explore()

    evidence: dict[str, Any] = {
        "points_searched": state.evaluated, "hypothesis_examples": examples, "max_batch": batch,
        "hypothesis_points": state.hypothesis_points, "sampled_points": state.sampled_points,
        "sampled_per_example": fill,
        **({"search_scale": spec.search_scale, "search_scale_reason": spec.search_scale_reason}
           if spec.search_scale != 1.0 else {}),
        "relation": spec.relation, "domain": spec.domain.describe(),
        "tolerance": {"fast_rtol" if use_torch else "reference_rtol": tol,
                      "terms": spec.terms, "terms_reason": spec.terms_reason,
                      "confirm_dps": list(CONFIRM_DPS),
                      "reference_rtol": reference_tolerance(CONFIRM_DPS[-1], spec.reference_rtol),
                      "reference_rtol_reason": spec.reference_rtol_reason},
        "nonfinite_fast_values": state.nonfinite,
        "alarms_past_reference_budget": state.unexamined_alarms,
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
        if shrunk_by:
            evidence["shrunk_by"] = shrunk_by
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


def _simpler_values(p: Param, value: Any) -> list[Any]:
    """Candidate values for ``p`` that are simpler than ``value`` (smaller integers, round numbers, bounds)."""
    out: list[Any] = []
    if isinstance(p, Choice):
        out = list(p.choices[: p.choices.index(value)]) if value in p.choices else []
    elif isinstance(p, Int):
        out = [p.min_value, (p.min_value + value) // 2, value - 1]
        out = [v for v in out if p.min_value <= v < value]
    elif isinstance(p, Float) and isinstance(value, float) and math.isfinite(value):
        out = [0.0, 1.0, -1.0, p.min_value, p.max_value, float(round(value))]
        out += [float(round(value, k)) for k in (1, 2, 4, 8)]
        out = [v for v in out if p.min_value <= v <= p.max_value and v != value
               and len(repr(v)) < len(repr(value))]
    return list(dict.fromkeys(out))


#: sampled points per hypothesis example when the backend is the reference itself (each costs a reference call)
REFERENCE_FILL = 4

#: the most candidate points tried when simplifying a counterexample found by the sampler
SIMPLIFY_TRIES = 48


def simplify(domain, point: dict, still_bad: Callable[[dict], bool], max_tries: int = SIMPLIFY_TRIES) -> dict:
    """Greedy simplification of a counterexample: for each declared parameter in turn, the first simpler value
    (``_simpler_values``) at which the re-derived point is still a counterexample is kept; repeated while
    something changes, at most ``max_tries`` candidates. Returns the re-derived point (``domain.complete``), so
    the counterexample is reproducible from its parameters."""
    current = {n: point[n] for n in domain.names if n in point}
    tries = 0
    changed = True
    while changed and tries < max_tries:
        changed = False
        for p in domain.params:
            for candidate in _simpler_values(p, current.get(p.name)):
                if tries >= max_tries:
                    break
                trial = {**current, p.name: candidate}
                if domain.constraint is not None and domain.constraint(trial):
                    continue
                tries += 1
                try:
                    full = domain.complete(dict(trial))
                except Exception:  # a candidate outside what derive accepts is simply not simpler
                    continue
                if still_bad(full):
                    current, changed = trial, True
                    break
    try:
        return domain.complete(dict(current))
    except Exception:
        return point


def _public(spec: PointwiseSpec, point: Mapping[str, Any]) -> dict[str, Any]:
    """The declared parameters of a point (derived entries are recomputed by the domain)."""
    return {name: point[name] for name in spec.domain.names if name in point}


def check_pointwise_at(claim: Claim, spec: PointwiseSpec, point: Mapping[str, Any],
                       ctx: CheckContext) -> tuple[Verdict, dict]:
    """Evaluate one user-supplied point (``claims check ID --at ...``): fast path and reference."""
    evidence: dict[str, Any] = {"point": dict(point)}
    if ctx.backend.uses_torch:
        margins = _fast_evaluator(spec, claim.constants, ctx.backend)(Batch([dict(point)]))
        evidence["fast_margin"] = float(margins[0])
        evidence["fast_rtol"] = fast_tolerance(ctx.backend.dtype, spec.terms)
    conf = _confirm(spec, dict(point), claim.constants)
    evidence["reference"] = conf
    evidence["reproduce"] = ctx.reproduce(claim.id, _public(spec, point))
    verdict = {"violated": Verdict.VIOLATED, "holds": Verdict.HOLDS, "unstable": Verdict.INCONCLUSIVE}
    return verdict[conf["status"]], evidence
