"""Exact domains: parameter types that know their constraint.

A point of a constrained set (a unit vector, a point of S^{d−1}, a pair with a prescribed inner product ρ,
an orthogonal matrix, a probability vector, a point of {−1, 1}^n) cannot be represented exactly in floating
point. The harness keeps two representations of such an input, made from the same *raw* values (whatever
the domain's constructive ``derive`` produced):

* the **exact representation**: a deterministic projection of the raw values onto the constraint set,
  computed in mpmath at the working precision of the caller's context (``Constraint.exact``); it satisfies
  the constraint to that precision — the reference always receives this, never the floats;
* the **float rounding** of the exact representation (each entry correctly rounded to float64), which is
  what the fast path receives (``Domain.complete`` stores it under the input's name and keeps the raw values
  under ``"<name>~raw"`` so that the exact representation is reproducible at any precision).

Quantities derived from constrained inputs (ρ = θᵀw, norms, Gram matrices, ...) are declared with
``Recompute``: the reference recomputes them from the exact representation instead of reading floats.
Derived entries that are unconstrained (any float is an exact point of the domain, e.g. Gaussian weights)
are declared ``free``; an entry that is neither is treated as "given only in floating point", and the
pointwise engine then requires a violation to exceed what a rounding-size perturbation of it can produce.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cache, partial
from typing import Any

import numpy as np

from .batching import Ragged

#: Digits used to compute the float rounding of an exact representation: far more than float64's 17, so
#: rounding the mpmath value to the nearest double is correct rounding of the exact point.
ROUNDING_DPS = 40

RAW_SUFFIX = "~raw"


def raw_key(name: str) -> str:
    return name + RAW_SUFFIX


# --- nested-list helpers (inputs may be vectors, lists of vectors, matrices) ------------------------------

def _is_vector(x: Any) -> bool:
    return isinstance(x, list | tuple) and (len(x) == 0 or not isinstance(x[0], list | tuple))


def _map_vectors(x: Any, fn: Callable[[list], list]) -> Any:
    if _is_vector(x):
        return fn(list(x))
    return [_map_vectors(v, fn) for v in x]


def _map_scalars(x: Any, fn: Callable[[Any], Any]) -> Any:
    if isinstance(x, list | tuple):
        return [_map_scalars(v, fn) for v in x]
    return fn(x)


def flatten(x: Any) -> list:
    if isinstance(x, list | tuple):
        return [y for v in x for y in flatten(v)]
    return [x]


def to_float(x: Any) -> Any:
    """Correct rounding of a (nested) mpmath value to float64 (mpf → nearest double)."""
    return _map_scalars(x, float)


def _dot(ctx, a: Sequence, b: Sequence):
    return ctx.fsum(ctx.mpf(x) * ctx.mpf(y) for x, y in zip(a, b, strict=True))


def _normalise(ctx, v: Sequence) -> list:
    v = [ctx.mpf(x) for x in v]
    norm = ctx.sqrt(ctx.fsum(x * x for x in v))
    if norm == 0:
        raise ValueError("cannot project the zero vector onto the sphere")
    return [x / norm for x in v]


# --- the constraint types ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Constraint:
    """Base of the constrained input types. ``names`` are the point entries the constraint governs."""

    @property
    def names(self) -> tuple[str, ...]:
        raise NotImplementedError

    def exact(self, raw: Mapping[str, Any], point: Mapping[str, Any], ctx) -> dict[str, Any]:
        """The exact representation (mpmath, at ``ctx``'s precision) of the governed entries, from their raw
        values ``raw`` (and, for parametrised sets, the other entries of ``point``)."""
        raise NotImplementedError

    def defect(self, values: Mapping[str, Any], point: Mapping[str, Any], ctx):
        """How far ``values`` are from satisfying the constraint (largest absolute residual, mpf)."""
        raise NotImplementedError

    def describe(self) -> str:
        raise NotImplementedError


@dataclass(frozen=True)
class UnitVector(Constraint):
    """A point of S^{d−1} (or a nested list of them: every innermost list is a unit vector, e.g. the k rows
    of a k×d weight matrix on the sphere). Exact representation: the raw vector divided by its norm at
    working precision (re-projection)."""

    name: str
    radius: float = 1.0

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name,)

    def exact(self, raw, point, ctx):
        r = ctx.mpf(self.radius)
        return {self.name: _map_vectors(raw[self.name], lambda v: [r * x for x in _normalise(ctx, v)])}

    def defect(self, values, point, ctx):
        r2 = ctx.mpf(self.radius) ** 2
        vecs: list = []
        _map_vectors(values[self.name], lambda v: vecs.append(v) or v)
        return max((abs(_dot(ctx, v, v) - r2) for v in vecs), default=ctx.mpf(0))

    def describe(self) -> str:
        where = "S^{d−1}" if self.radius == 1.0 else f"the sphere of radius {self.radius:g}"
        return f"{self.name} ∈ {where}: re-projected (divided by its norm) at working precision"


@dataclass(frozen=True)
class InnerProductPair(Constraint):
    """Two unit vectors ``first``, ``second`` with the prescribed inner product ``firstᵀsecond = ρ``, where
    ρ is the point entry ``inner`` (a declared Float parameter: its float value is the exact ρ). Exact
    representation: first* = first/‖first‖; second* = ρ first* + √(1−ρ²) u/‖u‖ with u = second − (secondᵀfirst*)
    first* (Gram–Schmidt at working precision); second* = ρ first* when |ρ| = 1."""

    first: str
    second: str
    inner: str

    @property
    def names(self) -> tuple[str, ...]:
        return (self.first, self.second)

    def exact(self, raw, point, ctx):
        rho = ctx.mpf(point[self.inner])
        if abs(rho) > 1:
            raise ValueError(f"{self.inner} = {point[self.inner]} is not an inner product of unit vectors")
        a = _normalise(ctx, raw[self.first])
        if abs(rho) == 1:
            return {self.first: a, self.second: [rho * x for x in a]}
        b = [ctx.mpf(x) for x in raw[self.second]]
        for _ in range(2):  # Gram–Schmidt twice: u ⟂ first* to working precision even when second ∥ first
            proj = _dot(ctx, b, a)
            b = [x - proj * y for x, y in zip(b, a, strict=True)]
        if all(x == 0 for x in b):
            raise ValueError(f"{self.second} is parallel to {self.first}: no orthogonal direction to use")
        u = _normalise(ctx, b)
        c = ctx.sqrt(1 - rho * rho)
        return {self.first: a, self.second: [rho * x + c * y for x, y in zip(a, u, strict=True)]}

    def defect(self, values, point, ctx):
        a, b = values[self.first], values[self.second]
        rho = ctx.mpf(point[self.inner])
        return max(abs(_dot(ctx, a, a) - 1), abs(_dot(ctx, b, b) - 1), abs(_dot(ctx, a, b) - rho))

    def describe(self) -> str:
        return (f"{self.first}, {self.second} ∈ S^{{d−1}} with {self.first}ᵀ{self.second} = {self.inner} exactly: "
                f"{self.first} re-projected, {self.second} = {self.inner}·{self.first} + √(1−{self.inner}²)·u "
                "(u by Gram–Schmidt) at working precision")


@dataclass(frozen=True)
class Orthogonal(Constraint):
    """A square orthogonal matrix (list of rows). Exact representation: the orthogonal polar factor of the
    raw matrix, by Newton–Schulz iterations Q ← Q(3I − QᵀQ)/2 at working precision (quadratic convergence
    from a float64 matrix: a handful of steps reach any precision)."""

    name: str

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name,)

    def exact(self, raw, point, ctx):
        q = ctx.matrix([[ctx.mpf(x) for x in row] for row in raw[self.name]])
        n = q.rows
        eye = ctx.eye(n)
        if ctx.mnorm(q.T * q - eye, 1) >= 1:
            raise ValueError(f"{self.name} is too far from orthogonal for Newton–Schulz polishing")
        # the defect squares each step; stop once it is at the rounding level of the working precision
        for _ in range(12):
            if ctx.mnorm(q.T * q - eye, 1) < n * ctx.mpf(10) ** (-(ctx.dps - 2)):
                break
            q = q * (3 * eye - q.T * q) / 2
        return {self.name: [[q[i, j] for j in range(n)] for i in range(n)]}

    def defect(self, values, point, ctx):
        m = ctx.matrix(values[self.name])
        return ctx.mnorm(m.T * m - ctx.eye(m.rows), 1)

    def describe(self) -> str:
        return f"{self.name} ∈ O(n): orthogonal polar factor by Newton–Schulz at working precision"


@dataclass(frozen=True)
class ProbabilityVector(Constraint):
    """Non-negative entries summing to 1 (a nested list: every innermost list). Exact representation: the
    raw vector divided by its sum at working precision."""

    name: str

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name,)

    def exact(self, raw, point, ctx):
        def project(v):
            v = [ctx.mpf(x) for x in v]
            if any(x < 0 for x in v):
                raise ValueError(f"{self.name} has a negative entry")
            total = ctx.fsum(v)
            if total == 0:
                raise ValueError(f"{self.name} sums to 0")
            return [x / total for x in v]

        return {self.name: _map_vectors(raw[self.name], project)}

    def defect(self, values, point, ctx):
        vecs: list = []
        _map_vectors(values[self.name], lambda v: vecs.append(v) or v)
        return max((abs(ctx.fsum(v) - 1) for v in vecs), default=ctx.mpf(0))

    def describe(self) -> str:
        return f"{self.name} in the probability simplex: divided by its sum at working precision"


@dataclass(frozen=True)
class SignVector(Constraint):
    """A point of {−1, 1}^n (nested lists allowed). Floats ±1 are exact, so the exact representation is the
    value itself; a raw entry that is not ±1 is an error (a domain bug), never silently rounded."""

    name: str

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name,)

    def exact(self, raw, point, ctx):
        def check(x):
            if x not in (-1, 1):
                raise ValueError(f"{self.name} has the entry {x!r}, not ±1")
            return ctx.mpf(x)

        return {self.name: _map_scalars(raw[self.name], check)}

    def defect(self, values, point, ctx):
        return max((abs(abs(ctx.mpf(x)) - 1) for x in flatten(values[self.name])), default=ctx.mpf(0))

    def describe(self) -> str:
        return f"{self.name} ∈ {{−1, 1}}^n: ±1 entries are exact in floating point"


@dataclass(frozen=True)
class Recompute:
    """A quantity derived from constrained inputs (ρ = θᵀw, a norm, a Gram matrix): the float the fast path
    sees is kept, but the reference receives ``fn(exact_point, ctx)`` recomputed from the exact inputs."""

    name: str
    fn: Callable[[Mapping[str, Any], Any], Any]
    text: str = ""

    def describe(self) -> str:
        return f"{self.name} recomputed from the exact inputs" + (f" ({self.text})" if self.text else "")


# --- applying a domain's declarations ---------------------------------------------------------------------

@cache
def _rounding_context():
    """One private context at ROUNDING_DPS for ``round_trip`` (creating an mpmath context costs more than the
    rounding itself; nothing changes this one's precision, and it is never the global context)."""
    from .engine.context import mp_context

    return mp_context(ROUNDING_DPS)


def round_trip(point: dict[str, Any], constraints: Sequence[Constraint]) -> dict[str, Any]:
    """Store each governed entry's raw value under ``name~raw`` and replace the entry by the float rounding
    of its exact representation (what the fast path sees). Idempotent on points already round-tripped."""
    if not constraints:
        return point
    ctx = _rounding_context()
    out = dict(point)
    for c in constraints:
        raw = {n: out.get(raw_key(n), out[n]) for n in c.names}
        exact = c.exact(raw, out, ctx)
        for n in c.names:
            out[raw_key(n)] = raw[n]
            out[n] = to_float(exact[n])
    return out


def exact_point(point: Mapping[str, Any], constraints: Sequence[Constraint], recompute: Sequence[Recompute],
                ctx) -> dict[str, Any]:
    """The point the reference sees: constrained entries in their exact representation at ``ctx``'s
    precision, derived quantities recomputed from them; every other entry unchanged (floats are exact)."""
    out = dict(point)
    for c in constraints:
        raw = {n: point.get(raw_key(n), point[n]) for n in c.names}
        out.update(c.exact(raw, out, ctx))
    for r in recompute:
        out[r.name] = r.fn(out, ctx)
    return out


def input_rounding(point: Mapping[str, Any], exact: Mapping[str, Any], constraints: Sequence[Constraint]) -> float:
    """Largest |float − exact| over the constrained entries (how far the fast path's inputs are from the
    exact point it stands for)."""
    worst = 0.0
    for c in constraints:
        for n in c.names:
            for f, e in zip(flatten(point[n]), flatten(exact[n]), strict=True):
                worst = max(worst, abs(float(e - f)))
    return worst


# --- additions for zhang2017 (tangent vectors on the sphere; constraints that hold only in some cases) ------

@dataclass(frozen=True)
class TangentVector(Constraint):
    """A unit tangent vector of S^{d−1} at a point θ of the sphere: ``name`` ⟂ θ and ‖name‖ = 1, where θ is the
    entry ``base`` or, when ``row`` is given, the row ``base[point[row]]`` of a list of points (e.g. the
    direction of a directional derivative at neuron i). ``base`` must be declared ``UnitVector`` as well: its
    exact representation (the raw value re-projected at working precision) is re-derived here the same way,
    so the tangent vector is orthogonal to exactly the point the reference sees. Exact representation:
    u − (uᵀθ*)θ* (Gram–Schmidt twice) divided by its norm, at working precision."""

    name: str
    base: str
    row: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name,)

    def _base_raw(self, point: Mapping[str, Any]) -> list:
        base = point.get(raw_key(self.base), point[self.base])
        return base[point[self.row] % len(base)] if self.row is not None else base

    def exact(self, raw, point, ctx):
        theta = _normalise(ctx, self._base_raw(point))
        u = [ctx.mpf(x) for x in raw[self.name]]
        for _ in range(2):  # twice: u ⟂ θ* to working precision even when u is nearly parallel to θ*
            proj = _dot(ctx, u, theta)
            u = [x - proj * y for x, y in zip(u, theta, strict=True)]
        if all(x == 0 for x in u):
            raise ValueError(f"{self.name} is parallel to {self.base}: no tangent direction")
        return {self.name: _normalise(ctx, u)}

    def defect(self, values, point, ctx):
        base = values[self.base]
        theta = base[point[self.row] % len(base)] if self.row is not None else base
        u = values[self.name]
        return max(abs(_dot(ctx, u, theta)), abs(_dot(ctx, u, u) - 1))

    def describe(self) -> str:
        at = f"{self.base}[{self.row}]" if self.row is not None else self.base
        return (f"{self.name} a unit tangent vector of S^{{d−1}} at {at}: projected on the tangent space of the "
                f"exact {at} and normalised at working precision")


@dataclass(frozen=True)
class Where(Constraint):
    """The constraint ``inner`` at the points where ``applies(point)`` holds; at the other points its entries
    are unconstrained (any float is an exact point there, e.g. the Euclidean cases of a loss whose sphere
    cases take unit vectors), so their exact representation is the raw value itself. ``text`` says where the
    constraint applies (for the report)."""

    inner: Constraint
    applies: Callable[[Mapping[str, Any]], bool]
    text: str

    @property
    def names(self) -> tuple[str, ...]:
        return self.inner.names

    def exact(self, raw, point, ctx):
        if self.applies(point):
            return self.inner.exact(raw, point, ctx)
        return {n: raw[n] for n in self.names}

    def defect(self, values, point, ctx):
        return self.inner.defect(values, point, ctx) if self.applies(point) else ctx.mpf(0)

    def describe(self) -> str:
        return f"{self.inner.describe()} — where {self.text}; elsewhere free (any float is exact)"


# --- derived entries that are rational formulas of declared parameters ---------------------------------

def exact_mpf(q: Fraction, ctx) -> Any:
    """A rational as an mpf of ``ctx``: one rounding to working precision (none for the dyadic rationals that
    sums and products of floats give, whenever the numerator fits the precision)."""
    return ctx.mpf(q.numerator) / q.denominator


@dataclass(frozen=True)
class RationalDerivation:
    """Derived entries of a domain that are a formula of its declared Float parameters built from +, −, ×,
    |·|, min and max only: ``formula(point)`` evaluates it in exact rational arithmetic (every float is a
    dyadic rational, so the result is the exact value the statement is about).

    * ``derive`` gives the fast path the *correct rounding* of each exact value (``float(Fraction)``), so the
      floats stand for the exact point, not for a chain of float operations;
    * ``recompute`` declares the same entries ``checks.exact.Recompute``: the reference receives the exact
      value at its working precision, never the float. Branches of the formula (clamps, case splits) are
      decided on exact values, so the exact point lies in the domain's constraint set by construction.
    """

    formula: Callable[[Mapping[str, Any]], dict[str, Fraction]]
    #: each derived entry's formula, as the report prints it ({"rho2": "ρ1 ∓ gap", ...})
    texts: Mapping[str, str]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self.texts)

    def derive(self, point: Mapping[str, Any]) -> dict[str, float]:
        return {name: float(value) for name, value in self.formula(point).items()}

    @property
    def recompute(self) -> tuple[Recompute, ...]:
        return tuple(Recompute(name, partial(self._exact, name), f"{name} = {text}, in exact rational arithmetic")
                     for name, text in self.texts.items())

    def _exact(self, name: str, point: Mapping[str, Any], ctx) -> Any:
        return exact_mpf(self.formula(point)[name], ctx)


