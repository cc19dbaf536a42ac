"""daniely2023 claims: activations (being written)."""

from __future__ import annotations

CLAIMS: tuple = ()
