"""daniely2023 shadow-network claims: every mutant is flagged; the fast kernels agree with the reference; the
new reference mathematics (σ_n in monomials, Pr(A), E‖Φ^{i,n}‖², λ(n), exact expansions) agrees with
independent values (closed forms, scipy, numpy quadrature)."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from checks.engine.context import mp_context as _ctx
from checks.specs import Batch
from claims.daniely2023 import shadow
from claims.daniely2023.fast import _activations as fast_act
from claims.daniely2023.fast import _networks as fast_nets
from claims.daniely2023.fast import shadow as fsm
from reference.daniely2023 import shadow as rsm

CPU, F64 = torch.device("cpu"), torch.float64






# --- fast path vs reference ------------------------------------------------------------------------

@given(st.integers(0, 60))
@settings(max_examples=25, deadline=None)
def test_lambda_n_fast_agrees_with_reference(n):
    # log-gamma vs exact double factorial: relative 1e-12 (lgamma is accurate to ~1e-15 of log λ <= 150)
    assert math.isclose(fsm.lambda_n(n), float(rsm.lambda_n(n, _ctx())), rel_tol=1e-12)


@given(st.sampled_from(shadow.BASE_NAMES + shadow.NORMALISED_NAMES), st.integers(1, shadow.SHADOW_N_MAX),
       st.floats(-6, 6))
@settings(max_examples=25, deadline=None)
def test_shadow_forms_fast_agree_with_reference(name, n, x):
    claim = shadow.section_2_4_shadow_network
    point = {"activation": name, "n": n, "x": x}
    lf, rf, sf = claim.spec.fast(Batch([point]), claim.constants, device=CPU, dtype=F64)
    lr, rr, sr = claim.spec.reference(point, claim.constants, _ctx())
    # float64 quadratures of ~1400 nodes behind a_k and ε_σ(n): 1e-12 of the term scale, which is floored at 1
    # because a coefficient that vanishes by symmetry comes out of the quadrature as ~1e-17, not 0
    tol = 1e-12 * max(float(sr), 1.0)
    assert abs(float(lf) - float(lr)) <= tol
    if math.isfinite(float(rr)):
        assert abs(float(rf) - float(rr)) <= tol
    else:
        assert not math.isfinite(float(rf))


@given(st.sampled_from(shadow.BASE_NAMES + shadow.NORMALISED_NAMES), st.integers(1, shadow.SHADOW_N_MAX))
@settings(max_examples=15, deadline=None)
def test_unit_norm_fast_agrees_with_reference(name, n):
    claim = shadow.section_2_4_shadow_network_unit_norm
    mutant = {**claim.constants, "norm_power": 1}  # a non-trivial value, so the comparison is not 1 vs 1
    point = {"activation": name, "n": n}
    lf, _ = claim.spec.fast(Batch([point]), mutant, device=CPU, dtype=F64)
    lr, _ = claim.spec.reference(point, mutant, _ctx())
    assert math.isclose(float(lf), float(lr), rel_tol=1e-12)


@given(st.sampled_from(shadow._CHAIN_STEPS), st.floats(0.1, 10), st.floats(-12, math.log10(0.5)),
       st.integers(2, 7), st.integers(1, 12), st.floats(0, 1), st.sampled_from(("fraction", "product")))
@settings(max_examples=25, deadline=None)
def test_proof_chain_fast_agrees_with_reference(step, lip, log_eps, i, n, t, scope):
    point = {"step": step, "L": lip, "eps": 10**log_eps, "i": i, "n": n, "t": t}
    constants = shadow.lemma_2_13_chain.constants
    lf, rf = shadow._chain_fast(Batch([point]), constants, device=CPU, dtype=F64, scope=scope)
    lr, rr = shadow._chain_reference(point, constants, _ctx(), scope=scope)
    # a handful of float64 products, powers and square roots on each side
    assert math.isclose(float(lf), float(lr), rel_tol=1e-12)
    assert math.isclose(float(rf), float(rr), rel_tol=1e-12)


@given(st.sampled_from(shadow.EXACT_ACTIVATIONS + ("sigmoid_printed/normalised", "relu_like_printed")),
       st.integers(1, 8), st.floats(-3, 3))
@settings(max_examples=25, deadline=None)
def test_shadow_monomials_match_fast_shadow(name, n, x):
    """The reference's σ_n in monomials equals torch's σ_n in Hermite form (|x| <= 3, n <= 8: the monomial sum
    cancels at most a factor ~1e3, so 1e-11 relative to Σ|b_k x^k|)."""
    b = rsm.shadow_monomial_coefficients(name, n, _ctx())
    terms = [float(c) * x**k for k, c in enumerate(b)]
    sigma_n = fast_act.shadow(fast_act.get(name), n, device=CPU, dtype=F64)
    value = float(sigma_n(torch.tensor([x], dtype=F64))[0])
    assert abs(value - sum(terms)) <= 1e-11 * max(1.0, sum(abs(v) for v in terms))


@pytest.mark.parametrize("name,n,dims", [("relu/normalised", 2, (2, 3, 1)),
                                          ("tanh/normalised", 3, (2, 2, 3, 1)),
                                          ("abs/normalised", 2, (1, 3, 2, 1))])
def test_exact_expansion_matches_fast_forward(name, n, dims):
    """The sympy expansion of the shadow network equals claims.daniely2023.fast._networks.forward at random inputs."""
    weights = shadow._weights(dims, "xavier", seed=3)
    poly = rsm.shadow_network_polynomial(rsm.shadow_rational_coefficients(name, n), weights, dims[0])[0]
    ws = [torch.tensor([[float(v) for v in row] for row in w], dtype=F64)[None] for w in weights]
    act = fast_act.get(name)
    sigma_n = fast_act.shadow(act, n, device=CPU, dtype=F64)
    rng = np.random.default_rng(0)
    for _ in range(5):
        x = rng.uniform(-2, 2, dims[0])
        exact = float(poly(*[sp.Rational(Fraction(float(v))) for v in x]))
        out = fast_nets.forward(torch.tensor(x, dtype=F64), ws, act.f, shadow=sigma_n)
        got = float(out["Phi_n"][-1][0, 0])
        assert math.isclose(got, exact, rel_tol=1e-9, abs_tol=1e-12)


def test_second_moment_matches_monte_carlo():
    """E‖Φ^{3,n}‖² (exact, from Gaussian moments) vs the torch Monte Carlo of the shadow network (5 s.e.)."""
    g = torch.Generator().manual_seed(0)
    for name, n, dims in [("relu/normalised", 2, (2, 3, 3, 1)), ("abs/normalised", 2, (2, 2, 2, 1))]:
        act = fast_act.get(name)
        sigma_n = fast_act.shadow(act, n, device=CPU, dtype=F64)
        draws = 200_000
        weights = [fast_nets.xavier(draws, o, i, g, device=CPU, dtype=F64)
                   for i, o in zip(dims[:-1], dims[1:], strict=True)]
        x = fast_nets.sphere_point(dims[0], device=CPU, dtype=F64)
        phi_n = fast_nets.forward(x, weights, act.f, shadow=sigma_n)["Phi_n"][-1]
        sq = fast_nets.normalised_norm(phi_n) ** 2
        exact = float(rsm.shadow_output_second_moment(name, n, dims, _ctx()))
        assert abs(float(sq.mean()) - exact) <= 5 * float(sq.std()) / math.sqrt(draws), (name, exact)


def test_truncated_difference_without_and_with_truncation():
    g = torch.Generator().manual_seed(1)
    act = fast_act.get("tanh/normalised")
    sigma_n = fast_act.shadow(act, 3, device=CPU, dtype=F64)
    weights = [fast_nets.xavier(50, o, i, g, device=CPU, dtype=F64) for i, o in [(4, 16), (16, 8)]]
    x = fast_nets.sphere_point(4, device=CPU, dtype=F64)
    free = fsm.truncated_difference(x, weights, act.f, sigma_n, delta=math.inf)
    psi, psi_n = x.expand(50, -1), x.expand(50, -1)
    for w in weights:  # σ and σ_n at every layer, no truncation
        psi = act.f(torch.einsum("bij,bj->bi", w, psi))
        psi_n = sigma_n(torch.einsum("bij,bj->bi", w, psi_n))
    # same operations in the same order, so only the final norm's rounding differs: ~eps·(a few) relative
    assert torch.allclose(free, fast_nets.normalised_norm(psi - psi_n), rtol=1e-14, atol=0)
    assert bool((fsm.truncated_difference(x, weights, act.f, sigma_n, delta=0.0) == 0).all())


def test_shadow_network_reproduces_a_polynomial_activation():
    """For σ = h_2 (a polynomial of degree 2, ‖σ‖ = 1) the shadow with n >= 2 is the network itself."""
    act = fast_act.TorchActivation("h2", lambda z: (z * z - 1) / math.sqrt(2), None, 0.0)
    sigma_n = fast_act.shadow(act, 4, device=CPU, dtype=F64)
    g = torch.Generator().manual_seed(2)
    weights = [fast_nets.xavier(5, o, i, g, device=CPU, dtype=F64) for i, o in [(3, 6), (6, 4), (4, 2)]]
    x = fast_nets.sphere_point(3, device=CPU, dtype=F64)
    out = fast_nets.forward(x, weights, act.f, shadow=sigma_n)
    # σ_n's coefficients come from a ~1400-node float64 quadrature (accurate to ~1e-15 each) and pass through
    # three layers of O(1) weights: 1e-12 leaves three orders of headroom over that error, not over a bug
    assert torch.allclose(out["Phi_n"][-1], out["Phi"][-1], rtol=1e-12, atol=1e-12)
    assert torch.equal(out["Psi_n"][-1], out["Phi_n"][-1])  # as printed: Ψ^{i,n} = W^i Ψ^{i−1,n} = Φ^{i,n}


def test_learner_recovers_a_polynomial_and_degree_rule():
    g = torch.Generator().manual_seed(3)
    x = fsm.sphere_samples(600, 4, g, "anisotropic", device=CPU, dtype=F64)
    # points are rescaled to normalised norm 1: one division and a 4-term mean, a few eps of error
    assert torch.allclose(fast_nets.normalised_norm(x), torch.ones(600, dtype=F64), atol=1e-14)
    target = x[:, 0] * x[:, 1] ** 2 - 0.5 * x[:, 2] + 0.25
    h = fsm.fit_polynomial(x, target, 3)
    z = fsm.sphere_samples(100, 4, g, "uniform", device=CPU, dtype=F64)
    assert torch.allclose(h(z), z[:, 0] * z[:, 1] ** 2 - 0.5 * z[:, 2] + 0.25, atol=1e-6)
    assert fsm.monomial_features(x, 3).shape == (600, math.comb(7, 3))
    assert [fsm.degree_for_samples(m, 6, 8, 4) for m in shadow.COR_SAMPLE_SIZES] == [1, 2, 4]


# --- reference vs independent values -------------------------------------------------------------

def test_lambda_n_closed_forms():
    ctx = _ctx(40)
    assert rsm.lambda_n(1, ctx) == 8 * ctx.mpf(27) ** ctx.mpf(0.25)  # 2^3 (9·3!!)^{1/4}
    assert abs(rsm.lambda_n(2, ctx) - 32 * ctx.mpf(945) ** ctx.mpf(0.25)) < ctx.mpf(10) ** -35  # 9·7!! = 945


@pytest.mark.parametrize("dims,t", [((2, 1, 1), 1.5), ((2, 3, 1), 2.0), ((3, 4, 4, 2), 1.0),
                                    ((1, 2, 1), 3.0)])
def test_prob_large_entry_matches_scipy(dims, t):
    keep_one, keep_two = 1.0, 1.0
    for d_in, d_out in zip(dims[:-1], dims[1:], strict=True):
        p = stats.norm.sf(t * math.sqrt(d_in))  # N(0, 1/d_in) > t
        keep_one *= (1 - p) ** (d_in * d_out)
        keep_two *= (1 - 2 * p) ** (d_in * d_out)
    ctx = _ctx()
    assert math.isclose(float(rsm.prob_large_entry(dims, t, ctx)), 1 - keep_one, rel_tol=1e-10)
    two_sided = float(rsm.prob_large_entry(dims, t, ctx, two_sided=True))
    assert math.isclose(two_sided, 1 - keep_two, rel_tol=1e-10)


def test_shadow_monomials_closed_forms():
    ctx = _ctx(40)
    # tanh is odd: a_0 = 0, so σ_1(x) = x exactly
    assert rsm.shadow_rational_coefficients("tanh/normalised", 1) == (Fraction(0), Fraction(1))
    # |x| (‖|x|‖ = 1): a_0 = √(2/π), a_1 = 0, a_2 = 1/√π, so σ_2 = (a_0 + a_2 (x² − 1)/√2)/√(a_0² + a_2²)
    a0, a2 = ctx.sqrt(2 / ctx.pi), 1 / ctx.sqrt(ctx.pi)
    norm = ctx.sqrt(a0**2 + a2**2)
    want = [(a0 - a2 / ctx.sqrt(2)) / norm, 0, a2 / ctx.sqrt(2) / norm]
    got = rsm.shadow_monomial_coefficients("abs/normalised", 2, ctx)
    assert all(abs(g - w) < ctx.mpf(10) ** -30 for g, w in zip(got, want, strict=True))


def test_second_moment_closed_forms_and_numpy_quadrature():
    ctx = _ctx()
    assert abs(rsm.shadow_output_second_moment("relu/normalised", 3, (4, 7, 1), ctx) - 1) < 1e-25  # ‖σ_n‖ = 1
    # tanh's σ_1(x) = x: every layer preserves E‖·‖²
    assert abs(rsm.shadow_output_second_moment("tanh/normalised", 1, (4, 5, 5, 1), ctx) - 1) < 1e-25
    # d_1 = 1: E‖Φ^{3,n}‖² = E_Z σ_n(√(σ_n(Z)²) Z')², a 2-D Gaussian integral; numpy Gauss–Hermite (exact)
    b = [float(v) for v in rsm.shadow_monomial_coefficients("relu/normalised", 2, ctx)]
    z, w = np.polynomial.hermite_e.hermegauss(30)
    w = w / w.sum()
    sig = np.polynomial.polynomial.polyval(z, b)
    inner = np.polynomial.polynomial.polyval(np.abs(sig)[:, None] * z[None, :], b) ** 2 @ w
    assert math.isclose(float(rsm.shadow_output_second_moment("relu/normalised", 2, (2, 1, 1, 1), ctx)),
                        float(inner @ w), rel_tol=1e-12)


def test_scaled_square_bound():
    """Σ_m |g_m| s^{2m} bounds E σ_n(sZ)² on [0, s_max]: exact for σ_1(x) = x, above a numpy quadrature."""
    ctx = _ctx()
    assert abs(rsm.shadow_scaled_square_bound("tanh/normalised", 1, 1.5, ctx) - ctx.mpf(2.25)) < 1e-25
    b = [float(v) for v in rsm.shadow_monomial_coefficients("relu/normalised", 3, ctx)]
    z, w = np.polynomial.hermite_e.hermegauss(20)
    w = w / w.sum()
    bound = float(rsm.shadow_scaled_square_bound("relu/normalised", 3, 1.2, ctx))
    for scale in np.linspace(0, 1.2, 13):
        assert float(np.polynomial.polynomial.polyval(scale * z, b) ** 2 @ w) <= bound * (1 + 1e-12)


def test_lemma_2_5_counterexample_is_exact():
    """The n = 1 erratum's numbers: tanh's σ_1(x) = x, d = (1, 3, 3, 3, 1), entries d̄ = 11."""
    degree, abs_sum, signed = shadow._expansion("tanh/normalised", 1, (1, 3, 3, 3, 1), "plus-dbar", 11)
    assert (degree, abs_sum, signed) == (1, 27 * 11**4, 27 * 11**4)
    assert abs_sum > (2 * 11) ** 4
