"""The invariance engine accepts true invariances / equivariances and flags planted false ones."""

from __future__ import annotations

import math

import torch

from checks.domain import Domain, Int
from checks.model import Claim, Kind, Mutant, Verdict
from checks.specs import InvarianceSpec
from checks.testing import check

_MUT = (Mutant("noop", {}, "placeholder (the planted claims are themselves the mutants)"),)
_DIMS = Domain((Int("d", 1, 5, examples=(1, 2)),))


def _gaussian_inputs(*names, k: int | None = None):
    def inputs(point, constants, generator, batch, *, device, dtype):
        shape = (batch, k, point["d"]) if k else (batch, point["d"])
        return {n: torch.randn(*shape, generator=generator, dtype=torch.float64).to(device, dtype) for n in names}

    return inputs


def _claim(spec: InvarianceSpec, constants=None) -> Claim:
    return Claim(id="planted/invariance", label="planted", section="0", statement="planted", kind=Kind.INVARIANCE,
                 spec=spec, establishes="test", mutants=_MUT, constants=constants or {})


def _norm_sq(perturb: float = 0.0, group="orthogonal", acts_on=None):
    """f(x) = ‖x‖² + perturb·x_1: orthogonally invariant iff perturb = 0."""
    def fast(inputs, c, *, device, dtype):
        x = inputs["x"]
        return (x * x).sum(-1) + c["perturb"] * x[..., 0]

    def reference(inputs, c, ctx):
        x = inputs["x"]
        return ctx.fsum(v * v for v in x) + c["perturb"] * x[0]

    spec = InvarianceSpec(_DIMS, group, acts_on or {"x": "vector"}, _gaussian_inputs("x"), fast, reference,
                          group_dim=lambda p: p["d"], terms=4, terms_reason="a sum of d ≤ 5 squares")
    return _claim(spec, {"perturb": perturb})


def test_norm_is_orthogonally_invariant():
    r = check(_norm_sq())
    assert r.verdict == Verdict.HOLDS
    assert r.evidence["inputs_evaluated"] > 50
    assert r.evidence["largest_relative_discrepancy"] < 1e-14


def test_tiny_planted_asymmetry_is_caught_in_float64_and_confirmed():
    r = check(_norm_sq(perturb=1e-9))
    assert r.verdict == Verdict.VIOLATED
    cx = r.evidence["minimal_counterexample"]
    assert cx["status"] == "violated" and [e["dps"] for e in cx["evaluations"]] == [30, 60]
    assert cx["point"]["d"] >= 1


def test_float32_tolerance_hides_what_it_cannot_resolve():
    r = check(_norm_sq(perturb=1e-9), dtype="float32")
    assert r.verdict == Verdict.HOLDS
    assert r.evidence["tolerance"]["fast_rtol"] > 1e-7


def test_norm_is_not_invariant_under_linear_maps_or_translations():
    assert check(_norm_sq(group="linear")).verdict == Verdict.VIOLATED
    assert check(_norm_sq(group="translation")).verdict == Verdict.VIOLATED
    assert check(_norm_sq(group="sign")).verdict == Verdict.HOLDS
    assert check(_norm_sq(group="rotation")).verdict == Verdict.HOLDS


def test_pairing_of_vector_and_covector_is_linearly_invariant():
    def fast(inputs, c, *, device, dtype):
        return torch.exp((inputs["x"] * inputs["w"]).sum(-1) / 4)

    def reference(inputs, c, ctx):
        return ctx.exp(ctx.fsum(a * b for a, b in zip(inputs["x"], inputs["w"], strict=True)) / 4)

    def spec(w_role):
        return InvarianceSpec(_DIMS, "linear", {"x": "vector", "w": w_role}, _gaussian_inputs("x", "w"), fast,
                              reference, group_dim=lambda p: p["d"], terms=8,
                              terms_reason="a d-term dot product (amplified by κ), then exp")

    held = check(_claim(spec("covector")))
    assert held.verdict == Verdict.HOLDS
    assert check(_claim(spec("vector"))).verdict == Verdict.VIOLATED


def _neuron_sum(weighted: bool):
    """Σ_i a_i e^{-‖θ_i‖²}: invariant under permuting the neurons (a_i, θ_i) jointly; not if weighted by i."""
    k = 4

    def fast(inputs, c, *, device, dtype):
        a, th = inputs["a"][..., 0], inputs["theta"]
        weights = torch.arange(1, k + 1, dtype=dtype, device=device) if weighted else 1
        return (weights * a * torch.exp(-(th * th).sum(-1))).sum(-1)

    def reference(inputs, c, ctx):
        return ctx.fsum((i + 1 if weighted else 1) * a[0] * ctx.exp(-ctx.fsum(t * t for t in th))
                        for i, (a, th) in enumerate(zip(inputs["a"], inputs["theta"], strict=True)))

    def inputs(point, constants, generator, batch, *, device, dtype):
        return {"a": torch.randn(batch, k, 1, generator=generator, dtype=torch.float64).to(device, dtype),
                "theta": torch.randn(batch, k, point["d"], generator=generator, dtype=torch.float64).to(device, dtype)}

    spec = InvarianceSpec(_DIMS, "permutation", {"a": "index", "theta": "index"}, inputs, fast, reference,
                          group_dim=lambda p: k, terms=k, terms_reason="a sum over k = 4 neurons")
    return _claim(spec)


