"""zhang2017, Sec. 3.2.2–3.3 (claims/zhang2017/sphere.py): fast path (torch) against the reference (mpmath /
sympy) on hypothesis-drawn inputs, closed-form gradients against autograd, and known values.

Tolerances: float64 results compared with a relative tolerance of 64·eps·(number of summed terms) unless
stated; mpmath numerical differentiation at 30 digits is accurate to ~1e-20, far below float64 rounding.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from checks.engine.context import mp_context
from checks.testing import assert_derive_batch_matches, derive_batch_domains
from claims.zhang2017.fast import _common as fcommon
from claims.zhang2017.fast import sphere as fsphere
from reference.zhang2017 import _common as rcommon
from reference.zhang2017 import sphere as rsphere

EPS = torch.finfo(torch.float64).eps
F64 = torch.float64


def _tol(terms: int) -> float:
    """64·eps per summed term: each term is a product of a few rounded factors."""
    return 64 * EPS * terms


def _unit(rng: np.random.Generator, n: int, d: int) -> torch.Tensor:
    x = rng.standard_normal((n, d))
    return torch.tensor(x / np.linalg.norm(x, axis=1, keepdims=True), dtype=F64)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), k=st.integers(1, 4), m=st.integers(1, 4), d=st.integers(2, 5),
       name=st.sampled_from(["sign", "bessel", "distance"]))
def test_closed_form_gradients_match_autograd(seed, k, m, d, name):
    """The dynamics' closed-form ∂L/∂a, ∂L/∂θ of (5) equal autograd of the shared printed potentials
    (the self-pair Φ(θ_i, θ_i) is excluded: it is constant in θ_i, and arccos' is infinite there)."""
    rng = np.random.default_rng(seed)
    theta = _unit(rng, k, d) if name == "sign" else torch.tensor(rng.uniform(-2, 2, (k, d)), dtype=F64)
    w = _unit(rng, m, d) if name == "sign" else torch.tensor(rng.uniform(-2, 2, (m, d)), dtype=F64)
    a = torch.tensor(rng.standard_normal(k), dtype=F64)
    b = torch.tensor(rng.standard_normal(m), dtype=F64)
    pot = {"sign": fsphere.SIGN, "bessel": fsphere.BESSEL, "distance": fsphere.DISTANCE}[name]
    shared = fcommon.potential(name) if name != "distance" else (lambda x, y: (x - y).norm(dim=-1))
    x = theta.clone().requires_grad_(True)
    aa = a.clone().requires_grad_(True)
    loss = fcommon.loss6(aa, x, b, w, shared) + (aa * aa).sum() * float(pot.value(theta[0], theta[0]))
    loss.backward()
    ga, gt = fsphere.compact_gradients(a, theta, b, w, pot, 1 - torch.eye(k, k + m, dtype=F64))
    scale = float((a.abs().sum() + b.abs().sum()) ** 2) * 10  # |∇Φ| ≤ 1, sign: ≤ 1/√(1−t²), t ≤ 1 − 1e-3 here
    ok_pairs = torch.cdist(theta, torch.cat([theta, w, -w])).masked_fill(torch.eye(k, 2 * m + k, dtype=torch.bool),
                                                                         1.0).min()
    if name == "sign" and float(ok_pairs) < 1e-2:
        return  # too close to a kink for a fixed tolerance: gradients of arccos blow up there
    assert torch.allclose(ga, aa.grad, rtol=0, atol=_tol(k + m) * scale)
    assert torch.allclose(gt, x.grad, rtol=0, atol=1e4 * _tol(k + m) * scale)  # arccos' near the kinks


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), k=st.integers(1, 4), m=st.integers(1, 3), d=st.integers(1, 3))
def test_lemma38_laplacian_fast_matches_reference(seed, k, m, d):
    """Δ_{θ_1} of (5) for e^{−‖θ−w‖_1}: torch autograd vs mpmath second differences (off the kinks)."""
    from claims.zhang2017.sphere import _grid_config

    p = _grid_config({"seed": seed, "k": k, "m": m, "d": d})
    ctx = mp_context(30)
    pot_ref = rcommon.potential(ctx, "bessel")
    a_ref = [ctx.mpf(x) for x in p["a"]]
    a_ref[0] = rsphere.optimal_output_weight(ctx, 0, a_ref, p["theta"], p["b"], p["w"], pot_ref)
    ref = rsphere.laplacian_of_loss5(ctx, 0, a_ref, p["theta"], p["b"], p["w"], pot_ref)
    pot = fcommon.potential("bessel")
    a, theta, b, w = (torch.tensor(p[n], dtype=F64) for n in ("a", "theta", "b", "w"))
    a[0] = fsphere.optimal_output_weight(0, a, theta, b, w, pot)
    fast = fsphere.laplacian_of_loss5(0, a, theta, b, w, pot)
    scale = 2 * d * float(a.abs().sum() + b.abs().sum()) ** 2
    assert abs(float(fast) - float(ref)) <= _tol(k * k + k * m) * scale
    # the lemma's identity itself, in both arithmetics: Δ = −2·d·a_1² (λ = d, c = 1)
    assert abs(float(ref) + 2 * d * float(a_ref[0]) ** 2) <= 1e-15 * scale