# --- float projections for the vectorised sampler ---------------------------------------------------------
#
# ``Domain.sample`` draws thousands of points per call; rounding each one's exact representation through
# mpmath (``round_trip``) would cost a millisecond a point. The sampler instead gives the fast path the float64
# projection of the raw value (a few ulps from the correctly rounded exact point, well inside the fast path's
# tolerance of 16·terms·eps) and keeps the raw value under ``name~raw`` exactly as ``round_trip`` does, so the
# reference still receives the exact representation of the same raw point at its own precision.

def _stackable(col: Any) -> np.ndarray | None:
    """The column as one float array (leading axis = points) when its entries share a shape, else None."""
    if isinstance(col, np.ndarray) and col.dtype.kind == "f":
        return col
    try:
        arr = np.asarray(col, dtype=np.float64)
    except (ValueError, TypeError):
        return None
    return arr if arr.dtype.kind == "f" else None


def _shape_groups(rows: Sequence[np.ndarray]) -> dict[tuple, list[int]]:
    groups: dict[tuple, list[int]] = {}
    for i, r in enumerate(rows):
        groups.setdefault(r.shape, []).append(i)
    return groups


def _per_row(col: Any, fn: Callable[[np.ndarray], np.ndarray], *, padding_neutral: bool = False) -> Any:
    """Apply ``fn`` (written for one entry, or a stack of entries along a leading axis) to a column: at once
    when the entries share a shape, else once per group of equal shapes (never once per row).

    ``padding_neutral``: ``fn`` acts along the last axis and zero padding there changes nothing in the entry
    (a norm, a sum), so a :class:`~checks.batching.Ragged` column is mapped in one pass over its padded array
    (all-zero padding rows give 0/0, which the re-padding sets back to 0)."""
    if isinstance(col, Ragged):
        if padding_neutral:
            with np.errstate(invalid="ignore", divide="ignore"):
                return col.with_padded(fn(col.padded.astype(np.float64, copy=False)))
        col = list(col)
    arr = _stackable(col)
    if arr is not None:
        return fn(arr)
    rows = [np.asarray(v, dtype=np.float64) for v in col]
    out: list[Any] = [None] * len(rows)
    for index in _shape_groups(rows).values():
        values = fn(np.stack([rows[i] for i in index]))
        for j, i in enumerate(index):
            out[i] = values[j]
    return out


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


