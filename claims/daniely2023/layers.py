"""daniely2023 claims: layers (being written)."""

from __future__ import annotations

CLAIMS: tuple = ()