@pytest.mark.parametrize("name", ["hermite3", "exponential", "relu", "sign"])
@pytest.mark.parametrize("d", [2, 3, 5])
def test_sphere_laplacian_batch_matches_zonal_reference(name, d):
    """Batched Laplace–Beltrami (torch autograd) against the zonal formula with mpmath derivatives."""
    from claims.zhang2017.sphere import _split_name, _zonal_point

    base, params = _split_name(name)
    ctx = mp_context(30)
    for t in (-0.7, 0.1, 0.8):
        p = _zonal_point({"seed": 7, "d": d, "t": t})
        theta = torch.tensor([p["theta"]], dtype=F64)
        w = torch.tensor([p["w"]], dtype=F64)
        fast = float(fsphere.sphere_laplacian_batch(lambda x, w=w: fcommon.phi(base, x, w, **params), theta)[0])

        def profile(s):
            return rcommon.phi(ctx, base, [s, ctx.sqrt(1 - s * s)], [1, 0], **params)
        tt = mpmath.mpf(float((theta * w).sum()))
        ref = float(rsphere.zonal_laplacian_value(ctx, profile, tt, d))
        assert abs(fast - ref) <= _tol(4 * d * d) * (1 + abs(ref)) / (1 - t * t) ** 1.5


def test_zonal_laplacian_known_values():
    """Δ t = −(d−1) t (degree-1 spherical harmonic) and the sympy proof for symbolic d."""
    residual, _ = rsphere.zonal_laplacian_symbolic(0)
    assert residual == 0
    assert rsphere.zonal_laplacian_symbolic(1)[0] != 0
    rng = np.random.default_rng(0)
    theta, w = _unit(rng, 8, 4), _unit(rng, 8, 4)
    lap = fsphere.sphere_laplacian_batch(lambda x: (x * w).sum(-1), theta)
    assert torch.allclose(lap, -3 * (theta * w).sum(-1), atol=_tol(16))


@settings(max_examples=20, deadline=None)
@given(rho=st.floats(-0.99, 0.99))
def test_sign_potential_slope_price_vs_printed(rho):
    """Price's theorem dΦ/dρ = 2/(π√(1−ρ²)) (mpmath) against autograd of the printed 1 − 2 arccos(ρ)/π."""
    ctx = mp_context(30)
    r = torch.tensor(rho, dtype=F64, requires_grad=True)
    (g,) = torch.autograd.grad(1 - (2 / math.pi) * torch.arccos(r), r)
    ref = float(rsphere.sign_potential_slope(ctx, rho))
    assert abs(float(g) - ref) <= _tol(4) * ref / (1 - rho * rho)


