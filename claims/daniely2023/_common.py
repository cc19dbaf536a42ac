"""Shared declarations for the daniely2023 claims (paper key; exact derived quantities come from
``checks.exact.RationalDerivation``)."""

from __future__ import annotations

from checks.exact import RationalDerivation, exact_mpf

__all__ = ["PAPER", "RationalDerivation", "exact_mpf"]

PAPER = "daniely2023"