def _float_unit(c: UnitVector, raw, cols, size):
    return {c.name: _per_row(raw[c.name], lambda v: c.radius * _unit(v), padding_neutral=True)}


def _float_inner_pair(c: InnerProductPair, raw, cols, size):
    rho = np.asarray(cols[c.inner], dtype=np.float64)
    first, second = _stackable(raw[c.first]), _stackable(raw[c.second])

    def pair(a, b, r):
        a = _unit(a)
        for _ in range(2):
            b = b - np.sum(b * a, axis=-1, keepdims=True) * a
        norm = np.linalg.norm(b, axis=-1, keepdims=True)
        u = np.divide(b, norm, out=np.zeros_like(b), where=norm > 0)
        r = r.reshape(r.shape + (1,) * (a.ndim - r.ndim))
        return a, r * a + np.sqrt(np.clip(1 - r * r, 0.0, None)) * u

    if first is not None and second is not None:
        a, b = pair(first, second, rho)
        return {c.first: a, c.second: b}
    firsts = [np.asarray(x, dtype=np.float64) for x in raw[c.first]]
    seconds = [np.asarray(y, dtype=np.float64) for y in raw[c.second]]
    out_a: list[Any] = [None] * size
    out_b: list[Any] = [None] * size
    for index in _shape_groups(firsts).values():  # once per group of equal dimensions
        a, b = pair(np.stack([firsts[i] for i in index]), np.stack([seconds[i] for i in index]), rho[index])
        for j, i in enumerate(index):
            out_a[i], out_b[i] = a[j], b[j]
    return {c.first: out_a, c.second: out_b}


