"""The experiment engine: genuine stationary-point failures vs unfinished runs, claimed success rates."""

from __future__ import annotations

import torch

from checks.model import Claim, Kind, Mutant, Verdict
from checks.specs import ExperimentSpec, Trial
from checks.stats import proportion_interval, wilson_interval
from checks.testing import check

_MUT = (Mutant("noop", {}, "placeholder (the planted claims are themselves the mutants)"),)


def _claim(spec: ExperimentSpec, constants=None) -> Claim:
    return Claim(id="planted/experiment", label="planted", section="0", statement="planted", kind=Kind.EXPERIMENT,
                 spec=spec, establishes="test", mutants=_MUT, constants=constants or {})


def _gd_run(tilt: float, steps: int):
    """Gradient descent on f(x) = (x² − 1)² + tilt·x from x0 ~ U(−2, 2), step 0.01.

    Success: the end point is the global minimiser. Failure: a genuine second-order stationary point
    (|f'| tiny, f'' > 0) that is not the global minimiser. Otherwise: unfinished."""
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
        return Trial("success" if abs(float(x) - float(x_star)) < 1e-3 else "failure", diag)

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
        u = torch.rand((), generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
        return Trial("success" if float(u) < p_success else "failure", {"u": float(u)})

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
