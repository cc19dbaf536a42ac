"""reference/ against independent known values, and the torch fast path against reference/.

Tolerances: reference vs closed forms at 30 digits are compared to 1e-25 (5 digits of reserve); torch
float64 vs reference to a relative 1e-12 (a few hundred roundings of eps = 2.2e-16 in the recursions and
quadrature sums), stated per test.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special

from checks.fast import hermite as fast_hermite
from claims.daniely2023.fast import _activations as fast_act
from reference import gaussian as G
from reference import hermite as H
from reference.daniely2023 import _activations as A


def ctx(dps=30):
    c = mpmath.MPContext()
    c.dps = dps
    return c


@given(st.integers(0, 40), st.floats(-20, 20))
@settings(max_examples=60, deadline=None)
def test_hermite_recursion_matches_scipy_and_exact_coefficients(n, x):
    c = ctx()
    rec = H.hermite(n, x, c)
    assert abs(rec - H.hermite_from_coefficients(n, x, c)) <= c.mpf(10) ** -20 * max(1, abs(rec)) * 10 ** (n / 4)
    want = special.eval_hermitenorm(n, x) / math.sqrt(math.factorial(n))
    assert math.isclose(float(rec), want, rel_tol=1e-9, abs_tol=1e-9)


@given(st.integers(0, 30), st.lists(st.floats(-8, 8), min_size=1, max_size=20))
@settings(max_examples=40, deadline=None)
def test_torch_hermite_agrees_with_reference(n, xs):
    got = fast_hermite.hermite_values(n, torch.tensor(xs, dtype=torch.float64))[n]
    c = ctx()
    for g, x in zip(got.tolist(), xs, strict=True):
        want = float(H.hermite(n, x, c))
        assert math.isclose(g, want, rel_tol=1e-12, abs_tol=1e-12 * 8.0**n / math.sqrt(math.factorial(n)))


def test_double_factorial_convention():
    assert [H.double_factorial(n) for n in (-1, 0, 1, 5, 6)] == [1, 1, 1, 15, 48]
    assert [H.gaussian_moment(n) for n in range(7)] == [1, 0, 1, 0, 3, 0, 15]


def test_gauss_hermite_rule_is_exact_for_moments():
    c = ctx(40)
    x, w = G.gauss_hermite(20, c)
    for k in range(0, 40, 2):
        quad = c.fsum(wi * xi**k for xi, wi in zip(x, w, strict=True))
        assert abs(quad - H.gaussian_moment(k)) < c.mpf(10) ** -28 * H.gaussian_moment(k)
    nx, _ = np.polynomial.hermite_e.hermegauss(20)
    assert np.allclose(sorted(float(v) for v in x), nx, atol=1e-12)


def test_relu_coefficients_match_closed_form():
    c = ctx(40)
    a = A.hermite_coefficients(A.get("relu"), 60, c)
    phi0 = 1 / c.sqrt(2 * c.pi)
    h0 = H.hermite_values(60, 0, c)
    exact = [phi0, c.mpf(1) / 2] + [phi0 * h0[k - 2] / c.sqrt(k * (k - 1)) for k in range(2, 61)]
    assert max(abs(x - y) for x, y in zip(a, exact, strict=True)) < c.mpf(10) ** -35


def test_table_slice_is_reproduced_by_quadrature():
    """The precomputed table (scripts/make_hermite_table.py) against a fresh computation."""
    c = ctx(30)
    for name in ("tanh", "relu_like_printed"):
        fresh = A.compute_hermite_coefficients(name, 12, 30)
        table = A.hermite_coefficients(A.get(name), 12, c)
        assert max(abs(c.mpf(f) - t) for f, t in zip(fresh, table, strict=True)) < c.mpf(10) ** -28


def test_sigmoid_printed_closed_form_coefficients():
    # σ' = e^{-x²/2}: a_k = E σ' h_{k-1}/√k, and E e^{-X²/2} h_m(X) = h_m-moment of N(0, 1/2) scaled by 1/√2
    c = ctx(30)
    a = A.hermite_coefficients(A.get("sigmoid_printed"), 9, c)
    for k in range(1, 10):
        inner = c.quad(lambda x, k=k: c.exp(-x * x) * H.hermite(k - 1, x, c), [-c.inf, 0, c.inf]) / c.sqrt(2 * c.pi)
        assert abs(a[k] - inner / c.sqrt(k)) < c.mpf(10) ** -25


def test_relu_dual_matches_arc_cosine_kernel():
    c = ctx(30)
    for rho in (-1, -0.4, 0, 0.3, 0.99, 1):
        rho = c.mpf(rho)
        theta = c.acos(rho)
        want = (c.sqrt(1 - rho**2) + (c.pi - theta) * rho) / (2 * c.pi)
        assert abs(A.dual(A.get("relu"), rho, c) - want) < c.mpf(10) ** -20


def test_named_activations_closed_forms():
    c = ctx(30)
    x = c.mpf("0.7")
    printed_erf = c.quad(lambda t: 2 / c.sqrt(c.pi) * c.exp(-t * t / 2), [0, x])
    assert abs(A.get("erf_printed").f(x, c) - printed_erf) < c.mpf(10) ** -25
    relu_like = c.quad(lambda t: A.get("erf_printed").f(t, c) + 1, [0, x])
    assert abs(A.get("relu_like_printed").f(x, c) - relu_like) < c.mpf(10) ** -25
    assert abs(A.get("sigmoid_printed").f(x, c) - c.quad(lambda t: c.exp(-t * t / 2), [0, x])) < c.mpf(10) ** -25
    assert abs(A.norm2_of(A.get("relu_sqrt2/normalised"), c) - 1) < c.mpf(10) ** -25


@pytest.mark.parametrize("name", fast_act.NAMES)
def test_torch_activations_and_coefficients_agree_with_reference(name):
    c = ctx(30)
    xs = torch.linspace(-6, 6, 25, dtype=torch.float64)
    got = fast_act.get(name).f(xs)
    for g, x in zip(got.tolist(), xs.tolist(), strict=True):
        assert math.isclose(g, float(A.get(name).f(c.mpf(x), c)), rel_tol=1e-13, abs_tol=1e-13)
    a_fast = fast_act.hermite_coefficients(fast_act.get(name), 20)
    a_ref = A.hermite_coefficients(A.get(name), 20, c)
    scale = float(c.sqrt(A.norm2_of(A.get(name), c)))
    assert max(abs(float(r) - f) for r, f in zip(a_ref, a_fast.tolist(), strict=True)) < 1e-12 * scale
    eps_fast = fast_act.epsilon_sigma(fast_act.get(name), 10)
    for n in (0, 3, 10):
        want = float(A.epsilon_sigma(A.get(name), n, c))
        assert math.isclose(eps_fast[n].item(), want, rel_tol=1e-7, abs_tol=1e-15 * scale**2)
