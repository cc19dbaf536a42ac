"""daniely2023 activation claims: every mutant is flagged; the torch kernels of
``claims.daniely2023.fast.activations`` agree with the mpmath reference; the closed forms of
``reference.daniely2023.activations`` agree with independent values (the quadrature table, scipy, textbook
integrals)."""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, special

from checks.engine.context import mp_context as _ctx
from claims.daniely2023 import activations as act_claims
from claims.daniely2023.fast import activations as fser
from reference.daniely2023 import _activations as ref_act
from reference.daniely2023 import activations as rcl

# --- (b) fast kernels vs the reference ------------------------------------------------------------------

@given(st.sampled_from(act_claims.CLOSED), st.integers(0, 100))
@settings(max_examples=25, deadline=None)
def test_closed_form_coefficients_fast_vs_table(name, i):
    """Closed-form a_i (float64 products) vs the 80-digit quadrature table: |Δa_i| ≤ 1e-15 (a few ulps of
    ‖σ‖ ≤ 1.25)."""
    fast = float(fser.coefficients(name, 100)[i])
    table = ref_act.hermite_coefficients(ref_act.get(name), 100, _ctx())[i]
    assert abs(fast - float(table)) <= 1e-15


@given(st.sampled_from(act_claims.ALL_NAMES), st.integers(0, 100))
@settings(max_examples=25, deadline=None)
def test_fast_epsilon_sigma_vs_reference(name, n):
    """Closed-form tails keep full relative accuracy (≤ 300 eps) down to ε ≈ 1e-36; the residual quadrature
    used for tanh and the kinked activations is accurate to ~eps·‖σ‖/√ε relative (ε ≥ 1e-13 there)."""
    fast = float(fser.epsilon_sigma(name, 100)[n])
    ref = float(rcl.epsilon(name, n, _ctx()))
    if rcl.split(name)[0] in fser.GEOMETRIC:
        assert abs(fast - ref) <= 300 * 2.2e-16 * ref
    else:
        assert abs(fast - ref) <= 64 * 2.2e-16 * math.sqrt(ref * float(rcl.norm2(name, _ctx()))) + 1e-300


@given(st.sampled_from(act_claims.CLOSED), st.floats(-1, 1))
@settings(max_examples=25, deadline=None)
def test_fast_dual_quadrature_vs_closed_form(name, rho):
    """E σ(X)σ(Y) by torch quadrature vs the closed-form kernels: within 1e-13 ‖σ‖²."""
    fast = float(fser.dual_direct(name, torch.tensor([rho], dtype=torch.float64))[0])
    ref = rcl.dual(name, rho, _ctx())
    assert abs(fast - float(ref)) <= 1e-13 * float(rcl.norm2(name, _ctx()))


@pytest.mark.parametrize("name", ("relu", "abs", "relu_sqrt2/normalised"))
@pytest.mark.parametrize("rho", (1 - 1e-5, 1 - 1e-6, 1 - 1e-7, 1 - 1e-8, -(1 - 1e-7), 1 - 1e-15))
def test_fast_dual_kinked_near_one(name, rho):
    """Kinked σ near |ρ| = 1: the inner mean's corner of width √(1 − ρ²) at the kink is resolved by the panels
    graded towards it (ungraded, the error reached 3e-12 ‖σ‖² at 1 − ρ = 1e-7; hypothesis rarely draws there)."""
    fast = float(fser.dual_direct(name, torch.tensor([rho], dtype=torch.float64))[0])
    ref = rcl.dual(name, rho, _ctx())
    assert abs(fast - float(ref)) <= 1e-13 * float(rcl.norm2(name, _ctx()))


@pytest.mark.parametrize("name", ("erf_printed", "sigmoid_printed/normalised", "relu_like_printed", "erf_library"))
@pytest.mark.parametrize("rho", (-1.0, -0.9, -0.3, 0.4, 0.97, 1 - 1e-9, 1.0))
def test_fast_dual_smooth_grid(name, rho):
    """Smooth σ: the product Gauss–Hermite rule (64 or 100 nodes per axis) at rounding level on a grid."""
    fast = float(fser.dual_direct(name, torch.tensor([rho], dtype=torch.float64))[0])
    ref = rcl.dual(name, rho, _ctx())
    assert abs(fast - float(ref)) <= 1e-14 * float(rcl.norm2(name, _ctx()))


