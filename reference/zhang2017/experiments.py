"""zhang2017 reference (mpmath / sympy; never torch) for Sec. 5 (Theorem 5.1) and App. D (eqs. 12–14).

* The sign potential Φ(θ, w) = E[sgn(θ^T X) sgn(w^T X)] computed from the activation, not from the paper's
  Table-1 formula: with ρ = θ^T w, c = √(1 − ρ²) and the inner conditional expectation
  E[sgn(ρx + cZ)] = erf(ρx/(c√2)), Φ = 2 ∫_0^∞ erf(ρx/(c√2)) φ(x) dx (ρ = ±1: sgn(±x) sgn(x) = ±1).
* Theorem 5.1 as printed: an exact (sympy) evaluation of the loss at the sign-flipped configuration
  θ_1 = −w_1, and the exact value of the proof's final bound on |X_1| ≤ 1.
* App. D: the empirical potential Φ̂, the empirical loss (5), a_i* from three exact loss values (the loss is
  a quadratic in a_i), Ĉ(θ_i) and Riemannian gradients on S^{d−1} by mpmath numerical differentiation.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache

import sympy as sp

from reference.zhang2017 import _common as rc

Vector = Sequence


# =========================================================================================================
# Sign potential from the activation
# =========================================================================================================

def sign_potential(ctx, rho) -> object:
    """E[sgn(X) sgn(ρX + √(1−ρ²) Z)] by 1-D quadrature of the erf conditional expectation (split at 0)."""
    rho = ctx.mpf(rho)
    if rho >= 1:
        return ctx.mpf(1)
    if rho <= -1:
        return ctx.mpf(-1)
    c = ctx.sqrt(1 - rho * rho)

    def integrand(x):
        return ctx.erf(rho * x / (c * ctx.sqrt(2))) * ctx.exp(-x * x / 2) / ctx.sqrt(2 * ctx.pi)
    # the integrand is steep near 0 when c is small: split there as well
    return 2 * ctx.quad(integrand, [0, min(c, ctx.mpf(1)), 1, 4, ctx.inf])


def sign_full_loss(ctx, a: Vector, theta: Sequence[Vector], b1, w1: Vector):
    """The full loss (4) E[(Σ a_i sgn(θ_i^T X) + b_1 sgn(w_1^T X))²] (b_2 = … = b_k = 0), unit vectors."""
    k = len(theta)
    theta, (w1,) = unit_rows(ctx, theta), unit_rows(ctx, [w1])  # unit at working precision (asin is steep at 1)

    def pot(x, y):
        return sign_potential(ctx, max(-1, min(1, ctx.fsum(ctx.mpf(p) * q for p, q in zip(x, y, strict=True)))))
    total = ctx.mpf(b1) ** 2 * pot(w1, w1)
    for i in range(k):
        total += ctx.mpf(a[i]) ** 2 * pot(theta[i], theta[i]) + 2 * ctx.mpf(a[i]) * b1 * pot(theta[i], w1)
        for j in range(i + 1, k):
            total += 2 * ctx.mpf(a[i]) * a[j] * pot(theta[i], theta[j])
    return total


# =========================================================================================================
# Theorem 5.1 (exact, sympy)
# =========================================================================================================

_x = sp.Symbol("x", real=True)
_density = sp.exp(-_x**2 / 2) / sp.sqrt(2 * sp.pi)


@cache
def _half_line_mass() -> sp.Expr:
    # Gaussian mass of [0, ∞) from the error function: (erf(∞) − erf(0))/2 = 1/2
    return (sp.erf(sp.oo) - sp.erf(0)) / 2


def sign_potential_exact(rho_sign: int) -> sp.Expr:
    """Φ(θ, w) for θ = ±w exactly: E[sgn(ρX) sgn(X)] with ρ = ±1. On each half line the integrand is the
    constant sgn(ρ x) sgn(x) (evaluated by sympy at x = ∓1), times the Gaussian mass of the half line."""
    neg = sp.sign(rho_sign * sp.Integer(-1)) * sp.sign(sp.Integer(-1))
    pos = sp.sign(rho_sign * sp.Integer(1)) * sp.sign(sp.Integer(1))
    return sp.simplify((neg + pos) * _half_line_mass())


def flipped_counterexample(k: int) -> dict:
    """The configuration θ_1 = … = θ_k = −w_1, a_1 = 1, a_2 = … = a_k = 0, b_1 = 1 (the (5) parametrisation
    a ↦ −a, so the learner is f̂ = −Σ a_i σ(θ_i^T x)): exact full loss (4) E[(Σ a_i σ(θ_i^T X) + b_1 σ(w_1^T X))²]
    = Σ_ij a_i a_j Φ(θ_i,θ_j) + 2 Σ_i a_i b_1 Φ(θ_i,w_1) + b_1² Φ(w_1,w_1), loss (5) as printed, max_i w_1^T θ_i."""
    phi_same, phi_flip = sign_potential_exact(1), sign_potential_exact(-1)
    a = [sp.Integer(1)] + [sp.Integer(0)] * (k - 1)
    b1 = sp.Integer(1)
    quad = sum(a[i] * a[j] * phi_same for i in range(k) for j in range(k))  # all θ_i equal: Φ(θ_i,θ_j) = 1
    cross = sum(2 * a[i] * b1 * phi_flip for i in range(k))
    full = quad + cross + b1**2 * phi_same
    pairs = sum(2 * a[i] * a[j] * phi_same for i in range(k) for j in range(i + 1, k))
    printed5 = sum(a[i] ** 2 * phi_same for i in range(k)) + pairs + cross
    return {"k": k, "Phi(w,w)": phi_same, "Phi(-w,w)": phi_flip, "full_loss_4": sp.simplify(full),
            "loss_5_as_printed": sp.simplify(printed5), "max_alignment": sp.Integer(-1)}


def final_bound_exact() -> dict:
    """The proof's last step: inf_c E[(c X − sgn X)² | |X| ≤ 1] for X standard normal, exactly (least squares
    on the truncated normal: 1 − (E|X|)²/E X² conditionally). With p the standard normal density,
    E[|X|; |X| ≤ 1] = 2(p(0) − p(1)) and E[X²; |X| ≤ 1] = P(|X| ≤ 1) − 2 p(1) (integration by parts)."""
    p0, p1 = 1 / sp.sqrt(2 * sp.pi), sp.exp(-sp.Rational(1, 2)) / sp.sqrt(2 * sp.pi)
    mass = sp.erf(1 / sp.sqrt(2))
    e_abs = 2 * (p0 - p1) / mass
    e_sq = (mass - 2 * p1) / mass
    return {"P(|X|<=1)": mass, "E|X|": e_abs, "E X^2": e_sq, "inf": 1 - e_abs**2 / e_sq}


def sign_shift_expectation(ctx, delta):
    """E_Y[sgn(δ + Y)] = P(Y > −δ) − P(Y < −δ) = erf(δ/√2) (Y standard normal), from the cdf."""
    return ctx.erf(ctx.mpf(delta) / ctx.sqrt(2))


def sign_shift_remainder(ctx, delta):
    """|E_Y[sgn(δ + Y)] − 2 p(0) δ|: the remainder of the printed expansion 2p(0)δ + O(δ²)."""
    delta = ctx.mpf(delta)
    return abs(sign_shift_expectation(ctx, delta) - 2 * delta / ctx.sqrt(2 * ctx.pi))


# =========================================================================================================
# App. D: empirical potential, a_i*, Ĉ and Riemannian gradients
# =========================================================================================================

def activation(ctx, name: str) -> Callable:
    return {"tanh": ctx.tanh, "exp": ctx.exp, "relu": lambda t: max(ctx.mpf(0), t)}[name]


def empirical_phi(ctx, x: Sequence[Vector], name: str) -> Callable:
    """Φ̂(θ, w) = (1/n) Σ_m σ(x_m^T θ) σ(x_m^T w). The feature vector (σ(x_m^T v))_m of each vector v is cached
    (keyed by its entries, which may be complex for the complex-step derivative)."""
    act = activation(ctx, name)
    cache: dict[tuple, list] = {}

    def features(v):
        key = tuple(v)
        if key not in cache:
            cache[key] = [act(ctx.fsum(ctx.mpf(p) * q for p, q in zip(xm, v, strict=True))) for xm in x]
        return cache[key]

    def phi_hat(theta, w):
        return ctx.fsum(p * q for p, q in zip(features(theta), features(w), strict=True)) / len(x)
    return phi_hat


def exponential_phi(ctx) -> Callable:
    """The exponential potential on the sphere as printed, e^{θ^T w − 1} (complex arguments allowed)."""
    def phi(theta, w):
        return ctx.exp(ctx.fsum(p * q for p, q in zip(theta, w, strict=True)) - 1)
    return phi


def unit_rows(ctx, rows: Sequence[Vector]) -> list[list]:
    """Rows normalised at working precision (the drawn float64 vectors are unit only to rounding)."""
    out = []
    for row in rows:
        v = [ctx.mpf(c) for c in row]
        norm = ctx.sqrt(ctx.fsum(c * c for c in v))
        out.append([c / norm for c in v])
    return out


def potential_for(ctx, point) -> Callable:
    """Φ̂ (empirical, from the point's data) or the population exponential potential."""
    if point["potential"] == "empirical":
        return empirical_phi(ctx, point["x"], point["activation"])
    if point["potential"] == "exponential":
        return exponential_phi(ctx)
    return rc.potential(ctx, point["potential"])


def loss5(ctx, a, theta, b, w, pot):
    return rc.loss5(ctx, a, theta, b, w, pot)


def with_entry(a: Sequence, i: int, value) -> list:
    out = list(a)
    out[i] = value
    return out


def dloss_da(ctx, i, a, theta, b, w, pot):
    """∂L̂/∂a_i as a central difference with step 1: exact for the quadratic a_i ↦ L̂."""
    ai = a[i]
    return (loss5(ctx, with_entry(a, i, ai + 1), theta, b, w, pot)
            - loss5(ctx, with_entry(a, i, ai - 1), theta, b, w, pot)) / 2


def a_star(ctx, i, a, theta, b, w, pot):
    """argmin over a_i of the quadratic L̂ (vertex of the parabola through a_i ∈ {−1, 0, 1})."""
    lm = loss5(ctx, with_entry(a, i, -1), theta, b, w, pot)
    l0 = loss5(ctx, with_entry(a, i, 0), theta, b, w, pot)
    lp = loss5(ctx, with_entry(a, i, 1), theta, b, w, pot)
    return -(lp - lm) / (2 * (lp + lm - 2 * l0))


def c_hat(ctx, i, a, theta, b, w, pot):
    """Ĉ(θ_i) = Σ_{j≠i} a_j Φ̂(θ_i, θ_j) + Σ_j b_j Φ̂(θ_i, w_j)."""
    return (ctx.fsum(ctx.mpf(a[j]) * pot(theta[i], theta[j]) for j in range(len(theta)) if j != i)
            + ctx.fsum(ctx.mpf(b[j]) * pot(theta[i], w[j]) for j in range(len(w))))


def directional_sphere_derivative(ctx, fn: Callable, theta: Sequence[Vector], i: int, u: Vector):
    """D_u of θ_i ↦ fn(θ) along the tangent vector u at θ_i (u ⊥ θ_i), i.e. ⟨∇_{S^{d−1}} fn, u⟩ (any extension
    off the sphere has the same tangential derivative), by the complex step Im fn(θ_i + i h u)/h with
    h = 10^{−dps}: fn is holomorphic (exp, tanh, rational), the truncation error is O(h²) relative and there is
    no cancellation, so the value is exact to working precision."""
    h = ctx.mpf(10) ** (-ctx.dps)
    moved = [[ctx.mpf(c) for c in row] for row in theta]
    along = [ctx.mpf(q) for q in u]
    # u is tangent only to float64 accuracy: project it on the tangent space at working precision
    norm2 = ctx.fsum(p * p for p in moved[i])
    dot = ctx.fsum(p * q for p, q in zip(moved[i], along, strict=True))
    along = [q - dot / norm2 * p for p, q in zip(moved[i], along, strict=True)]
    moved[i] = [p + ctx.mpc(0, h) * q for p, q in zip(moved[i], along, strict=True)]
    return ctx.im(fn(moved)) / h
