"""Normalised (probabilists') Hermite polynomials h_n = He_n / sqrt(n!), as in Daniely et al. eq. (1).

Two independent constructions: the three-term recursion (1) evaluated in a mpmath context, and exact
integer coefficients of He_n (from He_{n+1} = x He_n - n He_{n-1}) with the 1/sqrt(n!) normalisation.
"""

from __future__ import annotations

import math
from functools import cache


def hermite_values(n_max: int, x, ctx) -> list:
    """[h_0(x), ..., h_{n_max}(x)] by recursion (1): h_{n+1} = x h_n / sqrt(n+1) - sqrt(n/(n+1)) h_{n-1}."""
    x = ctx.mpf(x)
    values = [ctx.mpf(1)]
    if n_max >= 1:
        values.append(x)
    for n in range(1, n_max):
        values.append(x * values[n] / ctx.sqrt(n + 1) - ctx.sqrt(ctx.mpf(n) / (n + 1)) * values[n - 1])
    return values


def hermite(n: int, x, ctx):
    """h_n(x) at the context's precision."""
    return hermite_values(n, x, ctx)[n]


@cache
def hermite_e_coefficients(n: int) -> tuple[int, ...]:
    """Integer coefficients (ascending powers) of the monic probabilists' Hermite polynomial He_n."""
    if n == 0:
        return (1,)
    prev, cur = [1], [0, 1]
    for k in range(1, n):
        nxt = [0] * (k + 2)
        for i, c in enumerate(cur):
            nxt[i + 1] += c
        for i, c in enumerate(prev):
            nxt[i] -= k * c
        prev, cur = cur, nxt
    return tuple(cur)


def hermite_from_coefficients(n: int, x, ctx):
    """h_n(x) = He_n(x)/sqrt(n!) from exact integer coefficients (Horner in the context)."""
    acc = ctx.mpf(0)
    x = ctx.mpf(x)
    for c in reversed(hermite_e_coefficients(n)):
        acc = acc * x + c
    return acc / ctx.sqrt(ctx.mpf(math.factorial(n)))


def double_factorial(n: int) -> int:
    """n!! with the convention (-1)!! = 0!! = 1 (exact integer)."""
    if n < -1:
        raise ValueError("double factorial is defined here for n >= -1")
    out = 1
    while n > 1:
        out *= n
        n -= 2
    return out


def gaussian_moment(n: int) -> int:
    """E X^n for X ~ N(0, 1): (n-1)!! for even n, 0 for odd n (exact)."""
    return 0 if n % 2 else double_factorial(n - 1)