def test_theorem310_counterexample_hessian():
    """(a, θ) = (−1, e_1), b = (1, 2), l = 3: joint Riemannian Hessian eigenvalues {2, 6} (torch and sympy)."""
    eigs = fsphere.poly_joint_hessian(-1.0, torch.tensor([1.0, 0.0], dtype=F64), torch.tensor([1.0, 2.0], dtype=F64), 3)
    assert torch.allclose(eigs, torch.tensor([2.0, 6.0], dtype=F64), atol=_tol(4))
    h, value, a_star, grad = rsphere.joint_hessian_at_coordinate_point((1, 2), 3, 0, 1)
    assert sorted(h.eigenvals()) == [2, 6] and value == -1 and a_star == -1 and all(g == 0 for g in grad)


@pytest.mark.parametrize("l", [3, 4, 7])
def test_curvature_known_value(l):
    """v^T Hess v = −2(l−2)la² at θ = (1, 1)/√2, a = −1 (b_i = μ/θ_i^{l−2}, μ = −a = 1)."""
    theta = torch.tensor([1.0, 1.0], dtype=F64) / math.sqrt(2)
    b = 1 / theta ** (l - 2)
    hess = fsphere.riemannian_hessian_poly_theta(-1.0, theta, b, l)
    v = torch.tensor([1.0, -1.0], dtype=F64) / math.sqrt(2)
    assert abs(float(v @ hess @ v) + 2 * (l - 2) * l) <= _tol(8) * 2 * l * l * float(b.sum())


def test_lemma38_literal_counterexample_numbers():
    """The Lemma-3.8 counterexample in torch: ∂L/∂a_1 = 0, L = 0, and (5) ≥ 0 at random nearby points."""
    pot = fcommon.potential("bessel")
    w = torch.tensor([[0.0], [1.0]], dtype=F64)
    b = torch.tensor([-math.e, 1.0], dtype=F64)
    theta = torch.tensor([[2.0], [2.0], [3.0]], dtype=F64)
    a = torch.tensor([1.0, -1.0, 0.0], dtype=F64)
    assert abs(float(fsphere.loss5_grad_a(a, theta, b, w, pot)[0])) <= _tol(8)
    assert abs(float(fcommon.loss5(a, theta, b, w, pot))) <= _tol(8)
    gen = torch.Generator().manual_seed(0)
    for _ in range(200):
        th = theta + 0.05 * torch.randn(theta.shape, generator=gen, dtype=F64)
        aa = a + 0.05 * torch.randn(a.shape, generator=gen, dtype=F64)
        assert float(fcommon.loss5(aa, th, b, w, pot)) >= -_tol(16)


def test_snap_certificate_on_a_known_kink_minimum():
    """S^1, one target w = e_1, b = 1: θ slightly off w snaps to w with a = −1 and a margin 4/π > 0."""
    w = torch.tensor([[1.0, 0.0]], dtype=F64)
    b = torch.tensor([1.0], dtype=F64)
    theta = torch.tensor([[math.cos(1e-3), math.sin(1e-3)]], dtype=F64)
    cert = fsphere.snap_and_certify(torch.tensor([-0.9], dtype=F64), theta, b, w, fsphere.SIGN, "sign", "sphere",
                                    snap_tol=0.01)
    assert cert.certified and cert.targets == [(0, 1)]
    assert abs(float(cert.a[0]) + 1) <= _tol(2) and abs(cert.margin - 4 / math.pi) <= _tol(4)
    # at −w the sign potential's cone points the other way: with a = a* = +1 it is again a minimum
    cert_minus = fsphere.snap_and_certify(torch.tensor([0.9], dtype=F64), -theta, b, w, fsphere.SIGN, "sign",
                                          "sphere", snap_tol=0.01)
    assert cert_minus.certified and cert_minus.targets == [(0, -1)]


# --- vectorised samplers: derive_batch equals derive row by row ----------------------------------------------




