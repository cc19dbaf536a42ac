"""Shared declarations for the daniely2023 claims (paper key, exact derived quantities)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from functools import partial
from typing import Any

from checks.exact import Recompute

PAPER = "daniely2023"


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