def _float_orthogonal(c: Orthogonal, raw, cols, size):
    def polar(m):
        u, _, vt = np.linalg.svd(m)
        return u @ vt

    return {c.name: _per_row(raw[c.name], polar)}


def _float_probability(c: ProbabilityVector, raw, cols, size):
    return {c.name: _per_row(raw[c.name], lambda v: v / np.sum(v, axis=-1, keepdims=True), padding_neutral=True)}


def _float_sign(c: SignVector, raw, cols, size):
    return {c.name: raw[c.name]}


def _float_tangent(c: TangentVector, raw, cols, size):
    base = cols.get(raw_key(c.base), cols[c.base])
    rows = cols[c.row] if c.row is not None else None
    thetas, us = [], []
    for i in range(size):  # gathering only; the arithmetic runs once per group of equal dimensions
        theta = np.asarray(base[i], dtype=np.float64)
        if rows is not None:
            theta = theta[int(rows[i]) % len(theta)]
        thetas.append(theta)
        us.append(np.asarray(raw[c.name][i], dtype=np.float64))
    out: list[Any] = [None] * size
    for index in _shape_groups(us).values():
        theta = _unit(np.stack([thetas[i] for i in index]))
        u = np.stack([us[i] for i in index])
        for _ in range(2):
            u = u - np.sum(u * theta, axis=-1, keepdims=True) * theta
        u = _unit(u)
        for j, i in enumerate(index):
            out[i] = u[j]
    stacked = _stackable(out)
    return {c.name: stacked if stacked is not None else out}


