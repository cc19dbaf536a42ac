"""zhang2017 reference (sympy / mpmath; never torch) for Sections 3.2.2–3.3: λ-harmonic potentials
(Definition 3.7), eqs. (10), (11), Lemma 3.8, the curvature computation of Theorem 3.10, the landscape of
(11) for Φ = (θ^T w)^l, and the constant force of the sign potential (Theorem 3.11, Corollary 3.12).
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Sequence

import sympy as sp

from reference.zhang2017 import _common as common

# --- Laplacians -------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _zonal_laplacian_at_sphere():
    d, r, s, t = sp.symbols("d r s t")
    f = sp.Function("f")
    g = f(s / r)
    lap = (sp.diff(g, r, 2) + 2 * sp.diff(g, r, s) * s / r + sp.diff(g, s, 2)
           + sp.diff(g, r) * (d - 1) / r)
    return sp.simplify(lap.subs(s, t * r).subs(r, 1).doit())


def zonal_laplacian_symbolic(radial_shift=0):
    """Prove Δ_{S^{d−1}} f(θ^T w) = (1 − t²) f'' − (d − 1 + radial_shift) t f' for symbolic d.

    Method: extend f(θ^T w) to R^d \\ {0} as F(x) = f(s/r), s = x^T w, r = ‖x‖ (homogeneous of degree 0,
    so Δ_{R^d} F = r^{−2} Δ_{S^{d−1}} f on the unit sphere). For F = g(r, s) the chain rule gives
    ΔF = g_rr|∇r|² + 2 g_rs ∇r·∇s + g_ss|∇s|² + g_r Δr + g_s Δs with |∇r|² = 1, ∇r·∇s = s/r, |∇s|² = 1,
    Δr = (d−1)/r, Δs = 0 — these five coordinate facts are verified explicitly for d = 1..6 by
    ``zonal_chain_facts``. Returns (residual at r = 1 as a sympy expression, the Laplacian)."""
    d, t = sp.symbols("d t")
    f = sp.Function("f")
    at_sphere = _zonal_laplacian_at_sphere()
    claimed = (1 - t**2) * sp.Derivative(f(t), (t, 2)) - (d - 1 + radial_shift) * t * sp.Derivative(f(t), t)
    residual = sp.expand((at_sphere - claimed).doit())
    return residual, at_sphere


@functools.cache
def zonal_chain_facts(d: int) -> bool:
    """Verify |∇r|² = 1, ∇r·∇s = s/r, |∇s|² = |w|², Δr = (d−1)/r, Δs = 0 in explicit coordinates."""
    xs = sp.symbols(f"x1:{d + 1}", real=True)
    ws = sp.symbols(f"w1:{d + 1}", real=True)
    r = sp.sqrt(sum(x**2 for x in xs))
    s = sum(x * w for x, w in zip(xs, ws, strict=True))
    grad_r = [sp.diff(r, x) for x in xs]
    grad_s = [sp.diff(s, x) for x in xs]
    checks = [sum(g**2 for g in grad_r) - 1,
              sum(a * b for a, b in zip(grad_r, grad_s, strict=True)) - s / r,
              sum(g**2 for g in grad_s) - sum(w**2 for w in ws),
              sum(sp.diff(r, x, 2) for x in xs) - (d - 1) / r,
              sum(sp.diff(s, x, 2) for x in xs)]
    return all(sp.simplify(c) == 0 for c in checks)


def zonal_laplacian_value(ctx, profile, t, d: int, radial_shift=0):
    """(1 − t²) f''(t) − (d − 1 + radial_shift) t f'(t) by mpmath numerical differentiation of ``profile``."""
    t = ctx.mpf(t)
    return ((1 - t * t) * ctx.diff(profile, t, 2) - (d - 1 + radial_shift) * t * ctx.diff(profile, t, 1))


@functools.cache
def l1_branch_residuals(d: int, lam):
    """Δ e^{−‖θ−w‖_1} − λ e^{−‖θ−w‖_1} on every open orthant branch around w (sympy, exact); returns the
    list of (signs, residual)."""
    us = sp.symbols(f"u1:{d + 1}", real=True)  # u = θ − w
    out = []
    for signs in itertools.product((1, -1), repeat=d):
        phi = sp.exp(-sum(s * u for s, u in zip(signs, us, strict=True)))  # |u_c| = s_c u_c on this branch
        out.append((signs, sp.simplify(sum(sp.diff(phi, u, 2) for u in us) - lam * phi)))
    return out


def sphere_potential_profiles():
    """The printed rotation-invariant potentials as functions f(t) of t = θ^T w (sympy), for the
    λ-harmonic test of Definition 3.7 on S^{d−1}."""
    t = sp.Symbol("t")
    m = sp.Symbol("m", positive=True, integer=True)
    return t, {
        "sign": 1 - 2 * sp.acos(t) / sp.pi,
        "relu": sp.sqrt(1 - t**2) / sp.pi + t * (1 - sp.acos(t) / sp.pi),
        "hermite": t**m,
        "exponential": sp.exp(t - 1),
    }


def zonal_ratio(profile, t, d):
    """Δ_{S^{d−1}} f / f for the zonal profile f(t) (sympy, symbolic d)."""
    return sp.simplify(((1 - t**2) * sp.diff(profile, t, 2) - (d - 1) * t * sp.diff(profile, t)) / profile)


# --- eqs. (10), (11), Lemma 3.8 ---------------------------------------------------------------------------


