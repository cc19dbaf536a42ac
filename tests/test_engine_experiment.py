"""The experiment engine: genuine stationary-point failures vs unfinished runs, claimed success rates."""

from __future__ import annotations

import torch

from checks.model import Claim, Kind, Mutant, Verdict
from checks.specs import Certificate, ExperimentSpec, Trial
from checks.stats import proportion_interval, wilson_interval
from checks.testing import check

_MUT = (Mutant("noop", {}, "placeholder (the planted claims are themselves the mutants)"),)


def _claim(spec: ExperimentSpec, constants=None) -> Claim:
    return Claim(id="planted/experiment", label="planted", section="0", statement="planted", kind=Kind.EXPERIMENT,
                 spec=spec, establishes="test", mutants=_MUT, constants=constants or {})


def _gd_run(tilt: float, steps: int, certify: bool = True):
    """Gradient descent on f(x) = (x² − 1)² + tilt·x from x0 ~ U(−2, 2), step 0.01.

    Success: the end point is the global minimiser. Failure: a genuine second-order stationary point
    (|f'| tiny, f'' > 0) that is not the global minimiser, with its certificate (left out when not certify).
    Otherwise: unfinished."""
    def f(x):
        return (x * x - 1) ** 2 + tilt * x

    def run(setting, constants, seed, *, device, dtype, steps=steps):
        g = torch.Generator().manual_seed(seed)
        x = (4 * torch.rand((), generator=g, dtype=torch.float64) - 2).requires_grad_(True)
        for _ in range(steps):
            (grad,) = torch.autograd.grad(f(x), x)
            x = (x - 0.01 * grad).detach().requires_grad_(True)
        (grad,) = torch.autograd.grad(f(x), x, create_graph=True)
        (curv,) = torch.autograd.grad(grad, x)
        grid = torch.linspace(-2, 2, 40001, dtype=torch.float64)
        x_star = grid[torch.argmin(f(grid))]
        x = x.detach()
        diag = {"x": float(x), "grad": float(grad.detach()), "curvature": float(curv),
                "global_minimiser": float(x_star)}
        if abs(float(grad.detach())) > 1e-8:
            return Trial("unfinished", diag, "gradient not yet small")
        if float(curv) <= 0:
            return Trial("unfinished", diag, "not a second-order stationary point")
        if abs(float(x) - float(x_star)) < 1e-3:
            return Trial("success", diag)
        cert = Certificate("stationary-point", margin=float(f(x) - f(x_star)), margin_of="f(x) − min f",
                           verification="float64 autograd at the end point", grad_norm=abs(float(grad.detach())),
                           g_tol=1e-8, lambda_min=float(curv), h_tol=0.0)
        return Trial("failure", diag, certificate=cert if certify else None)

    return run


def test_spurious_local_minimum_refutes_almost_sure_convergence():
    r = check(_claim(ExperimentSpec(({"well": "tilted"},), _gd_run(tilt=0.3, steps=3000), seeds=20)))
    assert r.verdict == Verdict.VIOLATED
    cx = r.evidence["minimal_counterexample"]
    assert cx["outcome"] == "failure" and cx["diagnostics"]["x"] > 0  # stuck in the right, shallower well


def test_convex_objective_converges():
    r = check(_claim(ExperimentSpec(({"well": "single"},), _gd_run(tilt=5.0, steps=3000), seeds=20)))
    assert r.verdict == Verdict.HOLDS
    assert r.evidence["totals"]["success"] == r.evidence["totals"]["runs"]
    assert r.evidence["settings"][0]["clopper_pearson"]["low"] > 0.0


def test_unfinished_runs_are_inconclusive_not_violations():
    spec = ExperimentSpec(({"well": "tilted"},), _gd_run(tilt=0.3, steps=3), seeds=20)
    r = check(_claim(spec))
    assert r.verdict == Verdict.INCONCLUSIVE
    assert r.evidence["totals"]["failure"] == 0 and r.evidence["totals"]["unfinished"] > 0


def test_confirm_turns_unfinished_runs_into_evidence():
    long_run = _gd_run(tilt=5.0, steps=3000)
    spec = ExperimentSpec(({"well": "single"},), _gd_run(tilt=5.0, steps=3), seeds=8,
                          confirm=lambda s, c, seed, trial: long_run(s, c, seed, device="cpu", dtype=None))
    r = check(_claim(spec))
    assert r.verdict == Verdict.HOLDS
    assert all(t["first_outcome"] == "unfinished" for t in r.evidence["settings"][0]["trials"])


def _coin(p_success: float):
    def run(setting, constants, seed, *, device, dtype):
        u = float(torch.rand((), generator=torch.Generator().manual_seed(seed), dtype=torch.float64))
        if u < p_success:
            return Trial("success", {"u": u})
        return Trial("failure", {"u": u}, certificate=Certificate("exact", u - p_success + 1e-300, "u − p",
                                                                  "the draw itself decides (exact)"))

    return run


def test_claimed_success_probability_is_a_statistical_test():
    assert check(_claim(ExperimentSpec(({},), _coin(0.5), seeds=60, claimed_rate=0.99)),
                 budget="default").verdict == Verdict.VIOLATED
    assert check(_claim(ExperimentSpec(({},), _coin(0.97), seeds=60, claimed_rate=0.3)),
                 budget="default").verdict == Verdict.HOLDS
    # too few runs to tell 0.6 from 0.5 either way
    assert check(_claim(ExperimentSpec(({},), _coin(0.6), seeds=10, claimed_rate=0.5)),
                 budget="smoke").verdict == Verdict.INCONCLUSIVE


