"""Make a check's hypothesis search depend on its seed alone, not on which modules happen to be imported.

Hypothesis (6.13x and later) mixes into its draws, with a small probability, literal constants collected from
every *local* module in ``sys.modules`` (``hypothesis.internal.conjecture.providers._get_local_constants``).
Which local modules are loaded differs between a ``claims run`` worker with plots (``checks.report.plots``
imported), one without, a Dask worker's forkserver, ``claims check`` and pytest, so the same claim at the same
seed searched different points in each (measured: daniely2023/lemma-2.2 at seed 5 evaluated 68 points in one,
66 in another). During a check the local-constant pool is therefore empty: the search is a function of the
seed, the domain and the budget. Edge values a claim needs are declared as the domain's explicit examples.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator


@contextlib.contextmanager
def seed_only_search() -> Iterator[None]:
    """Within the block, hypothesis draws no constants from local modules (a no-op on hypothesis versions
    without that feature)."""
    try:
        from hypothesis.internal.conjecture import providers
        from hypothesis.internal.constants_ast import Constants
    except ImportError:  # an older hypothesis: it has no such pool
        yield
        return
    original = getattr(providers, "_get_local_constants", None)
    if original is None:
        yield
        return
    empty = Constants()
    providers._get_local_constants = lambda: empty
    # The per-type pools drawn from the constants are cached module-wide (CONSTANTS_CACHE) the first time any
    # hypothesis test needs them: in a pytest session earlier tests fill it with that session's local constants.
    # A fresh cache for the block, so that the pools are built from the empty local set.
    cache = getattr(providers, "CONSTANTS_CACHE", None)
    if cache is not None:
        providers.CONSTANTS_CACHE = type(cache)(1024) if type(cache).__name__ == "LRUCache" else {}
    try:
        yield
    finally:
        providers._get_local_constants = original
        if cache is not None:
            providers.CONSTANTS_CACHE = cache
