"""Engine for invariances and equivariances under a group (orthogonal, rotation, permutation, sign flip,
general linear, translation).

Flow: hypothesis draws the structural parameters (dimension, number of particles, potential, ...) and a seed;
the seed drives a batch of random inputs (the claim's ``inputs``) and of group elements built constructively
(``checks.groups``); the fast path evaluates the function (or algorithm) on the original and the transformed
inputs; the relative discrepancy is compared with the dtype-aware tolerance (times the condition number of
the element for the linear group) and ``hypothesis.target`` steers toward the largest one. An apparent
violation is re-evaluated by the mpmath reference on the same inputs, with the group element made exact at
the working precision (orthogonal elements are polished by Newton–Schulz iterations, permutations and sign
flips are exact, a linear element is the group element it is), at every precision of CONFIRM_DPS.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from hypothesis import HealthCheck, Phase, given, seed, settings, target
from hypothesis import strategies as st

from .. import groups
from ..exact import exact_point
from ..model import Claim, Verdict
from ..specs import InvarianceSpec
from ..tolerance import CONFIRM_DPS, fast_tolerance, reference_tolerance
from .context import CheckContext, mp_context

_MAX_SEED = 2**31 - 1


class _Violation(Exception):
    pass


@dataclass
class Element:
    """A batch of group elements: ``matrix`` (batch, n, n) for matrix groups (sign flips and coordinate
    permutations included), ``shift`` (batch, n) for translations, ``perm`` (batch, n) for permutations."""

    group: str
    matrix: torch.Tensor | None = None
    shift: torch.Tensor | None = None
    perm: torch.Tensor | None = None

    def pick(self, i: int) -> Element:
        return Element(self.group, *(None if t is None else t[i : i + 1] for t in (self.matrix, self.shift,
                                                                                   self.perm)))

    def condition(self) -> torch.Tensor:
        if self.group == "linear" and self.matrix is not None:
            return torch.linalg.cond(self.matrix.to(torch.float64))
        batch = next(t for t in (self.matrix, self.shift, self.perm) if t is not None).shape[0]
        return torch.ones(batch, dtype=torch.float64)


def draw_element(group: str, batch: int, n: int, generator: torch.Generator, *, dtype, device,
                 max_condition: float = 10.0) -> Element:
    """Random elements of ``group`` acting on R^n (or on n indices)."""
    if group == "orthogonal":
        return Element(group, matrix=groups.haar_orthogonal(batch, n, generator, dtype=dtype, device=device))
    if group == "rotation":
        return Element(group, matrix=groups.random_rotation(batch, n, generator, dtype=dtype, device=device))
    if group == "sign":
        return Element(group, matrix=groups.random_sign_flip(batch, n, generator, dtype=dtype, device=device))
    if group == "linear":
        return Element(group, matrix=groups.random_invertible(batch, n, generator, max_condition, dtype=dtype,
                                                              device=device))
    if group == "translation":
        return Element(group, shift=groups.random_translation(batch, n, generator, dtype=dtype, device=device))
    if group == "permutation":
        perm = groups.random_permutation(batch, n, generator, device=device)
        return Element(group, matrix=groups.permutation_matrix(perm, dtype=dtype), perm=perm)
    raise ValueError(f"unknown group {group!r}")


def act(x: torch.Tensor, element: Element, role: str) -> torch.Tensor:
    """The action of a batch of elements on a batch of inputs ``x`` (first axis = batch)."""
    if role == "fixed":
        return x
    if role == "index":
        perm = element.perm
        idx = perm.reshape(perm.shape + (1,) * (x.dim() - 2)).expand(perm.shape + x.shape[2:])
        return torch.gather(x, 1, idx)
    if element.shift is not None:
        if role != "vector":
            raise ValueError("translations act on 'vector' inputs only")
        return x + element.shift.reshape(element.shift.shape[:1] + (1,) * (x.dim() - 2) + element.shift.shape[1:])
    m = element.matrix.to(x.dtype)
    if role == "covector":
        m = torch.linalg.inv(m).transpose(-1, -2)
    flat = x.reshape(x.shape[0], -1, x.shape[-1])
    return torch.einsum("bij,bmj->bmi", m, flat).reshape(x.shape)


# --- the same action in mpmath, on one example given as nested lists --------------------------------------

def _polish_orthogonal(ctx, q):
    """Newton–Schulz iterations Q ← Q(3I − QᵀQ)/2 converge quadratically to the orthogonal polar factor:
    from a float64 element (defect ~1e-16) three steps give the exact group element at 60 digits."""
    n = q.rows
    eye = ctx.eye(n)
    for _ in range(8):
        defect = q.T * q - eye
        if ctx.mnorm(defect, 1) < ctx.mpf(10) ** (-ctx.dps - 2):
            break
        q = q * (3 * eye - q.T * q) / 2
    return q


def element_in_mp(ctx, element: Element) -> dict:
    out: dict[str, Any] = {"group": element.group}
    if element.matrix is not None:
        m = ctx.matrix(element.matrix[0].detach().cpu().to(torch.float64).tolist())
        if element.group in ("orthogonal", "rotation"):
            m = _polish_orthogonal(ctx, m)
        out["matrix"] = m
    if element.shift is not None:
        out["shift"] = [ctx.mpf(v) for v in element.shift[0].detach().cpu().to(torch.float64).tolist()]
    if element.perm is not None:
        out["perm"] = [int(v) for v in element.perm[0].tolist()]
    return out


def _map_vectors(nested, fn):
    if nested and not isinstance(nested[0], list):
        return fn(nested)
    return [_map_vectors(x, fn) for x in nested]


def act_mp(ctx, x, element: Mapping[str, Any], role: str):
    """``act`` for one example: ``x`` is a nested list of mpf whose innermost lists are vectors."""
    if role == "fixed":
        return x
    if role == "index":
        return [x[j] for j in element["perm"]]
    if "shift" in element:
        return _map_vectors(x, lambda v: [a + t for a, t in zip(v, element["shift"], strict=True)])
    m = element["matrix"]
    if role == "covector":
        m = ctx.inverse(m).T
    n = m.rows

    def apply(v):
        return [ctx.fsum(m[i, j] * v[j] for j in range(n)) for i in range(n)]

    return _map_vectors(x, apply)


def _to_mp(ctx, value):
    if isinstance(value, list | tuple):
        return [_to_mp(ctx, v) for v in value]
    return ctx.mpf(value)


def _flatten(value) -> list:
    if isinstance(value, list | tuple):
        return [x for v in value for x in _flatten(v)]
    return [value]


def _relative_discrepancy(a: list, b: list) -> Any:
    diff = max(abs(x - y) for x, y in zip(a, b, strict=True))
    scale = max(max(abs(x) for x in a), max(abs(y) for y in b))
    return diff / scale if scale != 0 else diff


def reference_discrepancy(spec: InvarianceSpec, inputs_b: Mapping[str, Any], element_b: Element,
                          constants: Mapping[str, Any], dps: int) -> dict[str, Any]:
    """Relative discrepancy of the reference on one example, with the group element exact at ``dps``."""
    ctx = mp_context(dps)
    original = {k: _to_mp(ctx, v) for k, v in inputs_b.items()}
    if spec.exact:  # constrained inputs: the exact point the floats stand for, at this precision
        original = exact_point(original, spec.exact, (), ctx)
    g = element_in_mp(ctx, element_b)
    moved = {k: act_mp(ctx, v, g, spec.acts_on.get(k, "fixed")) for k, v in original.items()}
    before = spec.reference(original, constants, ctx)
    after = spec.reference(moved, constants, ctx)
    if spec.output == "equivariant":
        before = act_mp(ctx, before, g, spec.output_role)
    a, b = _flatten(after), _flatten(before)
    disc = _relative_discrepancy(a, b)
    tol = reference_tolerance(dps, spec.reference_rtol)
    worst = max(range(len(a)), key=lambda i: abs(a[i] - b[i]))
    # lhs / rhs / margin: the output component that differs most, in the pointwise engine's vocabulary
    return {"dps": dps, "lhs": ctx.nstr(a[worst], 25), "rhs": ctx.nstr(b[worst], 25), "margin": -float(disc),
            "f(g·x)": [ctx.nstr(v, 20) for v in a[:6]],
            ("g·f(x)" if spec.output == "equivariant" else "f(x)"): [ctx.nstr(v, 20) for v in b[:6]],
            "relative_discrepancy": float(disc), "tolerance": tol, "violated": bool(disc > tol)}


def _confirm(spec, inputs_b, element_b, constants) -> dict[str, Any]:
    evals = [reference_discrepancy(spec, inputs_b, element_b, constants, dps) for dps in CONFIRM_DPS]
    flags = {e["violated"] for e in evals}
    status = "unstable" if len(flags) > 1 else ("violated" if flags == {True} else "holds")
    return {"status": status, "evaluations": evals}


def _example(inputs: Mapping[str, torch.Tensor], i: int) -> dict[str, Any]:
    return {k: v[i].detach().cpu().to(torch.float64).tolist() for k, v in inputs.items()}


@dataclass
class _State:
    evaluated: int = 0
    nonfinite: int = 0
    worst: float = 0.0
    worst_where: dict | None = None
    worst_ratio: float = 0.0
    failure: dict | None = None
    refuted: int = 0
    shrink_confirmations: int = 0


def check_invariance(claim: Claim, spec: InvarianceSpec, ctx: CheckContext) -> tuple[Verdict, dict]:
    constants = claim.constants
    use_torch = ctx.backend.uses_torch
    device = ctx.backend.device if use_torch else torch.device("cpu")
    dtype = ctx.backend.dtype if use_torch else torch.float64
    base_tol = fast_tolerance(dtype, spec.terms) if use_torch else reference_tolerance(CONFIRM_DPS[0],
                                                                                        spec.reference_rtol)
    examples = ctx.budget.invariance_search if use_torch else max(2, ctx.budget.reference_examples // 4)
    batch = max(2, int(spec.batch * ctx.budget.mc_scale)) if use_torch else 1
    state = _State()
    confirmations: dict[tuple, dict] = {}

    def evaluate(point: dict, input_seed: int, steer: bool) -> None:
        gen = torch.Generator().manual_seed(input_seed)
        inputs = spec.inputs(point, constants, gen, batch, device=device, dtype=dtype)
        n = spec.group_dim(point)
        element = draw_element(spec.group, batch, n, gen, dtype=dtype, device=device,
                               max_condition=spec.max_condition)
        moved = {k: act(v, element, spec.acts_on.get(k, "fixed")) for k, v in inputs.items()}
        if use_torch:
            before = spec.function(inputs, constants, device=device, dtype=dtype)
            after = spec.function(moved, constants, device=device, dtype=dtype)
            if spec.output == "equivariant":
                before = act(before, element, spec.output_role)
            b = before.reshape(batch, -1).to(torch.float64)
            a = after.reshape(batch, -1).to(torch.float64)
            scale = torch.maximum(a.abs().amax(1), b.abs().amax(1))
            if spec.rounding_scale is not None:
                floor = spec.rounding_scale(inputs, constants, device=device, dtype=dtype)
                scale = torch.maximum(scale, floor.reshape(batch).to(torch.float64).abs())
            scale = torch.where(scale == 0, torch.ones_like(scale), scale)
            disc = ((a - b).abs().amax(1) / scale).cpu().numpy()
            tol = base_tol * element.condition().cpu().numpy()
        else:
            ref = [reference_discrepancy(spec, _example(inputs, i), element.pick(i), constants, CONFIRM_DPS[0])
                   for i in range(batch)]
            disc = np.array([r["relative_discrepancy"] for r in ref])
            tol = np.full(batch, base_tol)
        state.evaluated += batch
        finite = np.isfinite(disc)
        state.nonfinite += int((~finite).sum())
        ratio = np.where(finite, disc / tol, np.inf)
        i = int(np.argmax(ratio))
        if finite[i] and disc[i] >= state.worst:
            state.worst, state.worst_ratio = float(disc[i]), float(ratio[i])
            state.worst_where = {"point": dict(point), "input_seed": input_seed, "batch_index": i}
        if steer and np.isfinite(ratio[i]):
            target(float(min(ratio[i], 1e300)), label="discrepancy / tolerance")
        for j in np.argsort(-ratio)[:2]:
            if ratio[j] <= 1.0:
                break
            key = (repr(sorted(point.items())), input_seed, int(j))
            if key not in confirmations:
                # Confirmations cost two high-precision evaluations each; once a violation is confirmed, a
                # few more buy a smaller counterexample while shrinking, and then the search stops paying.
                if state.failure is None:
                    if len(confirmations) >= 4 * ctx.budget.confirm:
                        return
                elif state.shrink_confirmations > ctx.budget.confirm // 2:
                    return
                else:
                    state.shrink_confirmations += 1
                confirmations[key] = {"point": dict(point), "input_seed": input_seed, "batch_index": int(j),
                                      "fast_relative_discrepancy": float(disc[j]), "fast_tolerance": float(tol[j]),
                                      **_confirm(spec, _example(inputs, int(j)), element.pick(int(j)), constants)}
                if confirmations[key]["status"] != "violated":
                    state.refuted += 1
            if confirmations[key]["status"] == "violated":
                state.failure = confirmations[key]
                raise _Violation

    for point in spec.domain.example_points()[:4]:
        try:
            evaluate(point, ctx.seed, steer=False)
        except _Violation:
            break

    strategy = st.tuples(spec.domain.strategy(), st.integers(0, _MAX_SEED))

    @settings(max_examples=examples, deadline=None, database=None, print_blob=False,
              suppress_health_check=list(HealthCheck),
              phases=[Phase.explicit, Phase.generate, Phase.target, Phase.shrink])
    @seed(ctx.seed)
    @given(strategy)
    def search(drawn) -> None:
        evaluate(drawn[0], drawn[1], steer=True)

    if state.failure is None:
        try:
            search()
        except _Violation:
            pass

    evidence: dict[str, Any] = {
        "group": spec.group, "acts_on": dict(spec.acts_on), "output": spec.output,
        "domain": spec.domain.describe(), "inputs_evaluated": state.evaluated, "batch": batch,
        "hypothesis_examples": examples, "nonfinite": state.nonfinite,
        "largest_relative_discrepancy": state.worst, "largest_discrepancy_over_tolerance": state.worst_ratio,
        "largest_discrepancy_at": state.worst_where, "fast_alarms_refuted_by_reference": state.refuted,
        "tolerance": {"fast_rtol" if use_torch else "reference_rtol": base_tol, "terms": spec.terms,
                      "terms_reason": spec.terms_reason,
                      "linear_group": "the fast tolerance is multiplied by the element's condition number",
                      "confirm_dps": list(CONFIRM_DPS),
                      "reference_rtol": reference_tolerance(CONFIRM_DPS[-1], spec.reference_rtol),
                      "reference_rtol_reason": spec.reference_rtol_reason},
        "reproduce": ctx.reproduce(claim.id),
    }
    if state.failure is not None:
        evidence["minimal_counterexample"] = state.failure
        return Verdict.VIOLATED, evidence
    if state.evaluated == 0 or state.nonfinite > state.evaluated // 2:
        evidence["note"] = "too many inputs could not be evaluated"
        return Verdict.INCONCLUSIVE, evidence
    if any(c["status"] == "unstable" for c in confirmations.values()):
        evidence["note"] = "an apparent violation changed status between precisions"
        return Verdict.INCONCLUSIVE, evidence
    return Verdict.HOLDS, evidence