def test_runs_are_reproducible_from_the_seed():
    spec = ExperimentSpec(({"well": "tilted"},), _gd_run(tilt=0.3, steps=300), seeds=6)
    a, b = check(_claim(spec), seed=7), check(_claim(spec), seed=7)
    assert a.evidence["settings"] == b.evidence["settings"]
    c = check(_claim(spec), seed=8)
    assert c.evidence["settings"][0]["trials"][0]["seed"] != a.evidence["settings"][0]["trials"][0]["seed"]


def test_reference_backend_skips_with_a_reason():
    r = check(_claim(ExperimentSpec(({},), _coin(1.0))), backend="reference")
    assert r.verdict == Verdict.SKIPPED and "reference" in r.evidence["reason"]


def test_wilson_and_clopper_pearson_bracket_the_estimate():
    for s, n in [(0, 10), (3, 10), (10, 10), (50, 100)]:
        w, cp = wilson_interval(s, n, 0.05), proportion_interval(s, n, 0.05)
        assert w.low <= s / n <= w.high and cp.low <= s / n <= cp.high
        assert cp.low <= w.low + 1e-12 and w.high <= cp.high + 1e-12  # Clopper–Pearson is the wider


def _threshold_run(steps_needed: int, first_steps: int, certify: bool):
    """A planted claim 'the run gets below 0.2': the error after t steps is 0.9^t (it does, given time). The
    first run stops after first_steps; a run still above the threshold is reported as a *failure* (the old,
    wrong reading of 'not below the threshold after N steps'), certified only if certify."""
    def run(setting, constants, seed, *, device, dtype, steps=first_steps):
        err = 0.9 ** steps
        if err <= 0.2:
            return Trial("success", {"error": err, "steps": steps})
        cert = Certificate("exact", margin=err - 0.2, margin_of="error − 0.2", verification="closed form")
        return Trial("failure", {"error": err, "steps": steps}, "above the threshold",
                     certificate=cert if certify else None)

    def confirm(setting, constants, seed, trial):
        return run(setting, constants, seed, device="cpu", dtype=None, steps=steps_needed)

    return run, confirm


def test_an_uncertified_failure_is_unfinished_not_a_counterexample():
    run, _ = _threshold_run(100, 3, certify=False)
    r = check(_claim(ExperimentSpec(({},), run, seeds=5)), budget="smoke")
    assert r.verdict == Verdict.INCONCLUSIVE
    assert r.evidence["totals"]["failure"] == 0 and r.evidence["totals"]["unfinished"] == 3
    trial = r.evidence["settings"][0]["trials"][0]
    assert trial["outcome"] == "unfinished" and "not certified" in trial["diagnostics"]["uncertified_failure"]
    # the same planted spurious minimum without its certificate is not VIOLATED either
    r = check(_claim(ExperimentSpec(({"well": "tilted"},), _gd_run(tilt=0.3, steps=3000, certify=False),
                                    seeds=20)))
    assert r.verdict == Verdict.INCONCLUSIVE and r.evidence["totals"]["failure"] == 0


def test_a_certified_failure_is_violated_and_its_certificate_is_in_the_evidence():
    run, _ = _threshold_run(100, 3, certify=True)
    r = check(_claim(ExperimentSpec(({},), run, seeds=5)), budget="smoke")
    assert r.verdict == Verdict.VIOLATED
    cert = r.evidence["minimal_counterexample"]["certificate"]
    assert cert["kind"] == "exact" and cert["margin"] > 0


def test_a_certificate_that_does_not_verify_is_not_accepted():
    bad = [Certificate("stationary-point", 1.0, "gap", "float64", grad_norm=1e-3, g_tol=1e-8, lambda_min=1.0,
                       h_tol=0.0),
           Certificate("stationary-point", 1.0, "gap", "float64", grad_norm=0.0, g_tol=1e-8, lambda_min=-0.5,
                       h_tol=1e-6),
           Certificate("stationary-point", 1.0, "gap", "float64"),
           Certificate("exact", 0.0, "gap", "exact"), Certificate("exact", float("nan"), "gap", "exact"),
           Certificate("divergence", 1.0, "gap", ""), Certificate("exact", 1.0, "gap", "exact", hypotheses_met=False),
           Certificate("hunch", 1.0, "gap", "exact")]  # type: ignore[arg-type]
    for cert in bad:
        assert cert.problems(), cert
        spec = ExperimentSpec(({},), lambda s, c, seed, *, device, dtype, cert=cert: Trial("failure", {}, "x",
                                                                                              certificate=cert),
                              seeds=3)
        assert check(_claim(spec), budget="smoke").verdict == Verdict.INCONCLUSIVE
    good = Certificate("stationary-point", 1.0, "gap", "float64", grad_norm=1e-12, g_tol=1e-8, lambda_min=-1e-9,
                       h_tol=1e-6)
    assert good.problems() == []


def test_confirm_finishes_too_short_runs_at_smoke_for_every_trial():
    """Smoke starts max(3, 0.35·seeds) runs per setting; all of them are re-examined (no count cap), so a
    claim whose runs are merely too short holds at smoke as at default."""
    run, confirm = _threshold_run(100, 3, certify=False)
    spec = ExperimentSpec(({"a": 1}, {"a": 2}, {"a": 3}, {"a": 4}), run, seeds=40, confirm=confirm)
    for budget in ("smoke", "default"):
        r = check(_claim(spec), budget=budget)
        assert r.verdict == Verdict.HOLDS, budget
        assert r.evidence["totals"]["success"] == r.evidence["totals"]["runs"] >= 4 * 14
        assert all(t["first_outcome"] == "failure" for row in r.evidence["settings"] for t in row["trials"])
