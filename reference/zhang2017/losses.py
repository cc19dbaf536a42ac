"""zhang2017 reference for Sec. 2.1–2.2 (mpmath / sympy; never torch): the losses (3)–(6), (9) under each
reading of the printed index range, directional derivatives of the losses on M (Euclidean lines, sphere
geodesics; ``mpmath.diff``), the Electron-Proton field of Definition 2.1, Algorithm 1 and exact Gaussian
expectations of the network output for activations with exact Gauss–Hermite rules.

Configurations are lists of vectors (lists of numbers); every routine works in a caller's mpmath context.
Nothing here shares code with ``checks.fast``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from functools import lru_cache

import sympy as sp

from reference.gaussian import gauss_hermite

Vector = Sequence
Config = Sequence[Vector]

#: Readings of the printed double sum "Σ_{i=1}^k Σ_{i<j}" in (5), (6), (9):
#: "pairs"   — the inner sum runs over j = i+1..k (each unordered pair once);
#: "ordered" — the inner sum runs over every j ≠ i (each pair twice);
#: "rebound" — the inner "Σ_{i<j}" rebinds i and sums over all pairs, so the outer sum repeats it k times.
READINGS = ("pairs", "ordered", "rebound")


def _m(ctx, x):
    return ctx.mpf(x)


def pair_sum(ctx, reading: str, k: int, term: Callable[[int, int], object]):
    """Σ_{i=1}^k Σ_{i<j} term(i, j) under ``reading``."""
    pairs = ctx.fsum(term(i, j) for i in range(k) for j in range(i + 1, k))
    if reading == "pairs":
        return pairs
    if reading == "ordered":
        return ctx.fsum(term(i, j) for i in range(k) for j in range(k) if j != i)
    if reading == "rebound":
        return k * pairs
    raise ValueError(f"unknown reading {reading!r}")


def gram(ctx, c: Vector, x: Config, d: Vector, y: Config, pot) -> object:
    """Σ_i Σ_j c_i d_j Φ(x_i, y_j)."""
    return ctx.fsum(_m(ctx, c[i]) * d[j] * pot(x[i], y[j]) for i in range(len(x)) for j in range(len(y)))


def loss4(ctx, a, theta, b, w, pot, cross_factor=2):
    """(4): Σ_ij a_i a_j Φ(θ_i,θ_j) + cross_factor Σ_ij a_i b_j Φ(θ_i,w_j) + Σ_ij b_i b_j Φ(w_i,w_j)."""
    return gram(ctx, a, theta, a, theta, pot) + cross_factor * gram(ctx, a, theta, b, w, pot) + gram(
        ctx, b, w, b, w, pot)


def loss3_gram(ctx, a, theta, b, w, pot):
    """(3) written as a quadratic form in Φ (no reparametrisation): ‖Σ b_i σ(·,w_i) − Σ a_i σ(·,θ_i)‖²."""
    return gram(ctx, b, w, b, w, pot) - 2 * gram(ctx, a, theta, b, w, pot) + gram(ctx, a, theta, a, theta, pot)


def loss6(ctx, a, theta, b, w, pot, reading="pairs", pair_factor=2, cross_factor=2):
    """(6) under ``reading``: pair_factor Σ_{i}Σ_{i<j} a_i a_j Φ(θ_i,θ_j) + cross_factor Σ_ij a_i b_j Φ(θ_i,w_j)."""
    inter = pair_sum(ctx, reading, len(theta), lambda i, j: _m(ctx, a[i]) * a[j] * pot(theta[i], theta[j]))
    return pair_factor * inter + cross_factor * gram(ctx, a, theta, b, w, pot)


def loss5(ctx, a, theta, b, w, pot, reading="pairs", pair_factor=2, cross_factor=2, diag_factor=1):
    """(5) under ``reading``: diag_factor Σ_i a_i² Φ(θ_i,θ_i) + (6)."""
    diag = ctx.fsum(_m(ctx, a[i]) ** 2 * pot(theta[i], theta[i]) for i in range(len(theta)))
    return diag_factor * diag + loss6(ctx, a, theta, b, w, pot, reading, pair_factor, cross_factor)


def loss9(ctx, theta, w, pot, reading="pairs", pair_factor=2, cross_sign=-1):
    """(9) as printed: pair_factor Σ_iΣ_{i<j} Φ(θ_i,θ_j) + cross_sign·2 Σ_ij Φ(θ_i,w_j)."""
    inter = pair_sum(ctx, reading, len(theta), lambda i, j: pot(theta[i], theta[j]))
    cross = ctx.fsum(pot(t, v) for t in theta for v in w)
    return pair_factor * inter + cross_sign * 2 * cross


# --- curves on M and directional derivatives ----------------------------------------------------------

def tangent(ctx, u: Config, x: Config, manifold: str) -> list[list]:
    """u projected on the tangent space of M at x (per particle)."""
    out = []
    for ui, xi in zip(u, x, strict=True):
        ui = [_m(ctx, v) for v in ui]
        if manifold == "sphere":
            xi = [_m(ctx, v) for v in xi]
            c = ctx.fsum(p * q for p, q in zip(ui, xi, strict=True))
            ui = [p - c * q for p, q in zip(ui, xi, strict=True)]
        out.append(ui)
    return out


def curve(ctx, x: Config, u: Config, t, manifold: str) -> list[list]:
    """The point at time t of the curve through x with velocity u (tangent): a line on R^d, a great circle
    (per particle) on the sphere."""
    out = []
    for xi, ui in zip(x, u, strict=True):
        xi = [_m(ctx, v) for v in xi]
        if manifold == "sphere":
            speed = ctx.sqrt(ctx.fsum(v * v for v in ui))
            if speed == 0:
                out.append(xi)
                continue
            c, s = ctx.cos(speed * t), ctx.sin(speed * t)
            out.append([c * p + s * q / speed for p, q in zip(xi, ui, strict=True)])
        else:
            out.append([p + t * q for p, q in zip(xi, ui, strict=True)])
    return out


def directional_derivative(ctx, f: Callable[[list], object], x: Config, u: Config, manifold: str):
    """d/dt f(γ(t)) at t = 0 for the curve γ on M with γ(0) = x, γ'(0) = P_x u (= ⟨∇_M f(x), P_x u⟩),
    by mpmath's numerical differentiation at the context's precision. On the sphere x is first normalised at
    working precision (inputs are float64 unit vectors, ‖x‖ = 1 ± 1e-16), so the curve stays on M exactly."""
    x = project(ctx, x, manifold)
    v = tangent(ctx, u, x, manifold)
    return ctx.diff(lambda t: f(curve(ctx, x, v, t, manifold)), 0)


def pair_directional(ctx, pot, x: Vector, y: Vector, u: Vector, manifold: str):
    """⟨∇_x Φ(x, y), P_x u⟩: the derivative of Φ(·, y) at x along the tangent direction u."""
    return directional_derivative(ctx, lambda z: pot(z[0], y), [x], [u], manifold)


def ep_velocity_dot(ctx, pot, particles: Config, charges: Vector, fixed: Sequence[bool], u: Config,
                    manifold: str, force_sign=1):
    """⟨dθ/dt, u⟩ for Electron-Proton Dynamics (8): dθ_i/dt = −Σ_{j≠i} F_i(θ_j), F_i(θ_j) = a_i a_j ∇_{θ_i}
    Φ(θ_i, θ_j) (force_sign = 1 as printed), and dθ_i/dt = 0 for fixed particles. Also returns the sum of the
    absolute values of the contributions (the scale of the rounding)."""
    total, scale = [], []
    for i, xi in enumerate(particles):
        if fixed[i]:
            continue
        for j, xj in enumerate(particles):
            if j == i:
                continue
            term = -force_sign * _m(ctx, charges[i]) * charges[j] * pair_directional(ctx, pot, xi, xj, u[i],
                                                                                     manifold)
            total.append(term)
            scale.append(abs(term))
    return ctx.fsum(total), ctx.fsum(scale)


# --- Algorithm 1 -----------------------------------------------------------------------------------

def riemannian_gradient(ctx, f: Callable[[list], object], x: Config, manifold: str) -> list[list]:
    """∇_M f(x) coordinate by coordinate: ⟨∇f, e⟩ by a line derivative, then the tangent projection."""
    grad = []
    for i, xi in enumerate(x):
        row = []
        for c in range(len(xi)):
            def moved(t, i=i, c=c):
                y = [[_m(ctx, v) for v in xj] for xj in x]
                y[i][c] += t
                return f(y)
            row.append(ctx.diff(moved, 0))
        grad.append(row)
    return tangent(ctx, grad, x, manifold)


def project(ctx, x: Config, manifold: str) -> list[list]:
    if manifold == "sphere":
        out = []
        for xi in x:
            norm = ctx.sqrt(ctx.fsum(_m(ctx, v) ** 2 for v in xi))
            out.append([_m(ctx, v) / norm for v in xi])
        return out
    return [[_m(ctx, v) for v in xi] for xi in x]


def gradient_descent(ctx, f: Callable[[list], object], x0: Config, T: int, alpha, manifold: str,
                     step_sign=-1) -> list[list]:
    """Algorithm 1 as printed: x = x0; T times: x = x − α ∇L(x); x = Π_M x (step_sign = −1)."""
    x = project(ctx, x0, manifold)
    alpha = _m(ctx, alpha)
    for _ in range(T):
        g = riemannian_gradient(ctx, f, x, manifold)
        x = project(ctx, [[p + step_sign * alpha * q for p, q in zip(xi, gi, strict=True)]
                          for xi, gi in zip(x, g, strict=True)], manifold)
    return x


def sphere_linear_angle(ctx, phi0, alpha, T: int):
    """Angle to v after T steps of Algorithm 1 on S^{d−1} for L(x) = −v^T x (‖v‖ = 1): the iterate stays in
    span(x0, v); x + α(v − (v^T x)x) = (1 − α cos φ) x + α v gives tan φ' = (1 − α cos φ) sin φ /
    ((1 − α cos φ) cos φ + α) (the iterate never crosses v for α cos φ < 1)."""
    phi = _m(ctx, phi0)
    alpha = _m(ctx, alpha)
    for _ in range(T):
        s = 1 - alpha * ctx.cos(phi)
        phi = ctx.atan2(s * ctx.sin(phi), s * ctx.cos(phi) + alpha)
    return phi


# --- activations and Gaussian expectations (exact Gauss–Hermite rules) ---------------------------------

def activation(ctx, name: str, m: int = 0) -> Callable[[object], object]:
    """σ as a function of s = x^T θ: 'hermite' the normalised probabilists' He_m(s)/√(m!) (the seed does not
    fix a normalisation; (4) holds for any σ), 'exponential' e^{s − 2} (Table 1), 'linear' s."""
    if name == "hermite":
        norm = ctx.sqrt(ctx.factorial(m))
        coeffs = [ctx.mpf(c) / norm for c in _hermite_coefficients(m)]
        return lambda s: ctx.polyval(coeffs[::-1], s)
    if name == "exponential":
        return lambda s: ctx.exp(s - 2)
    if name == "linear":
        return lambda s: s
    raise KeyError(f"unknown activation {name!r}")


@lru_cache(maxsize=32)
def _hermite_coefficients(m: int) -> tuple[int, ...]:
    """Integer coefficients of the probabilists' He_m (sympy), lowest degree first."""
    s = sp.Symbol("s")
    return tuple(int(c) for c in reversed(sp.Poly(sp.hermite_prob(m, s), s).all_coeffs()))


