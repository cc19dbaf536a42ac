"""Kind-specific check specifications: what a claim hands the engine.

Each spec holds the parameter domain, the high-precision reference (mpmath/sympy; never torch) and the
torch fast path (never the reference) for one kind of statement. Reference and fast path take the same
parameter names and return the same structure, so a reader sees one formula in two arithmetics.

Contracts
---------
Pointwise (identity / inequality): ``reference(point, constants, ctx)`` returns ``(lhs, rhs)`` or
``(lhs, rhs, scale)`` as mpmath numbers computed in the local context ``ctx``;
``fast(batch, constants, device=..., dtype=...)`` returns tensors of shape ``(len(batch),)`` with the same
meaning. ``scale`` is the magnitude of the terms that were combined (defaults to ``max(|lhs|, |rhs|)``);
margins are ``(rhs - lhs) / scale`` for ``<=`` and ``-|lhs - rhs| / scale`` for ``==``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from .domain import Domain
from .model import Verdict

Relation = Literal["==", "<=", "<", ">=", ">"]


class Batch:
    """A batch of parameter points for the fast path (a list of dicts with column access)."""

    def __init__(self, points: Sequence[Mapping[str, Any]]):
        self.points = [dict(p) for p in points]

    def __len__(self) -> int:
        return len(self.points)

    def column(self, name: str) -> list[Any]:
        return [p[name] for p in self.points]

    def tensor(self, name: str, *, device: Any, dtype: Any):
        import torch

        return torch.tensor(self.column(name), device=device, dtype=dtype)


@dataclass(frozen=True)
class PointwiseSpec:
    """An identity or inequality ``lhs REL rhs`` that must hold at every point of ``domain``."""

    domain: Domain
    relation: Relation
    reference: Callable[..., tuple]
    fast: Callable[..., tuple]
    # Error growth of the fast path in units of the dtype's epsilon (roughly: the number of rounding
    # steps that feed one side, times any known amplification). Must carry a reason when not 1.
    terms: float = 1.0
    terms_reason: str = ""
    # Accuracy of the reference when it is not exact to working precision (e.g. quadrature), relative.
    reference_rtol: float | None = None
    reference_rtol_reason: str = ""
    strict_tight: bool = False  # a strict relation: equality within noise counts as INCONCLUSIVE

    def __post_init__(self) -> None:
        if self.terms != 1.0 and not self.terms_reason:
            raise ValueError("PointwiseSpec.terms differs from 1 without terms_reason")
        if self.reference_rtol is not None and not self.reference_rtol_reason:
            raise ValueError("PointwiseSpec.reference_rtol given without reference_rtol_reason")


@dataclass(frozen=True)
class SymbolicOutcome:
    """What a symbolic (sympy / exact-rational) check established."""

    verdict: Verdict  # PROVED (whole family), HOLDS (exact on a finite range), VIOLATED (exact counterexample)
    detail: str  # the argument in one or two sentences, or what was enumerated
    cases: int = 0  # number of exact cases checked (0 for a proof over a symbolic family)
    counterexample: Mapping[str, Any] | None = None
    values: Mapping[str, Any] = field(default_factory=dict)  # both sides etc., as strings


@dataclass(frozen=True)
class SymbolicSpec:
    """A statement settled by exact arithmetic; ``prove(constants)`` returns a SymbolicOutcome.

    ``numeric`` is an optional float cross-check (torch fast path vs mpmath) of the same statement.
    """

    prove: Callable[[Mapping[str, Any]], SymbolicOutcome]
    numeric: PointwiseSpec | None = None


@dataclass(frozen=True)
class ProbabilisticSpec:
    """A bound on an expectation or a probability over random weights, checked by Monte Carlo.

    ``sample(point, constants, n, generator, device=, dtype=)`` returns ``n`` i.i.d. draws (a tensor) of the
    random quantity whose mean (``statistic="mean"``) or success frequency (``"probability"``, draws in
    {0, 1}) is claimed ``relation`` ``bound(point, constants)``. ``reference(point, constants, ctx)``, when
    given, is a high-precision value of the statistic (``reference_is="exact"``) or of an upper bound on it
    valid at every width (``"upper"``, e.g. the Lemma-2.6 root-mean-square); it confirms or refutes.
    """

    settings: tuple[Mapping[str, Any], ...]
    sample: Callable[..., Any]
    bound: Callable[[Mapping[str, Any], Mapping[str, Any]], float]
    relation: Relation = "<="
    statistic: Literal["mean", "probability"] = "mean"
    samples: int = 200  # draws per setting at the default budget
    support: tuple[float, float] | None = None  # almost-sure range of a draw, when known
    reference: Callable[..., Any] | None = None
    reference_is: Literal["exact", "upper"] | None = None
    reference_rtol: float = 1e-12  # accuracy of that reference (quadrature), relative
    asymptotic_param: str | None = None  # "width >= D": only persistence across this sweep is a violation
    domain: Domain | None = None  # for user-supplied points (claims check --at)


@dataclass(frozen=True)
class RateSpec:
    """A rate: ``quantity(x) ~ x^slope`` (``scale="loglog"``) or ``exp(slope x)`` (``"semilog"``).

    The claimed slope is ``constants[exponent_name]``; ``relation`` compares the fitted slope with it:
    ``"<="`` means "decays at least this fast". The fit uses the tail of the grid (the asymptotic regime)
    and a bootstrap confidence interval.
    """

    grid: tuple[float, ...]
    reference: Callable[..., Any]  # (x, constants, ctx) -> mpf, the quantity at x
    fast: Callable[..., Any]  # (xs tensor, constants, device=, dtype=) -> tensor
    relation: Relation = "<="
    scale: Literal["loglog", "semilog"] = "loglog"
    exponent_name: str = "exponent"
    tail_fraction: float = 0.5  # fit on this upper fraction of the grid
    fast_rtol_terms: float = 1.0
    fast_rtol_reason: str = ""
