"""Kind-specific check specifications: what a claim hands the engine.

Each spec holds the parameter domain, the high-precision reference (mpmath/sympy; never torch) and the
torch fast path (never the reference) for one kind of statement. Reference and fast path take the same
parameter names and return the same structure, so a reader sees one formula in two arithmetics.

Contracts
---------
Pointwise (identity / inequality): ``reference(point, constants, ctx)`` returns ``(lhs, rhs)`` or
``(lhs, rhs, scale)`` as mpmath numbers computed in the local context ``ctx``;
``fast(batch, constants, device=..., dtype=...)`` returns tensors of shape ``(len(batch),)`` with the same
meaning (the engine calls it under ``torch.no_grad()``: a fast path that differentiates with autograd wraps
its body in ``torch.enable_grad()``). ``scale`` is the magnitude of the terms that were combined (defaults to
``max(|lhs|, |rhs|)``); margins are ``(rhs - lhs) / scale`` for ``<=`` and ``-|lhs - rhs| / scale`` for ``==``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from .batching import Batch, BatchShapeError, grouped  # noqa: F401  (re-exported: the fast paths' API)
from .domain import Domain
from .model import Verdict

Relation = Literal["==", "<=", "<", ">=", ">"]


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
    # Share of the budget's sampled points (Budget.fill) this claim searches: below 1 only for a fast path that
    # cannot be batched to full speed (its claim's fast_path_note says why), with the reason here.
    search_scale: float = 1.0
    search_scale_reason: str = ""

    def __post_init__(self) -> None:
        if self.terms != 1.0 and not self.terms_reason:
            raise ValueError("PointwiseSpec.terms differs from 1 without terms_reason")
        if self.search_scale != 1.0 and not self.search_scale_reason:
            raise ValueError("PointwiseSpec.search_scale differs from 1 without search_scale_reason")
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

    ``sample(point, constants, n, generator, device=, dtype=)`` (called under ``torch.no_grad()``; wrap autograd
    in ``torch.enable_grad()``) returns ``n`` i.i.d. draws (a tensor) of the
    random quantity whose mean (``statistic="mean"``) or success frequency (``"probability"``, draws in
    {0, 1}) is claimed ``relation`` ``bound(point, constants)``. ``reference(point, constants, ctx)``, when
    given, is a high-precision value of the statistic (``reference_is="exact"``) or of an upper bound on it
    valid at every width (``"upper"``, e.g. the Lemma-2.6 root-mean-square); it confirms or refutes.

    A Monte Carlo interval decides a verdict only on the sides that ``support`` / ``tail`` make valid at the
    run's per-test level; a side without them is reported (Student-t) and may confirm a setting (marked as
    resting on the normal approximation) but never refute it: such a setting is at most INCONCLUSIVE.
    """

    settings: tuple[Mapping[str, Any], ...]
    sample: Callable[..., Any]
    bound: Callable[[Mapping[str, Any], Mapping[str, Any]], float]
    relation: Relation = "<="
    statistic: Literal["mean", "probability"] = "mean"
    # draws per setting at the default budget (the budget scales it), or a callable point -> draws where some
    # settings need more draws for a valid interval to resolve their margin (cheap settings, usually)
    samples: int | Callable[[Mapping[str, Any]], int] = 200
    # Proven almost-sure range of one draw: (lo, hi), either end may be ±inf, or a callable (point, constants)
    # -> (lo, hi) when it depends on the setting. It makes the Monte Carlo interval valid at the run's level
    # (checks.stats.mean_interval): both ends finite → empirical Bernstein; only lo → a valid lower side.
    support: tuple[float, float] | Callable[..., tuple[float, float]] | None = None
    support_reason: str = ""  # why the range is proven (required with `support`; printed in the evidence)
    # Proven tail bound of one draw: a callable (point, constants) -> checks.stats.TailBound (it carries its
    # own reason). With it, the clipped-mean interval widened by the truncation bias is valid on both sides.
    tail: Callable[..., Any] | None = None
    reference: Callable[..., Any] | None = None
    reference_is: Literal["exact", "upper"] | None = None
    reference_rtol: float = 1e-12  # accuracy of that reference (quadrature), relative
    asymptotic_param: str | None = None  # "width >= D": only persistence across this sweep is a violation
    domain: Domain | None = None  # for user-supplied points (claims check --at)

    def __post_init__(self) -> None:
        if self.support is not None and not self.support_reason:
            raise ValueError("ProbabilisticSpec.support given without support_reason (why the range is proven)")