def gh_nodes(activation_name: str, m: int) -> int:
    """Nodes per coordinate of the product Gauss–Hermite rule: exact for the polynomial rows (degree 2m per
    coordinate for a product of two activations: m + 1 nodes), 40 for e^{s−2} (error ≲ c^{80}/80! with c ≤ 2)."""
    if activation_name == "hermite":
        return m + 1
    if activation_name == "linear":
        return 2
    return 40


def gaussian_expectation_nd(ctx, f: Callable[[list], object], d: int, nodes: int):
    """E f(X), X ~ N(0, I_d), by the product Gauss–Hermite rule with ``nodes`` points per coordinate."""
    z, wts = gauss_hermite(nodes, ctx)
    total = []
    for idx in itertools.product(range(nodes), repeat=d):
        weight = ctx.fprod(wts[i] for i in idx)
        total.append(weight * f([z[i] for i in idx]))
    return ctx.fsum(total)


def network_square_expectation(ctx, act, c: Vector, x: Config, d_: Vector, y: Config, sign, nodes: int):
    """E (Σ_i d_i σ(X, y_i) + sign Σ_i c_i σ(X, x_i))², the square NOT expanded."""
    dim = len(y[0])

    def integrand(xs):
        def proj(v):
            return ctx.fsum(_m(ctx, p) * q for p, q in zip(v, xs, strict=True))
        out = ctx.fsum(_m(ctx, d_[i]) * act(proj(y[i])) for i in range(len(y))) + sign * ctx.fsum(
            _m(ctx, c[i]) * act(proj(x[i])) for i in range(len(x)))
        return out * out

    return gaussian_expectation_nd(ctx, integrand, dim, nodes)


