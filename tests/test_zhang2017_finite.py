"""zhang2017 App. B: the reference (mpmath / exact) and the torch fast path agree, plus known values.

Tolerances: float64 results are compared with the 30-digit reference at ROUNDING_SAFETY · terms · eps, with
`terms` the error growth documented next to each comparison (incomplete gammas ~3e-14 relative).
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np
import pytest
import torch
from hypothesis import example, given, settings
from hypothesis import strategies as st

from checks.engine.context import mp_context
from checks.testing import assert_derive_batch_matches
from checks.tolerance import fast_tolerance
from claims.zhang2017.fast import _common as common
from claims.zhang2017.fast import finite as fz
from reference.zhang2017 import finite as rz

F64 = torch.float64
GAMMA_RTOL = fast_tolerance(F64, 128)  # torch.special.gammaincc: ~3e-14 relative (measured), ~130 eps


def _t(v) -> torch.Tensor:
    return torch.tensor([float(v)], dtype=F64)


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 30), st.integers(0, 8), st.floats(0.05, 20.0))
@example(1, 0, 0.05)
@example(30, 8, 20.0)
def test_truncated_moments_fast_vs_reference(d, p, B):
    ctx = mp_context(30)
    pairs = [(fz.truncation_gap(_t(d), _t(p), _t(B)), rz.truncation_gap(ctx, d, p, B)),
             (fz.second_term_lhs(_t(d), _t(p), _t(B)), rz.second_term_lhs(ctx, d, p, B)),
             (fz.tail_expectation(_t(d), _t(p), _t(B)), rz.tail_expectation(ctx, d, p, B))]
    for fast, ref in pairs:
        ref = float(ref)
        if ref == 0.0:
            assert float(fast) == 0.0
        elif p == 0 and fast is pairs[0][0]:
            assert abs(float(fast)) <= GAMMA_RTOL  # the gap of a constant f is 0
        else:
            assert math.isclose(float(fast), ref, rel_tol=GAMMA_RTOL * 4), (d, p, B, float(fast), ref)


@settings(max_examples=8, deadline=None)
@given(st.integers(1, 30), st.integers(0, 8), st.floats(0.05, 20.0))
def test_printed_tail_integral_three_ways(d, p, B):
    """Reference recursion (integration by parts) = quadrature of the printed integrand = the fast path's
    2^{a−1}Γ(a)Q(a, B²/2)."""
    ctx = mp_context(30)
    rec = rz.printed_tail_integral(ctx, d, p, B)
    quad = rz.printed_tail_integral_quadrature(ctx, d, p, B)
    assert abs(rec - quad) <= ctx.mpf("1e-20") * abs(quad)
    fast = (2 * math.pi) ** d * fz.radial_tail_integral(_t(d), _t(p), _t(B))
    assert math.isclose(float(fast), float(rec), rel_tol=GAMMA_RTOL * 4)


def test_gap_of_constant_function_is_zero_and_second_term_limit():
    ctx = mp_context(30)
    assert rz.truncation_gap(ctx, 3, 0, 1.5) == 0
    # B → 0: (1/P − 1) E[‖X‖^p 1{‖X‖≤B}] → B^p d/(d+p) (the ball average of r^p); here d = 2, p = 2: B²/2
    B = ctx.mpf("1e-6")
    assert abs(rz.second_term_lhs(ctx, 2, 2, B) / B ** 2 - ctx.mpf(1) / 2) < ctx.mpf("1e-10")


@pytest.mark.parametrize("n", [1, 2, 3, 5, 8, 17, 40])
def test_random_walk_expectations(n):
    exact = rz.mean_abs_walk(n)
    assert math.isclose(float(fz.mean_abs_walk(n, dtype=F64, device="cpu")), float(exact), rel_tol=16 * n * 2.2e-16)
    # the table behind the batched fast paths: the closed form in exact integers, correctly rounded
    assert fz.mean_abs_walk_of(torch.tensor([n])).item() == float(exact)
    assert math.isclose(float(fz.expected_max_abs_walk(n, dtype=F64, device="cpu")), rz.expected_max_abs_walk(n),
                        rel_tol=16 * n * 2.2e-16)
    if n <= 10:  # brute force over all sign sequences
        walks = [np.cumsum(s) for s in itertools.product((-1, 1), repeat=n)]
        assert sum(abs(int(w[-1])) for w in walks) == exact * 2 ** n
        assert math.isclose(np.mean([np.abs(w).max() for w in walks]), rz.expected_max_abs_walk(n), rel_tol=1e-14)


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 5), st.integers(1, 3), st.floats(0.1, 10.0))
def test_linear_class_rademacher_fast_vs_reference(n, d, B):
    ctx = mp_context(30)
    ref = rz.rademacher_linear_coordinates(ctx, n, d, B)
    fast = fz.rademacher_linear_coordinates(n, d, B, 2.0, dtype=F64, device="cpu")
    # a mean over d^n · 2^n norms: error ≲ (number of terms)·eps in the worst case; 16·64 eps is generous
    assert math.isclose(float(fast), float(ref), rel_tol=fast_tolerance(F64, 64))
    ref_pm = rz.rademacher_linear_point_mass(ctx, n, B)
    assert math.isclose(float(fz.rademacher_linear_point_mass(n, B, 2.0, dtype=F64, device="cpu")), float(ref_pm),
                        rel_tol=fast_tolerance(F64, 64))


def test_linear_class_known_values():
    ctx = mp_context(30)
    # n = 1: R_1(G) = E sup_θ |2θ^T x| = 2B for any x of norm B (the erratum: 2B > √2·B)
    assert rz.rademacher_linear_point_mass(ctx, 1, 3) == 6
    assert rz.rademacher_linear_coordinates(ctx, 1, 3, 3) == 6
    # n = 2 point mass: (2/2)·E|S_2|·B = B, equal to B√(2/2)
    assert rz.rademacher_linear_point_mass(ctx, 2, 1) == 1


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(["cos", "sin", "tanh", "clip"]), st.integers(1, 3), st.floats(0.1, 10.0),
       st.floats(0.01, 10.0), st.floats(0.001, 100.0))
def test_activation_sup_fast_vs_reference(family, d, C, L, B):
    ctx = mp_context(30)
    ref = rz.activation_sup(ctx, family, C, L, B, d)
    fast = fz.activation_sup(family, _t(C), _t(L), _t(B), _t(d))
    # a few elementary functions of O(1) arguments; LB/C up to 1e5 loses ~5 digits of the argument mod 2π
    assert math.isclose(float(fast), float(ref), rel_tol=1e-10, abs_tol=1e-12 * C)
    # and it is a supremum: no sampled reachable t does better
    t = torch.linspace(-B, B, 2001, dtype=F64) if d >= 2 else torch.tensor([-B, B], dtype=F64)
    assert float(fz.activation(family, t, C, L).abs().max()) <= float(ref) * (1 + 1e-12) + 1e-15


def test_theorem_b3_counterexample_numbers():
    ctx = mp_context(30)
    lhs = rz.rademacher_product_point_mass(ctx, 1, 2, ctx.mpf("0.01"), "cos", "cos", 1, 1)
    assert lhs == 2
    assert abs(48 * ctx.mpf("0.01") * ctx.sqrt(2) - ctx.mpf("0.678822509939")) < 1e-11


def test_ks_statistic_is_sup_over_thresholds():
    gen = torch.Generator().manual_seed(3)
    x = torch.rand(5, 7, generator=gen, dtype=F64)
    ks = fz.ks_statistic(x)
    for row, value in zip(x, ks, strict=True):
        pts = torch.sort(row).values
        # the sup of |t − F_n(t)| is attained at a sample point, from the left or the right
        left = [abs(float(p) - i / 7) for i, p in enumerate(pts)]
        right = [abs(float(p) - (i + 1) / 7) for i, p in enumerate(pts)]
        assert math.isclose(float(value), max(left + right), rel_tol=1e-15)


def test_hermite_normalised_matches_numpy_and_potential():
    t = torch.linspace(-3, 3, 11, dtype=F64)
    for m in range(5):
        coef = [0] * m + [1]
        expected = np.polynomial.hermite_e.hermeval(t.numpy(), coef) / math.sqrt(math.factorial(m))
        assert np.allclose(fz.hermite_normalised(m, t).numpy(), expected, rtol=1e-13, atol=1e-13)
    # with many untruncated samples the empirical potential approaches ρ^m (Monte Carlo, 6 standard errors)
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(1, 200_000, 3, generator=gen, dtype=F64)
    grid = torch.tensor([[1.0, 0, 0], [0.6, 0.8, 0]], dtype=F64)
    assert float(fz.potential_sup_deviation(x, grid, 2)[0]) < 6 * math.sqrt(15 / 200_000)


@pytest.mark.parametrize("seed", [0, 3])
def test_algorithm4_fast_and_reference_same_trajectory(seed):
    eps = 0.4
    fast = fz.algorithm4_double_well(2, eps, eps ** 2 / 4, 3000, [seed], 2 / 3, 2 / 3)
    ref = rz.algorithm4_double_well_float(2, eps, eps ** 2 / 4, 3000, seed, 2 / 3, 2 / 3)
    assert int(fast["steps"][0]) == ref
    assert bool(fast["returned"][0])
    assert bool(fz.in_m_eps_double_well(fast["x"], eps)[2][0])


def test_algorithm4_exact_saddle_and_minimum():
    rng = np.random.default_rng(0)
    eps = Fraction(1, 2)
    x, _ = rz.algorithm4_exact(lambda v: (v[0], -v[1]), lambda v: Fraction(-1), (Fraction(0), Fraction(0)), 30,
                               Fraction(1, 8), eps, lambda: rz.rational_sphere_noise(rng, 2, digits=4))
    assert x is None  # λ_min = −1 < −2ε/3 everywhere: FAIL
    n = rz.rational_sphere_noise(rng, 2, digits=4)
    assert n[0] ** 2 + n[1] ** 2 == 1  # exactly on the unit circle


def test_shared_sgd_terminates_on_quadratic_not_on_saddle():
    gen = torch.Generator().manual_seed(1)
    quad = lambda x: (x * x).sum() / 2  # noqa: E731
    x, steps = common.sgd(quad, torch.tensor([[1.0, -1.0]], dtype=F64), 2000, 0.01, 0.3, gen, "euclidean")
    assert x is not None and float(x.norm()) <= 0.2 + 1e-12
    saddle = lambda x: (x[0, 0] ** 2 - x[0, 1] ** 2) / 2  # noqa: E731
    x, steps = common.sgd(saddle, torch.zeros(1, 2, dtype=F64), 200, 0.05, 0.3, gen, "euclidean")
    assert x is None and steps == 200


def test_gradient_descent_from_the_stable_manifold_reaches_the_saddle():
    """x_0 on {y = 0} (measure zero) converges to the strict saddle; any other start reaches a minimum. The
    end-point diagnostics the experiment uses (‖∇f‖, λ_min) tell the two apart."""
    end = fz.gradient_descent_closed("saddle-quartic", torch.tensor([1.5, 0.0], dtype=F64), 0.05, 4000, 1e-10)
    _, grad, hess = fz.saddle_quartic(end["x"])
    assert float(grad.norm()) <= 1e-10 and float(torch.linalg.eigvalsh(hess)[0]) < 0
    end = fz.gradient_descent_closed("saddle-quartic", torch.tensor([1.5, 0.3], dtype=F64), 0.05, 4000, 1e-10)
    value, grad, hess = fz.saddle_quartic(end["x"])
    assert float(grad.norm()) <= 1e-10 and float(torch.linalg.eigvalsh(hess)[0]) > 0
    assert abs(float(value) + 1) < 1e-12  # the global minimum value −1
    # a step of 12/L = 1.2 expands the x-coordinate (x ← −1.4x): certified divergence
    end = fz.gradient_descent_closed("saddle-quartic", torch.tensor([0.1, 0.3], dtype=F64), 1.2, 4000, 1e-10)
    assert end["diverged"]


@pytest.mark.parametrize(("d", "p", "log_inv_eps"), [(3, 2, 8.0), (16, 1, 20.0), (1, 4, 40.0)])
def test_minimal_truncation_radius_fast_vs_reference(d, p, log_inv_eps):
    ctx = mp_context(30)
    ref = rz.minimal_truncation_radius(ctx, d, p, ctx.exp(-ctx.mpf(log_inv_eps)))
    # at the root the gap equals ε (the definition of B*)
    assert abs(ctx.log(rz.truncation_gap(ctx, d, p, ref)) + log_inv_eps) < ctx.mpf("1e-15")
    fast = fz.minimal_truncation_radius(_t(d), _t(p), torch.exp(-_t(log_inv_eps)))
    # the gap's ~1e-13 relative error moves the root by that over |d log gap/d log B| ≥ 1
    assert math.isclose(float(fast), float(ref), rel_tol=GAMMA_RTOL)


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
def test_normalised_radial_tail_is_accurate_in_both_dtypes(dtype):
    """The lemma-B.1 tail-bound fast path: ∫_B^∞ r^{n−1}e^{−r²/2}dr / (B^n e^{−B²/2}) by the continued fraction,
    in the run's own dtype, against the 30-digit reference over the claim's whole domain (n = p + d ≤ 38,
    B² ≥ n, s ≤ 5) — within the claim's tolerance (terms 64), measured ≤ 35 eps (float64), ≤ 9 eps (float32).
    The printed sides themselves are not representable in float32 there (1e−250 … 1e+40)."""
    from claims.zhang2017.finite import _TAILBOUND_TERMS, _b1_tailbound_point

    rng = np.random.default_rng(0)
    points = [(d, p, s) for d in (1, 2, 7, 30) for p in (0, 3, 8) for s in (0.0, *rng.uniform(0, 5, 4))]
    B = [_b1_tailbound_point({"d": d, "p": p, "s": s})["B"] for d, p, s in points]
    fast = fz.normalised_radial_tail(torch.tensor([float(d) for d, _, _ in points], dtype=dtype),
                                     torch.tensor([float(p) for _, p, _ in points], dtype=dtype),
                                     torch.tensor(B, dtype=dtype))
    assert torch.isfinite(fast).all()
    ctx = mp_context(30)
    worst = 0.0
    for (d, p, _), b, f in zip(points, B, fast.tolist(), strict=True):
        b32 = float(torch.tensor(b, dtype=dtype))  # the B the fast path actually received
        unit = ctx.mpf(b32) ** (p + d) * ctx.exp(-ctx.mpf(b32) ** 2 / 2)
        ref = rz.radial_tail_integral(ctx, p + d - 1, b32) / unit
        worst = max(worst, abs(float((f - ref) / ref)))
    assert worst <= fast_tolerance(dtype, _TAILBOUND_TERMS), worst
    assert worst <= 64 * torch.finfo(dtype).eps  # the measured accuracy, with room: a regression shows up here


def test_tail_bound_radius_is_inside_the_reading_domain():
    """B is rounded up so that B² ≥ p + d holds exactly for the float itself (s = 0: B = √(p+d))."""
    from claims.zhang2017.finite import _b1_tailbound_point

    for n in range(1, 39):
        B = _b1_tailbound_point({"d": n, "p": 0, "s": 0.0})["B"]
        assert Fraction(B) ** 2 >= n and B - math.sqrt(n) <= 2 * math.ulp(math.sqrt(n))




def test_derive_batch_matches_derive():
    from claims.zhang2017 import finite as claims

    for claim in (claims.lemma_b1_tail_bound, claims.theorem_b3, claims.theorem_b3_vanishing):
        assert_derive_batch_matches(claim.spec.domain, 300)
