"""Tests for claims/daniely2023/networks.py and its kernels (reference/daniely2023/networks.py,
claims/daniely2023/fast/networks.py).

(a) every claim's mutants are flagged VIOLATED at the smoke budget; (b) the torch kernels agree with the
mpmath reference on hypothesis-drawn inputs; (c) the new reference mathematics agrees with independent
computations (closed forms, adaptive quadrature, scipy, Monte Carlo).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from checks.engine.context import mp_context as _ctx
from claims.daniely2023 import networks
from claims.daniely2023.fast import _activations as fast_acts
from claims.daniely2023.fast import networks as fast_math
from reference.daniely2023 import _activations as ref_acts
from reference.daniely2023 import networks as ref_math
from reference.gaussian import gauss_hermite

NORMALISED = tuple(f"{b}/normalised" for b in ref_acts.BASE_ACTIVATIONS) + ("relu_sqrt2",)



def test_ids_unique_and_ordered():
    ids = [c.id for c in networks.CLAIMS]
    assert len(ids) == len(set(ids))
    assert all(c.id.startswith("daniely2023/") for c in networks.CLAIMS)


# --- (b) fast path vs reference -------------------------------------------------------------------------

@settings(max_examples=25, deadline=None)
@given(name=st.sampled_from(NORMALISED), n=st.integers(0, 14), depth=st.integers(1, 4))
def test_wide_limit_error_fast_matches_reference(name, n, depth):
    ref = ref_math.wide_limit_error(name, n, depth, _ctx())
    fast = fast_math.wide_limit_error(fast_acts.get(name), n, depth)
    # both square to 2 − 2ρ; the torch a_k come from float64 quadrature (absolute error ~1e-16 each), so
    # 2 − 2ρ is accurate to ~n·1e-16 in absolute terms; 1e-13 is ~70x the worst case observed (1.4e-15)
    assert abs(float(fast) ** 2 - float(ref) ** 2) <= 1e-13


@settings(max_examples=16, deadline=None)
@given(name=st.sampled_from(networks.MOMENT_ACTIVATIONS), layer=st.sampled_from((1, 2)))
def test_second_moment_fast_matches_reference(name, layer):
    ref = float(ref_math.second_moment_narrow(name, layer, _ctx()))
    fast = float(fast_math.second_moment_narrow(name, layer))
    # nested composite Gauss–Legendre in float64 vs the 30-digit reference: a few ulp (16·terms·eps with the
    # claim's terms = 4)
    assert abs(fast - ref) <= 16 * 4 * 2.3e-16 * abs(ref)


def test_second_moment_fast_float32_close():
    ref = float(ref_math.second_moment_narrow(networks.ERF, 2, _ctx()))
    fast = float(fast_math.second_moment_narrow(networks.ERF, 2, dtype=torch.float32))
    assert abs(fast - ref) <= 16 * 4 * 1.2e-7 * ref


# --- (c) reference vs independent values ---------------------------------------------------------------

@pytest.mark.parametrize("name", ["erf_printed", "sigmoid_printed", "erf_library", "erf_printed/normalised",
                                  "erf_library/normalised"])
def test_erf_family_matches_registry(name):
    ctx = _ctx()
    c, a = ref_math.erf_family_parameters(name, ctx)
    act = ref_acts.get(name)
    for x in ("-2.3", "-0.4", "0.7", "3.1"):
        x = ctx.mpf(x)
        assert abs(c * ctx.erf(a * x) - act.f(x, ctx)) < ctx.mpf(10) ** -25


@pytest.mark.parametrize("q", ["0.3", "1", "2.7"])
def test_erf_closed_form_g_matches_quadrature(q):
    """G(q) = c²(2/π) asin(2a²q/(1 + 2a²q)) vs adaptive mpmath quadrature of σ(√q Z)² (Williams' formula)."""
    ctx = _ctx()
    c, a = ref_math.erf_family_parameters("erf_library/normalised", ctx)
    q = ctx.mpf(q)
    t = 2 * a * a * q
    closed = c * c * 2 / ctx.pi * ctx.asin(t / (1 + t))
    quad = ctx.quad(lambda z: (c * ctx.erf(a * ctx.sqrt(q) * z)) ** 2 * ctx.exp(-z * z / 2),
                    [-ctx.inf, 0, ctx.inf])
    assert abs(closed - quad / ctx.sqrt(2 * ctx.pi)) < ctx.mpf(10) ** -25


def test_second_moment_layer2_matches_adaptive_quadrature():
    """The composite rule vs mpmath's adaptive tanh-sinh quadrature (an independent rule), at 30 digits."""
    ctx = _ctx()
    c, a = ref_math.erf_family_parameters(networks.ERF, ctx)

    def g_of(s2):
        t = 2 * a * a * s2
        return c * c * 2 / ctx.pi * ctx.asin(t / (1 + t))

    adaptive = ctx.quad(lambda x: g_of((c * ctx.erf(a * x)) ** 2) * ctx.exp(-x * x / 2),
                        [-ctx.inf, -3, -1, 0, 1, 3, ctx.inf]) / ctx.sqrt(2 * ctx.pi)
    assert abs(ref_math.second_moment_narrow(networks.ERF, 2, ctx) - adaptive) < ctx.mpf(10) ** -25


def test_second_moment_homogeneous_is_one():
    ctx = _ctx(40)
    for name in ("relu_sqrt2", "abs/normalised", "relu/normalised"):
        for layer in (1, 2):
            assert abs(ref_math.second_moment_narrow(name, layer, ctx) - 1) < ctx.mpf(10) ** -35


def test_second_moment_monte_carlo_tanh_layer2_width1():
    """The torch quadrature value for normalised tanh (quoted in the erratum) vs plain Monte Carlo."""
    g = torch.Generator().manual_seed(1)
    act = fast_acts.get(networks.TANH)
    z1 = torch.randn(400_000, generator=g, dtype=torch.float64)
    z2 = torch.randn(400_000, generator=g, dtype=torch.float64)
    draws = act.f(act.f(z1).abs() * z2) ** 2
    mean, se = float(draws.mean()), float(draws.std()) / math.sqrt(draws.numel())
    assert abs(mean - float(fast_math.second_moment_narrow(networks.TANH, 2))) < 5 * se


def test_rms_shadow_error_matches_quadrature():
    ctx = _ctx()
    for name, n in (("tanh/normalised", 3), ("relu_sqrt2", 2)):
        act = ref_acts.get(name)
        sigma_n = ref_acts.shadow(act, n, ctx)
        direct = ctx.quad(lambda x, f=act.f, s=sigma_n: (f(x, ctx) - s(x)) ** 2 * ctx.exp(-x * x / 2),
                          [-ctx.inf, -4, 0, 4, ctx.inf]) / ctx.sqrt(2 * ctx.pi)
        assert abs(ref_math.rms_shadow_error(name, n, ctx) ** 2 - direct) < ctx.mpf(10) ** -15
        # and the closed form of Lemma 2.7's proof for normalised σ: 2(1 − √(1 − ε))
        eps = ref_math.epsilon(name, n, ctx)
        lemma_2_7 = 2 * (1 - ctx.sqrt(1 - eps))
        assert abs(ref_math.rms_shadow_error(name, n, ctx) ** 2 - lemma_2_7) < ctx.mpf(10) ** -20


def test_wide_limit_depth2_closed_form():
    ctx = _ctx()
    for name, n in (("relu_sqrt2", 4), ("tanh/normalised", 5)):
        eps = ref_math.epsilon(name, n, ctx)
        closed = 2 * (1 - ctx.sqrt(1 - eps))
        assert abs(ref_math.wide_limit_error(name, n, 2, ctx) ** 2 - closed) < ctx.mpf(10) ** -20
        assert ref_math.wide_limit_error(name, n, 1, ctx) == 0


def test_wide_limit_matches_wide_monte_carlo():
    """At width 512 the depth-3 Monte-Carlo error sits within 5 % of the infinite-width value (finite-width
    bias)."""
    point = {"activation": "relu_sqrt2", "n": 2, "depth": 3, "width": 512, "d_last": "= width"}
    draws = networks._shadow_error_sample(point, {}, 24, torch.Generator().manual_seed(3), device="cpu",
                                          dtype=torch.float64)
    limit = float(ref_math.wide_limit_error("relu_sqrt2", 2, 3, _ctx()))
    assert abs(float(draws.mean()) / limit - 1) < 0.05


def test_truncation_bound_matches_scipy():
    ctx = _ctx()
    dims = (2, 1, 3)
    dbar = sum(dims)
    want = sum(dims[j] * dims[j - 1] * stats.norm.sf(dbar * math.sqrt(dims[j - 1]))
               for j in range(1, len(dims)))
    assert abs(float(ref_math.truncation_probability_bound(dims, ctx)) - want) < 1e-12 * want


def test_mean_normalised_gaussian_norm_matches_scipy():
    ctx = _ctx()
    k = networks.D_OUT
    want = stats.chi(k).mean() / math.sqrt(k)
    assert abs(float(networks._mean_normalised_gaussian_norm(k, ctx)) - want) < 1e-14


@pytest.mark.parametrize("name,n", [("relu_sqrt2", 2), ("abs/normalised", 2), ("tanh/normalised", 3)])
def test_shadow_moment_exact_depth2_width1_matches_gauss_hermite(name, n):
    """Width 1: E σ_n(Z' σ_n(Z))² as a nested Gauss–Hermite sum, exact for these polynomial integrands."""
    ctx = _ctx()
    sigma_n = ref_acts.shadow(ref_acts.get(name), n, ctx)
    z, w = gauss_hermite(2 * n * n + 2, ctx)
    nested = ctx.fsum(wa * wb * sigma_n(sigma_n(za) * zb) ** 2 for za, wa in zip(z, w, strict=True)
                      for zb, wb in zip(z, w, strict=True))
    assert abs(ref_math.shadow_moment_exact(name, n, (1, 1), ctx) - nested) < ctx.mpf(10) ** -20 * nested


def test_shadow_moment_exact_depth1_is_one_and_bound_dominates():
    ctx = _ctx()
    for name, n in (("relu_sqrt2", 2), ("tanh/normalised", 3), ("relu_like_printed/normalised", 2)):
        for width in (1, 3, 50):
            assert abs(ref_math.shadow_moment_exact(name, n, (width,), ctx) - 1) < ctx.mpf(10) ** -25
        for width in (1, 2, 7):
            exact = ref_math.shadow_moment_exact(name, n, (width, width), ctx)
            assert exact <= ref_math.shadow_moment_bound(name, n, 2, ctx) * (1 + ctx.mpf(10) ** -25)


def test_shadow_moment_exact_matches_monte_carlo():
    point = {"activation": "relu_sqrt2", "n": 2, "depth": 2, "width": 3, "network": "shadow"}
    draws = networks._claim1_sample(point, {}, 200_000, torch.Generator().manual_seed(5), device="cpu",
                                    dtype=torch.float64)
    exact = float(ref_math.shadow_moment_exact("relu_sqrt2", 2, (3, 3), _ctx()))
    assert abs(float(draws.mean()) - exact) < 5 * float(draws.std()) / math.sqrt(draws.numel())


def test_shadow_monomials_match_hermite_expansion():
    ctx = _ctx()
    b = ref_math.shadow_monomial_coefficients("tanh/normalised", 5, ctx)
    sigma_n = ref_acts.shadow(ref_acts.get("tanh/normalised"), 5, ctx)
    for x in ("-1.3", "0.2", "2.9"):
        x = ctx.mpf(x)
        assert abs(ctx.polyval(b[::-1], x) - sigma_n(x)) < ctx.mpf(10) ** -25


def test_sine_coefficients_match_quadrature():
    ctx = _ctx()
    omega = 3
    norm = ctx.sqrt(ref_math.sine_norm2(omega, ctx))
    for k in (1, 2, 5, 8):
        direct = ctx.quad(lambda x, k=k: ctx.sin(omega * x) / norm * special_h(k, x, ctx)
                          * ctx.exp(-x * x / 2),
                          ctx.linspace(-12, 12, 25)) / ctx.sqrt(2 * ctx.pi)
        assert abs(ref_math.sine_hermite_coefficient(omega, k, ctx) - direct) < ctx.mpf(10) ** -20
    # tails: ε(n) = 1 − Σ_{k≤n} a_k² (‖σ‖ = 1), computed by the forward sum, vs the backward tail
    tails = ref_math.sine_epsilons(omega, 20, ctx)
    for n in (0, 3, 20):
        head = ctx.fsum(ref_math.sine_hermite_coefficient(omega, k, ctx) ** 2 for k in range(n + 1))
        assert abs(tails[n] - (1 - head)) < ctx.mpf(10) ** -25
        assert abs(ref_math.sine_epsilon(omega, n, ctx) - tails[n]) < ctx.mpf(10) ** -25


def special_h(k: int, x, ctx):
    """h_k = He_k/√(k!) through scipy's integer coefficients of He_k (independent of the recursion (1))."""
    coeffs = np.polynomial.hermite_e.herme2poly([0] * k + [1])
    return ctx.fsum(int(round(c)) * x**i for i, c in enumerate(coeffs)) / ctx.sqrt(ctx.factorial(k))


def test_sine_counterexample_numbers():
    """The erratum's numbers: sin(5x)/‖·‖, n = 25, i = 1."""
    ctx = _ctx(40)
    eps = ref_math.sine_epsilon(5, 25, ctx)
    lip = ref_math.sine_lipschitz(5, ctx)
    assert eps <= 0.5
    lhs, rhs = 14 * (lip + 1) ** 2 * eps, 14 * (lip + 1) ** 3 / 25
    assert abs(float(eps) - 0.40772) < 1e-5
    assert abs(float(lhs) - 371.8) < 0.1 and abs(float(rhs) - 294.4) < 0.1


def test_lemma215_route():
    assert not networks._lemma215_route(2, 3, 1)[0]  # depth 1 needs L ≤ golden ratio
    assert all(networks._lemma215_route(2, 3, i)[0] for i in range(2, 7))
    assert not networks._lemma215_route(2, 2, 3)[0]  # (L + 1)² on the right is not enough
    u = sp.Symbol("u")
    assert networks._nonnegative_on_positive_axis(sp.Poly((u - 1) ** 2, u))  # touches 0 without crossing
    assert not networks._nonnegative_on_positive_axis(sp.Poly(1 - u, u))


def test_lipschitz_of_normalised_matches_registry():
    ctx = _ctx()
    for name in ("tanh/normalised", "relu_like_printed/normalised"):
        assert abs(ref_math.lipschitz(name, ctx) - ref_acts.get(name).lipschitz(ctx)) < ctx.mpf(10) ** -25


def test_rate_grid_decreasing_and_degrees_round_trip():
    assert all(a > b for a, b in zip(networks.RATE_GRID, networks.RATE_GRID[1:], strict=False))
    for eps, n in zip(networks.RATE_GRID, networks.RATE_NS, strict=True):
        assert networks._rate_degree(float(np.float32(eps))) == n


def test_truncation_never_fires_at_checked_sizes():
    """Theorem 1.1's p_W⃗ = Φ̃^{i,n}: the truncation event is negligible at the smallest checked network."""
    ctx = _ctx()
    assert ref_math.truncation_probability_bound([16, 16, 16], ctx) < ctx.mpf(10) ** -100


def test_even_moments_closed_forms():
    """E σ(Z)^{2s}: 2^{s−1}(2s − 1)!! for √2·ReLU and (2s − 1)!! for |x| (‖|x|‖ = 1), composite rule."""
    ctx = _ctx()
    relu = ref_math.activation_even_moments("relu_sqrt2", 6, ctx)
    absolute = ref_math.activation_even_moments("abs/normalised", 6, ctx)
    for s in range(1, 7):
        dfact = math.prod(range(2 * s - 1, 0, -2))
        assert abs(relu[s] - ctx.mpf(2) ** (s - 1) * dfact) < ctx.mpf(10) ** -22 * dfact * 2**s
        assert abs(absolute[s] - dfact) < ctx.mpf(10) ** -22 * dfact


def test_homogeneous_and_first_layer_moments_agree():
    """Two constructions of E‖Ψ^1‖^{2r}: homogeneous closed-form moments vs quadrature moments of σ(Z)²."""
    ctx = _ctx()
    for width in (1, 3, 17):
        a = ref_math.homogeneous_norm_moments("relu_sqrt2", (width,), 6, ctx)[0]
        b = ref_math.first_layer_norm_moments("relu_sqrt2", width, 6, ctx)
        assert all(abs(u - v) < ctx.mpf(10) ** -20 * max(1, abs(u)) for u, v in zip(a, b, strict=True))


def test_homogeneous_moments_match_monte_carlo():
    """E‖Ψ²‖⁴ for the normalised ReLU at widths (3, 3): exact product formula vs Monte Carlo."""
    point = {"activation": "relu_sqrt2", "n": 2, "depth": 2, "width": 3, "network": "true"}
    draws = networks._claim1_sample(point, {}, 200_000, torch.Generator().manual_seed(7), device="cpu",
                                    dtype=torch.float64) ** 2
    exact = float(ref_math.homogeneous_norm_moments("relu_sqrt2", (3, 3), 2, _ctx())[-1][2])
    assert abs(float(draws.mean()) - exact) < 5 * float(draws.std()) / math.sqrt(draws.numel())


def test_truncation_sum_bound_dominates_monte_carlo():
    """The certified Lemma-2.14 bound is an upper bound: compare with a Monte-Carlo estimate where B fires."""
    ctx = _ctx()
    for name, n in (("relu_sqrt2", 2), ("erf_printed/normalised", 5)):
        point = {"activation": name, "n": n, "depth": 2, "delta": 0.3, "width": 64}
        draws = networks._lemma214_sample(point, {"event_relation": ">"}, 4000,
                                          torch.Generator().manual_seed(9), device="cpu", dtype=torch.float64)
        upper = float(ref_math.truncation_sum_upper(name, n, 2, 64, networks.D_OUT, 0.3, ctx))
        assert float(draws.mean()) + 5 * float(draws.std()) / math.sqrt(draws.numel()) <= upper


def test_deviation_bound_is_markov():
    """For T = mean of d i.i.d. σ(Z)² the bound is ≥ the Monte-Carlo frequency of |1 − √T| > δ."""
    ctx = _ctx()
    width, delta = 16, 0.3
    bound = float(ref_math.deviation_probability_bound(
        ref_math.first_layer_norm_moments("relu_sqrt2", width, 8, ctx), delta, ctx))
    z = torch.randn(200_000, width, generator=torch.Generator().manual_seed(11), dtype=torch.float64)
    t = (2 * torch.relu(z) ** 2).mean(1)
    freq = float(((1 - t.sqrt()).abs() > delta).double().mean())
    assert freq <= bound