def test_sphere_derive_batch_matches_derive():
    from claims.zhang2017 import sphere

    domains = derive_batch_domains(sphere.CLAIMS)
    assert len(domains) >= 6
    for _, domain in domains:
        assert_derive_batch_matches(domain)


def test_batched_helpers_match_per_configuration():
    """The batched (zero-padded) eq.-(10) / Lemma-3.8 helpers equal the per-configuration ones."""
    rng = np.random.default_rng(11)
    for name in ("bessel", "gaussian", "relu", "exponential"):
        pot = fcommon.potential(name)
        configs = []
        for _ in range(6):
            k, m, d = (int(v) for v in rng.integers(1, 5, 3))
            theta, w = rng.standard_normal((k, d)), rng.standard_normal((m, d))
            if name in ("relu", "exponential"):
                theta /= np.linalg.norm(theta, axis=1, keepdims=True)
                w /= np.linalg.norm(w, axis=1, keepdims=True)
            configs.append((rng.uniform(-2, 2, k), theta, rng.uniform(-2, 2, m), w, int(rng.integers(0, k))))
        k_max, m_max = (max(c[0].shape[0] for c in configs), max(c[2].shape[0] for c in configs))
        d_max = max(c[1].shape[1] for c in configs)
        a, th, b, w, i = (torch.zeros(len(configs), *s, dtype=F64) for s in ((k_max,), (k_max, d_max), (m_max,),
                                                                             (m_max, d_max), ()))
        i = i.long()
        for n, (ca, ct, cb, cw, ci) in enumerate(configs):
            a[n, : len(ca)], b[n, : len(cb)], i[n] = torch.tensor(ca), torch.tensor(cb), ci
            th[n, : ct.shape[0], : ct.shape[1]], w[n, : cw.shape[0], : cw.shape[1]] = torch.tensor(ct), torch.tensor(cw)
        grad = fsphere.loss5_grad_a_batch(a, th, b, w, pot)
        rhs = fsphere.equation10_rhs_batch(i, a, th, b, w, pot)
        opt = fsphere.optimal_output_weight_batch(i, a, th, b, w, pot)
        lap = fsphere.laplacian_of_loss5_batch(i, a, th, b, w, pot) if name == "bessel" else None
        for n, (ca, ct, cb, cw, ci) in enumerate(configs):
            one = tuple(torch.tensor(x, dtype=F64) for x in (ca, ct, cb, cw))
            assert abs(float(grad[n, ci] - fsphere.loss5_grad_a(*one, pot)[ci])) <= _tol(32)
            assert abs(float(rhs[n] - fsphere.equation10_rhs(ci, *one, pot))) <= _tol(32)
            assert abs(float(opt[n] - fsphere.optimal_output_weight(ci, *one, pot))) <= _tol(32)
            if lap is not None and ct.shape[1] == d_max:  # the Laplacian runs over the padded coordinates too
                assert abs(float(lap[n] - fsphere.laplacian_of_loss5(ci, *one, pot))) <= _tol(64)


def test_riemannian_hessian_batch_matches_per_point():
    rng = np.random.default_rng(12)
    theta = _unit(rng, 7, 4)
    b = torch.tensor(rng.uniform(-2, 2, (7, 4)), dtype=F64)
    a = torch.tensor(rng.uniform(-2, 2, 7), dtype=F64)
    batched = fsphere.riemannian_hessian_batch(lambda x: fsphere.poly_loss(a, x, b, 3), theta)
    for n in range(7):
        one = fsphere.riemannian_hessian_poly_theta(float(a[n]), theta[n], b[n], 3)
        assert torch.allclose(batched[n], one, rtol=0, atol=_tol(16))
    lap = fsphere.euclidean_laplacian_batch(lambda x: (x ** 3).sum(-1) * x[:, 0], theta)
    for n in range(7):
        one = fsphere.euclidean_laplacian(lambda x: (x ** 3).sum() * x[0], theta[n])
        assert abs(float(lap[n] - one)) <= _tol(16)
