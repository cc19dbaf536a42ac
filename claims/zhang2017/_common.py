"""Shared declarations for the zhang2017 claims."""

from __future__ import annotations

PAPER = "zhang2017"


def seeded_rows(columns, draw):
    """Vectorised samplers (``Domain.derive_batch``): ``draw(rng, i)`` for every row i with the row's own
    ``np.random.default_rng(seed)`` — the one per-row loop a seeded ``derive`` needs (the draws), returning the
    list of what ``draw`` returned; the arithmetic on the draws is then done on whole groups of rows."""
    import numpy as np

    return [draw(np.random.default_rng(int(seed)), i) for i, seed in enumerate(np.asarray(columns["seed"]).tolist())]


def shape_groups(keys):
    """Row indices grouped by equal keys (e.g. the dimension d), in order of first appearance."""
    import numpy as np

    groups: dict = {}
    for i, key in enumerate(keys):
        groups.setdefault(key, []).append(i)
    return [(key, np.asarray(index, dtype=np.int64)) for key, index in groups.items()]


def as_column(rows):
    """Per-row arrays as a column: one array (N, ...) when they share a shape, else the list of them."""
    import numpy as np

    if rows and len({np.shape(r) for r in rows}) == 1:
        return np.stack(rows)
    return list(rows)
