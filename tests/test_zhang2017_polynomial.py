"""Tests for the zhang2017 Sec.-4 / Apps. C–E pieces: torch fast path vs mpmath/sympy reference, known values,
and the subtle points (the residual's true form, the Newton reading of Algorithm 3's a-step)."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import sympy as sp
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from checks.testing import assert_derive_batch_matches, derive_batch_domains
from claims.zhang2017.fast import polynomial as fastpoly
from claims.zhang2017.fast._common import riemannian_hessian
from reference.zhang2017 import polynomial as ref

EPS64 = float(torch.finfo(torch.float64).eps)


def _ctx(dps: int = 30):
    ctx = mpmath.MPContext()
    ctx.dps = dps
    return ctx


def _unit(gen: np.random.Generator, d: int) -> list[float]:
    v = gen.standard_normal(d)
    return list(v / np.linalg.norm(v))


@settings(max_examples=25, deadline=None)
@given(d=st.integers(2, 60), n_deg=st.integers(1, 60).map(lambda n: 2 * n))
def test_recurrence_float_matches_exact(d, n_deg):
    exact = ref.recurrence_fractions(d, n_deg)
    fast = fastpoly.recurrence_coefficients(d, n_deg)
    # each coefficient is a product of N/2 factors, each rounded once: relative error ≤ N·eps
    for c_exact, c_fast in zip(exact, fast.tolist(), strict=True):
        assert abs(c_fast - float(c_exact)) <= 2 * n_deg * EPS64 * abs(float(c_exact))


@settings(max_examples=20, deadline=None)
@given(d=st.integers(3, 6), n_deg=st.sampled_from([4, 10, 40]), seed=st.integers(0, 2**31 - 1))
def test_node_hessian_fast_matches_reference(d, n_deg, seed):
    gen = np.random.default_rng(seed)
    theta = _unit(gen, d)
    us = [_unit(gen, d) for _ in range(3)]
    betas = list(gen.uniform(-1, 1, 3))
    coeffs = ref.recurrence_fractions(d, n_deg)
    ctx = _ctx()
    hess, lap = ref.node_hessian_on_sphere(ctx, coeffs, theta, us, betas)
    lam_ref = ref.min_eigenvalue(ctx, hess)
    evals, lap_fast = fastpoly.node_hessian_sphere(fastpoly.recurrence_coefficients(d, n_deg),
                                                   torch.tensor(theta, dtype=torch.float64),
                                                   torch.tensor(us, dtype=torch.float64),
                                                   torch.tensor(betas, dtype=torch.float64))
    # magnitude of the summed terms: Σ|β| f''(1)-type sizes; Horner/power sums of ≤ N+1 positive terms, then a
    # d×d eigensolve: error ≤ ~(N + d²)·eps relative to that magnitude
    size = sum(abs(b) for b in betas) * float(ref.poly_eval(ctx, coeffs, ctx.mpf(1), 2) + ref.poly_eval(
        ctx, coeffs, ctx.mpf(1), 1))
    tol = 16 * (n_deg + d * d) * EPS64 * max(size, 1.0)
    assert abs(float(evals[0]) - float(lam_ref)) <= tol
    assert abs(float(lap_fast) - float(lap)) <= tol


@settings(max_examples=15, deadline=None)
@given(d=st.integers(1, 5), k=st.integers(1, 3), seed=st.integers(0, 2**31 - 1))
def test_loss9_hessian_closed_form_vs_autograd_and_reference(d, k, seed):
    gen = torch.Generator().manual_seed(seed)
    theta = torch.randn(k, d, generator=gen, dtype=torch.float64)
    w = 2 * torch.randn(k, d, generator=gen, dtype=torch.float64)

    def loss9(t):
        total = torch.zeros((), dtype=torch.float64)
        for i in range(k):
            for j in range(i + 1, k):
                total = total + 2 * torch.exp(-((t[i] - t[j]) ** 2).sum() / 2)
            total = total - 2 * torch.exp(-((t[i][None, :] - w) ** 2).sum(-1) / 2).sum()
        return total

    closed = fastpoly.loss9_gaussian_hessian(theta, w)
    auto = riemannian_hessian(loss9, theta, "euclidean")
    mp_h = ref.loss9_gaussian_hessian(_ctx(), theta.tolist(), w.tolist())
    # entries are sums of ≤ 2k terms of size ≤ ~2(1 + ‖y‖²): a few dozen rounding steps
    tol = 64 * EPS64 * max(1.0, float(closed.abs().max()))
    assert torch.allclose(closed, auto, rtol=0, atol=tol)
    batched = fastpoly.loss9_gaussian_hessian(torch.stack([theta, theta.flip(0)]), torch.stack([w, w]))
    assert torch.equal(batched[0], closed)  # the batched path computes exactly the same numbers
    assert max(abs(float(mp_h[i, j]) - float(closed[i, j])) for i in range(k * d) for j in range(k * d)) <= tol


@settings(max_examples=15, deadline=None)
@given(d=st.integers(1, 6), seed=st.integers(0, 2**31 - 1))
def test_gaussian_laplacian_autograd_vs_mpmath_and_printed(d, seed):
    gen = torch.Generator().manual_seed(seed)
    theta = 2 * torch.randn(1, d, generator=gen, dtype=torch.float64)
    w = torch.randn(1, d, generator=gen, dtype=torch.float64)
    lap = float(fastpoly.gaussian_laplacian_autograd(theta, w)[0])
    r2 = float(((theta - w) ** 2).sum())
    printed = (r2 - d) * math.exp(-r2 / 2)
    mp_lap = ref.laplacian_mpmath(_ctx(), theta[0].tolist(), w[0].tolist())
    # d second derivatives, each a handful of roundings of terms of size ≤ (1 + r²)e^{−r²/2}
    tol = 16 * d * EPS64 * (1 + r2 + d)
    assert abs(lap - printed) <= tol
    assert abs(float(mp_lap) - printed) <= tol


@settings(max_examples=15, deadline=None)
@given(c=st.sampled_from([1.0, 2.0, 5.0, 9.0]), rho=st.floats(-1, 1))
def test_exponential_dual_fast_vs_reference(c, rho):
    fast = float(fastpoly.exponential_dual(torch.tensor([c], dtype=torch.float64),
                                           torch.tensor([rho], dtype=torch.float64))[0])
    exact = float(ref.exponential_dual(_ctx(), c, rho))
    # a 80×80 product rule of positive terms: relative error ≲ (number of terms)·eps
    assert abs(fast - exact) <= 80 * 80 * EPS64 * exact


def test_truncation_degree_fast_matches_reference():
    ctx = _ctx()
    for d in (3, 10, 50):
        for eps in (0.3, 0.1):
            for with_c_n in (False, True):
                assert fastpoly.truncation_degree(d, eps, 2 * d, with_c_n=with_c_n) == ref.truncation_degree(
                    ctx, d, eps, 2 * d, with_c_n=with_c_n)


def test_residual_true_form_is_minus_k_c_n():
    """The erratum's suggested fix: Δf − f = −k_N c_N x^N exactly (symbolic d)."""
    for n_deg in (2, 4, 6, 8):
        c = ref.recurrence_coefficients(ref.D, n_deg)
        expected = -ref.printed_k(n_deg, ref.D) * c[n_deg] * ref.X**n_deg
        assert sp.expand(ref.exact_residual(ref.D, n_deg) - expected) == 0


