"""Shared declarations for the zhang2017 claims."""

from __future__ import annotations

PAPER = "zhang2017"


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
