"""zhang2017 reference, shared pieces (mpmath; never torch): the printed potentials and the losses (5),
(6), (9) for one configuration given as lists of vectors (lists of numbers), in a caller's mpmath context.

Same names and structure as ``claims.zhang2017.fast._common`` so a reader sees one formula in two
arithmetics; the two share no code.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

Vector = Sequence
Potential = Callable[[Vector, Vector], object]


def _dot(ctx, x: Vector, y: Vector):
    return ctx.fsum(ctx.mpf(a) * ctx.mpf(b) for a, b in zip(x, y, strict=True))


def _rho(ctx, theta: Vector, w: Vector):
    return max(ctx.mpf(-1), min(ctx.mpf(1), _dot(ctx, theta, w)))


def phi(ctx, name: str, theta: Vector, w: Vector, **params):
    """Φ(θ, w) as printed (see the fast module for the names)."""
    if name == "sign":
        return 1 - 2 / ctx.pi * ctx.acos(_rho(ctx, theta, w))
    if name == "relu":
        r = _rho(ctx, theta, w)
        return ctx.sqrt(max(0, 1 - r * r)) / ctx.pi + r * (1 - ctx.acos(r) / ctx.pi)
    if name == "hermite":
        return _rho(ctx, theta, w) ** params["m"]
    if name == "exponential":
        return ctx.exp(_dot(ctx, theta, w) - 1)
    diff = [ctx.mpf(a) - ctx.mpf(b) for a, b in zip(theta, w, strict=True)]
    if name == "gaussian":
        return ctx.exp(-ctx.fsum(t * t for t in diff) / 2)
    if name == "bessel":
        return ctx.exp(-ctx.fsum(abs(t) for t in diff))
    r = ctx.sqrt(ctx.fsum(t * t for t in diff))
    if name == "harmonic":
        d = len(diff)
        return -ctx.log(r) if d == 2 else r ** (2 - d)
    if name == "riesz":
        return r ** (-ctx.mpf(params["s"]))
    if name == "coulomb":
        return 1 / r
    raise KeyError(f"unknown potential {name!r}")


def potential(ctx, name: str, **params) -> Potential:
    return lambda theta, w: phi(ctx, name, theta, w, **params)


def loss6(ctx, a: Vector, theta: Sequence[Vector], b: Vector, w: Sequence[Vector], pot: Potential):
    """(6): 2 Σ_{i<j} a_i a_j Φ(θ_i,θ_j) + 2 Σ_{i,j} a_i b_j Φ(θ_i,w_j)."""
    k = len(theta)
    inter = ctx.fsum(ctx.mpf(a[i]) * a[j] * pot(theta[i], theta[j]) for i in range(k) for j in range(i + 1, k))
    cross = ctx.fsum(ctx.mpf(a[i]) * b[j] * pot(theta[i], w[j]) for i in range(k) for j in range(len(w)))
    return 2 * inter + 2 * cross


def loss5(ctx, a: Vector, theta: Sequence[Vector], b: Vector, w: Sequence[Vector], pot: Potential):
    """(5): Σ_i a_i² Φ(θ_i,θ_i) + (6)."""
    diag = ctx.fsum(ctx.mpf(a[i]) ** 2 * pot(theta[i], theta[i]) for i in range(len(theta)))
    return diag + loss6(ctx, a, theta, b, w, pot)


def loss9(ctx, theta: Sequence[Vector], w: Sequence[Vector], pot: Potential):
    """(9): 2 Σ_{i<j} Φ(θ_i,θ_j) − 2 Σ_{i,j} Φ(θ_i,w_j) (Assumption 1: a = −1, b = 1)."""
    return loss6(ctx, [-1] * len(theta), theta, [1] * len(w), w, pot)
