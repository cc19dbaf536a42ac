"""What every engine receives: budget, backend, seed and the per-test significance level."""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import mpmath

from ..backend import Backend
from ..budget import Budget
from ..tolerance import per_test_alpha


@dataclass(frozen=True)
class CheckContext:
    budget: Budget
    backend: Backend
    seed: int = 0
    alpha: float = per_test_alpha(1)  # per statistical test, after the run's multiple-testing control

    def reproduce(self, claim_id: str, point: Mapping[str, Any] | None = None) -> str:
        """A copy-paste command that re-runs this check (at one point, if given)."""
        parts = ["claims", "check", claim_id, "--seed", str(self.seed), "--budget", self.budget.name,
                 "--backend", self.backend.name]
        if self.backend.uses_torch:
            parts += ["--dtype", self.backend.dtype_name]
        if point:
            parts += ["--at", *[f"{k}={_fmt(v)}" for k, v in point.items()]]
        return " ".join(shlex.quote(p) for p in parts)


def _fmt(value: Any) -> str:
    return repr(value) if isinstance(value, float) else str(value)


def mp_context(dps: int = 30) -> mpmath.ctx_mp.MPContext:
    """A fresh local mpmath context at `dps` digits (never the global one)."""
    ctx = mpmath.MPContext()
    ctx.dps = dps
    return ctx