def potential_by_quadrature(ctx, act, nodes: int) -> Callable[[Vector, Vector], object]:
    """Φ(θ, w) = E σ(X, θ) σ(X, w) computed from the activation (product Gauss–Hermite rule); memoised per pair."""
    memo: dict = {}

    def pot(theta, w):
        key = tuple(sorted((tuple(map(str, theta)), tuple(map(str, w)))))  # Φ = E σσ is symmetric
        if key not in memo:
            memo[key] = _pot(theta, w)
        return memo[key]

    def _pot(theta, w):
        dim = len(theta)

        def integrand(xs):
            s1 = ctx.fsum(_m(ctx, p) * q for p, q in zip(theta, xs, strict=True))
            s2 = ctx.fsum(_m(ctx, p) * q for p, q in zip(w, xs, strict=True))
            return act(s1) * act(s2)
        return gaussian_expectation_nd(ctx, integrand, dim, nodes)
    return pot


def table1_activation(ctx, name: str) -> Callable[[object], object]:
    if name == "relu":
        return lambda s: ctx.sqrt(2) * max(s, ctx.mpf(0))
    if name == "sign":
        return lambda s: ctx.sqrt(2) * ctx.sign(s)
    return activation(ctx, name)


# --- sympy: equation (7) ---------------------------------------------------------------------------

