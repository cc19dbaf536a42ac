"""Parameter domains: named, typed, bounded parameters turned into hypothesis strategies.

A domain is declared once on a claim and serves three purposes: hypothesis draws points from it, the
CLI validates user-supplied points against it (``claims check ID --at n=3``), and the report prints it.
Constrained inputs are built constructively (``Derived``) rather than filtered.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from hypothesis import strategies as st

from .batching import Batch
from .exact import Constraint, Recompute, exact_point, float_round_trip, raw_key, round_trip


class DomainError(ValueError):
    """A parameter value lies outside the claim's declared domain (or the parameter is unknown)."""


@dataclass(frozen=True)
class Int:
    name: str
    min_value: int
    max_value: int
    examples: tuple[int, ...] = ()  # always tried (e.g. the edge cases n = 0, 1, 2)

    def strategy(self) -> st.SearchStrategy:
        return st.integers(self.min_value, self.max_value)

    def parse(self, text: str) -> int:
        try:
            value = int(text)
        except ValueError as exc:
            raise DomainError(f"parameter {self.name}={text!r} is not an integer") from exc
        return self.validate(value)

    def validate(self, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise DomainError(f"parameter {self.name}={value!r} must be an integer")
        if not self.min_value <= value <= self.max_value:
            raise DomainError(
                f"parameter {self.name}={value} is outside the domain [{self.min_value}, {self.max_value}]")
        return value

    def describe(self) -> str:
        return f"{self.name} ∈ {{{self.min_value}, …, {self.max_value}}} (integer)"

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        values = rng.integers(self.min_value, self.max_value, size=n, endpoint=True)
        return _with_edges(values, (self.min_value, self.max_value, *self.examples), rng)


@dataclass(frozen=True)
class Float:
    name: str
    min_value: float
    max_value: float
    examples: tuple[float, ...] = ()
    log_scale: bool = False  # draw log-uniformly (for scales spanning many decades; needs min_value > 0)

    def strategy(self) -> st.SearchStrategy:
        if self.log_scale:
            lo, hi = math.log(self.min_value), math.log(self.max_value)
            return st.floats(lo, hi).map(lambda t: min(max(math.exp(t), self.min_value), self.max_value))
        return st.floats(self.min_value, self.max_value, allow_nan=False, allow_infinity=False)

    def parse(self, text: str) -> float:
        try:
            value = float(text)
        except ValueError as exc:
            raise DomainError(f"parameter {self.name}={text!r} is not a number") from exc
        return self.validate(value)

    def validate(self, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
            raise DomainError(f"parameter {self.name}={value!r} must be a real number")
        if not self.min_value <= value <= self.max_value:
            raise DomainError(
                f"parameter {self.name}={value} is outside the domain [{self.min_value}, {self.max_value}]")
        return float(value)

    def describe(self) -> str:
        scale = ", log-uniform" if self.log_scale else ""
        return f"{self.name} ∈ [{self.min_value:g}, {self.max_value:g}]{scale}"

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        if self.log_scale:
            values = np.exp(rng.uniform(math.log(self.min_value), math.log(self.max_value), size=n))
        else:
            values = rng.uniform(self.min_value, self.max_value, size=n)
        values = np.clip(values, self.min_value, self.max_value)
        return _with_edges(values, (self.min_value, self.max_value, *self.examples), rng)


@dataclass(frozen=True)
class Choice:
    name: str
    choices: tuple[Any, ...]
    examples: tuple[Any, ...] = ()

    def strategy(self) -> st.SearchStrategy:
        return st.sampled_from(self.choices)

    def parse(self, text: str) -> Any:
        for choice in self.choices:
            if str(choice) == text:
                return choice
        raise DomainError(f"parameter {self.name}={text!r} is not one of {[str(c) for c in self.choices]}")

    def validate(self, value: Any) -> Any:
        if value not in self.choices:
            raise DomainError(f"parameter {self.name}={value!r} is not one of {list(self.choices)}")
        return value

    def describe(self) -> str:
        return f"{self.name} ∈ {{{', '.join(map(str, self.choices))}}}"

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        out = np.empty(n, dtype=object)
        out[:] = [self.choices[i] for i in rng.integers(0, len(self.choices), size=n)]
        return out


Param = Int | Float | Choice

#: share of the sampler's draws of a numeric parameter that are its edge values (bounds and declared examples)
EDGE_SHARE = 1 / 16


def _with_edges(values: np.ndarray, edges: tuple, rng: np.random.Generator) -> np.ndarray:
    """Replace a random EDGE_SHARE of the draws by the parameter's bounds and examples (the uniform draw almost
    never hits them, and bounds are where inequalities tend to be tight)."""
    mask = rng.random(len(values)) < EDGE_SHARE
    if mask.any():
        values = values.copy()
        values[mask] = np.asarray(edges, dtype=values.dtype)[rng.integers(0, len(edges), size=int(mask.sum()))]
    return values


@dataclass(frozen=True)
class Domain:
    """An ordered set of parameters, optional derived quantities and a cross-parameter constraint.

    ``derive`` maps a drawn point to extra entries built constructively (e.g. the second vector of a
    pair with a prescribed inner product). ``constraint`` documents and enforces a joint condition;
    strategies respect it by construction (``repair``) rather than by filtering.
    """

    params: tuple[Param, ...]
    derive: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    repair: Callable[[dict[str, Any]], dict[str, Any]] | None = None  # map a draw into the constraint set
    constraint: Callable[[Mapping[str, Any]], str | None] | None = None  # returns a reason if violated
    constraint_text: str = ""
    examples: tuple[Mapping[str, Any], ...] = field(default_factory=tuple)
    # Exact domains (checks.exact): constrained derived inputs, quantities recomputed from them for the
    # reference, and derived entries that are unconstrained (any float is an exact point of the domain).
    exact: tuple[Constraint, ...] = ()
    recompute: tuple[Recompute, ...] = ()
    free: tuple[str, ...] = ()
    # ``derive`` vectorised: columns of the declared parameters (numpy arrays, length N) -> the derived columns
    # (numpy arrays with leading axis N, or lists of N entries). Must equal ``derive`` row by row (to float
    # rounding; a generic test checks it), so a point the sampler drew is reproduced from its parameters.
    derive_batch: Callable[[dict[str, np.ndarray]], dict[str, Any]] | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.params)

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        raise DomainError(f"unknown parameter {name!r}; this claim's parameters are {list(self.names)}")

    def complete(self, point: dict[str, Any]) -> dict[str, Any]:
        if self.repair is not None:
            point = self.repair(dict(point))
        if self.derive is not None:
            point = {**point, **self.derive(point)}
        return round_trip(point, self.exact)

    def sample(self, rng: np.random.Generator, n: int, *, drawn: Sequence[Mapping[str, Any]] = ()) -> Batch:
        """``n`` points drawn at random by numpy (the fast sampler behind the engine's large searches and
        ``claims bench``): every parameter uniformly (log-uniformly where declared), a share of them at
        their edge values. ``drawn`` (parameter values drawn elsewhere, e.g. by hypothesis) come first in the
        batch; all are completed together as ``complete_batch`` does (one ``derive_batch`` call: its cost is
        mostly per group of equal shape). Deterministic given ``rng``'s state and ``drawn``."""
        sampled = {p.name: p.sample(rng, n) for p in self.params}
        if drawn:
            sampled = {p.name: np.concatenate([_param_column(p, [pt[p.name] for pt in drawn]),
                                               sampled[p.name]]) for p in self.params}
        return self._complete_columns(sampled, len(drawn) + n)

    def complete_batch(self, points: Sequence[Mapping[str, Any]]) -> Batch:
        """``complete`` for many points at once (drawn parameter values, e.g. by ``raw_strategy``): derived
        entries by ``derive_batch`` when the domain has one, else point by point; constrained entries as
        float64 projections of their raw values, the raw values kept (``checks.exact.float_round_trip``)."""
        n = len(points)
        return self._complete_columns({p.name: _param_column(p, [pt[p.name] for pt in points]) for p in self.params},
                                      n)

    def _complete_columns(self, columns: dict[str, Any], n: int) -> Batch:
        if self.repair is not None:
            rows = [self.repair(row) for row in Batch.from_columns(columns, n).points]
            columns = {name: _column([row[name] for row in rows]) for name in columns}
        if self.derive is not None:
            if self.derive_batch is not None:
                derived = self.derive_batch(columns)
            else:
                rows = [self.derive(row) for row in Batch.from_columns(columns, n).points]
                names = dict.fromkeys(name for row in rows for name in row)  # a derive may add entries by case
                derived = {name: _column([row.get(name) for row in rows]) for name in names}
            columns.update(derived)
        return Batch.from_columns(float_round_trip(columns, self.exact, n), n)

    def exact_point(self, point: Mapping[str, Any], ctx: Any) -> dict[str, Any]:
        """The point as the reference must see it: constrained inputs exact at ``ctx``'s precision, derived
        quantities recomputed from them (see checks.exact)."""
        return exact_point(point, self.exact, self.recompute, ctx)

    def float_only(self, point: Mapping[str, Any]) -> list[str]:
        """Derived entries declared neither constrained, recomputed nor free: the reference can only take
        their floats as given (the pointwise engine then guards against input rounding)."""
        covered = set(self.names) | set(self.free) | {r.name for r in self.recompute}
        for c in self.exact:
            covered.update(c.names)
            covered.update(raw_key(n) for n in c.names)
        return sorted(k for k, v in point.items() if k not in covered and _has_float(v))

    def exactness(self) -> dict[str, Any]:
        """What the report says about how points were made exact."""
        out: dict[str, Any] = {}
        if self.exact:
            out["constrained"] = [c.describe() for c in self.exact]
        if self.recompute:
            out["recomputed"] = [r.describe() for r in self.recompute]
        if self.free:
            out["free"] = list(self.free)
        return out

    def strategy(self) -> st.SearchStrategy:
        """Complete points (``complete`` applied to each draw)."""
        return self.raw_strategy().map(self.complete)

    def raw_strategy(self) -> st.SearchStrategy:
        """The declared parameters only, uncompleted: for callers that complete many draws at once
        (``complete_batch``)."""
        return st.fixed_dictionaries({p.name: p.strategy() for p in self.params})

    def validate(self, point: Mapping[str, Any]) -> dict[str, Any]:
        """Check a user-supplied point; raise DomainError naming the first offending parameter."""
        for name in point:
            self.param(name)
        missing = [n for n in self.names if n not in point]
        if missing:
            raise DomainError(f"missing parameter(s) {missing}; domain: {self.describe()}")
        checked = {p.name: p.validate(point[p.name]) for p in self.params}
        if self.constraint is not None:
            reason = self.constraint(checked)
            if reason:
                raise DomainError(f"point {checked} violates the domain constraint: {reason}")
        if self.derive is not None:
            checked = {**checked, **self.derive(checked)}
        return round_trip(checked, self.exact)

    def parse(self, assignments: Sequence[str]) -> dict[str, Any]:
        """Parse ``name=value`` strings (the CLI's ``--at``) into a validated point."""
        raw: dict[str, Any] = {}
        for item in assignments:
            if "=" not in item:
                raise DomainError(f"--at expects name=value, got {item!r}")
            name, text = item.split("=", 1)
            raw[name.strip()] = self.param(name.strip()).parse(text.strip())
        return self.validate(raw)

    def example_points(self) -> list[dict[str, Any]]:
        """Explicit edge cases: the declared examples plus, per parameter, its own examples."""
        points = [dict(e) for e in self.examples]
        if any(p.examples for p in self.params):
            base = {p.name: (p.examples[0] if p.examples else _middle(p)) for p in self.params}
            for p in self.params:
                for value in p.examples:
                    points.append({**base, p.name: value})
        return [self.complete(pt) for pt in points]

    def describe(self) -> str:
        text = "; ".join(p.describe() for p in self.params)
        if self.constraint_text:
            text += f"; subject to {self.constraint_text}"
        return text


def _param_column(param: Param, values: list[Any]) -> np.ndarray:
    """Drawn values of one declared parameter as the column ``param.sample`` would give (Choice: an object
    array, so choices that are tuples or strings stay whole)."""
    if isinstance(param, Choice):
        out = np.empty(len(values), dtype=object)
        for i, value in enumerate(values):  # element by element: a tuple choice must not be broadcast
            out[i] = value
        return out
    return np.asarray(values, dtype=np.int64 if isinstance(param, Int) else np.float64)


def _column(values: list[Any]) -> Any:
    """A list of per-point values as a numpy column when they share a shape and a numeric type, else the list."""
    try:
        arr = np.asarray(values)
    except ValueError:
        return values
    return arr if arr.dtype.kind in "biuf" else values


def _has_float(value: Any) -> bool:
    if isinstance(value, float):
        return True
    if isinstance(value, list | tuple):
        return any(_has_float(v) for v in value)
    return False


def _middle(p: Param) -> Any:
    if isinstance(p, Choice):
        return p.choices[0]
    if isinstance(p, Int):
        return p.min_value
    return p.min_value if p.log_scale else 0.5 * (p.min_value + p.max_value)
