"""Budget tiers: how hard the engine searches. Chosen by name (CLI --budget, CLAIMS_BUDGET, pytest)."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Budget:
    name: str
    examples: int  # hypothesis examples per pointwise claim (each: `batch` drawn + `fill` sampled points)
    batch: int  # hypothesis-drawn parameter points per example (steered by `target`, shrunk on failure)
    mc_scale: float  # multiplier on a probabilistic spec's default number of draws
    confirm: int  # candidate points re-evaluated by the reference
    reference_examples: int  # points evaluated when the backend is the reference itself
    # Points per example drawn by the vectorised sampler (Domain.sample, seeded from the example) and evaluated
    # in the same fast-path pass: hypothesis steers and shrinks the drawn points, the sampler covers the domain
    # in bulk. The fast paths are batched, so these cost microseconds each.
    fill: int = 0
    worst_search: bool = True  # after a violation, search again for the worst point (not only the minimal)
    # Wall-clock limit per claim in `claims run` (seconds; `--timeout` overrides): a claim past it is ended
    # and reported ERROR "timed out". Generous on purpose: at smoke the slowest claim took 8 s of wall time on
    # two cores shared with a dozen other processes, so 60 s ends only a claim that is stuck.
    timeout_s: float = 300.0
    # hypothesis examples per invariance claim (0: as many as `examples`); an invariance example is one point
    # and one group element, with no sampled fill, so it does not share the pointwise rebalancing
    invariance_examples: int = 0

    @property
    def invariance_search(self) -> int:
        return self.invariance_examples or self.examples


BUDGETS = {
    "smoke": Budget("smoke", examples=12, batch=8, fill=64, mc_scale=0.35, confirm=4, reference_examples=8,
                    worst_search=False, timeout_s=60.0),
    # default: 20 examples × (up to 16 drawn + 1280 sampled) ≥ 25,600 points per pointwise claim. Twenty examples
    # of 1,296 points, not forty of 656: each example costs a fast-path call and two sampler calls whose price
    # is mostly per group of equal shape, so fewer, larger examples search the same points in ~30 % less time;
    # hypothesis still steers (one target per example) and shrinks the drawn points.
    "default": Budget("default", examples=20, batch=16, fill=1280, mc_scale=1.0, confirm=8, reference_examples=24,
                      timeout_s=300.0, invariance_examples=40),
    "thorough": Budget("thorough", examples=200, batch=64, fill=4096, mc_scale=4.0, confirm=24,
                       reference_examples=96, timeout_s=1800.0),
}


class BudgetError(ValueError):
    pass


def get(name: str) -> Budget:
    try:
        return BUDGETS[name]
    except KeyError:
        raise BudgetError(f"unknown budget {name!r}; choose one of {', '.join(BUDGETS)}") from None


def from_env(default: str = "smoke") -> Budget:
    return get(os.environ.get("CLAIMS_BUDGET", default))