def loss5_grad_a(ctx, i: int, a, theta, b, w, pot):
    """∂L/∂a_i of the reference (5) as the exact central difference (L(a + e_i) − L(a − e_i))/2 — exact
    because (5) is a quadratic polynomial in a."""
    plus = [ctx.mpf(x) + (1 if j == i else 0) for j, x in enumerate(a)]
    minus = [ctx.mpf(x) - (1 if j == i else 0) for j, x in enumerate(a)]
    return (common.loss5(ctx, plus, theta, b, w, pot) - common.loss5(ctx, minus, theta, b, w, pot)) / 2


def equation10_rhs(ctx, i: int, a, theta, b, w, pot, diag_factor=2):
    """The printed right side of (10)."""
    k = len(theta)
    return (diag_factor * ctx.mpf(a[i]) * pot(theta[i], theta[i])
            + 2 * ctx.fsum(ctx.mpf(a[j]) * pot(theta[i], theta[j]) for j in range(k) if j != i)
            + 2 * ctx.fsum(ctx.mpf(b[j]) * pot(theta[i], w[j]) for j in range(len(w))))


def optimal_output_weight(ctx, i: int, a, theta, b, w, pot):
    """a_i* solving (10) with the other weights fixed."""
    k = len(theta)
    rest = (ctx.fsum(ctx.mpf(a[j]) * pot(theta[i], theta[j]) for j in range(k) if j != i)
            + ctx.fsum(ctx.mpf(b[j]) * pot(theta[i], w[j]) for j in range(len(w))))
    return -rest / pot(theta[i], theta[i])


def laplacian_of_loss5(ctx, i: int, a, theta, b, w, pot):
    """Δ_{θ_i} of the reference (5) by mpmath numerical differentiation, one coordinate at a time (the
    configuration keeps every coordinate at least 0.05 from a kink, far beyond mpmath's difference step)."""
    total = ctx.mpf(0)
    for c in range(len(theta[i])):
        def along(x, c=c):
            row = [ctx.mpf(v) for v in theta[i]]
            row[c] = x
            th = [row if j == i else theta[j] for j in range(len(theta))]
            return common.loss5(ctx, a, th, b, w, pot)
        total += ctx.diff(along, ctx.mpf(theta[i][c]), 2)
    return total


# --- Theorem 3.10: L(a, θ) = a² + 2 Σ_j a b_j θ_j^l on R × S^{d−1} ------------------------------------------


def poly_loss_symbolic(a, theta: Sequence, b: Sequence, l):
    return a**2 + 2 * sum(a * bj * th**l for bj, th in zip(b, theta, strict=False))


def riemannian_hessian_symbolic(a, theta: Sequence, b: Sequence, l):
    """The θ-block P(∇²L − (θ^T∇L)I)P of the Riemannian Hessian (sympy Matrix) at a unit vector θ."""
    xs = sp.symbols(f"x1:{len(theta) + 1}", real=True)
    loss = poly_loss_symbolic(a, xs, b, l)
    grad = sp.Matrix([sp.diff(loss, x) for x in xs])
    hess = sp.hessian(loss, xs)
    sub = dict(zip(xs, theta, strict=True))
    grad, hess = grad.subs(sub), hess.subs(sub)
    th = sp.Matrix(theta)
    radial = (th.T * grad)[0]
    proj = sp.eye(len(theta)) - th * th.T
    return proj * (hess - radial * sp.eye(len(theta))) * proj


def joint_hessian_at_coordinate_point(b: Sequence, l: int, j: int, sign: int = 1):
    """Exact joint Riemannian Hessian of (11) on R × S^{d−1} at θ = sign·e_j with a = a*(θ) (sympy Matrix
    in the tangent basis (a, e_m for m ≠ j)), its value, and a*."""
    d = len(b)
    a_sym = sp.Symbol("a", real=True)
    xs = sp.symbols(f"x1:{d + 1}", real=True)
    loss = poly_loss_symbolic(a_sym, xs, b, l)
    theta = [sp.Integer(0)] * d
    theta[j] = sp.Integer(sign)
    sub = dict(zip(xs, theta, strict=True))
    a_star = sp.solve(sp.diff(loss, a_sym).subs(sub), a_sym)[0]
    sub[a_sym] = a_star
    variables = [a_sym, *xs]
    grad = [sp.diff(loss, v).subs(sub) for v in variables]
    hess = sp.hessian(loss, variables).subs(sub)
    radial = sum(grad[1 + m] * theta[m] for m in range(d))
    tangent = [m for m in range(d) if m != j]
    idx = [0] + [1 + m for m in tangent]
    h = sp.zeros(len(idx), len(idx))
    for p, u in enumerate(idx):
        for q, v in enumerate(idx):
            h[p, q] = hess[u, v] - (radial if (p == q and p > 0) else 0)
    value = loss.subs(sub)
    tangent_grad = [grad[0]] + [grad[1 + m] for m in tangent]
    return h, value, a_star, tangent_grad


# --- the sign potential: constant force (Price's theorem) --------------------------------------------------


def sign_potential_slope(ctx, rho):
    """dΦ/dρ for σ = sgn by Price's theorem: E[σ'(X)σ'(Y)] = 4 p_ρ(0, 0) = 2/(π√(1−ρ²)), with p_ρ the
    bivariate normal density (an independent route from the printed 1 − 2 arccos(ρ)/π)."""
    rho = ctx.mpf(rho)
    density_at_origin = 1 / (2 * ctx.pi * ctx.sqrt(1 - rho * rho))
    return 4 * density_at_origin