class _Row(Mapping):
    """Row ``i`` of a batch's columns as a read-only mapping that fetches an entry only when asked for (a
    ``Where`` predicate reads one or two entries, e.g. the case; building every row's dict cost more)."""

    __slots__ = ("_cols", "_i")

    def __init__(self, cols: Mapping[str, Any], i: int):
        self._cols, self._i = cols, i

    def __getitem__(self, name: str) -> Any:
        return self._cols[name][self._i]

    def __iter__(self):
        return iter(self._cols)

    def __len__(self) -> int:
        return len(self._cols)


def _float_where(c: Where, raw, cols, size):
    mask = [bool(c.applies(_Row(cols, i))) for i in range(size)]
    inner = float_values(c.inner, raw, cols, size)
    out = {}
    for n in c.names:
        values = inner[n]
        if isinstance(values, Ragged) and isinstance(raw[n], Ragged) and values.extents == raw[n].extents:
            where = np.asarray(mask, dtype=bool).reshape((size,) + (1,) * len(values.extents))
            out[n] = values.with_padded(np.where(where, values.padded, raw[n].padded))
            continue
        out[n] = [values[i] if m else raw[n][i] for i, m in enumerate(mask)]
        stacked = _stackable(out[n])
        if stacked is not None:
            out[n] = stacked
    return out


