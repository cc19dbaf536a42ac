"""The catalogue: every registered claim, enumerated from one place.

Papers are discovered through the entry-point group ``claims_harness.papers``: each entry point's name is
the paper key and its value names a module whose ``CLAIMS`` tuple lists the paper's declarations (every
claim id must start with ``<paper key>/``). The built-in papers register themselves the same way in
``pyproject.toml``; an out-of-tree paper is a package that declares such an entry point in its own metadata
(see the README, "Adding a paper"). Everything else (CLI, pytest, reports) enumerates this registry.

Source checkouts: where the project is used without installed metadata (``PYTHONPATH=.``), or with
metadata from an older install that lacks an entry point, the built-in papers in ``BUILTIN_PAPERS`` are
added from their modules directly, so the registry is the same either way.

A paper whose module fails to import (or has no valid ``CLAIMS``) never breaks the registry: its claims are
left out and the failure is kept in ``load_errors()``, which the CLI prints as one warning line per paper.
"""

from __future__ import annotations

import importlib
from functools import cache
from typing import Any

from checks.model import Claim

__all__ = ["BUILTIN_PAPERS", "ENTRY_POINT_GROUP", "PAPERS", "PaperLoadError", "UnknownClaim", "all_claims",
           "by_paper", "get", "load_errors", "load_warnings", "papers"]

ENTRY_POINT_GROUP = "claims_harness.papers"
#: The papers shipped in this repository (key -> module); registered as entry points in pyproject.toml too.
BUILTIN_PAPERS: dict[str, str] = {"daniely2023": "claims.daniely2023", "zhang2017": "claims.zhang2017"}


class UnknownClaim(KeyError):
    """An id (or paper) that is not in the registry."""

    def __str__(self) -> str:
        return str(self.args[0])


class PaperLoadError(UnknownClaim):
    """A paper that is registered but whose module could not be loaded."""


@cache
def _sources() -> tuple[tuple[tuple[str, str, Any], ...], tuple[tuple[str, str], ...]]:
    """(paper key, where from, loader) for every discovered paper, and the discovery conflicts."""
    from importlib.metadata import entry_points

    found: dict[str, tuple[str, Any]] = {}
    conflicts: list[tuple[str, str]] = []
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name in found:
            if found[ep.name][0] != ep.value:
                conflicts.append((ep.name, f"registered twice ({found[ep.name][0]} and {ep.value}); "
                                           f"using {found[ep.name][0]}"))
            continue
        found[ep.name] = (ep.value, ep.load)
    for key, module in BUILTIN_PAPERS.items():  # a source checkout, or metadata older than the entry points
        found.setdefault(key, (module, lambda module=module: importlib.import_module(module)))
    return tuple((k, v[0], v[1]) for k, v in sorted(found.items())), tuple(conflicts)


@cache
def _load() -> tuple[dict[str, Claim], dict[str, str], tuple[str, ...]]:
    """The registry (id -> claim), the papers that failed to load (key -> reason), and the loaded keys."""
    registry: dict[str, Claim] = {}
    errors: dict[str, str] = {}
    loaded: list[str] = []
    for paper, origin, load in _sources()[0]:
        try:
            target = load()
            members = getattr(target, "CLAIMS", target)  # a module with CLAIMS, or the tuple itself
            if not isinstance(members, tuple | list) or not all(isinstance(c, Claim) for c in members):
                raise TypeError(f"{origin} has no CLAIMS tuple of Claim records")
        except Exception as exc:  # one broken paper must not take the others down
            errors[paper] = f"{origin} failed to load: {type(exc).__name__}: {exc}"
            continue
        for claim in members:
            if claim.id in registry:
                raise ValueError(f"duplicate claim id {claim.id!r}")
            if claim.paper != paper:
                raise ValueError(f"claim {claim.id!r} is registered under paper {paper!r}")
            registry[claim.id] = claim
        loaded.append(paper)
    return registry, errors, tuple(loaded)


def _registry() -> dict[str, Claim]:
    return _load()[0]


def papers() -> tuple[str, ...]:
    """The keys of every paper whose claims loaded, sorted."""
    return _load()[2]


def load_errors() -> dict[str, str]:
    """Papers that are registered but could not be loaded: key -> one-line reason."""
    return dict(_load()[1])


def load_warnings() -> list[str]:
    """One line per discovery problem (a paper that failed to load, a key registered twice), for the CLI."""
    return ([f"paper {key!r} skipped: {reason}" for key, reason in sorted(load_errors().items())]
            + [f"paper {key!r} {reason}" for key, reason in _sources()[1]])


def __getattr__(name: str) -> Any:
    if name == "PAPERS":  # the former constant, kept for callers: now the discovered papers
        return papers()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def all_claims() -> list[Claim]:
    return list(_registry().values())


def by_paper(paper: str) -> list[Claim]:
    if paper in load_errors():
        raise PaperLoadError(f"paper {paper!r} could not be loaded: {load_errors()[paper]}")
    if paper not in papers():
        raise UnknownClaim(f"unknown paper {paper!r}; known papers: {', '.join(papers())}")
    return [c for c in all_claims() if c.paper == paper]


def get(claim_id: str) -> Claim:
    try:
        return _registry()[claim_id]
    except KeyError:
        close = [c for c in _registry() if claim_id.split("[")[0] in c]
        hint = f"; did you mean {', '.join(close[:3])}?" if close else "; see `claims list`"
        raise UnknownClaim(f"unknown claim id {claim_id!r}{hint}") from None
