"""Engine for convergence and success statements checked by running an algorithm or a dynamics.

Each setting of the declared sweep is run with several seeds (derived from the run's seed, so a run is
reproducible). Every run ends in a ``Trial``: success, a *genuine* failure, or unfinished. A failure is
genuine only with a ``Certificate`` that passes its own re-check (``Certificate.problems()`` empty): a
verified second-order stationary point at which the hypotheses hold and the conclusion fails, a proven
divergence, an exact computation, a verified counterexample state. The engine counts a "failure" without one
as *unfinished* (with a note): "not below a threshold after N steps" is never a counterexample.

Every trial that did not succeed is re-examined by the claim's ``confirm`` (a longer run, a halved step,
Newton polish of the end point): that is how "as T → ∞, α → 0" becomes a finite check. There is no
confirmation budget counted in trials — every run the budget starts is examined, so a smoke budget decides
as a default one does on the runs it starts; the effort per trial is bounded inside ``confirm``.

Verdicts. "Almost surely" (``claimed_rate`` 1): one confirmed genuine failure is a counterexample
(VIOLATED); otherwise any unfinished run makes the check INCONCLUSIVE; otherwise HOLDS, reported with the
Clopper–Pearson and Wilson intervals of the success rate. A claimed success probability p < 1 is a
statistical test per setting (Bonferroni across the run): VIOLATED when the Clopper–Pearson upper bound
is below p even counting unfinished runs as successes, HOLDS when the lower bound is at least p counting
them as failures, INCONCLUSIVE otherwise.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..model import Claim, Verdict
from ..result import jsonable
from ..specs import ExperimentSpec, Trial
from ..stats import proportion_interval, wilson_interval
from .context import CheckContext

_CURVE_POINTS = 60  # points kept per curve for plots


def n_statistical_tests(spec: ExperimentSpec) -> int:
    return len(spec.settings) if spec.claimed_rate < 1.0 else 0


def seeds_for(ctx: CheckContext, spec: ExperimentSpec) -> int:
    return max(spec.min_runs, int(round(spec.seeds * ctx.budget.mc_scale)))


def run_seed(run_seed_base: int, setting_index: int, replicate: int) -> int:
    """A distinct, reproducible seed per (run seed, setting, replicate)."""
    return int(np.random.SeedSequence([run_seed_base, setting_index, replicate]).generate_state(1)[0])


def _thin(curve) -> list[float]:
    values = [float(v) for v in curve]
    if len(values) <= _CURVE_POINTS:
        return values
    idx = np.linspace(0, len(values) - 1, _CURVE_POINTS).round().astype(int)
    return [values[i] for i in idx]


def certified(trial: Trial) -> Trial:
    """The trial that counts: a "failure" without a valid certificate becomes "unfinished", with a note."""
    if trial.outcome != "failure":
        return trial
    problems = (["no certificate"] if trial.certificate is None else trial.certificate.problems())
    if not problems:
        return trial
    note = ("reported as a failure but not certified (" + "; ".join(problems) + "): counted as unfinished — "
            "a run that did not reach the conclusion is not a counterexample")
    return Trial("unfinished", {**dict(trial.diagnostics), "uncertified_failure": note},
                 f"{trial.detail} [{note}]" if trial.detail else note, trial.curve, trial.certificate)


def _trial_record(trial: Trial, seed: int, confirmed: Trial | None, final: Trial) -> dict[str, Any]:
    record = {"seed": seed, "outcome": final.outcome, "diagnostics": jsonable(dict(final.diagnostics)),
              "detail": final.detail}
    if final.outcome == "failure" and final.certificate is not None:
        record["certificate"] = jsonable(final.certificate.as_dict())
    if confirmed is not None:
        record["first_outcome"] = trial.outcome
        record["first_diagnostics"] = jsonable(dict(trial.diagnostics))
    return record


def check_experiment(claim: Claim, spec: ExperimentSpec, ctx: CheckContext) -> tuple[Verdict, dict]:
    if not ctx.backend.uses_torch:
        return Verdict.SKIPPED, {"reason": "experiments run torch dynamics; the reference-only backend has no "
                                 "arithmetic for them", "finite_check": spec.finite_check}
    import torch

    device, dtype = ctx.backend.device, ctx.backend.dtype
    n_seeds = seeds_for(ctx, spec)
    rows, records_for_summary = [], []
    first_failure = None
    for s_index, setting in enumerate(spec.settings):
        setting = dict(setting)
        trials, records = [], []
        for r in range(n_seeds):
            seed = run_seed(ctx.seed, s_index, r)
            torch.manual_seed(seed)
            trial = spec.run(setting, claim.constants, seed, device=device, dtype=dtype)
            confirmed = None
            if trial.outcome != "success" and spec.confirm is not None:
                # every non-success trial is re-examined: no count of confirmations that could run out
                torch.manual_seed(seed)
                confirmed = spec.confirm(setting, claim.constants, seed, trial)
            final = certified(confirmed or trial)
            trials.append(final)
            records.append(_trial_record(trial, seed, confirmed, final))
            if final.outcome == "failure" and first_failure is None:
                first_failure = {"setting": setting, **records[-1]}
        counts = {k: sum(t.outcome == k for t in trials) for k in ("success", "failure", "unfinished")}
        n = len(trials)
        optimistic = proportion_interval(counts["success"] + counts["unfinished"], n, ctx.alpha)
        pessimistic = proportion_interval(counts["success"], n, ctx.alpha)
        row: dict[str, Any] = {
            "setting": setting, "runs": n, **counts,
            "success_rate": counts["success"] / n,
            "clopper_pearson": pessimistic.as_dict(),
            "wilson": wilson_interval(counts["success"], n, ctx.alpha).as_dict(),
            "trials": records,
        }
        if spec.claimed_rate >= 1.0:
            row["status"] = ("violated" if counts["failure"] else "unfinished" if counts["unfinished"]
                             else "holds")
        elif optimistic.high < spec.claimed_rate:
            row["status"] = "violated"
        elif pessimistic.low >= spec.claimed_rate:
            row["status"] = "holds"
        else:
            row["status"] = "straddles"
        curves = [_thin(t.curve) for t in trials if len(t.curve)]
        if curves:
            row["curves"] = curves[:5]
        rows.append(row)
        records_for_summary.append((setting, trials))

    evidence: dict[str, Any] = {
        "settings": rows, "claimed_success_rate": spec.claimed_rate, "seeds_per_setting": n_seeds,
        "finite_check": spec.finite_check, "confidence_per_test": 1.0 - ctx.alpha,
        "multiple_testing": ("Bonferroni over every statistical test of the run" if spec.claimed_rate < 1.0
                             else "none needed: one confirmed counterexample refutes an almost-sure claim"),
        "failure_rule": "a failure counts only with a certificate that passes its re-check (stationary point, "
                        "divergence, exact, counterexample state); any other 'failure' is counted as unfinished",
        "reproduce": ctx.reproduce(claim.id),
    }
    total = {k: sum(r[k] for r in rows) for k in ("runs", "success", "failure", "unfinished")}
    evidence["totals"] = total
    evidence["success_rate_interval"] = proportion_interval(total["success"], total["runs"], ctx.alpha).as_dict()
    if spec.summarize is not None:
        evidence["summary"] = jsonable(dict(spec.summarize(records_for_summary)))
    statuses = {r["status"] for r in rows}
    if "violated" in statuses:
        if first_failure is not None:
            evidence["minimal_counterexample"] = first_failure
        else:
            worst = min((r for r in rows if r["status"] == "violated"), key=lambda r: r["success_rate"])
            evidence["minimal_counterexample"] = {k: worst[k] for k in ("setting", "runs", "success", "failure",
                                                                        "unfinished", "clopper_pearson")}
        return Verdict.VIOLATED, evidence
    if statuses - {"holds"}:
        evidence["note"] = ("some runs ended neither at the claimed outcome nor at a certified counterexample"
                            if "unfinished" in statuses else "a success-rate interval straddles the claimed rate")
        return Verdict.INCONCLUSIVE, evidence
    return Verdict.HOLDS, evidence