def coulomb_pair_residual(prefactor_power=2):
    """sympy: ∇_x (1/‖x−y‖) + (1/‖x−y‖^p)(x−y)/‖x−y‖ for symbolic x, y ∈ R^3 (zero iff p = 2), simplified."""
    x = sp.symbols("x1:4", real=True)
    y = sp.symbols("y1:4", real=True)
    r2 = sum((xi - yi) ** 2 for xi, yi in zip(x, y, strict=True))
    r = sp.sqrt(r2)
    phi = 1 / r
    # sympy merges r2^(-3/2) and r2^(-1)·r2^(-1/2) into one power, so an exact cancellation is found without
    # simplify; any other power leaves a visibly non-zero residual
    return [sp.expand(sp.diff(phi, xi) + (xi - yi) / (r ** prefactor_power * r)) for xi, yi in zip(x, y, strict=True)]


def symbolic_loss6(k: int, reading: str, dim: int = 3):
    """sympy (6) with Φ = 1/‖θ−w‖ for symbolic θ_i, w_j ∈ R^dim and charges a_i, b_j, and its symbols."""
    theta = [sp.symbols(f"t{i}_1:{dim + 1}", real=True) for i in range(k)]
    w = [sp.symbols(f"w{i}_1:{dim + 1}", real=True) for i in range(k)]
    a = sp.symbols(f"a1:{k + 1}", real=True)
    b = sp.symbols(f"b1:{k + 1}", real=True)

    def phi(x, y):
        return 1 / sp.sqrt(sum((p - q) ** 2 for p, q in zip(x, y, strict=True)))

    pairs = [(i, j) for i in range(k) for j in range(i + 1, k)]
    if reading == "pairs":
        inter = sum((a[i] * a[j] * phi(theta[i], theta[j]) for i, j in pairs), sp.Integer(0))
    elif reading == "ordered":
        inter = sum((a[i] * a[j] * phi(theta[i], theta[j]) for i in range(k) for j in range(k) if i != j),
                    sp.Integer(0))
    else:
        inter = k * sum((a[i] * a[j] * phi(theta[i], theta[j]) for i, j in pairs), sp.Integer(0))
    cross = sum((a[i] * b[j] * phi(theta[i], w[j]) for i in range(k) for j in range(k)), sp.Integer(0))
    return 2 * inter + 2 * cross, theta, w, a, b


def printed_rhs7(theta, w, a, b, i: int, prefactor=2, inverse_power=2):
    """The right side of (7) for θ_i, as printed, with its prefactor and inverse power as parameters."""
    k = len(theta)

    def term(x, y):
        r = sp.sqrt(sum((p - q) ** 2 for p, q in zip(x, y, strict=True)))
        return [(p - q) / (r ** inverse_power * r) for p, q in zip(x, y, strict=True)]

    out = [sp.Integer(0)] * len(theta[i])
    for j in range(k):
        if j != i:
            out = [o + prefactor * a[i] * a[j] * t for o, t in zip(out, term(theta[i], theta[j]), strict=True)]
    for j in range(len(w)):
        out = [o + prefactor * a[i] * b[j] * t for o, t in zip(out, term(theta[i], w[j]), strict=True)]
    return out
