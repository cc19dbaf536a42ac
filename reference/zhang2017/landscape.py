"""zhang2017 reference for Sec. 3.1–3.2.1 (sympy and mpmath; never torch): radial potentials as sympy
expressions, Laplacians (radial formula for symbolic d, Cartesian for concrete d), numerical Laplacians and
Hessians by mpmath differentiation of the potential itself (no closed-form derivative is copied), and the
losses (6), (9) through ``reference.zhang2017._common``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache

import sympy as sp

from reference.zhang2017 import _common as common

# --- sympy: potentials and Laplacians -------------------------------------------------------------------

R = sp.Symbol("r", positive=True)
D = sp.Symbol("d", positive=True, integer=True)
S = sp.Symbol("s", real=True)


def radial_expr(name: str, d, *, s=None, power=None) -> sp.Expr:
    """h(r) of a radial potential as a sympy expression in ``R`` (``d`` may be the symbol ``D``).

    power: r^power; harmonic: r^{2−d} (−log r for the concrete d = 2, as printed); riesz: r^{−s};
    gaussian: e^{−r²/2}; exponential-radial: e^{−r}; quadratic: 1 + r²; plummer: 1 − (1 + r²)^{−1/2}."""
    if name == "power":
        return R**power
    if name == "harmonic":
        return -sp.log(R) if d == 2 else R ** (2 - d)
    if name == "riesz":
        return R ** (-s)
    if name == "coulomb":
        return 1 / R
    if name == "gaussian":
        return sp.exp(-R**2 / 2)
    if name == "exponential-radial":
        return sp.exp(-R)
    if name == "quadratic":
        return 1 + R**2
    if name == "plummer":
        return 1 - (1 + R**2) ** sp.Rational(-1, 2)
    raise KeyError(f"unknown radial potential {name!r}")


def radial_laplacian(h: sp.Expr, d) -> sp.Expr:
    """Δ h(‖x‖) on R^d \\ {0} for a radial profile: h'' + (d − 1) h'/r (valid for symbolic d)."""
    return sp.simplify(sp.diff(h, R, 2) + (d - 1) * sp.diff(h, R) / R)


def cartesian_laplacian(h: sp.Expr, d: int) -> sp.Expr:
    """Δ h(‖x‖) in R^d computed coordinate by coordinate (Σ_m ∂²/∂x_m²), as an expression in x_1..x_d,
    rewritten in r where possible. Independent of the radial formula (used to confirm it at concrete d).
    The coordinates are taken positive (the open orthant): a radial function and the Laplacian are invariant
    under coordinate sign flips, and sympy then differentiates ‖x‖ without sign(·) terms."""
    xs = sp.symbols(f"x1:{d + 1}", positive=True)
    rr = sp.sqrt(sum(x**2 for x in xs))
    f = h.subs(R, rr)
    lap = sum(sp.diff(f, x, 2) for x in xs)
    return sp.simplify(lap), xs


@lru_cache(maxsize=64)
def cartesian_matches_radial(h: sp.Expr, d: int) -> bool:
    """Exact check that the coordinate Laplacian of h(‖x‖) in R^d equals the radial formula at d (a cheap
    normal form first — powers of Σx² combine under powsimp/together — and sympy's simplify as fallback)."""
    xs = sp.symbols(f"x1:{d + 1}", positive=True)
    rr = sp.sqrt(sum(x**2 for x in xs))
    f = h.subs(R, rr)
    lap = sum(sp.diff(f, x, 2) for x in xs)
    radial = (sp.diff(h, R, 2) + (d - 1) * sp.diff(h, R) / R).subs(R, rr)
    difference = sp.expand(sp.powsimp(sp.together(lap - radial)))
    return difference == 0 or sp.simplify(lap - radial) == 0


def l1_exponential_laplacian(d: int) -> tuple[sp.Expr, sp.Expr]:
    """e^{−‖x‖_1} on R^d: (classical Laplacian off the hyperplanes x_m = 0, jump of ∂_m across x_m = 0).

    The jump −2 e^{−‖x‖_1}|_{x_m=0} < 0 is a negative singular part of the distributional Laplacian."""
    xs = sp.symbols(f"x1:{d + 1}", positive=True)  # the open orthant: |x_m| = x_m
    f = sp.exp(-sum(xs))
    lap = sp.simplify(sum(sp.diff(f, x, 2) for x in xs))
    jump = sp.simplify(2 * sp.diff(f, xs[0]).subs(xs[0], 0))  # ∂_1 f(0+) − ∂_1 f(0−) = 2 ∂_1 f(0+)
    return lap, jump


