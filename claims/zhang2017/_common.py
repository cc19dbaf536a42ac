"""Shared declarations for the zhang2017 claims."""

from __future__ import annotations

PAPER = "zhang2017"
