"""Result records: one per (claim, backend) check, serialisable to the results.json contract."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from .model import Verdict


@dataclass
class Result:
    id: str
    verdict: Verdict
    expected: list[str]
    evidence: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    backend: str = ""
    kind: str = ""
    # A rendered plot of the evidence (PNG), made in the worker that ran the check so that plotting runs
    # in parallel with other checks; not part of results.json (the report writes it next to the page).
    plot_png: bytes | None = field(default=None, repr=False, compare=False)

    @property
    def as_expected(self) -> bool:
        """The verdict is one the registry expects. SKIPPED (this backend has no arithmetic for the claim, e.g.
        torch dynamics on the reference backend) is bookkeeping, not a wrong verdict: it counts as expected and
        the summary reports it."""
        return self.verdict.value in self.expected or self.verdict == Verdict.SKIPPED

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "verdict": self.verdict.value, "expected": self.expected,
                "as_expected": self.as_expected, "kind": self.kind, "backend": self.backend,
                "evidence": jsonable(self.evidence), "seconds": round(self.seconds, 4)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Result:
        return cls(id=data["id"], verdict=Verdict(data["verdict"]), expected=list(data["expected"]),
                   evidence=dict(data.get("evidence", {})), seconds=float(data.get("seconds", 0.0)),
                   backend=data.get("backend", ""), kind=data.get("kind", ""))


def jsonable(value: Any) -> Any:
    """Convert mpmath numbers, tensors, numpy scalars and enums into JSON-safe values.

    High-precision numbers are kept as strings (so no digits are lost) next to nothing else; floats that
    are not finite become strings ("inf", "nan") because JSON has no spelling for them.
    """
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, Verdict):
        return value.value
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    mod = type(value).__module__
    if mod.startswith("mpmath"):
        return str(value)
    if mod.startswith("numpy"):
        return jsonable(value.tolist())
    if mod.startswith("torch"):
        return jsonable(value.detach().cpu().tolist())
    if mod.startswith("sympy"):
        return str(value)
    return str(value)