_FLOAT_PROJECTIONS: dict[type, Callable[..., dict[str, Any]]] = {
    UnitVector: _float_unit, InnerProductPair: _float_inner_pair, Orthogonal: _float_orthogonal,
    ProbabilityVector: _float_probability, SignVector: _float_sign, TangentVector: _float_tangent,
    Where: _float_where,
}


def float_values(c: Constraint, raw: Mapping[str, Any], columns: Mapping[str, Any], size: int) -> dict[str, Any]:
    """The float64 projection of a constraint's raw columns (see the comment above)."""
    try:
        fn = _FLOAT_PROJECTIONS[type(c)]
    except KeyError:
        raise TypeError(f"no float projection for the constraint type {type(c).__name__}; add one to "
                        "checks.exact._FLOAT_PROJECTIONS") from None
    return fn(c, raw, columns, size)


def float_round_trip(columns: dict[str, Any], constraints: Sequence[Constraint], size: int) -> dict[str, Any]:
    """``round_trip`` for a batch of columns, in float64: each governed column's raw values are kept under
    ``name~raw`` and the column is replaced by the float projection."""
    out = dict(columns)
    for c in constraints:
        raw = {n: out.get(raw_key(n), out[n]) for n in c.names}
        values = float_values(c, raw, out, size)
        for n in c.names:
            out[raw_key(n)] = raw[n]
            out[n] = values[n]
    return out
