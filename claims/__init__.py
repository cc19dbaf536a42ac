"""The catalogue: every registered claim, enumerated from one place.

A paper is a subpackage ``claims/<paper>/`` whose ``CLAIMS`` tuple lists its declarations. Adding a paper
means adding its key to ``PAPERS``; everything else (CLI, pytest, reports) enumerates this registry.
"""

from __future__ import annotations

import importlib
from functools import cache

from checks.model import Claim

__all__ = ["PAPERS", "UnknownClaim", "all_claims", "get", "by_paper"]

PAPERS: tuple[str, ...] = ("daniely2023", "zhang2017")


class UnknownClaim(KeyError):
    """An id (or paper) that is not in the registry."""

    def __str__(self) -> str:
        return str(self.args[0])


@cache
def _registry() -> dict[str, Claim]:
    registry: dict[str, Claim] = {}
    for paper in PAPERS:
        module = importlib.import_module(f"claims.{paper}")
        for claim in module.CLAIMS:
            if claim.id in registry:
                raise ValueError(f"duplicate claim id {claim.id!r}")
            if claim.paper != paper:
                raise ValueError(f"claim {claim.id!r} is registered under paper {paper!r}")
            registry[claim.id] = claim
    return registry


def all_claims() -> list[Claim]:
    return list(_registry().values())


def by_paper(paper: str) -> list[Claim]:
    if paper not in PAPERS:
        raise UnknownClaim(f"unknown paper {paper!r}; known papers: {', '.join(PAPERS)}")
    return [c for c in all_claims() if c.paper == paper]


def get(claim_id: str) -> Claim:
    try:
        return _registry()[claim_id]
    except KeyError:
        close = [c for c in _registry() if claim_id.split("[")[0] in c]
        hint = f"; did you mean {', '.join(close[:3])}?" if close else "; see `claims list`"
        raise UnknownClaim(f"unknown claim id {claim_id!r}{hint}") from None
