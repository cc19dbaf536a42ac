"""The claim record: one frozen declaration per statement of a paper.

A claim carries everything a reader and the engine need: who said it (paper, label, section, the
statement as printed), what kind of statement it is, how to check it (a kind-specific *spec* holding the
parameter domain, the high-precision reference and the torch fast path), the named constants of the
statement (which mutants perturb), what a finite check does and does not establish, its dependencies
and any recorded errata.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any


class Kind(enum.StrEnum):
    """What sort of statement a claim is; it selects the engine that checks it."""

    IDENTITY = "identity"
    INEQUALITY = "inequality"
    SYMBOLIC = "symbolic"
    PROBABILISTIC = "probabilistic"
    RATE = "rate"
    INVARIANCE = "invariance"
    EXPERIMENT = "experiment"


class Verdict(enum.StrEnum):
    """Three-valued (plus bookkeeping) outcome of a check, never a bare pass/fail."""

    PROVED = "PROVED"  # exact arithmetic establishes it for the whole stated family
    HOLDS = "HOLDS"  # no counterexample among the points searched; evidence attached
    VIOLATED = "VIOLATED"  # a counterexample confirmed at high precision (or a CI excluding the bound)
    INCONCLUSIVE = "INCONCLUSIVE"  # the margin is inside noise, or a CI straddles the bound
    ERROR = "ERROR"  # the check crashed; traceback in the evidence
    SKIPPED = "SKIPPED"  # the backend it needs is unavailable


#: Verdicts that count as "the statement survived the check".
SUPPORTING = frozenset({Verdict.PROVED, Verdict.HOLDS})


@dataclass(frozen=True)
class Erratum:
    """A place where the paper, as printed, is wrong; the engine is expected to report VIOLATED."""

    summary: str  # one sentence: what is wrong
    evidence: str  # the numbers that show it (parameters, both sides, margin)
    suggested_fix: str = ""  # what the authors probably meant, if it is clear


@dataclass(frozen=True)
class Mutant:
    """The statement with a constant, exponent or sign perturbed; the engine must flag it VIOLATED."""

    name: str  # short identifier, used in test ids
    constants: Mapping[str, Any]  # overrides of Claim.constants
    description: str = ""  # what was perturbed, in words


@dataclass(frozen=True)
class Claim:
    """One executable statement.

    ``id`` is permanent: ``<paper>/<label>`` exactly as the catalogue's heading, with an optional
    ``[reading]`` suffix when the printed text admits several readings (each reading is its own claim).
    """

    id: str  # e.g. "daniely2023/lemma-2.7" or "daniely2023/lemma-2.5[signed-sum]"
    label: str  # the paper's label, e.g. "Lemma 2.7"
    section: str  # where in the paper, e.g. "2.5"
    statement: str  # the statement as printed (plain text / LaTeX)
    kind: Kind
    spec: Any  # a kind-specific spec from checks.specs; it holds domain, reference and fast path
    establishes: str  # what the finite check does and does not establish
    constants: Mapping[str, Any] = field(default_factory=dict)  # the statement's named constants
    mutants: tuple[Mutant, ...] = ()  # perturbed statements the engine must reject
    assumptions: tuple[str, ...] = ()  # hypotheses the paper assumes, made explicit
    depends: tuple[str, ...] = ()  # ids of claims this one rests on
    errata: tuple[Erratum, ...] = ()  # recorded errata; a claim with errata is expected VIOLATED
    expected: frozenset[Verdict] | None = None  # override of the expected verdicts (with a reason below)
    expected_reason: str = ""  # why an override of the expected verdicts is right
    reading: str = ""  # for "ID[reading]" entries: what this reading takes the printed text to mean
    # Why the fast path cannot be batched to full speed (an inherently sequential quadrature, a symbolic
    # object, ...), in one sentence; ``claims bench`` prints it next to a speedup below its goal.
    fast_path_note: str = ""

    def __post_init__(self) -> None:
        if "/" not in self.id:
            raise ValueError(f"claim id {self.id!r} must look like '<paper>/<label>'")
        if not self.mutants:
            raise ValueError(f"claim {self.id!r} declares no mutant: every check must be able to fail")
        object.__setattr__(self, "constants", MappingProxyType(dict(self.constants)))
        if self.expected is not None and not self.expected_reason:
            raise ValueError(f"claim {self.id!r} overrides its expected verdicts without a reason")

    @property
    def paper(self) -> str:
        return self.id.split("/", 1)[0]

    @property
    def base_id(self) -> str:
        """The catalogue id without any ``[reading]`` suffix."""
        return self.id.split("[", 1)[0]

    @property
    def expected_verdicts(self) -> frozenset[Verdict]:
        if self.expected is not None:
            return self.expected
        if self.errata:
            return frozenset({Verdict.VIOLATED})
        return SUPPORTING

    def with_constants(self, overrides: Mapping[str, Any]) -> Claim:
        """A copy of this claim whose named constants are overridden (how mutants are built)."""
        unknown = set(overrides) - set(self.constants)
        if unknown:
            raise KeyError(f"{self.id}: mutant names unknown constants {sorted(unknown)}")
        from dataclasses import replace

        return replace(self, constants={**self.constants, **overrides}, errata=(), expected=None,
                       expected_reason="")