@dataclass(frozen=True)
class RateSpec:
    """A rate: ``quantity(x) ~ x^slope`` (``scale="loglog"``) or ``exp(slope x)`` (``"semilog"``).

    The claimed slope is ``constants[exponent_name]``; ``relation`` compares the fitted slope with it:
    ``"<="`` means "decays at least this fast". The fit uses the tail of the grid (the asymptotic regime)
    and compares the claimed slope with the range of the local (secant) slopes there — deterministic, since
    the values are exact (checks.engine.rate).
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


# --- invariance ---------------------------------------------------------------------------------------

Group = Literal["orthogonal", "rotation", "permutation", "sign", "linear", "translation"]

#: How a group element acts on one named input (or on the output of an equivariant map):
#: "vector"   last axis lies in R^n: x ↦ g x (matrix groups, sign flips, coordinate permutations), x ↦ x + t;
#: "covector" last axis pairs with vectors: x ↦ g^{-T} x (so that x^T θ is preserved under the linear group);
#: "index"    axis 1 indexes neurons / particles: it is permuted (permutation group only);
#: "fixed"    untouched (listed for the reader: this input is not transformed).
Role = Literal["vector", "covector", "index", "fixed"]


@dataclass(frozen=True)
class InvarianceSpec:
    """``f(g·x) = f(x)`` (``output="invariant"``) or ``F(g·x) = g·F(x)`` (``"equivariant"``) for all g in ``group``.

    The engine draws structural parameters from ``domain`` with hypothesis, then a batch of random inputs
    and group elements (Haar orthogonal by QR with sign correction, rotations, permutations, sign flips,
    well-conditioned invertible matrices, translations), applies the group by the declared ``acts_on``
    roles and compares.

    ``inputs(point, constants, generator, batch, *, device, dtype)`` returns a dict of tensors whose first
    axis is the batch; ``function(inputs, constants, *, device, dtype)`` maps such a dict to a tensor
    ``(batch, ...)`` (a value, or the end point of an algorithm such as gradient descent);
    ``reference(inputs, constants, ctx)`` does the same for ONE example whose inputs are nested lists of
    mpmath numbers, returning an mpf or a (nested) list of mpf. ``group_dim(point)`` is the size n of the
    group's elements (d for matrices and translations, k for neuron permutations).
    """

    domain: Domain
    group: Group
    acts_on: Mapping[str, Role]
    inputs: Callable[..., dict]
    function: Callable[..., Any]
    reference: Callable[..., Any]
    group_dim: Callable[[Mapping[str, Any]], int]
    output: Literal["invariant", "equivariant"] = "invariant"
    output_role: Role = "vector"  # how g acts on the output when equivariant
    batch: int = 16  # inputs per hypothesis example (the budget scales it)
    terms: float = 1.0  # error growth of `function` in units of eps(dtype); a reason when not 1
    terms_reason: str = ""
    reference_rtol: float | None = None
    reference_rtol_reason: str = ""
    # ``rounding_scale(inputs, constants, *, device, dtype)`` -> (batch,): the size of the terms ``function``
    # adds up (e.g. E|integrand| for a quadrature whose value cancels); the fast discrepancy is relative to the
    # larger of it and the values. None: relative to the values.
    rounding_scale: Callable[..., Any] | None = None
    max_condition: float = 10.0  # linear group: elements are drawn with condition number at most this
    # constrained inputs (checks.exact): the reference receives their exact representation at its precision
    exact: tuple = ()

    def __post_init__(self) -> None:
        if self.terms != 1.0 and not self.terms_reason:
            raise ValueError("InvarianceSpec.terms differs from 1 without terms_reason")
        if self.reference_rtol is not None and not self.reference_rtol_reason:
            raise ValueError("InvarianceSpec.reference_rtol given without reference_rtol_reason")
        if "index" in self.acts_on.values() and self.group != "permutation":
            raise ValueError("the 'index' role is only meaningful for the permutation group")


# --- experiments / dynamics -----------------------------------------------------------------------------

Outcome = Literal["success", "failure", "unfinished"]
CertificateKind = Literal["stationary-point", "divergence", "exact", "counterexample-state"]
CERTIFICATE_KINDS: tuple[str, ...] = ("stationary-point", "divergence", "exact", "counterexample-state")


@dataclass(frozen=True)
class Certificate:
    """Why a failed run is a *genuine* counterexample, with the numbers that verify it.

    A run that merely did not reach the claimed outcome within its steps proves nothing; a failure counts only
    with one of these:

    - ``"stationary-point"``: the end point is a (second-order) stationary point — ``grad_norm ≤ g_tol`` and the
      smallest tangent Hessian eigenvalue ``lambda_min ≥ −h_tol``, both recomputed in float64 (or exactly) at
      the (polished) end point — at which the hypotheses hold and the conclusion fails by ``margin``.
    - ``"divergence"``: a proven lower bound that grows without limit (an exact invariant or a monotone
      quantity, e.g. |x_{t+1}| ≥ q|x_t| with q > 1 once |x_t| ≥ R, reached by the run), or a proof that the
      target of the convergence does not exist (the objective is unbounded below).
    - ``"exact"``: the conclusion fails in an exact / high-precision computation (closed forms, exact
      rationals, a finite protocol evaluated in full with the margin far above its rounding).
    - ``"counterexample-state"``: an explicit state (a configuration, an absorbing set reached by the run)
      whose numbers, recorded here, verify that the conclusion fails.

    ``margin`` is by how much the conclusion fails (> 0, in the units ``margin_of`` names); ``verification``
    says how the numbers were checked (precision, recomputation, the argument); ``hypotheses_met`` that the
    statement's hypotheses hold at the certified state. The engine re-checks :meth:`problems` and counts a
    failure whose certificate has any as unfinished.
    """

    kind: CertificateKind
    margin: float
    margin_of: str
    verification: str
    numbers: Mapping[str, Any] = field(default_factory=dict)
    hypotheses_met: bool = True
    grad_norm: float | None = None  # stationary-point only
    g_tol: float | None = None
    lambda_min: float | None = None
    h_tol: float | None = None

    def problems(self) -> list[str]:
        """Why this certificate does not certify a failure (empty: it does)."""
        out = []
        if self.kind not in CERTIFICATE_KINDS:
            out.append(f"unknown certificate kind {self.kind!r}")
        if not (isinstance(self.margin, (int, float)) and math.isfinite(self.margin) and self.margin > 0):
            out.append(f"the conclusion does not fail by a positive margin (margin = {self.margin!r})")
        if not self.hypotheses_met:
            out.append("the statement's hypotheses are not met at the certified state")
        if not self.verification:
            out.append("no verification recorded")
        if self.kind == "stationary-point":
            vals = (self.grad_norm, self.g_tol, self.lambda_min, self.h_tol)
            if any(v is None or not math.isfinite(float(v)) for v in vals):
                out.append("a stationary-point certificate needs finite grad_norm, g_tol, lambda_min and h_tol")
            else:
                if float(self.grad_norm) > float(self.g_tol):
                    out.append(f"gradient norm {self.grad_norm:.3g} > g_tol {self.g_tol:.3g}: not stationary")
                if float(self.lambda_min) < -float(self.h_tol):
                    out.append(f"smallest Hessian eigenvalue {self.lambda_min:.3g} < −h_tol = {-self.h_tol:.3g}: "
                               "not a second-order stationary point")
        return out

    def as_dict(self) -> dict[str, Any]:
        out = {"kind": self.kind, "margin": self.margin, "margin_of": self.margin_of,
               "verification": self.verification, "numbers": dict(self.numbers),
               "hypotheses_met": self.hypotheses_met}
        if self.kind == "stationary-point":
            out.update(grad_norm=self.grad_norm, g_tol=self.g_tol, lambda_min=self.lambda_min, h_tol=self.h_tol)
        return out


@dataclass(frozen=True)
class Trial:
    """One run of an algorithm or dynamics (one setting, one seed) and what its end point shows.

    ``success``: the statement's conclusion holds at the end point. ``failure``: a *genuine* counterexample,
    which needs a :class:`Certificate` (a verified second-order stationary point at which the hypotheses hold
    and the conclusion fails, a proven divergence, an exact computation, a verified state); the engine counts a
    ``failure`` without a valid certificate as unfinished. ``unfinished``: neither (the run stopped before the
    dynamics settled — "not below the threshold after N steps" is unfinished —, a hypothesis was not met along
    the way, ...). ``diagnostics`` carries the numbers that decided it (gradient norm, smallest Hessian
    eigenvalue, output weights, loss, steps, ...).
    """

    outcome: Outcome
    diagnostics: Mapping[str, Any] = field(default_factory=dict)
    detail: str = ""
    curve: Sequence[float] = ()  # e.g. the loss along the run (kept for plots, thinned by the engine)
    certificate: Certificate | None = None  # required for a failure to count as one


@dataclass(frozen=True)
class ExperimentSpec:
    """A convergence / success statement checked by running the algorithm over a declared sweep.

    ``run(setting, constants, seed, *, device, dtype) -> Trial`` performs one run. ``claimed_rate`` is the
    success probability the statement asserts (1.0 for "almost surely" / "always"). ``confirm`` re-examines
    every trial that did not succeed (run longer, halve the step, polish the end point with Newton, recompute
    the Hessian in float64 ...) and returns the trial that counts; it is how an "as T → ∞, α → 0"
    statement becomes a finite check. The engine calls it for *every* non-success trial of the run, whatever
    the budget (a cap, if any, is on the effort per trial inside ``confirm``), so a smoke budget decides as a
    default one does for the runs it starts. ``summarize(records)`` returns extra evidence (tables next to the
    paper's numbers, curves for plots) from ``[(setting, [trials...]), ...]``.
    """

    settings: tuple[Mapping[str, Any], ...]
    run: Callable[..., Trial]
    seeds: int = 20  # runs per setting at the default budget (scaled by the budget, at least min_runs)
    # Runs per setting at every budget. Where a fraction of runs cannot be finished in finite time (the verdict is
    # then INCONCLUSIVE), few runs would make "every run finished" (HOLDS) a matter of luck: enough runs at every
    # budget make the verdict the same at smoke and default and at every seed. Give the reason in finite_check.
    min_runs: int = 3
    claimed_rate: float = 1.0
    confirm: Callable[..., Trial] | None = None
    summarize: Callable[[list], Mapping[str, Any]] | None = None
    finite_check: str = ""  # what "converges" means here: budget T, step halving, end-point diagnostics