@given(st.sampled_from(act_claims.CLOSED), st.floats(-1, 1), st.floats(-1, 1))
@settings(max_examples=25, deadline=None)
def test_fast_lipschitz_sides_vs_reference(name, r1, r2):
    """Lemma 2.1's two sides: the torch difference (series without cancellation, or a difference of
    quadratures) vs closed forms, within 1e-13 ‖σ‖² absolute."""
    from checks.specs import Batch

    point = {"act": name, "rho1": r1, "rho2": r2, "gap": abs(r1 - r2)}
    spec = act_claims.lemma_2_1.spec
    lhs, rhs, _ = spec.fast(Batch([point]), {"factor": 1}, device="cpu", dtype=torch.float64)
    l_ref, r_ref, _ = spec.reference(point, {"factor": 1}, _ctx())
    assert abs(float(lhs[0]) - float(l_ref)) <= 1e-13 * float(rcl.norm2(name, _ctx()))
    assert math.isclose(float(rhs[0]), float(r_ref), rel_tol=1e-14, abs_tol=1e-300)


@given(st.sampled_from(act_claims.CLOSED), st.integers(0, act_claims._EPS_N_MAX))
@settings(max_examples=25, deadline=None)
def test_least_squares_error_vs_reference(name, n):
    """The torch least-squares minimum over degree-≤n polynomials vs ‖σ‖² − Σ_{i≤n} a_i² (70 digits): within
    82·16 eps·‖σ‖√ε, the error model declared on the claim."""
    fast = float(act_claims._least_squares_errors(name, act_claims._EPS_N_MAX, torch.float64, "cpu")[n])
    ref = float(rcl.epsilon(name, n, _ctx()))
    scale = math.sqrt(float(rcl.norm2(name, _ctx())) * ref)
    assert abs(fast - ref) <= 82 * 16 * 2.2e-16 * scale


@pytest.mark.parametrize("name", act_claims.SMOOTH_PAPER)
@pytest.mark.parametrize("k", [1, 2, 3, 6])
def test_derivative_norm_autograd_vs_exact(name, k):
    """‖σ^{(k)}‖²: k-fold torch autograd + Gauss–Legendre vs Rodrigues + exact Gaussian moments, rel 1e-13."""
    fast = float(act_claims._derivative_norm2_fast(name, k, dtype=torch.float64, device="cpu"))
    assert math.isclose(fast, float(rcl.derivative_norm2(name, k, _ctx())), rel_tol=1e-13)


# --- (c) the reference's closed forms vs independent values ----------------------------------------------

@pytest.mark.parametrize("name", act_claims.CLOSED)
def test_closed_form_coefficients_vs_quadrature_table(name):
    """Integration-by-parts coefficients vs the registry's 80-digit quadrature table, to 1e-50 at 60
    digits."""
    ctx = _ctx(60)
    closed = rcl.closed_form_coefficients(name, 100, ctx)
    table = ref_act.hermite_coefficients(ref_act.get(name), 100, ctx)
    assert max(abs(a - b) for a, b in zip(closed, table, strict=True)) < ctx.mpf("1e-50")


@pytest.mark.parametrize("name", rcl.DUAL_NAMES)
@pytest.mark.parametrize("rho", [-1.0, -0.4, 0.3, 0.5])
def test_dual_closed_form_vs_hermite_series(name, rho):
    """Arc-cosine / Williams / Price kernels vs Σ a_i² ρ^i from the quadrature table, where 100 terms suffice
    (ρ scaled into the claim's |ρ| ≤ r(σ): r ≈ 0.53 for the piecewise-linear ones, 0.77 for the library
    erf)."""
    ctx = _ctx(30)
    rho = rho * act_claims._dual_rho_max(name)
    series, _ = rcl.series(name, rho, ctx)
    assert abs(series - rcl.dual(name, rho, ctx)) < ctx.mpf("1e-25")


@pytest.mark.parametrize("rho", [-0.7, 1.0])
def test_relu_like_dual_closed_form_vs_quadrature(rho):
    """The Price-theorem closed form vs a one-dimensional quadrature with the closed-form conditional mean."""
    ctx = _ctx(20)
    closed, quadrature = rcl.dual("relu_like_printed", rho, ctx), rcl.relu_like_dual_quadrature(rho, ctx)
    assert abs(closed - quadrature) < ctx.mpf("1e-17")


@pytest.mark.parametrize("a, c", [(0.3, 0.8), (-2.0, 0.1), (1.5, 1.0)])
def test_relu_like_conditional_mean_vs_scipy(a, c):
    sigma = ref_act.get("relu_like_printed")
    ctx = _ctx(20)
    want, _ = integrate.quad(lambda z: float(sigma.f(ctx.mpf(a + c * z), ctx)) * math.exp(-z * z / 2)
                             / math.sqrt(2 * math.pi), -12, 12, epsabs=1e-14)
    got = float(rcl._relu_like_conditional_mean(ctx.mpf(a), ctx.mpf(c), ctx))
    assert math.isclose(got, want, rel_tol=1e-10)


