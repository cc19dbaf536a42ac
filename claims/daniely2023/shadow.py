"""daniely2023 claims: shadow (being written)."""

from __future__ import annotations

CLAIMS: tuple = ()