def test_permutation_of_neurons():
    assert check(_neuron_sum(weighted=False)).verdict == Verdict.HOLDS
    assert check(_neuron_sum(weighted=True)).verdict == Verdict.VIOLATED


def _gradient_steps(drift: float):
    """Three gradient steps on ‖x‖⁴/4 (plus a planted constant drift): equivariant iff drift = 0."""
    alpha = 0.05

    def fast(inputs, c, *, device, dtype):
        x = inputs["x"]
        for _ in range(3):
            x = x - alpha * (x * x).sum(-1, keepdim=True) * x
        return x + drift * (torch.arange(x.shape[-1], device=device) == 0).to(dtype)

    def reference(inputs, c, ctx):
        x = list(inputs["x"])
        for _ in range(3):
            sq = ctx.fsum(v * v for v in x)
            x = [v - alpha * sq * v for v in x]
        return [v + (drift if i == 0 else 0) for i, v in enumerate(x)]

    spec = InvarianceSpec(_DIMS, "orthogonal", {"x": "vector"}, _gaussian_inputs("x"), fast, reference,
                          group_dim=lambda p: p["d"], output="equivariant", output_role="vector", terms=32,
                          terms_reason="three steps, each a d-term sum and a product")
    return _claim(spec)


def test_gradient_descent_end_point_is_equivariant():
    assert check(_gradient_steps(0.0)).verdict == Verdict.HOLDS
    r = check(_gradient_steps(1e-3))
    assert r.verdict == Verdict.VIOLATED
    assert r.evidence["minimal_counterexample"]["evaluations"][-1]["relative_discrepancy"] > 1e-6


def test_fast_path_false_alarm_is_refuted_by_the_reference():
    claim = _norm_sq()
    buggy = claim.spec.__class__(**{**claim.spec.__dict__,
                                    "function": lambda i, c, *, device, dtype: (i["x"] ** 2).sum(-1)
                                    + 1e-6 * (i["x"][..., 0] > 0).to(dtype)})
    from dataclasses import replace

    r = check(replace(claim, spec=buggy))
    assert r.verdict == Verdict.HOLDS
    assert r.evidence["fast_alarms_refuted_by_reference"] > 0


def test_reference_backend_decides_alone():
    assert check(_norm_sq(), backend="reference").verdict == Verdict.HOLDS
    assert check(_norm_sq(perturb=1e-3), backend="reference").verdict == Verdict.VIOLATED


def test_orthogonal_elements_are_polished_exactly_in_the_reference():
    from checks.engine.context import mp_context
    from checks.engine.invariance import draw_element, element_in_mp

    ctx = mp_context(60)
    element = draw_element("orthogonal", 1, 4, torch.Generator().manual_seed(3), dtype=torch.float64, device="cpu")
    q = element_in_mp(ctx, element)["matrix"]
    defect = ctx.mnorm(q.T * q - ctx.eye(4), 1)
    assert defect < ctx.mpf(10) ** -55
    # and it is the same element: the polish moves it by about the float64 defect only
    assert float(ctx.mnorm(q - ctx.matrix(element.matrix[0].tolist()), 1)) < 64 * 4 * 2.0**-52
    assert math.isfinite(float(defect))


def _cancelling(rounding_scale: bool):
    """f(x) = (‖x‖² + 1000) − 1000: invariant, but its float value carries ~1000·eps of rounding that does not
    move with the value; ``rounding_scale`` declares the size of the terms the sum cancels."""
    def fast(inputs, c, *, device, dtype):
        x = inputs["x"]
        return ((x * x).sum(-1) + 1000.0) - 1000.0

    def reference(inputs, c, ctx):
        return ctx.fsum(v * v for v in inputs["x"])

    def scale(inputs, c, *, device, dtype):
        return (inputs["x"] * inputs["x"]).sum(-1) + 1000.0

    spec = InvarianceSpec(_DIMS, "orthogonal", {"x": "vector"}, _gaussian_inputs("x"), fast, reference,
                          group_dim=lambda p: p["d"], terms=4, terms_reason="a sum of d ≤ 5 squares and ±1000",
                          rounding_scale=scale if rounding_scale else None)
    return _claim(spec)


def test_rounding_scale_makes_the_fast_tolerance_honest_for_cancelling_sums():
    """Without a rounding scale the cancellation's rounding (relative to the small value) exceeds the fast
    tolerance, and the points go to the reference, which confirms the invariance; with it the fast discrepancy
    is within tolerance. The verdict is HOLDS either way."""
    plain, declared = check(_cancelling(False)), check(_cancelling(True))
    assert plain.verdict == declared.verdict == Verdict.HOLDS
    assert plain.evidence["largest_discrepancy_over_tolerance"] > 1
    assert declared.evidence["largest_discrepancy_over_tolerance"] <= 1