def test_known_norms_and_derivative_norms():
    """Textbook values: E σ² = 2/3 (printed erf), π/6 (Lemma-2.16 sigmoid), 1/2 (ReLU), 1 (|x|);
    ‖σ'‖² = 1/√3, ‖σ''‖² = 1/(3√3), ‖σ'''‖² = 2/(3√3) for the sigmoid; ‖σ'‖² = 5/3 for the ReLU-like one."""
    ctx = _ctx(40)
    assert abs(rcl.dual("erf_printed", 1, ctx) - ctx.mpf(2) / 3) < ctx.mpf("1e-38")
    assert abs(rcl.dual("sigmoid_printed", 1, ctx) - ctx.pi / 6) < ctx.mpf("1e-38")
    assert abs(rcl.dual("relu", 1, ctx) - ctx.mpf(1) / 2) < ctx.mpf("1e-38")
    assert abs(rcl.dual("abs", 1, ctx) - 1) < ctx.mpf("1e-38")
    r3 = ctx.sqrt(3)
    for k, want in ((1, 1 / r3), (2, 1 / (3 * r3)), (3, 2 / (3 * r3))):
        assert abs(rcl.derivative_norm2("sigmoid_printed", k, ctx) - want) < ctx.mpf("1e-38")
    assert abs(rcl.derivative_norm2("relu_like_printed", 1, ctx) - ctx.mpf(5) / 3) < ctx.mpf("1e-38")
    # the ReLU-like norm in closed form against scipy quadrature of the registry's formula
    sigma = ref_act.get("relu_like_printed")
    want, _ = integrate.quad(lambda x: float(sigma.f(ctx.mpf(x), ctx)) ** 2 * math.exp(-x * x / 2)
                             / math.sqrt(2 * math.pi), -15, 15, epsabs=1e-14)
    assert math.isclose(float(rcl.dual("relu_like_printed", 1, ctx)), want, rel_tol=1e-11)


@given(st.floats(-6, 6))
@settings(max_examples=25, deadline=None)
def test_printed_erf_is_root2_erf(x):
    """The registry's closed form for the printed erf, √2·erf(x/√2), against scipy quadrature of the printed
    integrand (2/√π)∫_0^x e^{−t²/2} dt; and the library erf against scipy.special.erf."""
    want, _ = integrate.quad(lambda t: 2 / math.sqrt(math.pi) * math.exp(-t * t / 2), 0, x, epsabs=1e-15)
    ctx = _ctx(30)
    printed = float(ref_act.get("erf_printed").f(ctx.mpf(x), ctx))
    assert math.isclose(printed, want, rel_tol=1e-12, abs_tol=1e-15)
    assert math.isclose(float(ref_act.get("erf_library").f(ctx.mpf(x), ctx)), special.erf(x), rel_tol=1e-14,
                        abs_tol=1e-16)


def test_epsilon_full_precision_at_large_n():
    """ε_σ(n) is formed at 70 digits whatever the caller's precision: at 30 digits it agrees with the 60-digit
    value to 1e-25 relative even where ε ≈ 5e-36 (the tail of the closed-form coefficients as a check)."""
    for name in ("relu_like_printed", "sigmoid_printed"):
        lo, hi = rcl.epsilon(name, 100, _ctx(30)), rcl.epsilon(name, 100, _ctx(60))
        assert abs(lo - hi) < 1e-25 * abs(hi)
        tail = rcl.closed_form_tail(name, 100, _ctx(60))
        assert abs(tail - hi) < 1e-30 * abs(hi)


# --- exact domains (checks.exact): ρ and ρ2 are exact for the reference ----------------------------------

@pytest.mark.parametrize("claim, name, formula", [
    (act_claims.dual_activation, "rho", act_claims._dual_rho),
    (act_claims.lemma_2_1, "rho2", act_claims._lipschitz_rho2)])
def test_derived_correlations_are_exact_for_the_reference(claim, name, formula):
    """ρ = r(σ)·ρ_unit and ρ2 = ρ1 ∓ gap reach the reference as exact values at its precision (|ρ| ≤ r(σ),
    ρ2 ∈ [−1, 1] exactly), the fast path as their correct roundings."""
    domain, ctx = claim.spec.domain, _ctx(60)
    mpf = type(ctx.mpf(0))

    @given(domain.strategy())
    @settings(max_examples=60, deadline=None, derandomize=True)
    def run(point):
        exact = domain.exact_point(point, ctx)[name]
        value = formula(point)[name]
        assert isinstance(exact, mpf) and point[name] == float(value)
        assert abs(exact - ctx.mpf(value.numerator) / value.denominator) <= ctx.mpf(10) ** -55
        assert -1 <= exact <= 1
        if name == "rho":
            assert abs(exact) <= act_claims._dual_rho_max(point["act"])
        else:
            assert abs(abs(exact - ctx.mpf(point["rho1"])) - ctx.mpf(point["gap"])) <= ctx.mpf(10) ** -55 or \
                abs(exact) == 1

    run()
