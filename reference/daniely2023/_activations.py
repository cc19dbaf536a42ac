"""Activations of the papers at arbitrary precision, their Hermite expansions and dual activations.

Each activation is declared once with its exact formula (as printed in the paper when it comes from
one), its kinks, an exact Lipschitz constant, and, for piecewise-linear ones, the closed-form
conditional mean E σ(a + cZ) used to reduce 2-D Gaussian expectations to 1-D quadrature.
Normalised variants σ/‖σ‖ are derived, never hand-written, so "as printed" and "normalised" cannot drift.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reference.gaussian import gauss_hermite, gauss_legendre_nodes, gaussian_density, gaussian_expectation
from reference.hermite import hermite_values

#: Precomputed table (scripts/make_hermite_table.py): a_0..a_TABLE_N and ‖σ‖² of every base activation
#: at TABLE_DPS digits. A test recomputes a slice of it; anything beyond it is computed on demand.
TABLE_PATH = Path(__file__).with_name("data") / "hermite_table.json"
TABLE_N = 100
TABLE_DPS = 80


@cache
def _table() -> dict:
    import json

    if not TABLE_PATH.exists():
        return {}
    return json.loads(TABLE_PATH.read_text())



@dataclass(frozen=True)
class Activation:
    name: str
    formula: str  # as printed (or the standard definition), in words/LaTeX
    f: Callable  # (x, ctx) -> mpf
    df: Callable | None  # derivative (x, ctx) -> mpf, where it exists (a.e. for kinked ones)
    lipschitz: Callable  # ctx -> exact Lipschitz constant sup |σ'|
    kinks: tuple[float, ...] = ()
    parity: str | None = None  # "odd", "even" or None
    conditional_mean: Callable | None = None  # (a, c, ctx) -> E σ(a + cZ), Z ~ N(0, 1)
    source: str = ""  # where the paper names it
    scale: float | None = None  # set on normalised variants: the factor 1/‖σ‖ (as text, for reports)

    @property
    def smooth(self) -> bool:
        return not self.kinks


def _relu(x, ctx):
    return x if x > 0 else ctx.mpf(0)


def _relu_cond(a, c, ctx):
    if c == 0:
        return _relu(a, ctx)
    t = a / c
    return a * ctx.ncdf(t) + c * gaussian_density(t, ctx)


def _abs_cond(a, c, ctx):
    if c == 0:
        return abs(a)
    t = a / c
    return a * (2 * ctx.ncdf(t) - 1) + 2 * c * gaussian_density(t, ctx)


def _erf_printed(x, ctx):
    # (2/sqrt(pi)) ∫_0^x exp(-t^2/2) dt = sqrt(2) erf(x / sqrt(2))
    return ctx.sqrt(2) * ctx.erf(x / ctx.sqrt(2))


def _relu_like_printed(x, ctx):
    # ∫_0^x (erf_printed(t) + 1) dt = x + sqrt(2) x erf(x/sqrt 2) + 2 (exp(-x^2/2) - 1)/sqrt(pi)
    r2 = ctx.sqrt(2)
    return x + r2 * x * ctx.erf(x / r2) + 2 * (ctx.exp(-x * x / 2) - 1) / ctx.sqrt(ctx.pi)


def _sigmoid_printed(x, ctx):
    # ∫_0^x exp(-t^2/2) dt = sqrt(pi/2) erf(x / sqrt(2))
    return ctx.sqrt(ctx.pi / 2) * ctx.erf(x / ctx.sqrt(2))


BASE_ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation("relu", "max(x, 0)", _relu, lambda x, ctx: ctx.mpf(1 if x > 0 else 0),
                   lambda ctx: ctx.mpf(1), kinks=(0.0,), conditional_mean=_relu_cond),
        Activation("relu_sqrt2", "sqrt(2) max(x, 0) (normalised ReLU)", lambda x, ctx: ctx.sqrt(2) * _relu(x, ctx),
                   lambda x, ctx: ctx.sqrt(2) if x > 0 else ctx.mpf(0), lambda ctx: ctx.sqrt(2), kinks=(0.0,),
                   conditional_mean=lambda a, c, ctx: ctx.sqrt(2) * _relu_cond(a, c, ctx)),
        Activation("abs", "|x|", lambda x, ctx: abs(ctx.mpf(x)), lambda x, ctx: ctx.mpf(1 if x > 0 else -1),
                   lambda ctx: ctx.mpf(1), kinks=(0.0,), parity="even", conditional_mean=_abs_cond),
        Activation("tanh", "tanh(x)", lambda x, ctx: ctx.tanh(x), lambda x, ctx: 1 / ctx.cosh(x) ** 2,
                   lambda ctx: ctx.mpf(1), parity="odd"),
        Activation("erf_printed", "erf(x) := (2/sqrt(pi)) ∫_0^x e^{-t^2/2} dt  (Sec. 1.1, as printed)",
                   _erf_printed, lambda x, ctx: 2 / ctx.sqrt(ctx.pi) * ctx.exp(-x * x / 2),
                   lambda ctx: 2 / ctx.sqrt(ctx.pi), parity="odd", source="Sec. 1.1"),
        Activation("erf_library", "the library error function erf(x) = (2/sqrt(pi)) ∫_0^x e^{-t^2} dt",
                   lambda x, ctx: ctx.erf(x), lambda x, ctx: 2 / ctx.sqrt(ctx.pi) * ctx.exp(-x * x),
                   lambda ctx: 2 / ctx.sqrt(ctx.pi), parity="odd", source="reading of Sec. 1.1"),
        Activation("relu_like_printed", "∫_0^x erf(t) + 1 dt with the printed erf  (Sec. 1.1)",
                   _relu_like_printed, lambda x, ctx: _erf_printed(x, ctx) + 1,
                   lambda ctx: 1 + ctx.sqrt(2), source="Sec. 1.1"),
        Activation("sigmoid_printed", "∫_0^x e^{-t^2/2} dt  (Lemma 2.16, as printed)", _sigmoid_printed,
                   lambda x, ctx: ctx.exp(-x * x / 2), lambda ctx: ctx.mpf(1), parity="odd",
                   source="Lemma 2.16"),
    )
}


def norm2(act: Activation, ctx):
    """‖σ‖² = E σ(X)², X ~ N(0, 1), by split quadrature."""
    return gaussian_expectation(lambda x: act.f(x, ctx) ** 2, ctx, kinks=act.kinks)


@cache
def _norm_cached(name: str, dps: int) -> str:
    import mpmath

    ctx = mpmath.MPContext()
    ctx.dps = dps + 10
    entry = _table().get(name)
    if entry is not None and ctx.dps <= TABLE_DPS:
        return ctx.nstr(ctx.sqrt(ctx.mpf(entry["norm2"])), dps + 8)
    return ctx.nstr(ctx.sqrt(norm2(BASE_ACTIVATIONS[name], ctx)), dps + 8)


def normalised(act: Activation, dps: int = 60) -> Activation:
    """σ/‖σ‖ (the paper's standing normalisation E σ(X)² = 1)."""

    def scale(ctx):
        return 1 / ctx.mpf(_norm_cached(act.name, max(dps, int(ctx.dps))))

    cm = act.conditional_mean
    return Activation(
        f"{act.name}/normalised", f"({act.formula}) / ‖σ‖", lambda x, ctx: scale(ctx) * act.f(x, ctx),
        (lambda x, ctx: scale(ctx) * act.df(x, ctx)) if act.df else None,
        lambda ctx: scale(ctx) * act.lipschitz(ctx), act.kinks, act.parity,
        (lambda a, c, ctx: scale(ctx) * cm(a, c, ctx)) if cm else None, act.source,
        scale=float(1 / float(_norm_cached(act.name, 20))),
    )


ACTIVATIONS: dict[str, Activation] = dict(BASE_ACTIVATIONS)
for _a in list(BASE_ACTIVATIONS.values()):
    ACTIVATIONS[f"{_a.name}/normalised"] = normalised(_a)


def get(name: str) -> Activation:
    try:
        return ACTIVATIONS[name]
    except KeyError:
        raise KeyError(f"unknown activation {name!r}; known: {', '.join(ACTIVATIONS)}") from None


# --- Hermite expansion ---------------------------------------------------------------------------

#: Panel edges for the composite Gauss–Legendre rule on [-40, 40] (the Gaussian weight is below 1e-347
#: outside, far under any precision used here). Finer panels near the origin, where kinks sit.
_PANELS = (-40, -28, -20, -14, -10, -7, -5, -3.5, -2.5, -1.5, -0.75, 0, 0.75, 1.5, 2.5, 3.5, 5, 7, 10, 14, 20,
           28, 40)




def _quadrature_nodes(ctx, kinks=(), degree: int = 6):
    """Composite Gauss–Legendre nodes/weights for ∫_{-40}^{40} · φ(x) dx, split at kinks."""
    edges = sorted({ctx.mpf(e) for e in _PANELS} | {ctx.mpf(k) for k in kinks})
    base = [(ctx.mpf(x), ctx.mpf(w)) for x, w in gauss_legendre_nodes(degree, int(ctx.dps) + 10)]
    xs, ws = [], []
    for a, b in zip(edges[:-1], edges[1:], strict=True):
        half, mid = (b - a) / 2, (a + b) / 2
        for x, w in base:
            t = mid + half * x
            xs.append(t)
            ws.append(half * w * gaussian_density(t, ctx))
    return xs, ws


def _base_and_scale(act: Activation, ctx):
    if act.name.endswith("/normalised"):
        base = BASE_ACTIVATIONS[act.name.split("/")[0]]
        return base, 1 / ctx.sqrt(norm2_of(base, ctx))
    return act, ctx.mpf(1)


def norm2_of(act: Activation, ctx):
    """‖σ‖², from the table when it has it (to TABLE_DPS digits), else by quadrature."""
    entry = _table().get(act.name)
    if entry is not None and ctx.dps <= TABLE_DPS - 10:
        return ctx.mpf(entry["norm2"])
    if act.name.endswith("/normalised"):
        return ctx.mpf(1)
    return norm2(act, ctx)


def hermite_coefficients(act: Activation, n_max: int, ctx) -> list:
    """a_0..a_{n_max} with σ = Σ a_k h_k, a_k = E σ(X) h_k(X).

    Computed by composite Gauss–Legendre quadrature (96 nodes on each of 22 panels, split at the kinks),
    validated against closed forms in the tests; served from the precomputed table when it covers the
    request. Normalised variants are the base coefficients divided by ‖σ‖."""
    base, scale = _base_and_scale(act, ctx)
    entry = _table().get(base.name)
    if entry is not None and n_max <= TABLE_N and ctx.dps <= TABLE_DPS - 10:
        return [scale * ctx.mpf(a) for a in entry["coefficients"][: n_max + 1]]
    return [scale * ctx.mpf(a) for a in compute_hermite_coefficients(base.name, n_max, int(ctx.dps))]


@cache
def compute_hermite_coefficients(name: str, n_max: int, dps: int) -> tuple[str, ...]:
    """The quadrature behind hermite_coefficients (uncached by the table), at dps + 10 working digits."""
    import mpmath

    act = get(name)
    ctx = mpmath.MPContext()
    ctx.dps = dps + 10
    xs, ws = _quadrature_nodes(ctx, act.kinks)
    acc = [ctx.mpf(0)] * (n_max + 1)
    for x, w in zip(xs, ws, strict=True):
        fx = act.f(x, ctx) * w
        for k, h in enumerate(hermite_values(n_max, x, ctx)):
            acc[k] += fx * h
    return tuple(ctx.nstr(a, dps + 5) for a in acc)


def epsilon_sigma(act: Activation, n: int, ctx):
    """ε_σ(n) = ‖σ‖² - Σ_{k<=n} a_k² (the tail Σ_{k>n} a_k²).

    The subtraction cancels ~log10(1/ε) digits, so it runs at the table's full precision (70 digits)
    when the table covers n, and with 10 guard digits beyond ctx's otherwise."""
    import mpmath

    work = mpmath.MPContext()
    covered = n <= TABLE_N and act.name.split("/")[0] in _table()
    work.dps = max(int(ctx.dps) + 10, TABLE_DPS - 10 if covered else 0)
    coeffs = hermite_coefficients(act, n, work)
    return ctx.mpf(norm2_of(act, work) - work.fsum(a * a for a in coeffs))


def shadow(act: Activation, n: int, ctx) -> Callable:
    """σ_n = (Σ_{k<=n} a_k²)^{-1/2} Σ_{k<=n} a_k h_k (Sec. 2.4, first printed form)."""
    coeffs = hermite_coefficients(act, n, ctx)
    norm = ctx.sqrt(ctx.fsum(a * a for a in coeffs))

    def sigma_n(x):
        return ctx.fsum(a * h for a, h in zip(coeffs, hermite_values(n, x, ctx), strict=True)) / norm

    return sigma_n


def conditional_mean(act: Activation, a, c, ctx, nodes: int = 80):
    """E σ(a + cZ): closed form when declared, else an n-point Gauss–Hermite rule (smooth σ only)."""
    if act.conditional_mean is not None:
        return act.conditional_mean(ctx.mpf(a), ctx.mpf(c), ctx)
    if act.kinks:
        raise ValueError(f"{act.name} is kinked and declares no closed-form conditional mean")
    z, w = gauss_hermite(nodes, ctx)
    return ctx.fsum(wi * act.f(a + c * zi, ctx) for zi, wi in zip(z, w, strict=True))


def cross_moment(f: Activation, g: Activation, rho, ctx):
    """E f(X) g(Y) for standard Gaussians with correlation rho (1-D reduction: inner E over Y | X)."""
    rho = ctx.mpf(rho)
    c = ctx.sqrt(max(ctx.mpf(0), 1 - rho * rho))
    return gaussian_expectation(lambda x: f.f(x, ctx) * conditional_mean(g, rho * x, c, ctx), ctx,
                                kinks=f.kinks)


def dual(act: Activation, rho, ctx):
    """The dual activation σ̂(ρ) = E σ(X) σ(Y), Corr(X, Y) = ρ, computed directly (not from the series)."""
    return cross_moment(act, act, rho, ctx)
