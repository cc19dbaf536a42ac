"""Gaussian expectations at arbitrary precision: Gauss–Hermite rules and split quadrature."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache

from .hermite import hermite_values

#: Breakpoints added to every quadrature over the real line: the Gaussian weight concentrates below |x| ~ 8
#: and high-degree integrands oscillate out to |x| ~ sqrt(4n); splitting keeps tanh-sinh accurate.
DEFAULT_BREAKS = (-24.0, -12.0, -6.0, -3.0, 0.0, 3.0, 6.0, 12.0, 24.0)


def gaussian_density(x, ctx):
    return ctx.exp(-x * x / 2) / ctx.sqrt(2 * ctx.pi)


def gaussian_expectation(f: Callable, ctx, kinks: Sequence = (), std=1) -> object:
    """E f(std·X), X ~ N(0,1), by mpmath quadrature split at the kinks of f and at DEFAULT_BREAKS."""
    std = ctx.mpf(std)
    if std == 0:
        return ctx.mpf(f(ctx.mpf(0)))
    points = sorted({ctx.mpf(b) for b in DEFAULT_BREAKS} | {ctx.mpf(k) / std for k in kinks})
    return ctx.quad(lambda x: f(std * x) * gaussian_density(x, ctx), [-ctx.inf, *points, ctx.inf])


@cache
def _gauss_hermite_cached(n: int, dps: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    import mpmath
    import numpy as np

    ctx = mpmath.MPContext()
    ctx.dps = dps + 10
    guess, _ = np.polynomial.hermite_e.hermegauss(n)  # float initial guesses only
    nodes, weights = [], []
    for g in guess:
        x = ctx.mpf(float(g))
        for _ in range(100):  # Newton on h_n, h_n' = sqrt(n) h_{n-1}  (eq. 3)
            h = hermite_values(n, x, ctx)
            step = h[n] / (ctx.sqrt(n) * h[n - 1])
            x -= step
            if abs(step) < ctx.mpf(10) ** (-(dps + 5)):
                break
        h = hermite_values(n - 1, x, ctx)
        # Christoffel weight of the orthonormal family for the probability measure N(0, 1)
        weights.append(1 / ctx.fsum(v * v for v in h))
        nodes.append(x)
    return tuple(ctx.nstr(x, dps + 5) for x in nodes), tuple(ctx.nstr(w, dps + 5) for w in weights)


def gauss_hermite(n: int, ctx) -> tuple[list, list]:
    """n-point Gauss rule for N(0,1) (exact for polynomials of degree <= 2n-1) at ctx's precision."""
    nodes, weights = _gauss_hermite_cached(n, int(ctx.dps))
    return [ctx.mpf(x) for x in nodes], [ctx.mpf(w) for w in weights]


def bivariate_expectation(f: Callable, rho, ctx, *, var_x=1, var_y=1, nodes: int = 60,
                          outer_kinks: Sequence = ()) -> object:
    """E f(X, Y) for a centred Gaussian pair with Var X = var_x, Var Y = var_y, Corr = rho.

    Writes Y = sy (rho Z1 + sqrt(1 - rho^2) Z2), X = sx Z1. The inner expectation over Z2 uses an
    n-point Gauss–Hermite rule (exact when f is a polynomial in Y of degree <= 2n - 1); the outer one
    over Z1 uses split quadrature, so f may be kinked in X. Callers with f kinked in Y must swap roles.
    """
    sx, sy, rho = ctx.sqrt(ctx.mpf(var_x)), ctx.sqrt(ctx.mpf(var_y)), ctx.mpf(rho)
    c = ctx.sqrt(max(ctx.mpf(0), 1 - rho * rho))
    z2, w2 = gauss_hermite(nodes, ctx)

    def inner(z1):
        x = sx * z1
        return ctx.fsum(w * f(x, sy * (rho * z1 + c * z)) for z, w in zip(z2, w2, strict=True))

    kinks = [k / sx for k in outer_kinks] if sx != 0 else []
    return gaussian_expectation(inner, ctx, kinks=kinks)


@cache
def gauss_legendre_nodes(degree: int, dps: int) -> tuple[tuple[str, str], ...]:
    """mpmath's Gauss–Legendre rule on [-1, 1] of the given degree (3·2^(degree−1) nodes) at `dps` digits,
    as strings so the cache is independent of any context."""
    import mpmath
    from mpmath.calculus.quadrature import GaussLegendre

    ctx = mpmath.MPContext()
    ctx.dps = dps
    nodes = GaussLegendre(ctx).calc_nodes(degree, ctx.prec)
    return tuple((ctx.nstr(x, dps), ctx.nstr(w, dps)) for x, w in nodes)