def test_phi_one_exceeds_one_and_coefficients_nonnegative():
    for d in (2, 3, 10):
        c = ref.recurrence_fractions(d, 40)
        assert all(v >= 0 for v in c) and sum(c) > 1  # "Φ(1) > 1"


def _zonal_moment(n: int, d: int) -> sp.Expr:
    """∫_{−1}^{1} x^n (1 − x²)^{(d−3)/2} dx exactly: 0 for odd n, else B((n+1)/2, (d−1)/2)."""
    if n % 2:
        return sp.Integer(0)
    half = sp.Rational(1, 2)
    return sp.gamma(n * half + half) * sp.gamma(sp.Rational(d - 1, 2)) / sp.gamma(sp.Rational(n + d, 2))


def test_integral_of_laplacian_vanishes():
    """∫_{S^{d−1}} Δf = 0, so ∫ f dμ = k_N c_N ∫ x^N dμ with dμ ∝ (1 − x²)^{(d−3)/2} (the true residual); the
    printed residual would instead give ∫ f dμ = −k_N ∫ x^N dμ < 0, impossible for f ≥ 1 on [−1, 1]."""
    for d, n_deg in ((3, 4), (5, 6), (4, 8), (10, 12)):
        c = ref.recurrence_coefficients(d, n_deg)
        lhs = sum(cn * _zonal_moment(n, d) for n, cn in enumerate(c))
        rhs = ref.printed_k(n_deg, d) * c[n_deg] * _zonal_moment(n_deg, d)
        assert sp.simplify(sp.gammasimp(lhs - rhs)) == 0


