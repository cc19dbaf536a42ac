"""Late-bound backends: which arithmetic evaluates the fast path.

One place reads the ``CLAIMS_BACKEND`` / ``CLAIMS_DTYPE`` environment variables and rejects unknown names.
``reference`` runs the mpmath/sympy reference only (no torch arithmetic in the verdict).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

BACKENDS = ("torch-cpu", "torch-cuda", "reference")
DTYPES = ("float64", "float32")


class BackendUnavailable(RuntimeError):
    """The requested backend cannot run on this machine (e.g. CUDA asked for but absent)."""


class BackendError(ValueError):
    """An unknown backend or dtype name."""


@dataclass(frozen=True)
class Backend:
    name: str  # one of BACKENDS
    dtype_name: str = "float64"

    def __post_init__(self) -> None:
        if self.name not in BACKENDS:
            raise BackendError(f"unknown backend {self.name!r}; choose one of {', '.join(BACKENDS)}")
        if self.dtype_name not in DTYPES:
            raise BackendError(f"unknown dtype {self.dtype_name!r}; choose one of {', '.join(DTYPES)}")

    @property
    def label(self) -> str:
        return "reference" if self.name == "reference" else f"{self.name}-{self.dtype_name}"

    @property
    def uses_torch(self) -> bool:
        return self.name != "reference"

    @property
    def device(self):
        import torch

        return torch.device("cuda" if self.name == "torch-cuda" else "cpu")

    @property
    def dtype(self):
        import torch

        return getattr(torch, self.dtype_name)

    def available(self) -> str | None:
        """None if usable here, else the reason it is not."""
        if self.name == "torch-cuda":
            import torch

            if not torch.cuda.is_available():
                return "CUDA was asked for, but torch.cuda.is_available() is False on this machine"
        return None

    def require(self) -> None:
        reason = self.available()
        if reason:
            raise BackendUnavailable(reason)


def from_env(default: str = "torch-cpu", default_dtype: str = "float64") -> Backend:
    label = os.environ.get("CLAIMS_BACKEND", default)
    dtype = os.environ.get("CLAIMS_DTYPE", default_dtype)
    return parse(label, dtype)


def parse(label: str, dtype: str = "float64") -> Backend:
    """Accept 'torch-cpu', 'torch-cpu-float32', 'reference', ... ."""
    for d in DTYPES:
        if label.endswith("-" + d):
            return Backend(label[: -len(d) - 1], d)
    return Backend(label, dtype)