# --- mpmath: numerical derivatives of the potential and of the losses -----------------------------------

def radial_mp(ctx, name: str, d: int, **params) -> Callable:
    """h(r) in mpmath, for the potentials of ``radial_expr`` (plus the printed ones of the common module)."""
    if name == "power":
        p = ctx.mpf(params["power"])
        return lambda r: r**p
    if name == "harmonic":
        return (lambda r: -ctx.log(r)) if d == 2 else (lambda r: r ** (2 - d))
    if name == "riesz":
        s = ctx.mpf(params["s"])
        return lambda r: r ** (-s)
    if name == "coulomb":
        return lambda r: 1 / r
    if name == "gaussian":
        return lambda r: ctx.exp(-r * r / 2)
    if name == "exponential-radial":
        return lambda r: ctx.exp(-r)
    if name == "quadratic":
        return lambda r: 1 + r * r
    if name == "plummer":
        return lambda r: 1 - 1 / ctx.sqrt(1 + r * r)
    raise KeyError(f"unknown radial potential {name!r}")


def potential_mp(ctx, name: str, d: int, **params) -> common.Potential:
    """Φ(θ, w) = h(‖θ − w‖) in mpmath, or a printed potential of the common reference module."""
    if name in ("power", "harmonic", "riesz", "coulomb", "gaussian", "exponential-radial", "quadratic",
                "plummer"):
        h = radial_mp(ctx, name, d, **params)
        return lambda theta, w: h(ctx.sqrt(ctx.fsum((ctx.mpf(a) - ctx.mpf(b)) ** 2
                                                  for a, b in zip(theta, w, strict=True))))
    return common.potential(ctx, name, **params)


def hessian_mp(ctx, f: Callable[[list], object], x: Sequence) -> list[list]:
    """Hessian of f: R^n → R at x by mpmath numerical differentiation (ctx.diff, which works at raised
    precision internally), as a nested list."""
    n = len(x)
    xs = [ctx.mpf(v) for v in x]
    g = lambda *v: f(list(v))  # noqa: E731 - ctx.diff wants positional arguments
    hess = [[ctx.mpf(0)] * n for _ in range(n)]
    for i in range(n):
        for j in range(i, n):
            orders = [0] * n
            orders[i] += 1
            orders[j] += 1
            hess[i][j] = hess[j][i] = ctx.diff(g, xs, orders)
    return hess


def laplacian_mp(ctx, f: Callable[[list], object], x: Sequence) -> tuple:
    """(Δf(x), Σ_m |∂_mm f(x)|) by mpmath numerical differentiation."""
    n = len(x)
    xs = [ctx.mpf(v) for v in x]
    g = lambda *v: f(list(v))  # noqa: E731
    diag = []
    for m in range(n):
        orders = [0] * n
        orders[m] = 2
        diag.append(ctx.diff(g, xs, orders))
    return ctx.fsum(diag), ctx.fsum(abs(t) for t in diag)


def eigenvalues_mp(ctx, hess: list[list]) -> list:
    """Eigenvalues (ascending) of a symmetric matrix given as a nested list."""
    evals = ctx.eigsy(ctx.matrix(hess), eigvals_only=True)
    return sorted(evals[i] for i in range(len(hess)))


def loss6_block_mp(ctx, a, theta, b, w, pot, i: int) -> Callable[[list], object]:
    """θ_i ↦ (6) with the other arguments frozen (only the terms involving θ_i vary; all are kept)."""

    def f(x: list):
        th = [list(t) for t in theta]
        th[i] = x
        return common.loss6(ctx, a, th, b, w, pot)

    return f


@lru_cache(maxsize=256)
def _cached_block_hessian(dps: int, key: tuple) -> tuple:
    import mpmath

    ctx = mpmath.MPContext()  # a local context: the global mp.dps is never touched
    ctx.dps = dps
    name, d, params, a, theta, b, w, i = key
    pot = potential_mp(ctx, name, d, **dict(params))
    hess = hessian_mp(ctx, loss6_block_mp(ctx, a, theta, b, w, pot, i), theta[i])
    return tuple(tuple(row) for row in hess)


def loss6_block_hessian(ctx, name: str, d: int, params: dict, a, theta, b, w, i: int) -> list[list]:
    """∇²_{θ_i} (6) at 'ctx.dps' digits, cached on the (hashable) configuration."""
    key = (name, d, tuple(sorted(params.items())), tuple(a), tuple(tuple(t) for t in theta), tuple(b),
           tuple(tuple(t) for t in w), i)
    return [list(row) for row in _cached_block_hessian(ctx.dps, key)]