def test_algorithm_3_newton_step_lands_on_optimum():
    """After the a-step, ∂L/∂a_i of (10) vanishes: a_i = −C(θ_i) with Φ(θ_i, θ_i) = 1."""
    gen = torch.Generator().manual_seed(3)
    d = 3
    w = torch.linalg.qr(torch.randn(d, d, generator=gen, dtype=torch.float64))[0].T
    b = torch.tensor([1.0, -2.0, 1.5], dtype=torch.float64)
    a, theta, _ = fastpoly.algorithm_3_polynomial(b, w, 3, 1, 0.0, 0.1, gen, a_steps=0)
    # with α = 0 θ_1 is the sampled point; node 1's a_1 is then exactly optimal (later nodes add their own terms)
    c1 = ((theta[0] @ w.T) ** 3 * b).sum()
    assert abs(float(a[0] + c1)) <= 8 * EPS64 * float(b.abs().sum())


def test_loss4_vanishes_at_global_minimum():
    gen = torch.Generator().manual_seed(5)
    d = 4
    w = torch.linalg.qr(torch.randn(d, d, generator=gen, dtype=torch.float64))[0].T
    b = torch.tensor([1.0, -2.0, 3.0, 1.5], dtype=torch.float64)
    for l_pow in (3, 4):
        assert abs(float(fastpoly.loss4_polynomial(-b, w, b, w, l_pow))) <= 64 * EPS64 * float((b * b).sum())
        assert abs(float(fastpoly.reduced_polynomial_loss(w, b, w, l_pow))) <= 64 * EPS64 * float((b * b).sum())


def test_algorithm_2_recovers_single_centre_from_nearby_start():
    gen = torch.Generator().manual_seed(11)
    w = torch.tensor([[1.5, -0.5]], dtype=torch.float64)
    theta0 = w + torch.tensor([[0.6, 0.4]], dtype=torch.float64)
    theta, steps = fastpoly.algorithm_2_gaussian(w, theta0, 2000, 0.02, 0.3, gen)
    assert steps[0] is not None
    assert float((theta - w).norm()) <= 0.3


def test_match_distance_handles_sign_and_permutation():
    w = torch.eye(3, dtype=torch.float64)
    theta = torch.stack([-w[2], w[0], w[1]])
    dist, perm = fastpoly.match_distance(theta, w, up_to_sign=True)
    assert dist == 0.0 and perm == [2, 0, 1]


def test_sphere_laplacian_of_constructed_potential_matches_true_residual():
    """Trace of the Riemannian Hessian of Σβ_j f(θ^T u_j) equals Σβ_j (f − k_N c_N x^N)(θ^T u_j): the ambient
    computation agrees with the corrected residual of theorem-4.4-residual."""
    gen = np.random.default_rng(2)
    for d, n_deg in ((3, 10), (4, 20), (6, 30)):
        theta = torch.tensor(_unit(gen, d), dtype=torch.float64)
        us = torch.tensor([_unit(gen, d) for _ in range(3)], dtype=torch.float64)
        betas = torch.tensor(gen.uniform(-1, 1, 3), dtype=torch.float64)
        coeffs = fastpoly.recurrence_coefficients(d, n_deg)
        _, lap = fastpoly.node_hessian_sphere(coeffs, theta, us, betas)
        x = us @ theta
        k_n = n_deg * n_deg + (d - 2) * n_deg + 1
        expected = (betas * (fastpoly.poly_derivatives(coeffs, x)[0] - k_n * coeffs[n_deg] * x**n_deg)).sum()
        f2_one = fastpoly.poly_derivatives(coeffs, torch.ones(1, dtype=torch.float64))[2]
        size = float(betas.abs().sum()) * float(f2_one)
        assert abs(float(lap - expected)) <= 16 * (n_deg + d * d) * EPS64 * size


