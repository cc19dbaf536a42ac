"""daniely2023 claims: networks (being written)."""

from __future__ import annotations

CLAIMS: tuple = ()
