"""claims-harness engine: the claim model, kind-specific engines, tolerances, statistics, runner, reports,
CLI and pytest plugin. The public surface for declaring claims is re-exported here."""

from .domain import Choice, Domain, DomainError, Float, Int
from .model import Claim, Erratum, Kind, Mutant, Verdict
from .specs import Batch, PointwiseSpec, ProbabilisticSpec, RateSpec, SymbolicOutcome, SymbolicSpec

__all__ = [
    "Batch", "Choice", "Claim", "Domain", "DomainError", "Erratum", "Float", "Int", "Kind", "Mutant",
    "PointwiseSpec", "ProbabilisticSpec", "RateSpec", "SymbolicOutcome", "SymbolicSpec", "Verdict",
]
