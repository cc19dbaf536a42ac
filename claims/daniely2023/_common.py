"""Shared declarations for the daniely2023 claims (paper key, activation lists)."""

from __future__ import annotations

PAPER = "daniely2023"