# --- vectorised samplers: derive_batch equals derive row by row (as in test_zhang2017_sphere.py) --------------




def test_polynomial_derive_batch_matches_derive():
    """Every vectorised sampler of this part equals its derive row by row (same keys, values to rounding)."""
    from claims.zhang2017 import polynomial

    domains = derive_batch_domains(polynomial.CLAIMS)
    assert len(domains) >= 3
    for _, domain in domains:
        assert_derive_batch_matches(domain, n=200)


def test_landscape_mutant_rebuild_matches_derive():
    """The batched rebuild of the mutant's configurations (a_factor ≠ 1) equals the point-by-point one."""
    from claims.zhang2017 import polynomial

    rng = np.random.default_rng(5)
    domain = polynomial._landscape_domain
    columns = {p.name: p.sample(rng, 60) for p in domain.params}
    derived = polynomial._landscape_batch(columns, 0.1)
    for i in range(60):
        row = {name: columns[name][i].item() if hasattr(columns[name][i], "item") else columns[name][i]
               for name in columns}
        expected = polynomial._derive_landscape({**row, "a_factor": 0.1})
        assert int(derived["N"][i]) == expected["N"]
        for key in ("b", "a0", "theta0"):
            np.testing.assert_allclose(np.asarray(derived[key][i], dtype=float), np.asarray(expected[key], dtype=float),
                                       rtol=1e-13, atol=1e-15)


def _landscape_premises_hold(point: dict) -> bool:
    """The premises the construction promises, in exact rationals from the point's floats: (i) and (ii) fail
    (|θ_0^T u| ≤ 1 − ε), (iii) fails (|a_0| ≥ ε), and the truncation condition 2 k_N c_N S (1 − ε)^N ≤ ε/2 holds
    at the point's own N for its own S = Σ|b_j| + Σ|a_j|."""
    from fractions import Fraction

    from reference.zhang2017.polynomial import recurrence_fractions

    d, n_deg, eps = point["d"], int(point["N"]), Fraction(point["eps"])
    theta0 = [Fraction(v) for v in point["theta0"]]
    for u in [*point["w"], *point["theta_others"]]:
        if abs(sum(t * Fraction(v) for t, v in zip(theta0, u, strict=True))) > 1 - eps + Fraction(1, 10**12):
            return False
    if abs(Fraction(point["a0"])) < eps * (1 - Fraction(1, 10**12)):
        return False
    total = sum(abs(Fraction(v)) for v in point["b"]) + sum(abs(Fraction(v)) for v in point["a_others"])
    k_n = n_deg * n_deg + (d - 2) * n_deg + 1
    return 2 * k_n * recurrence_fractions(d, n_deg)[n_deg] * total * (1 - eps) ** n_deg <= eps / 2


def test_landscape_construction_meets_its_premises():
    """Every configuration theorem-4.4's domain builds satisfies the proof's premises, including the truncation
    condition at the returned (N, S). A seed (d = 4, k = 1, ε = 0.2) once came back with N = 2 and a solved-for
    b_1 = −0.23, where N = 2 needs S ≤ 0.017: a harness-made VIOLATED at the default budget. Seed 37 is such a
    case with the counter-based streams (found by searching seeds 0, 1, … for the first whose first round gives
    N = 2 and fails the truncation condition once b_1 = −0.238 is solved for; 1629336910 was the case with the
    earlier per-row numpy generators)."""
    from claims.zhang2017 import polynomial

    known = {"d": 4, "k": 1, "eps": 0.2, "u": 0.0, "seed": 37}
    assert _landscape_premises_hold({**known, **polynomial._derive_landscape({**known, "a_factor": 1.0})})
    domain = polynomial._landscape_domain
    points = domain.sample(np.random.default_rng(11), 400)
    for i in range(len(points)):
        assert _landscape_premises_hold(points.point(i)), points.point(i)
