"""zhang2017, Sec. 1.2.1 and 2.1–2.2, eqs. (1)–(9): the network, the losses, their expansions under each
reading of the printed index range, Algorithm 1, Electron-Proton Dynamics (Definition 2.1, eq. (8)),
Theorem 2.2 / 1.1 (gradient flow = Electron-Proton Dynamics) and the Coulomb case (7).

Index readings of the printed "Σ_{i=1}^k Σ_{i<j}" (used consistently in (5), (6), (7), (9), Theorem 2.2):
the plain ids take each unordered pair once (inner j = i+1..k); ``[ordered-pairs]`` reads the inner sum as
j ≠ i; ``[rebound-index]`` reads the inner Σ_{i<j} as rebinding i (all pairs, repeated by the outer sum k
times). Gradient comparisons are directional: ⟨field, u⟩ for a random (tangent) direction u, computed by
autograd in torch and by ``mpmath.diff`` along lines / great circles in the reference.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from functools import lru_cache
from itertools import chain, product
from operator import attrgetter
from typing import Any

import numpy as np
import sympy as sp
import torch

from checks.batching import BatchShapeError, Ragged, derive_from_batch, grouped, ragged_columns
from checks.domain import Choice, Domain, Int
from checks.exact import Recompute, UnitVector, Where
from checks.fast import gaussian as fast_gaussian
from checks.model import Claim, Erratum, Kind, Mutant, Verdict
from checks.specs import Batch, InvarianceSpec, PointwiseSpec, ProbabilisticSpec, SymbolicOutcome, SymbolicSpec
from checks.streams import Streams
from claims.zhang2017.fast import _common as fcommon
from claims.zhang2017.fast import losses as fast
from reference.zhang2017 import _common as rcommon
from reference.zhang2017 import losses as ref

from ._common import PAPER

# --- potentials, manifolds, configurations ------------------------------------------------------------

#: case name -> (potential name as in claims.zhang2017.fast._common, manifold, parameters)
CASES: dict[str, tuple[str, str, dict]] = {
    "gaussian-euclidean": ("gaussian", "euclidean", {}),
    "bessel-euclidean": ("bessel", "euclidean", {}),
    "exponential-sphere": ("exponential", "sphere", {}),
    "relu-sphere": ("relu", "sphere", {}),
    "sign-sphere": ("sign", "sphere", {}),
    "hermite3-sphere": ("hermite", "sphere", {"m": 3}),
    "coulomb-euclidean": ("coulomb", "euclidean", {}),
    # Φ(θ, w) = e^{θ^T w − 1} on R^d: Φ(θ, θ) = e^{‖θ‖² − 1} is NOT constant (control for "Φ(θ,θ) constant")
    "exponential-euclidean": ("exponential", "euclidean", {}),
}
#: Constant-diagonal cases whose gradients are finite at generic configurations (Theorem 2.2's hypothesis).
SMOOTH_CONSTANT_DIAGONAL = ("gaussian-euclidean", "exponential-sphere", "relu-sphere", "sign-sphere",
                            "hermite3-sphere")
FINITE_DIAGONAL = ("gaussian-euclidean", "bessel-euclidean", "exponential-sphere", "relu-sphere", "sign-sphere",
                   "hermite3-sphere", "exponential-euclidean")
CONSTANT_DIAGONAL = tuple(c for c in FINITE_DIAGONAL if c != "exponential-euclidean")
#: For statements about the diagonal Φ(θ, θ) itself: the sign / ReLU closed forms contain arccos ρ and √(1−ρ²),
#: whose derivative is infinite at ρ = 1, so the rounding of ‖θ‖² = 1 ± 2^-52 of a float64 unit vector moves
#: Φ(θ, θ) by ~1e-8 (in the fast path and in a reference fed the same floats). Those rows are left out there.
WELL_CONDITIONED_DIAGONAL = ("gaussian-euclidean", "bessel-euclidean", "exponential-sphere", "hermite3-sphere")
#: Readings expected to fail (alternative index ranges, literal equalities) are shown on one potential per manifold:
#: the failure is structural, and fewer potentials keep the engine's shrinking cheap.
READING_CASES = ("gaussian-euclidean", "exponential-sphere")
SPHERE_SEPARATION = 0.95  # |θ_i^T θ_j| ≤ this: the arccos / √(1−ρ²) derivatives stay bounded (≤ 3.2)
TERMS_GRADIENT = 32.0
TERMS_GRADIENT_REASON = ("a gradient coordinate sums ≤ 2k ≤ 8 pair contributions (scale = Σ|contributions|), "
                         "each through exp/arccos/√ whose derivative amplifies the rounding of ρ by ≤ 1/(1−ρ²) "
                         "≈ 10 at |ρ| ≤ 0.95; the directional dot product with u adds d ≤ 5 terms")
REFERENCE_DIFF_RTOL = 1e-15
REFERENCE_DIFF_REASON = ("mpmath.diff (central step differences at raised precision) of smooth functions: the "
                         "30- and 60-digit values agree to ≥ 18 digits in tests/test_zhang2017_losses.py; 1e-15 "
                         "keeps a margin while staying 10^10 below the factor-2 errors being tested")


def _manifold(case: str) -> str:
    return CASES[case][1]


def _dim(case: str, d: int) -> int:
    """The sphere S^{d−1} needs d ≥ 2 for a non-trivial tangent space."""
    return max(d, 2) if _manifold(case) == "sphere" else d


def _ordered_draws(top: np.ndarray, n: np.ndarray, cells: np.ndarray) -> np.ndarray:
    """For each row: n[r] distinct integers of range(cells[r]), an ordered draw without replacement (the first
    n[r] steps of a Fisher–Yates shuffle, all rows at once), from ``top`` (rows, N) uniform 53-bit integers
    (N ≥ every n[r]; a row's draw uses only its first n[r] of them). Shape (rows, N): entries ≥ n[r] of a row
    are meaningless."""
    n_max = top.shape[1]
    steps = np.arange(n_max, dtype=np.int64)
    live = steps[None, :] < n[:, None]
    # step i swaps position i with a uniform position of i..cells−1: the same reduction as Streams.integers (top
    # 53 bits modulo the range); steps past a row's n swap a position with itself
    ranges = np.where(live, cells[:, None] - steps[None, :], 1).astype(np.uint64)
    offsets = np.where(live, (top % ranges).astype(np.int64), 0)
    # any width ≥ a row's cells gives it the same values (steps past its n swap within the first n_max)
    width = max(int(cells.max()) if len(cells) else 1, n_max)
    deck = np.tile(np.arange(width, dtype=np.int64), (len(top), 1))
    every = np.arange(len(top))
    for i in range(n_max):
        j = i + offsets[:, i]
        drawn = deck[every, j]
        deck[every, j] = deck[:, i]
        deck[:, i] = drawn
    return deck[:, :n_max]


def _distinct_cells(streams: Streams, rows: np.ndarray, n: int, cells: int) -> np.ndarray:
    """For each row in ``rows``: n distinct integers of range(cells), an ordered draw without replacement. Shape
    (len(rows), n)."""
    rows = np.asarray(rows, dtype=np.int64)
    top = streams.bits(n, rows) >> np.uint64(11)
    return _ordered_draws(top, np.full(len(rows), n), np.full(len(rows), cells))


#: The padded shapes of the configuration sampler: every row draws its points, charges and directions at the
#: largest k and dimension of the configuration domains and keeps its own [:k] / [:k, :dim]. They are module
#: constants (not the batch's largest shape), so a row's values never depend on its batch.
_K_PAD, _D_PAD = 4, 5
#: Point slots of one row: θ and w jointly (2k points) in [0, 2·_K_PAD), θ' (k points) in [2·_K_PAD, 3·_K_PAD).
_SLOT_STARTS = (0, 2 * _K_PAD)
_SLOT_WIDTHS = (2 * _K_PAD, _K_PAD)
_POINTS = 3 * _K_PAD
#: Side of the grid of ``_euclidean_points`` for n points in R^d, as ``max(2, ⌈n^{1/d}⌉ + 1)`` in Python floats
#: (a table, so the vectorised sampler rounds n^{1/d} exactly as the scalar formula does).
_GRID_SIDE = np.array([[max(2, math.ceil(n ** (1.0 / d)) + 1) if n and d else 0 for d in range(_D_PAD + 1)]
                       for n in range(2 * _K_PAD + 1)], dtype=np.int64)


def _slot_sizes(ks: np.ndarray) -> np.ndarray:
    """(rows, 2): the number of points of each slot of a row (2k for θ and w, k for θ')."""
    return np.stack([2 * ks, ks], axis=1)


def _euclidean_points(streams: Streams, rows: np.ndarray, ks: np.ndarray, ds: np.ndarray) -> np.ndarray:
    """For each row in ``rows`` and each slot (n = 2k points for θ and w, n = k for θ'): n points in R^d, pairwise
    distance ≥ 0.3 — distinct cells of a unit grid of side max(2, ⌈n^{1/d}⌉ + 1) (drawn without replacement),
    jittered inside [0.15, 0.85]. Shape (len(rows), _POINTS, _D_PAD), coordinates ≥ d zero; all rows at once."""
    top = streams.bits(_POINTS, rows) >> np.uint64(11)
    jitter = streams.uniform(0.15, 0.85, (_POINTS, _D_PAD), rows)
    out = np.zeros((len(rows), _POINTS, _D_PAD))
    coord = np.arange(_D_PAD)
    for slot, (start, width) in enumerate(zip(_SLOT_STARTS, _SLOT_WIDTHS, strict=True)):
        n = _slot_sizes(ks)[:, slot]
        side = _GRID_SIDE[n, ds]
        cells = _ordered_draws(top[:, start:start + width], n, side ** ds)  # (rows, width)
        # np.unravel_index(cells, (side,) * d) per row: coordinate j < d is digit d−1−j of the cell in base side
        power = side[:, None] ** np.maximum(ds[:, None] - 1 - coord[None, :], 0)  # (rows, _D_PAD)
        coords = (cells[:, :, None] // power[:, None, :]) % side[:, None, None]
        pts = 0.8 * (coords + jitter[:, start:start + width]) - 0.4 * side[:, None, None]
        out[:, start:start + width] = np.where(coord < ds[:, None, None], pts, 0.0)
    return out


#: Tries of ``_sphere_points`` per round (30 in all).
_SPHERE_TRY_BLOCKS = (1, 2, 4, 8, 15)


def _sphere_points(streams: Streams, rows: np.ndarray, ks: np.ndarray, ds: np.ndarray) -> np.ndarray:
    """For each row in ``rows`` and each slot (n = 2k points for θ and w, n = k for θ'): n unit vectors in R^d
    (d ≥ 2) with |x_i^T x_j| ≤ SPHERE_SEPARATION — Gaussian draws (up to 30 tries; a try draws again only for the
    rows with a slot still pending), else a constructive fallback on a random great circle (angles spread over
    [0, π) with random signs). Shape (len(rows), _POINTS, _D_PAD), coordinates ≥ d zero.

    All rows at once at padded shapes: a try of a slot is a Gaussian (width, 2) for the rows on S^1 and
    (width, _D_PAD) for the others, whose coordinates ≥ d are set to 0 before normalising (a uniform unit vector
    of S^{d−1} in the first d), and the slot's Gram test sees only the row's own n points."""
    out = np.zeros((len(rows), _POINTS, _D_PAD))
    # per slot: (R, width, 1), the row's own points; the others are zeroed, so that their dot products are 0
    used = [(np.arange(width)[None, :] < n[:, None])[..., None]
            for width, n in zip(_SLOT_WIDTHS, _slot_sizes(ks).T, strict=True)]
    diagonals = [np.arange(width) for width in _SLOT_WIDTHS]
    coord_ok = np.arange(_D_PAD)[None, :] < ds[:, None]  # (R, D)
    # S^1 rows (the crowded ones, that draw all 30 tries for 6 or 8 points) draw tries of 2 coordinates, the
    # others of _D_PAD: both shapes are functions of the row's own dimension
    on_circle = ds == 2
    pending = np.ones((len(rows), 2), dtype=bool)
    # The 30 tries drawn in doubling blocks 1, 2, 4, 8, 15 for the rows still pending (5 rounds instead of 30 for
    # the crowded cases that nearly always fall back, e.g. 8 points on S^1). The first acceptable try of a slot is
    # kept, as in a loop over tries: the same law; the block sizes are fixed, so a row's draws still do not depend
    # on its batch.
    for tries in _SPHERE_TRY_BLOCKS:
        if not pending.any():
            return out
        for (slot, (start, width)), (drawn, narrow) in product(enumerate(zip(_SLOT_STARTS, _SLOT_WIDTHS, strict=True)),
                                                               ((2, True), (_D_PAD, False))):
            active = np.flatnonzero(pending[:, slot] & (on_circle == narrow))
            if not len(active):
                continue
            x = streams.normal((tries, width, drawn), rows[active]) * coord_ok[active, None, None, :drawn]
            x /= np.linalg.norm(x, axis=-1, keepdims=True)
            x *= used[slot][active, None]
            # max |x_i^T x_j| over i ≠ j: the diagonal (|x_i^T x_i − 1| ~ 1e-16 in the printed test) passes anyway
            gram = x @ np.swapaxes(x, -1, -2)  # (A, tries, width, width)
            np.abs(gram, out=gram)
            gram[..., diagonals[slot], diagonals[slot]] = 0.0
            ok = gram.max(axis=(-2, -1)) <= SPHERE_SEPARATION
            found = ok.any(1)
            out[active[found], start:start + width, :drawn] = x[np.flatnonzero(found), ok.argmax(1)[found]]
            pending[active[found], slot] = False
    left = np.flatnonzero(pending.any(1))
    if len(left):
        rows_left, ks_left = rows[left], ks[left]
        # per slot an orthonormal pair (q1, q2) of the first d coordinates (Gram–Schmidt of two Gaussians: the Q
        # of their QR, a uniformly random 2-plane)
        g = streams.normal((2, 2, _D_PAD), rows_left) * coord_ok[left, None, None, :]
        q1 = g[:, :, 0] / np.linalg.norm(g[:, :, 0], axis=-1, keepdims=True)
        v = g[:, :, 1] - np.sum(q1 * g[:, :, 1], axis=-1, keepdims=True) * q1
        q2 = v / np.linalg.norm(v, axis=-1, keepdims=True)
        top = streams.bits(_POINTS, rows_left)
        jitter = streams.uniform(0.45, 0.55, _POINTS, rows_left)
        signs = streams.signs(_POINTS, rows_left)
        for slot, (start, width) in enumerate(zip(_SLOT_STARTS, _SLOT_WIDTHS, strict=True)):
            n = _slot_sizes(ks_left)[:, slot]
            # a uniform permutation of range(n): argsort of the row's first n numbers (the slots past n sort last)
            keys = np.where(np.arange(width)[None, :] < n[:, None], top[:, start:start + width],
                            np.iinfo(np.uint64).max)
            perm = np.argsort(keys, axis=-1, kind="stable")
            # spacing ≥ 0.9 π/n ≥ 0.35 (n ≤ 8) also across the wrap-around at π: |cos| ≤ 0.94 ≤ SPHERE_SEPARATION
            angles = np.pi * (perm + jitter[:, start:start + width]) / n[:, None]
            pts = signs[:, start:start + width, None] * (np.cos(angles)[..., None] * q1[:, None, slot]
                                                         + np.sin(angles)[..., None] * q2[:, None, slot])
            mine = pending[left, slot]
            out[left[mine], start:start + width] = pts[mine]
    return out


def _key_groups(*keys: np.ndarray) -> list[tuple[tuple[int, ...], np.ndarray]]:
    """Row indices grouped by equal values of small non-negative integer columns (e.g. manifold, k, dim): one
    (key, indices) per distinct key, indices ascending; computed on whole columns (no per-row loop)."""
    if not len(keys[0]):
        return []
    stacked = np.stack([np.asarray(k, dtype=np.int64) for k in keys])
    code = np.ravel_multi_index(tuple(stacked), tuple(int(m) + 1 for m in stacked.max(axis=1)))
    values, first, inverse, counts = np.unique(code, return_index=True, return_inverse=True, return_counts=True)
    order = np.argsort(inverse.reshape(-1), kind="stable")
    return [(tuple(int(x) for x in stacked[:, f]), index)
            for f, index in zip(first.tolist(), np.split(order, np.cumsum(counts)[:-1]), strict=True)]


def _derive_batch(columns: Mapping[str, np.ndarray]) -> dict[str, Any]:
    """The configurations of a batch of (seed, k, d, case) rows: one counter-based stream per row
    (``checks.streams.Streams``, so a row's values do not depend on its batch); ``dim`` = d, raised to 2 on the
    sphere. Each row draws, in this order: the charges a, b in [−2, 2] and Gaussian directions u, u_w (for the
    fixed particles; unused by moving-only fields), then θ (k, dim) and w (k, dim) jointly separated and a second
    configuration θ' (for constancy checks). Everything is drawn at the padded shape (_K_PAD, _D_PAD) for all rows
    at once (Euclidean rows and sphere rows apart) and each row keeps its [:k] / [:k, :dim]."""
    seeds, ks, ds = (np.asarray(columns[n]) for n in ("seed", "k", "d"))
    size = len(seeds)
    cases = np.asarray(columns["case"], dtype=object)
    sphere = np.zeros(size, dtype=bool)
    for case in set(cases.tolist()):  # a few distinct cases: compare whole columns, not rows
        sphere[cases == case] = _manifold(case) == "sphere"
    ks = ks.astype(np.int64)
    dims = np.where(sphere, np.maximum(ds, 2), ds).astype(np.int64)
    if size and (ks.min() < 1 or ks.max() > _K_PAD or dims.min() < 1 or dims.max() > _D_PAD):
        raise ValueError(f"configuration shapes need 1 ≤ k ≤ {_K_PAD} and 1 ≤ dim ≤ {_D_PAD}")
    streams = Streams(seeds)
    charges = streams.uniform(-2, 2, (2, _K_PAD))
    directions = streams.normal((2, _K_PAD, _D_PAD))
    points = np.empty((size, _POINTS, _D_PAD))
    for on_sphere, make in ((False, _euclidean_points), (True, _sphere_points)):
        idx = np.flatnonzero(sphere == on_sphere)
        if len(idx):
            points[idx] = make(streams, idx, ks[idx], dims[idx])
    # the columns as ``Ragged`` (one padded array each, entry i its [:k] / [:k, :dim]): no per-row objects; w is
    # the row's points k..2k−1, gathered to the start of its padded slot
    slots = np.arange(_K_PAD)
    w_rows = np.minimum(ks[:, None] + slots[None, :], _POINTS - 1)
    vector_shapes, charge_shapes = np.stack([ks, dims], 1), ks[:, None]
    theta2 = _SLOT_STARTS[1]
    vectors = {"theta": points[:, :_K_PAD], "w": np.take_along_axis(points, w_rows[:, :, None], axis=1),
               "theta2": points[:, theta2:theta2 + _K_PAD], "u": directions[:, 0], "u_w": directions[:, 1]}
    return {"dim": dims, **{n: Ragged(v, vector_shapes) for n, v in vectors.items()},
            "a": Ragged(charges[:, 0], charge_shapes), "b": Ragged(charges[:, 1], charge_shapes)}


#: One point's configuration: the batch sampler on one row (equal to its row in any batch by construction).
_derive = derive_from_batch(_derive_batch)


def _on_sphere(point: Mapping[str, Any]) -> bool:
    return _manifold(point["case"]) == "sphere"


#: How the configurations of ``configuration`` are made exact: on S^{d−1} the particles θ, w, θ' are unit vectors
#: (re-projected at working precision for the reference); on R^d they are free. The charges a, b and the raw
#: directions u, u_w are free: both paths project u, u_w on the tangent space at the (exact) particles themselves.
CONFIG_EXACT = tuple(Where(UnitVector(n), _on_sphere, "the case's manifold is S^{d−1}")
                     for n in ("theta", "w", "theta2"))
CONFIG_FREE = ("a", "b", "u", "u_w")


def _domain(cases: tuple[str, ...], k_max: int = 4, d_max: int = 5, d_min: int = 1,
            examples: tuple[Mapping[str, Any], ...] = ()) -> Domain:
    if k_max > _K_PAD or d_max > _D_PAD:  # the sampler draws at these fixed padded shapes
        raise ValueError(f"configuration domains need k ≤ {_K_PAD} and d ≤ {_D_PAD}")
    return Domain((Int("seed", 0, 2**31 - 1), Int("k", 1, k_max, examples=(1, 2)), Int("d", d_min, d_max),
                   Choice("case", cases)), derive=_derive, derive_batch=_derive_batch, examples=examples,
                  exact=CONFIG_EXACT, free=CONFIG_FREE)


def _fpot(case: str, constants: Mapping[str, Any] | None = None):
    name, _, params = CASES[case]
    return fcommon.potential(name, **params)


def _rpot(ctx, case: str):
    name, _, params = CASES[case]
    return rcommon.potential(ctx, name, **params)


K_MAX = 4
_VECTOR_FIELDS = ("theta", "theta2", "w", "u", "u_w")  # (k, dim) per row; the charges a, b are (k,)


_F64 = np.dtype(np.float64)


def _flat(batch: Batch, name: str, depth: int) -> np.ndarray:
    """The entries of a column, row after row, as one flat float64 array (rows of different shapes allowed).
    ``depth``: the nesting of one row (1 for a vector, 2 for a (k, d) configuration).

    A ``Ragged`` column (the samplers' form) gives its entries in one masked read; a list of numpy rows is
    concatenated at C level; points (lists) go through ``Batch.column``."""
    stored = batch.entries(name)
    if isinstance(stored, Ragged):
        return stored.flat().astype(np.float64, copy=False)
    if isinstance(stored, list) and stored and isinstance(stored[0], np.ndarray):
        # the checks as C-level passes (set of types, set of dtypes): ~4x cheaper than a generator per row
        if set(map(type, stored)) == {np.ndarray} and set(map(attrgetter("dtype"), stored)) == {_F64}:
            return np.frombuffer(b"".join([r.tobytes() for r in stored]), dtype=np.float64)  # C-order copies
        return np.concatenate(stored, axis=None).astype(np.float64, copy=False)
    try:
        return batch.array(name, dtype=np.float64).reshape(-1)  # every row the same shape
    except BatchShapeError:
        rows: Any = batch.column(name)
        for _ in range(depth):
            rows = chain.from_iterable(rows)
        return np.fromiter(rows, dtype=np.float64)


def _scatter_index(rows: np.ndarray, cols: np.ndarray, big_rows: int, big_cols: int,
                   slot: np.ndarray) -> np.ndarray:
    """Positions in a flat (N, big_rows, big_cols) array of the entries of N row-major (rows_i, cols_i) blocks
    laid end to end (the layout ``_flat`` returns), block i going to slot ``slot[i]``."""
    counts = rows * cols
    owner = np.repeat(np.arange(len(counts)), counts)
    local = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    width = cols[owner]
    return slot[owner] * (big_rows * big_cols) + (local // width) * big_cols + local % width


class _Fields(dict):
    """A dict whose entries are made on first use (a fast path converts only the columns it reads)."""

    def __init__(self, make: Callable[[str], torch.Tensor]):
        super().__init__()
        self._make = make

    def __missing__(self, name: str) -> torch.Tensor:
        value = self[name] = self._make(name)
        return value


#: Cases whose potential is singular where two particles meet. ``_by_case_k`` pads the rows of a group to its
#: largest k with zero-charge particles at the origin, where two padding particles meet: rows of these cases are
#: grouped by their own k instead.
_SINGULAR_CASES = frozenset({"coulomb-euclidean"})


def _by_case_k(batch: Batch, compute: Callable[[str, dict[str, torch.Tensor]], tuple], *, device, dtype,
               choice: str = "case", keys: tuple[str, ...] = ("k",), rows_innermost: bool = False,
               pad_k: bool = True):
    """``compute(case, config)`` once per group of rows — one tensor evaluation per group, never a loop over
    points — reassembled in batch order. The groups are the cases (``choice``), and within a case of
    ``_SINGULAR_CASES`` the values of ``keys`` (e.g. k); other ``keys`` than k (the activation's dim for the
    Gauss–Hermite entries, whose rule depends on it) always split groups.

    ``config`` holds θ, θ', w, u, u_w as (n, K, D) tensors and the charges a, b as (n, K), with K and D the group's
    largest k and dimension; ``config["count"]`` (n,) is each row's own k and ``config["mask"]`` (n, K) is 1 on its
    k particles and 0 on the padding. Rows of a smaller dimension carry zero coordinates, which is exact (inner
    products, distances and norms unchanged, unit vectors stay unit, tangent projections keep the extra
    coordinates 0, every potential is a function of those). Rows of a smaller k carry padding particles at the
    origin with charges a = b = 0 and directions u = 0: every term of a loss, a field or a directional
    derivative that involves one is multiplied by a zero charge or a zero direction, so it adds an exact zero
    (the potentials outside ``_SINGULAR_CASES`` are finite, with finite gradients, at every pair of points met
    there). A compute whose charges are not the columns a, b (e.g. Assumption 1's ∓1) takes them times
    ``mask``, and a reading that counts particles (the rebound multiplicity k) takes ``count``.

    ``pad_k=False``: every case is grouped by its own k (measured faster for some fields, whose pair count grows
    as k²). ``rows_innermost``: the tensors are batch-innermost (stride 1 along the rows), where the broadcast
    pair terms (n, K, 1, D) − (n, 1, K, D) run over contiguous rows (~5× faster than rows of K·D elements) and
    ``claims.zhang2017.fast._common.coordinate_sum`` keeps that layout through the sums over coordinates; the
    expansion claims (4)–(6), (9) use it, while autograd and the gathered pair lists of the fields run faster in
    the default layout. Columns drawn padded (``Ragged``) are cut per group straight from their padded arrays;
    others (points) are scattered once into zero tensors in group order."""
    n = len(batch)
    if not n:
        return ()
    ks, dims = batch.array("k").astype(np.int64), batch.array("dim").astype(np.int64)
    labels, code = np.unique(np.asarray(batch.entries(choice), dtype=str), return_inverse=True)
    code = code.reshape(n).astype(np.int64)
    case_of = {i: str(c) for i, c in enumerate(labels)}
    singular = np.isin(code, [i for i, c in case_of.items() if c in _SINGULAR_CASES])
    columns = [code] + [np.where(singular | (not pad_k), ks, 0) if name == "k" else batch.array(name).astype(np.int64)
                        for name in keys]
    order = np.lexsort(tuple(reversed(columns)))  # sorted position -> batch row
    slot = np.empty(n, dtype=np.int64)
    slot[order] = np.arange(n)  # batch row -> sorted position
    big_k, big_d = int(ks.max()), int(dims.max())

    def scattered(name: str) -> torch.Tensor:
        """A column whose entries are not drawn padded (points): its entries scattered into one zero tensor
        (N, K, D) or (N, K) whose rows are in group order."""
        vector = name in _VECTOR_FIELDS
        shape = (n, big_k, big_d) if vector else (n, big_k)
        index = (_scatter_index(ks, dims, big_k, big_d, slot) if vector
                 else _scatter_index(ks, np.ones_like(ks), big_k, 1, slot))
        flat = np.zeros(n * big_k * (big_d if vector else 1))
        flat[index] = _flat(batch, name, 2 if vector else 1)
        return torch.as_tensor(flat.reshape(shape), device=device)

    def tensor(block: np.ndarray) -> torch.Tensor:
        """A group's (R, …) block as a tensor in the chosen layout (batch-innermost: rows last in memory)."""
        if not rows_innermost:
            return torch.as_tensor(np.ascontiguousarray(block, dtype=np.float64), device=device).to(dtype)
        rows_last = np.ascontiguousarray(np.moveaxis(block, 0, -1), dtype=np.float64)
        return torch.movedim(torch.as_tensor(rows_last, device=device).to(dtype), -1, 0)

    full = _Fields(scattered)
    bounds = np.flatnonzero(np.any(np.diff(np.stack(columns)[:, order], axis=1) != 0, axis=0)) + 1
    outs: list[torch.Tensor] | None = None
    for start, stop in zip(np.r_[0, bounds], np.r_[bounds, n], strict=True):
        rows = order[int(start):int(stop)]
        case, k, d = case_of[int(code[rows[0]])], int(ks[rows].max()), int(dims[rows].max())

        def part(name: str, a=int(start), b=int(stop), rows=rows, k=k, d=d) -> torch.Tensor:
            if name == "count":
                return torch.as_tensor(ks[rows], device=device).to(dtype)
            if name == "mask":
                return tensor((np.arange(k)[None, :] < ks[rows][:, None]).astype(np.float64))
            stored = batch.entries(name)
            vector = name in _VECTOR_FIELDS
            if isinstance(stored, Ragged) and stored.padded.ndim == (3 if vector else 2):
                # drawn padded (zeros outside each entry): the group's rows, cut to its largest shape
                return tensor(stored.padded[rows, :k, :d] if vector else stored.padded[rows, :k])
            t = full[name]
            return tensor((t[a:b, :k, :d] if t.dim() == 3 else t[a:b, :k]).numpy())
        res = compute(case, _Fields(part))
        if outs is None:
            outs = [torch.empty(n, device=device, dtype=dtype) for _ in res]
        where = torch.as_tensor(rows, device=device)
        for target, r in zip(outs, res, strict=True):
            target.index_copy_(0, where, r.to(dtype).expand(len(rows)))
    return tuple(outs)


def _reading_of(constants: Mapping[str, Any]) -> str:
    return constants.get("reading", "pairs")


# --- Definition 2.1 / eq. (8): the Electron-Proton field ----------------------------------------------

def _ep_fast(case: str, c: dict[str, torch.Tensor], constants, charges: tuple[torch.Tensor, torch.Tensor],
             fixed_w: bool = True, closed_form: bool = True) -> tuple[torch.Tensor, torch.Tensor]:
    """⟨dθ/dt, u⟩ of (8) for the moving particles θ (charges ``charges[0]``) with fixed particles w (charges
    ``charges[1]``) of a configuration ``c`` (see ``_by_case_k``), and its rounding scale Σ|contributions|·|u|."""
    theta, w = c["theta"], c["w"]
    qa, qb = charges
    k = theta.shape[1]
    particles = torch.cat([theta, w], 1)
    charges = torch.cat([qa, qb], 1)
    fixed = [False] * k + [fixed_w] * k
    vel, scale = fast.ep_velocity(_fpot(case), particles, charges, fixed, _manifold(case),
                                  constants.get("force_sign", 1.0), closed_form)
    u = fast.tangent(torch.cat([c["u"], c["u_w"]], 1), particles, _manifold(case))
    return (vel * u).sum((-2, -1)), (scale * u.abs()).sum((-2, -1))


def _ep_ref(ctx, point, constants, qa, qb, fixed_w: bool = True):
    case = point["case"]
    k = point["k"]
    particles = point["theta"] + point["w"]
    charges = list(qa) + list(qb)
    fixed = [False] * k + [fixed_w] * k
    u = point["u"] + point["u_w"]
    return ref.ep_velocity_dot(ctx, _rpot(ctx, case), particles, charges, fixed, u, _manifold(case),
                               constants.get("force_sign", 1))


def _charges_ab(c: dict[str, torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
    return c["a"], c["b"]


def _closed_force_fast(case: str, c: dict[str, torch.Tensor]):
    theta, w = c["theta"], c["w"]
    qa, qb = _charges_ab(c)
    k, device = theta.shape[1], theta.device
    x = torch.cat([theta, w], 1)
    q = torch.cat([qa, qb], 1)
    diff = x.unsqueeze(2) - x.unsqueeze(1)  # (B, n, n, d): θ_i − θ_j
    r2 = (diff * diff).sum(-1)
    eye = torch.eye(2 * k, dtype=torch.bool, device=device)
    r2 = torch.where(eye, torch.ones_like(r2), r2)
    if case == "coulomb-euclidean":
        mag = r2 ** -1.5
    else:  # gaussian
        mag = torch.exp(-r2 / 2)
    mag = torch.where(eye, torch.zeros_like(mag), mag)
    contrib = (q.unsqueeze(2) * q.unsqueeze(1) * mag).unsqueeze(-1) * diff
    vel = contrib.sum(2)
    vel[:, k:] = 0  # the protons are fixed
    u = torch.cat([c["u"], c["u_w"]], 1)
    return (vel * u).sum((-2, -1))


def _closed_force_ref(ctx, point) -> object:
    case, k = point["case"], point["k"]
    x = [[ctx.mpf(v) for v in p] for p in point["theta"] + point["w"]]
    q = [ctx.mpf(v) for v in point["a"] + point["b"]]
    u = point["u"] + point["u_w"]
    total = []
    for i in range(k):  # moving particles only
        for j in range(2 * k):
            if j == i:
                continue
            diff = [p - r for p, r in zip(x[i], x[j], strict=True)]
            r2 = ctx.fsum(t * t for t in diff)
            mag = r2 ** ctx.mpf(-1.5) if case == "coulomb-euclidean" else ctx.exp(-r2 / 2)
            total.append(q[i] * q[j] * mag * ctx.fsum(ctx.mpf(uc) * t for uc, t in zip(u[i], diff, strict=True)))
    return ctx.fsum(total)


def _def21_fast(batch: Batch, constants, *, device, dtype):
    def compute(case, c):
        # autograd ∇Φ on this side: the claim is that the force law of the definition is ∇Φ
        lhs, scale = _ep_fast(case, c, constants, _charges_ab(c), closed_form=False)
        return lhs, _closed_force_fast(case, c), scale
    return _by_case_k(batch, compute, device=device, dtype=dtype, pad_k=False)


def _def21_ref(point, constants, ctx):
    lhs, scale = _ep_ref(ctx, point, constants, point["a"], point["b"])
    return lhs, _closed_force_ref(ctx, point), scale


definition_2_1 = Claim(
    id=f"{PAPER}/definition-2.1", label="Definition 2.1", section="2.2",
    statement="Given a potential Φ: M×M → R and particle locations θ_1, ..., θ_k ∈ M along with their respective "
    "charges a_1, ..., a_k ∈ R. We define Electron-Proton Dynamics under Φ to be the solution (θ_1(t), ..., "
    "θ_k(t)) to the following system of differential equations: For each pair (θ_i, θ_j), there is a force from "
    "θ_j exerted on θ_i that is given by F_i(θ_j) = a_i a_j ∇_{θ_i} Φ(θ_i, θ_j) and −dθ_i/dt = Σ_{j≠i} F_i(θ_j) "
    "(8) for i ∈ [k], with θ_i(0) = θ_i. If some subset S ⊆ [k] of particles are fixed, then for i ∈ S, we have "
    "instead θ_i(t) = θ_i for t ≥ 0.",
    kind=Kind.IDENTITY,
    spec=PointwiseSpec(
        domain=_domain(("coulomb-euclidean", "gaussian-euclidean")), relation="==",
        reference=_def21_ref, fast=_def21_fast, terms=TERMS_GRADIENT, terms_reason=TERMS_GRADIENT_REASON,
        reference_rtol=REFERENCE_DIFF_RTOL, reference_rtol_reason=REFERENCE_DIFF_REASON),
    constants={"force_sign": 1},
    mutants=(Mutant("force-sign", {"force_sign": -1}, "F_i(θ_j) = −a_i a_j ∇_{θ_i}Φ(θ_i, θ_j)"),
             Mutant("force-double", {"force_sign": 2}, "F_i(θ_j) = 2 a_i a_j ∇_{θ_i}Φ(θ_i, θ_j)")),
    establishes="The velocity field of (8) built from the definition (∇_{θ_i}Φ by autograd in torch, by "
    "mpmath.diff in the reference; the k protons w_j with charges b_j fixed, the k electrons θ_i with charges "
    "a_i moving) equals, in a random direction u over all 2k particles (so fixed particles must have zero "
    "velocity), the physical closed forms: Coulomb's law dθ_i/dt = Σ_{j≠i} a_i a_j (θ_i−θ_j)/‖θ_i−θ_j‖³ for "
    "Φ = 1/‖θ−w‖ (like charges repel, opposite attract) and the Gaussian analogue, in R^d, d ≤ 5, k ≤ 4. It "
    "checks the definition's sign convention and the fixed-particle rule, not existence of solutions.",
    assumptions=("Φ differentiable at the configurations drawn (pairwise distances ≥ 0.3)",),
)

definition_2_1_force = Claim(
    id=f"{PAPER}/definition-2.1[coulomb-force-sign]", label="Definition 2.1", section="2.2",
    statement=definition_2_1.statement, kind=Kind.IDENTITY,
    spec=definition_2_1.spec,
    constants={"force_sign": -1},
    mutants=(Mutant("force-double", {"force_sign": -2}, "F_i(θ_j) = 2 a_i a_j ∇_{θ_i}Φ(θ_i, θ_j)"),),
    establishes="Compares the net 'force' Σ_{j≠i} F_i(θ_j) of Definition 2.1 (F_i(θ_j) = a_i a_j ∇_{θ_i}Φ, as printed) "
    "with the physical force on charge i — Coulomb's law a_i a_j (θ_i − θ_j)/‖θ_i − θ_j‖³ for Φ = 1/‖θ − w‖ (and "
    "its Gaussian analogue −a_i a_j ∇Φ) — in a random direction. They are opposite: the printed F is the gradient "
    "of the interaction energy, i.e. minus the physical force; the dynamics (8) are nevertheless the physical "
    "ones because of the minus sign in −dθ_i/dt = Σ F_i(θ_j) (the plain id holds).",
    reading="'a force from θ_j exerted on θ_i' read physically: F_i(θ_j) is the force of Coulomb's law when Φ is the "
    "electric potential 1/‖θ − w‖ (as the text preceding (7) calls it).",
    assumptions=definition_2_1.assumptions,
    errata=(Erratum(
        "Definition 2.1 calls F_i(θ_j) = a_i a_j ∇_{θ_i}Φ(θ_i, θ_j) 'a force from θ_j exerted on θ_i', but for the "
        "electric potential Φ = 1/‖θ − w‖ this is minus Coulomb's force (like charges: F points towards θ_j); the "
        "motion (8) is physical only because F enters as −dθ_i/dt = Σ F_i(θ_j), and Theorem 1.1's 'an electron "
        "moves ... proportional to the net force' holds only with the physical sign.",
        "Engine (Coulomb and Gaussian potentials, R^d, k ≤ 4, seed 0): ⟨Σ_j F_i(θ_j), u⟩ = −⟨Coulomb force, u⟩ at "
        "every point; minimal counterexample Coulomb, k = 1, d = 1 (point seed 0): 1.0787356733053354660 vs "
        "−1.0787356733053354660 (relative margin −2), confirmed at 30 and 60 digits.",
        "F_i(θ_j) = −a_i a_j ∇_{θ_i}Φ(θ_i, θ_j) and dθ_i/dt = Σ_{j≠i} F_i(θ_j) (same dynamics)."),),
    depends=(f"{PAPER}/definition-2.1",),
)


def _eq8_fast(batch: Batch, constants, *, device, dtype):
    """(8) versus the gradient of the total interaction energy U = Σ_{p<q} q_p q_q Φ(x_p, x_q) (moving rows)."""
    def compute(case, c):
        manifold = _manifold(case)
        lhs, scale = _ep_fast(case, c, constants, _charges_ab(c))
        theta, w = c["theta"], c["w"]
        a, b = _charges_ab(c)
        pot = _fpot(case)

        def energy(x):
            # U restricted to the moving particles x (w fixed): Σ_{i<j} a_i a_j Φ + Σ_ij a_i b_j Φ + const
            return fast.loss6(a, x, b, w, pot) / 2
        grad = fast.gradient(energy, theta, manifold)
        u = fast.tangent(c["u"], theta, manifold)
        return lhs, -constants["energy_sign"] * (grad * u).sum((-2, -1)), scale
    return _by_case_k(batch, compute, device=device, dtype=dtype)


def _eq8_ref(point, constants, ctx):
    lhs, scale = _ep_ref(ctx, point, constants, point["a"], point["b"])
    pot = _rpot(ctx, point["case"])

    def energy(x):
        return ref.loss6(ctx, point["a"], x, point["b"], point["w"], pot) / 2
    dU = ref.directional_derivative(ctx, energy, point["theta"], point["u"], _manifold(point["case"]))
    return lhs, -constants["energy_sign"] * dU, scale


equation_8 = Claim(
    id=f"{PAPER}/equation-8", label="Eq. (8)", section="2.2",
    statement="−dθ_i/dt = Σ_{j≠i} F_i(θ_j)  (8),  with F_i(θ_j) = a_i a_j ∇_{θ_i} Φ(θ_i, θ_j).",
    kind=Kind.IDENTITY,
    spec=PointwiseSpec(
        domain=_domain(SMOOTH_CONSTANT_DIAGONAL + ("coulomb-euclidean",)), relation="==",
        reference=_eq8_ref, fast=_eq8_fast, terms=TERMS_GRADIENT, terms_reason=TERMS_GRADIENT_REASON,
        reference_rtol=REFERENCE_DIFF_RTOL, reference_rtol_reason=REFERENCE_DIFF_REASON),
    constants={"energy_sign": 1},
    mutants=(Mutant("energy-sign", {"energy_sign": -1}, "dθ/dt = +∇U (ascent of the interaction energy)"),),
    establishes="For symmetric Φ the field (8) (moving θ_i with charges a_i, fixed w_j with charges b_j) is the "
    "negative (Riemannian) gradient of the interaction energy U = Σ_{i<j} a_i a_j Φ(θ_i,θ_j) + Σ_{i,j} a_i b_j "
    "Φ(θ_i,w_j): ⟨dθ/dt, u⟩ = −⟨∇U, u⟩ for random tangent u, on R^d (Gaussian, Coulomb) and S^{d−1} "
    "(exponential, ReLU, sign, Hermite m=3 potentials of Table 1), k ≤ 4, d ≤ 5. It is the structure Theorem "
    "2.2 uses; it does not check solutions of the ODE.",
    depends=(f"{PAPER}/definition-2.1",),
)


# --- Theorem 2.2 and Theorem 1.1 --------------------------------------------------------------------

def _loss_fast(form: str, a, b, w, pot, constants, count) -> Callable[[torch.Tensor], torch.Tensor]:
    reading = _reading_of(constants)
    if form == "6":
        return lambda x: fast.loss6(a, x, b, w, pot, reading, count=count)
    if form == "5":
        return lambda x: fast.loss5(a, x, b, w, pot, reading, diag_detached=False, count=count)
    raise ValueError(form)


def _loss_ref(ctx, form: str, point, pot, constants):
    reading = _reading_of(constants)
    a, b, w = point["a"], point["b"], point["w"]
    if form == "6":
        return lambda x: ref.loss6(ctx, a, x, b, w, pot, reading)
    return lambda x: ref.loss5(ctx, a, x, b, w, pot, reading)


def _thm22_fast_factory(form: str, proof_step: bool = False):
    def fast_fn(batch: Batch, constants, *, device, dtype):
        def compute(case, c):
            manifold = _manifold(case)
            theta, w = c["theta"], c["w"]
            a, b = _charges_ab(c)
            loss = _loss_fast(form, a, b, w, _fpot(case), constants, c["count"])
            grad = fast.gradient(loss, theta, manifold)
            u = fast.tangent(c["u"], theta, manifold)
            lhs = -constants["half"] * (grad * u).sum((-2, -1))  # gradient flow on (1/2)L
            ep, scale = _ep_fast(case, c, constants, _charges_ab(c))
            return lhs, ep, scale
        return _by_case_k(batch, compute, device=device, dtype=dtype)
    return fast_fn


def _thm22_ref_factory(form: str):
    def ref_fn(point, constants, ctx):
        case = point["case"]
        loss = _loss_ref(ctx, form, point, _rpot(ctx, case), constants)
        lhs = -constants["half"] * ref.directional_derivative(ctx, loss, point["theta"], point["u"],
                                                             _manifold(case))
        ep, scale = _ep_ref(ctx, point, constants, point["a"], point["b"])
        return lhs, ep, scale
    return ref_fn


THM22_STATEMENT = ("Assume Φ(θ, θ) is constant. Running continuous gradient descent on (1/2) L(a, θ) with respect "
                   "to θ, initialized at (θ_1, ..., θ_k) produces the same dynamics as Electron-Proton Dynamics "
                   "under Φ with fixed particles at w_1, ..., w_k with respective charges b_1, .., b_k and moving "
                   "particles at θ_1, ..., θ_k with respective charges a_1, ..., a_k.")
THM22_ESTABLISHES = ("Equality of the two vector fields (same initial values ⇒ same dynamics by uniqueness for "
                     "locally Lipschitz fields): ⟨−∇_θ[(1/2)L], u⟩ (autograd / mpmath.diff along lines or great "
                     "circles; Riemannian on S^{d−1}) = ⟨dθ/dt of (8), u⟩ with moving charges a_i at θ_i and "
                     "fixed charges b_j at w_j, u a random tangent direction; a, b ∈ [−2, 2], k ≤ 4, d ≤ 5, "
                     "pairwise distances ≥ 0.3 (R^d) or |θ_i^T θ_j| ≤ 0.95 (sphere). Trajectories are not "
                     "integrated: equal fields at every drawn point is the content of the theorem.")


def _thm22_claim(suffix: str, form: str, cases: tuple[str, ...], reading_text: str, **kw) -> Claim:
    constants = {"half": 0.5, **kw.pop("constants", {})}
    return Claim(
        id=f"{PAPER}/theorem-2.2{suffix}", label="Theorem 2.2", section="2.2", statement=THM22_STATEMENT,
        kind=Kind.IDENTITY,
        spec=PointwiseSpec(
            domain=_domain(cases), relation="==", reference=_thm22_ref_factory(form),
            fast=_thm22_fast_factory(form), terms=TERMS_GRADIENT, terms_reason=TERMS_GRADIENT_REASON,
            reference_rtol=REFERENCE_DIFF_RTOL, reference_rtol_reason=REFERENCE_DIFF_REASON),
        constants=constants,
        mutants=kw.pop("mutants", (Mutant("no-half", {"half": 1.0}, "gradient flow on L instead of (1/2)L"),)),
        establishes=kw.pop("establishes", THM22_ESTABLISHES),
        assumptions=("Φ(θ, θ) constant (Table-1 rows on their M)", "Φ symmetric (Φ = E σσ)"),
        depends=(f"{PAPER}/definition-2.1", f"{PAPER}/equation-5", f"{PAPER}/equation-6"),
        reading=reading_text, **kw)


theorem_2_2 = _thm22_claim(
    "", "6", SMOOTH_CONSTANT_DIAGONAL, "")
theorem_2_2_loss5 = _thm22_claim(
    "[loss-5]", "5", ("gaussian-euclidean", "exponential-sphere", "hermite3-sphere"),
    "L(a, θ) is the loss (5) (with the diagonal Σ a_i² Φ(θ_i, θ_i), where the hypothesis 'Φ(θ,θ) constant' is "
    "needed); potentials whose diagonal gradient is finite in autograd (Gaussian, exponential, Hermite).")
theorem_2_2_nonconstant = _thm22_claim(
    "[non-constant-diagonal]", "5", ("exponential-euclidean",),
    "Control outside the hypothesis: L = (5) with Φ(θ, w) = e^{θ^T w − 1} on R^d, whose diagonal e^{‖θ‖²−1} "
    "is not constant; the diagonal adds −a_i² ∇Φ(θ_i,θ_i)/2 to the flow, so the fields must differ.",
    expected=frozenset({Verdict.VIOLATED}),
    expected_reason="the theorem's hypothesis Φ(θ, θ) constant fails here on purpose (a control showing the "
    "hypothesis is needed); not an erratum")
theorem_2_2_ordered = _thm22_claim(
    "[ordered-pairs]", "6", READING_CASES,
    "The printed Σ_{i=1}^k Σ_{i<j} in (6) read as Σ_i Σ_{j≠i} (each pair twice): then −∇(1/2)L has "
    "interaction force 2 a_i a_j ∇Φ, twice Definition 2.1's, so the dynamics differ whenever k ≥ 2.",
    constants={"reading": "ordered"},
    expected=frozenset({Verdict.VIOLATED}),
    expected_reason="a reading of the printed index range under which the theorem fails (the pair reading, the "
    "plain id, is the one the proof uses)")
theorem_2_2_rebound = _thm22_claim(
    "[rebound-index]", "6", READING_CASES,
    "The inner Σ_{i<j} of (6) read as rebinding i (sum over all pairs), so the outer Σ_{i=1}^k repeats it: the "
    "interaction force is k a_i a_j ∇Φ, Definition 2.1's only for k = 1.",
    constants={"reading": "rebound"},
    expected=frozenset({Verdict.VIOLATED}),
    expected_reason="a literal reading of the printed index range under which the theorem fails for k ≥ 2")


def _thm22_proof_fast(batch: Batch, constants, *, device, dtype):
    """The proof's display: −∇_{θ_i} L(a, θ) = −Σ_{j≠i} a_i a_j ∇Φ(θ_i,θ_j) − Σ_j a_i b_j ∇Φ(θ_i,w_j)."""
    def compute(case, c):
        manifold = _manifold(case)
        theta, w = c["theta"], c["w"]
        a, b = _charges_ab(c)
        grad = fast.gradient(lambda x: fast.loss6(a, x, b, w, _fpot(case)), theta, manifold)
        u = fast.tangent(c["u"], theta, manifold)
        lhs = -constants["gradient_factor"] * (grad * u).sum((-2, -1))
        ep, scale = _ep_fast(case, c, constants, _charges_ab(c))
        return lhs, ep, scale
    return _by_case_k(batch, compute, device=device, dtype=dtype)


def _thm22_proof_ref(point, constants, ctx):
    case = point["case"]
    pot = _rpot(ctx, case)
    loss = lambda x: ref.loss6(ctx, point["a"], x, point["b"], point["w"], pot)  # noqa: E731
    lhs = -constants["gradient_factor"] * ref.directional_derivative(ctx, loss, point["theta"], point["u"],
                                                                    _manifold(case))
    ep, scale = _ep_ref(ctx, point, constants, point["a"], point["b"])
    return lhs, ep, scale


theorem_2_2_proof = Claim(
    id=f"{PAPER}/theorem-2.2[proof-step-gradient]", label="Theorem 2.2 (proof)", section="2.2",
    statement="Proof: continuous gradient descent on (1/2) L(a, θ) with respect to θ produces the following "
    "dynamics: dθ_i(t)/dt = −∇_{θ_i} L(a, θ) = −Σ_{j≠i} a_i a_j ∇_{θ_i}Φ(θ_i, θ_j) − Σ_{j=1}^k a_i b_j "
    "∇_{θ_i}Φ(θ_i, w_j).",
    kind=Kind.IDENTITY,
    spec=PointwiseSpec(
        domain=_domain(SMOOTH_CONSTANT_DIAGONAL), relation="==", reference=_thm22_proof_ref,
        fast=_thm22_proof_fast, terms=TERMS_GRADIENT, terms_reason=TERMS_GRADIENT_REASON,
        reference_rtol=REFERENCE_DIFF_RTOL, reference_rtol_reason=REFERENCE_DIFF_REASON),
    constants={"gradient_factor": 1},
    mutants=(Mutant("gradient-triple", {"gradient_factor": 3},
                    "−3∇_{θ_i}L in place of −∇_{θ_i}L"),),
    establishes="The proof's displayed equality −∇_{θ_i}L(a,θ) = −Σ_{j≠i} a_i a_j ∇Φ(θ_i,θ_j) − Σ_j a_i b_j "
    "∇Φ(θ_i,w_j), L = (6), evaluated as printed (directionally, autograd vs mpmath.diff). It fails by the "
    "factor 2 of (6): −∇_{θ_i}L equals twice the right side; the right side is −∇_{θ_i}[(1/2)L], which is what "
    "the theorem needs (the plain id holds).",
    reading="The displayed equality of the proof, with L the loss (6) as printed (no factor 1/2 on the left).",
    depends=(f"{PAPER}/theorem-2.2",),
    errata=(Erratum(
        "The proof writes dθ_i/dt = −∇_{θ_i}L(a,θ) = −Σ_{j≠i} a_i a_j ∇Φ − Σ_j a_i b_j ∇Φ, but with L = (6) "
        "(prefactor 2 on both sums) −∇_{θ_i}L is twice the right side; the flow of (1/2)L is −∇_{θ_i}[(1/2)L].",
        "Engine (smoke and default, seed 0), confirmed at 30 and 60 digits: Gaussian potential on R^1, k = 1 "
        "(point seed 0): ⟨−∇_θ L, u⟩ = −0.76996022942067976244 vs ⟨−Σ a_i a_j ∇Φ − Σ a_i b_j ∇Φ, u⟩ = "
        "−0.38498011471033988122; exponential potential on S^1, k = 1 (seed 1168): −3.8544457754246810888 vs "
        "−1.9272228877123405444 — ratio exactly 2, as the factor 2 of (6) predicts.",
        "dθ_i/dt = −∇_{θ_i}[(1/2)L(a,θ)] = −Σ_{j≠i} a_i a_j ∇Φ(θ_i,θ_j) − Σ_j a_i b_j ∇Φ(θ_i,w_j)."),),
)


# Theorem 1.1: a = b = 1 in the loss (3) (before the reparametrisation a → −a).

def _charges_electron_proton(sign_electron: float, sign_proton: float):
    def charges(c: dict[str, torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
        return sign_electron * c["mask"], sign_proton * c["mask"]
    return charges


def _thm11_fast(batch: Batch, constants, *, device, dtype):
    def compute(case, c):
        manifold = _manifold(case)
        theta, w = c["theta"], c["w"]
        ones = c["mask"]  # a = b = 1 (0 on padding particles)
        pot = _fpot(case)
        # (3) with a = b = 1 as the Gram form of σ's: the diagonal Φ(θ_i, θ_i) is detached on the sphere,
        # where its Riemannian gradient vanishes exactly (see fast.loss5).
        detach = manifold == "sphere"

        def loss3(x):
            return (fast.gram(ones, w, ones, w, pot) - 2 * fast.gram(ones, x, ones, w, pot)
                    + fast.loss5(ones, x, 0 * ones, w, pot, diag_detached=detach))
        grad = fast.gradient(loss3, theta, manifold)
        u = fast.tangent(c["u"], theta, manifold)
        lhs = -(grad * u).sum((-2, -1))
        ep, scale = _ep_fast(case, c, {"force_sign": constants["net_force_sign"]},
                             _charges_electron_proton(constants["electron_charge"], 1.0)(c))
        return lhs, constants["proportionality"] * ep, constants["proportionality"] * scale
    return _by_case_k(batch, compute, device=device, dtype=dtype, pad_k=False)


def _thm11_ref(point, constants, ctx):
    case = point["case"]
    k = point["k"]
    pot = _rpot(ctx, case)
    ones = [1] * k
    loss3 = lambda x: ref.loss3_gram(ctx, ones, x, ones, point["w"], pot)  # noqa: E731
    lhs = -ref.directional_derivative(ctx, loss3, point["theta"], point["u"], _manifold(case))
    ep, scale = _ep_ref(ctx, point, {"force_sign": constants["net_force_sign"]}, [constants["electron_charge"]] * k,
                        [1] * k)
    c = ctx.mpf(constants["proportionality"])
    return lhs, c * ep, c * scale


THM11_CASES = ("gaussian-euclidean", "exponential-sphere", "relu-sphere")


def _thm11_claim(suffix: str, electron_charge: float, reading_text: str, net_force_sign: float = 1, **kw) -> Claim:
    return Claim(
        id=f"{PAPER}/theorem-1.1{suffix}", label="Theorem 1.1", section="1.2.1",
        statement="Assume for now that the coefficients b_i and a_i are 1. Thus we are only gradienting over θ_i "
        "to minimize the squared l2 norm of the error function f − f̂ where f̂(x_j) = Σ_{i=1}^k σ(x_j, θ_i). "
        "Theorem 1.1 (informal statement of Theorem 2.2): The gradient descent process for learning f is "
        "equivalent to the motion of a set of k electrons in the presence of a set of k fixed protons where the "
        "force between any pair of charges is given by a potential function that depends on σ. [...] in each "
        "infinitesimal time step dt an electron moves by a distance proportional to the net force acting on it.",
        kind=Kind.IDENTITY,
        spec=PointwiseSpec(
            domain=_domain(THM11_CASES), relation="==", reference=_thm11_ref, fast=_thm11_fast,
            terms=TERMS_GRADIENT, terms_reason=TERMS_GRADIENT_REASON, reference_rtol=REFERENCE_DIFF_RTOL,
            reference_rtol_reason=REFERENCE_DIFF_REASON),
        constants={"proportionality": 2, "electron_charge": electron_charge, "net_force_sign": net_force_sign},
        mutants=(Mutant("proportionality-1", {"proportionality": 1},
                        "the flow of L(3) equal (not twice) the Electron-Proton velocity"),),
        establishes="The gradient flow dθ/dt = −∇_θ L of the loss (3) with a_i = b_i = 1 (Gram form of (3) in "
        "Φ = E σσ; autograd vs mpmath.diff, Riemannian on the sphere) equals 2 × the Electron-Proton velocity "
        "(Definition 2.1) of k electrons θ_i and k fixed protons w_j, for the Gaussian potential on R^d and the "
        "exponential and ReLU potentials of Table 1 on S^{d−1} (printed closed forms used as Φ on both sides), "
        "k ≤ 4, d ≤ 5. The proportionality constant 2 is reported (the text says 'proportional'). The "
        "potentials are not re-derived from σ here (Table 1's own entries do that).",
        depends=(f"{PAPER}/theorem-2.2", f"{PAPER}/definition-2.1", f"{PAPER}/equation-3"),
        reading=reading_text, **kw)


theorem_1_1 = _thm11_claim(
    "", -1.0, "")
theorem_1_1_force = _thm11_claim(
    "[definition-2.1-force]", -1.0,
    "'an electron moves by a distance proportional to the net force acting on it' with the force of Definition "
    "2.1, F_i(θ_j) = a_i a_j ∇_{θ_i}Φ: the displacement rate −∇_θ L of (3) compared with +2 Σ F (positive "
    "proportionality).", net_force_sign=-1,
    errata=(Erratum(
        "With the force of Definition 2.1 (F_i(θ_j) = a_i a_j ∇_{θ_i}Φ), the electrons move against the net force "
        "(dθ_i/dt = −Σ F_i), not proportionally to it as Theorem 1.1's gloss says; the statement holds with the "
        "physical force −a_i a_j ∇Φ (the plain id).",
        "Engine (seed 0): ⟨−∇_θ L(3), u⟩ = −2 ⟨Σ F, u⟩ at every point; minimal counterexample Gaussian potential "
        "on R^1, k = 1 (point seed 0): 1.0933329268673115421 vs −1.0933329268673115421 (relative margin −2), "
        "confirmed at 30 and 60 digits.",
        "Define F_i(θ_j) = −a_i a_j ∇_{θ_i}Φ(θ_i, θ_j) in Definition 2.1 and dθ_i/dt = Σ_{j≠i} F_i(θ_j)."),))
theorem_1_1_like = _thm11_claim(
    "[like-charges]", 1.0,
    "The charges read literally as a_i = b_i = 1 in Definition 2.1 (electrons and protons of the same charge "
    "+1): then the θ–w forces repel, opposite to the gradient flow, which attracts θ_i to w_j.",
    expected=frozenset({Verdict.VIOLATED}),
    expected_reason="a reading known to fail: in (3) the learner enters with a minus sign, so a_i = 1 in (3) is "
    "charge −1 after the reparametrisation a → −a of (4); the plain id (electrons −1, protons +1) holds")


# --- eqs. (5), (6), (9): the expansions and the dropped constants --------------------------------------

def _ref_cfg(ctx, point) -> dict[str, Any]:
    """The configuration of a point for the reference: on the sphere, the float64 unit vectors are normalised at
    working precision (so Φ(θ, θ) is evaluated exactly on M, as the statement intends)."""
    manifold = _manifold(point["case"])
    out = {n: ref.project(ctx, point[n], manifold) for n in ("theta", "theta2", "w")}
    return {**out, "a": point["a"], "b": point["b"], "k": point["k"]}


class _Memo:
    """A potential that keeps its values for the (x, y) tensors it was called with (same memory, shape and
    strides: the same values), so that (4), (5), (6), (9) and their absolute-value scales share the matrices
    Φ(θ_i, θ_j), Φ(θ_i, w_j), Φ(w_i, w_j) of one evaluation instead of recomputing them; the results are
    bitwise those of the plain potential. The arguments are kept alive with their values, so their memory
    cannot be reused by another tensor while the memo lives. Not for autograd (values are not recomputed)."""

    def __init__(self, pot):
        self.pot, self.values = pot, {}

    def __call__(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        key = tuple((t.data_ptr(), tuple(t.shape), t.stride(), t.dtype) for t in (x, y))
        if key not in self.values:
            self.values[key] = (x, y, self.pot(x, y))
        return self.values[key][2]


def _abs_pot(pot):
    return lambda x, y: pot(x, y).abs()


def _abs_pot_ref(ctx, pot):
    return lambda x, y: abs(pot(x, y))


def _eq5_fast(batch: Batch, constants, *, device, dtype):
    def compute(case, c):
        pot = _Memo(_fpot(case))
        a, th, b, w = c["a"], c["theta"], c["b"], c["w"]
        lhs = fast.loss4(a, th, b, w, pot) - fast.loss5(
            a, th, b, w, pot, _reading_of(constants), constants["pair_factor"], constants["cross_factor"],
            constants["diag_factor"], count=c["count"])
        rhs = constants["dropped_weight"] * fast.gram(b, w, b, w, pot)
        scale = fast.loss4(a.abs(), th, b.abs(), w, _abs_pot(pot))
        return lhs, rhs, scale
    return _by_case_k(batch, compute, device=device, dtype=dtype, rows_innermost=True)


def _eq5_ref(point, constants, ctx):
    pot = _rpot(ctx, point["case"])
    cfg = _ref_cfg(ctx, point)
    a, th, b, w = cfg["a"], cfg["theta"], cfg["b"], cfg["w"]
    lhs = ref.loss4(ctx, a, th, b, w, pot) - ref.loss5(
        ctx, a, th, b, w, pot, _reading_of(constants), constants["pair_factor"], constants["cross_factor"],
        constants["diag_factor"])
    rhs = constants["dropped_weight"] * ref.gram(ctx, b, w, b, w, pot)
    scale = ref.loss4(ctx, [abs(v) for v in a], th, [abs(v) for v in b], w, _abs_pot_ref(ctx, pot))
    return lhs, rhs, scale


EQ5_STATEMENT = ("We can further simplify (4) by dropping out the constant terms. L(a, θ) = Σ_{i=1}^k a_i² "
                 "Φ(θ_i, θ_i) + 2 Σ_{i=1}^k Σ_{i<j} a_i a_j Φ(θ_i, θ_j) + 2 Σ_{i=1}^k Σ_{j=1}^k a_i b_j "
                 "Φ(θ_i, w_j) (5)")
TERMS_EXPANSION = 8.0
TERMS_EXPANSION_REASON = ("(4) and (5) each sum ≤ 3k² ≤ 48 products c_i c_j Φ (scale = the sum of their absolute "
                          "values); pairwise-style summation in torch keeps the error ≲ 8 ulp of that scale")
EXPANSION_MUTANTS = (Mutant("pair-factor-3", {"pair_factor": 3}, "2 Σ_{i<j} replaced by 3 Σ_{i<j}"),
                     Mutant("cross-factor-1", {"cross_factor": 1}, "2 Σ_ij a_i b_j Φ replaced by Σ_ij a_i b_j Φ"))


def _eq5_claim(suffix: str, reading: str, reading_text: str, cases: tuple[str, ...] = FINITE_DIAGONAL, **kw) -> Claim:
    return Claim(
        id=f"{PAPER}/equation-5{suffix}", label="Eq. (5)", section="2.1", statement=EQ5_STATEMENT,
        kind=Kind.IDENTITY,
        spec=PointwiseSpec(domain=_domain(cases), relation="==", reference=_eq5_ref, fast=_eq5_fast,
                           terms=TERMS_EXPANSION, terms_reason=TERMS_EXPANSION_REASON),
        constants={"reading": reading, "pair_factor": 2, "cross_factor": 2, "diag_factor": 1,
                   "dropped_weight": kw.pop("dropped_weight", 1)},
        mutants=(EXPANSION_MUTANTS[0], Mutant("diag-dropped", {"diag_factor": 0}, "Σ a_i² Φ(θ_i,θ_i) dropped too")),
        establishes="(4) − (5) equals Σ_{i,j} b_i b_j Φ(w_i, w_j) (the dropped constant, independent of a and θ) at "
        "random (a, θ, b, w), a, b ∈ [−2, 2], k ≤ 4, d ≤ 5, for the printed potentials of Table 1 on their M and "
        "the Gaussian / L1-exponential / e^{θ^T w−1} potentials on R^d. The expansion is algebraic in the values "
        "Φ(·,·) (any symmetric Φ), so the printed closed forms serve as Φ on both sides; that they equal E σσ is "
        "checked by the Table-1 entries and (4).",
        depends=(f"{PAPER}/equation-4",), reading=reading_text, **kw)


equation_5 = _eq5_claim("", "pairs", "")
equation_5_ordered = _eq5_claim(
    "[ordered-pairs]", "ordered",
    "Σ_{i=1}^k Σ_{i<j} read as Σ_i Σ_{j≠i}: the pair term is then counted twice, (4) − (5) = Σ bbΦ(w,w) − "
    "Σ_{i≠j} a_i a_j Φ(θ_i,θ_j), which depends on (a, θ).",
    cases=READING_CASES, expected=frozenset({Verdict.VIOLATED}),
    expected_reason="a reading of the printed index range under which (5) is not (4) minus a constant; the "
    "plain id (each unordered pair once) holds")
equation_5_literal = _eq5_claim(
    "[literal-equality]", "pairs",
    "(5) read as an equality with (4) (both are written 'L(a, θ) ='): (4) − (5) = 0.",
    dropped_weight=0, cases=READING_CASES, expected=frozenset({Verdict.VIOLATED}),
    expected_reason="the text says (5) drops the constant terms of (4), so it equals (4) only up to Σ bbΦ(w, w); "
    "the literal equality fails by exactly that constant (reported), which is not an erratum")
equation_5_rebound = _eq5_claim(
    "[rebound-index]", "rebound",
    "The inner Σ_{i<j} read as rebinding i (all unordered pairs), repeated by the outer Σ_{i=1}^k: k copies of "
    "the pair sum, so (4) − (5) depends on (a, θ) for k ≥ 2.",
    cases=READING_CASES, expected=frozenset({Verdict.VIOLATED}),
    expected_reason="a literal reading of the printed index range under which (5) is not (4) minus a constant "
    "for k ≥ 2")


def _eq6_fast(batch: Batch, constants, *, device, dtype):
    def compute(case, c):
        pot = _Memo(_fpot(case))
        a, b, w = c["a"], c["b"], c["w"]

        def dropped(th):
            return fast.loss4(a, th, b, w, pot) - fast.loss6(
                a, th, b, w, pot, _reading_of(constants), constants["pair_factor"], constants["cross_factor"],
                count=c["count"])
        scale = sum(fast.loss4(a.abs(), th, b.abs(), w, _abs_pot(pot)) for th in (c["theta"], c["theta2"]))
        return dropped(c["theta"]), constants["dropped_weight"] * dropped(c["theta2"]), scale
    return _by_case_k(batch, compute, device=device, dtype=dtype, rows_innermost=True)


def _eq6_ref(point, constants, ctx):
    pot = _rpot(ctx, point["case"])
    point = {**point, **_ref_cfg(ctx, point)}
    a, b, w = point["a"], point["b"], point["w"]

    def dropped(th):
        return ref.loss4(ctx, a, th, b, w, pot) - ref.loss6(
            ctx, a, th, b, w, pot, _reading_of(constants), constants["pair_factor"], constants["cross_factor"])
    scale = ctx.fsum(ref.loss4(ctx, [abs(v) for v in a], th, [abs(v) for v in b], w, _abs_pot_ref(ctx, pot))
                     for th in (point["theta"], point["theta2"]))
    return dropped(point["theta"]), constants["dropped_weight"] * dropped(point["theta2"]), scale


EQ6_STATEMENT = ("Observe that the first term in (5) is often a constant in the variable θ. Therefore, when a_i are "
                 "fixed, we will work with the simplified loss: L(a, θ) = 2 Σ_{i=1}^k Σ_{i<j} a_i a_j Φ(θ_i, θ_j) "
                 "+ 2 Σ_{i=1}^k Σ_{j=1}^k a_i b_j Φ(θ_i, w_j) (6)")


def _eq6_claim(suffix: str, reading: str, cases: tuple[str, ...], reading_text: str, **kw) -> Claim:
    return Claim(
        id=f"{PAPER}/equation-6{suffix}", label="Eq. (6)", section="2.2", statement=EQ6_STATEMENT,
        kind=Kind.IDENTITY,
        spec=PointwiseSpec(domain=_domain(cases), relation="==", reference=_eq6_ref, fast=_eq6_fast,
                           terms=TERMS_EXPANSION, terms_reason=TERMS_EXPANSION_REASON),
        constants={"reading": reading, "pair_factor": 2, "cross_factor": 2,
                   "dropped_weight": kw.pop("dropped_weight", 1)},
        mutants=EXPANSION_MUTANTS,
        establishes="For fixed a (and b, w), (4) − (6) takes the same value at two independent random "
        "configurations θ, θ' on M: the simplified loss (6) differs from the population loss (4) by a "
        "θ-independent constant (Σ a_i² Φ(θ_i,θ_i) + Σ bbΦ(w,w)), so it has the same θ-gradient flow. Potentials "
        "with constant diagonal (exponential and Hermite-3 rows of Table 1 on S^{d−1}, Gaussian and L1-exponential "
        "on R^d; the sign / ReLU rows are left out: their closed forms amplify the rounding of ‖θ‖² = 1 to ~1e-8 "
        "in Φ(θ, θ)); k ≤ 4, d ≤ 5. (6) "
        "is equal to (4) only up to that constant: its minimum value is not 0.",
        depends=(f"{PAPER}/equation-5",), reading=reading_text, **kw)


equation_6 = _eq6_claim("", "pairs", WELL_CONDITIONED_DIAGONAL, "")
equation_6_nonconstant = _eq6_claim(
    "[non-constant-diagonal]", "pairs", ("exponential-euclidean",),
    "Control for 'often': Φ(θ, w) = e^{θ^T w − 1} on R^d has Φ(θ, θ) = e^{‖θ‖² − 1}, so the dropped first term "
    "of (5) depends on θ and (6) no longer differs from (4) by a constant.",
    expected=frozenset({Verdict.VIOLATED}),
    expected_reason="the paper only says the first term is 'often' constant; this potential is outside that case "
    "on purpose (a control), not an erratum")
equation_6_literal = _eq6_claim(
    "[literal-equality]", "pairs", READING_CASES,
    "(6) read as an equality with the population loss (4) (both written 'L(a, θ) ='): (4) − (6) = 0.",
    dropped_weight=0, expected=frozenset({Verdict.VIOLATED}),
    expected_reason="the text calls (6) a 'simplified loss' obtained by dropping terms constant in θ; it differs "
    "from (4) by Σ a_i² Φ(θ_i, θ_i) + Σ bbΦ(w, w) (so its minimum is not 0) — reported, not an erratum")
equation_6_ordered = _eq6_claim(
    "[ordered-pairs]", "ordered", READING_CASES,
    "Σ_{i=1}^k Σ_{i<j} read as Σ_i Σ_{j≠i} (each pair twice).",
    expected=frozenset({Verdict.VIOLATED}),
    expected_reason="a reading of the printed index range under which (6) is not (4) up to a θ-constant")
equation_6_rebound = _eq6_claim(
    "[rebound-index]", "rebound", READING_CASES,
    "The inner Σ_{i<j} rebinds i (all pairs), repeated k times by the outer sum.",
    expected=frozenset({Verdict.VIOLATED}),
    expected_reason="a literal reading of the printed index range under which (6) is not (4) up to a θ-constant "
    "for k ≥ 2")


def _eq9_fast_factory(compare_with: str):
    def fast_fn(batch: Batch, constants, *, device, dtype):
        def compute(case, c):
            pot = _Memo(_fpot(case))
            mask, w = c["mask"], c["w"]  # Assumption 1's unit charges on the real particles
            a, b = -mask, mask

            def l9(th):
                return fast.loss9(th, w, pot, _reading_of(constants), constants["pair_factor"],
                                  constants["cross_sign"], mask=mask, count=c["count"])
            if compare_with == "6":
                lhs, rhs = l9(c["theta"]), fast.loss6(a, c["theta"], b, w, pot)
                scale = fast.loss4(mask, c["theta"], mask, w, _abs_pot(pot))
            else:
                lhs = l9(c["theta"]) - l9(c["theta2"])
                rhs = fast.loss4(a, c["theta"], b, w, pot) - fast.loss4(a, c["theta2"], b, w, pot)
                scale = sum(fast.loss4(mask, th, mask, w, _abs_pot(pot)) for th in (c["theta"], c["theta2"]))
            return lhs, rhs, scale
        return _by_case_k(batch, compute, device=device, dtype=dtype, rows_innermost=True)
    return fast_fn


def _eq9_ref_factory(compare_with: str):
    def ref_fn(point, constants, ctx):
        pot = _rpot(ctx, point["case"])
        point = {**point, **_ref_cfg(ctx, point)}
        k, w = point["k"], point["w"]
        a, b, ones = [-1] * k, [1] * k, [1] * k

        def l9(th):
            return ref.loss9(ctx, th, w, pot, _reading_of(constants), constants["pair_factor"],
                             constants["cross_sign"])
        if compare_with == "6":
            return (l9(point["theta"]), ref.loss6(ctx, a, point["theta"], b, w, pot),
                    ref.loss4(ctx, ones, point["theta"], ones, w, _abs_pot_ref(ctx, pot)))
        lhs = l9(point["theta"]) - l9(point["theta2"])
        rhs = ref.loss4(ctx, a, point["theta"], b, w, pot) - ref.loss4(ctx, a, point["theta2"], b, w, pot)
        scale = ctx.fsum(ref.loss4(ctx, ones, th, ones, w, _abs_pot_ref(ctx, pot))
                         for th in (point["theta"], point["theta2"]))
        return lhs, rhs, scale
    return ref_fn


EQ9_STATEMENT = ("Now, we are working with the following loss function: L(θ) = 2 Σ_{i=1}^k Σ_{i<j} Φ(θ_i, θ_j) − "
                 "2 Σ_{i=1}^k Σ_{j=1}^k Φ(θ_i, w_j) (9)  [under Assumption 1: b_i = 1, a_i = −1]")
EQ9_MUTANTS = (Mutant("cross-sign-plus", {"cross_sign": 1}, "− 2 Σ_ij Φ(θ_i,w_j) replaced by + 2 Σ_ij"),
               Mutant("pair-factor-3", {"pair_factor": 3}, "2 Σ_{i<j} replaced by 3 Σ_{i<j}"))


def _eq9_claim(suffix: str, compare_with: str, reading: str, reading_text: str, establishes: str,
               cases: tuple[str, ...] = WELL_CONDITIONED_DIAGONAL, **kw) -> Claim:
    return Claim(
        id=f"{PAPER}/equation-9{suffix}", label="Eq. (9)", section="3.2.1", statement=EQ9_STATEMENT,
        kind=Kind.IDENTITY,
        spec=PointwiseSpec(domain=_domain(cases), relation="==",
                           reference=_eq9_ref_factory(compare_with),
                           fast=_eq9_fast_factory(compare_with), terms=TERMS_EXPANSION,
                           terms_reason=TERMS_EXPANSION_REASON),
        constants={"reading": reading, "pair_factor": 2, "cross_sign": -1}, mutants=EQ9_MUTANTS,
        establishes=establishes, assumptions=("Assumption 1: b_i = 1, a_i = −1",),
        depends=(f"{PAPER}/equation-6", f"{PAPER}/assumption-1"), reading=reading_text, **kw)


EQ9_ESTABLISHES = ("Under Assumption 1 (a = −1, b = 1) the printed (9) differs from the population loss (4) by a "
                   "θ-independent constant: (9)(θ) − (9)(θ') = (4)(θ) − (4)(θ') at random θ, θ' on M, for the "
                   "constant-diagonal potentials (exponential / Hermite-3 rows on S^{d−1}, Gaussian / "
                   "L1-exponential on R^d; sign / ReLU left out as in (6)), "
                   "k ≤ 4, d ≤ 5. Hence (9) has the same critical points and gradient flow as (4).")
equation_9 = _eq9_claim("", "4", "pairs", "", EQ9_ESTABLISHES)
equation_9_from6 = _eq9_claim(
    "[assumption-1-in-6]", "6", "pairs",
    "(9) read as (6) with a_i = −1, b_i = 1 substituted (an exact equality, not up to a constant).",
    "(9)(θ) = (6)(a = −1, θ, b = 1) exactly at random θ on M (pair reading on both sides).")
equation_9_ordered = _eq9_claim(
    "[ordered-pairs]", "4", "ordered", "Σ_{i=1}^k Σ_{i<j} in (9) read as Σ_i Σ_{j≠i} (each pair twice).",
    EQ9_ESTABLISHES, cases=READING_CASES, expected=frozenset({Verdict.VIOLATED}),
    expected_reason="a reading of the printed index range under which (9) is not (4) up to a constant")
equation_9_rebound = _eq9_claim(
    "[rebound-index]", "4", "rebound", "The inner Σ_{i<j} of (9) rebinds i, repeated k times by the outer sum.",
    EQ9_ESTABLISHES, cases=READING_CASES, expected=frozenset({Verdict.VIOLATED}),
    expected_reason="a literal reading of the printed index range under which (9) is not (4) up to a constant "
    "for k ≥ 2")


# --- eq. (7): the Coulomb case Φ = 1/‖θ − w‖ in R^3 ----------------------------------------------------

def _printed7_fast(theta, w, a, b, prefactor, inverse_power):
    """Σ_i ⟨u_i, printed (7)_i⟩ pieces: returns the (B, k, d) right side of (7) and its |terms| scale."""
    def field(x, y, cy, self_pairs: bool):
        diff = x.unsqueeze(2) - y.unsqueeze(1)  # (B, k, m, d)
        r = diff.norm(dim=-1)
        if self_pairs:
            eye = torch.eye(x.shape[1], dtype=torch.bool, device=x.device)
            r = torch.where(eye, torch.ones_like(r), r)
        coef = prefactor * a.unsqueeze(2) * cy.unsqueeze(1) / (r ** inverse_power * r)
        if self_pairs:
            coef = torch.where(eye, torch.zeros_like(coef), coef)
        terms = coef.unsqueeze(-1) * diff
        return terms.sum(2), terms.abs().sum(2)
    f1, s1 = field(theta, theta, a, True)
    f2, s2 = field(theta, w, b, False)
    return f1 + f2, s1 + s2


def _eq7_fast(batch: Batch, constants, *, device, dtype):
    def compute(case, c):
        a, th, b, w = c["a"], c["theta"], c["b"], c["w"]
        pot = _fpot("coulomb-euclidean")
        grad = fast.gradient(lambda x: fast.loss6(a, x, b, w, pot, _reading_of(constants)), th, "euclidean")
        u = c["u"]
        rhs, scale = _printed7_fast(th, w, a, b, constants["prefactor"], constants["inverse_power"])
        return -(grad * u).sum((-2, -1)), (rhs * u).sum((-2, -1)), (scale * u.abs()).sum((-2, -1))
    return _by_case_k(batch, compute, device=device, dtype=dtype, pad_k=False)


def _eq7_ref(point, constants, ctx):
    a, th, b, w, u = point["a"], point["theta"], point["b"], point["w"], point["u"]
    pot = _rpot(ctx, "coulomb-euclidean")
    lhs = -ref.directional_derivative(ctx, lambda x: ref.loss6(ctx, a, x, b, w, pot, _reading_of(constants)), th, u,
                                      "euclidean")
    c, p = ctx.mpf(constants["prefactor"]), ctx.mpf(constants["inverse_power"])
    terms = []
    for i in range(len(th)):
        others = [(a[j], th[j]) for j in range(len(th)) if j != i] + list(zip(b, w, strict=True))
        for q, y in others:
            diff = [ctx.mpf(s) - t for s, t in zip(th[i], y, strict=True)]
            r = ctx.sqrt(ctx.fsum(t * t for t in diff))
            terms.append(c * a[i] * q / (r ** p * r) * ctx.fsum(ctx.mpf(uc) * t for uc, t in zip(u[i], diff,
                                                                                                strict=True)))
    return lhs, ctx.fsum(terms), ctx.fsum(abs(t) for t in terms) + abs(lhs)


#: Rational test configurations for the exact whole-gradient check of (7) (k = 2 and k = 3, R^3, distinct points).
EQ7_EXACT_POINTS = (
    {"theta": ((0, 0, 0), (1, 0, 0)), "w": ((0, 2, 0), (0, 0, 3)), "a": (1, -2), "b": (3, 1)},
    {"theta": ((0, 0, 0), (1, 2, 0), (0, 1, 3)), "w": ((2, 0, 1), (-1, 1, 1), (1, -1, 2)), "a": (1, -1, 2),
     "b": (-2, 1, 1)},
)


def _exact_gradient_check(point: dict, prefactor, inverse_power, reading: str) -> tuple[bool, list, list]:
    """−∇_{θ_1}(6) and the printed (7) for θ_1, exactly (sympy) at a rational configuration."""
    k = len(point["theta"])
    L, th, w, a, b = ref.symbolic_loss6(k, reading)
    subs = {}
    for i in range(k):
        subs |= dict(zip(th[i], map(sp.Integer, point["theta"][i]), strict=True))
        subs |= dict(zip(w[i], map(sp.Integer, point["w"][i]), strict=True))
        subs |= {a[i]: sp.Integer(point["a"][i]), b[i]: sp.Integer(point["b"][i])}
    lhs = [-sp.diff(L, x).xreplace(subs) for x in th[0]]
    rhs = [r.xreplace(subs) for r in ref.printed_rhs7(th, w, a, b, 0, sp.nsimplify(prefactor),
                                                      sp.nsimplify(inverse_power))]
    # exact algebraic numbers (rationals times powers of √n): radsimp of the difference decides equality
    same = all(sp.radsimp(sp.expand(p - q)) == 0 for p, q in zip(lhs, rhs, strict=True))
    return same, lhs, rhs


@lru_cache(maxsize=32)
def _prove_eq7_cached(prefactor, inverse_power, reading: str) -> SymbolicOutcome:
    values: dict[str, str] = {}
    # (i) two-body identity for all x ≠ y in R^3: ∇_x ‖x − y‖^{-1} = −(x − y)/(‖x − y‖^p ‖x − y‖) iff p = 2
    residual = ref.coulomb_pair_residual(inverse_power)
    two_body_ok = all(r == 0 for r in residual)
    values["two-body residual ∇_x(1/‖x−y‖) + (x−y)/(‖x−y‖^p‖x−y‖), first coordinate"] = (
        "0" if two_body_ok else "non-zero")
    # (ii) multiplicity of each pair (θ_i, θ_j), j ≠ i, among the terms of Σ_{p=1}^k Σ_{p<q} that contain θ_i,
    # for symbolic k and i: sympy sums the number of such terms and compares with #{j ≠ i} = k − 1.
    i, k, p, q = sp.symbols("i k p q", integer=True, positive=True)
    as_first = sp.summation(1, (q, i + 1, k))
    as_second = sp.summation(1, (p, 1, i - 1))
    count = {"pairs": as_first + as_second, "ordered": 2 * (as_first + as_second),
             "rebound": k * (as_first + as_second)}[reading]
    multiplicity = sp.simplify(count / (k - 1))
    values["terms containing θ_i (symbolic k, i)"] = str(sp.simplify(count))
    values["multiplicity of each pair"] = str(multiplicity)
    # (iii) coefficients: (6) has 2 on both sums; −∇_{θ_i} of 2 m a_i a_j Φ is 2 m a_i a_j (θ_i−θ_j)/‖·‖³
    pair_coef = sp.simplify(2 * multiplicity - sp.nsimplify(prefactor))
    cross_coef = sp.simplify(2 - sp.nsimplify(prefactor))
    values["interaction coefficient of −∇(6) minus printed"] = str(pair_coef)
    values["proton coefficient of −∇(6) minus printed"] = str(cross_coef)
    # (iv) the whole gradient, exactly, at rational configurations with k = 2 and k = 3
    for point in EQ7_EXACT_POINTS:
        ok, lhs, rhs = _exact_gradient_check(point, prefactor, inverse_power, reading)
        values[f"k = {len(point['theta'])}: −∇_{{θ_1}}L"] = str(lhs)
        values[f"k = {len(point['theta'])}: printed (7)"] = str(rhs)
        if not ok:
            return SymbolicOutcome(
                Verdict.VIOLATED, f"(7) differs from −∇_{{θ_1}}L of (6) (exact, k = {len(point['theta'])}): two-body "
                f"term {'right' if two_body_ok else 'wrong'}, pair multiplicity {multiplicity}, interaction "
                f"coefficient off by {pair_coef}, proton coefficient off by {cross_coef}", 1,
                {**{key: str(v) for key, v in point.items()}, "-grad_theta_1 L": str(lhs), "printed (7)": str(rhs)},
                values)
    if not two_body_ok or pair_coef != 0 or cross_coef != 0:  # pragma: no cover - (iv) catches these first
        return SymbolicOutcome(Verdict.VIOLATED, "a coefficient of (7) differs from −∇(6)", 0, None, values)
    return SymbolicOutcome(
        Verdict.PROVED, "for every k and all distinct points of R^3: (i) sympy: ∇_x ‖x−y‖^{-1} = −(x−y)/(‖x−y‖² "
        "‖x−y‖) for symbolic x, y; (ii) sympy summation over symbolic k, i: θ_i occurs in exactly k − 1 terms of "
        "Σ_{p<q}, one per j ≠ i (multiplicity 1), and Φ is symmetric, so by linearity −∇_{θ_i}(6) = 2 Σ_{j≠i} a_i a_j "
        "(θ_i−θ_j)/‖θ_i−θ_j‖³ + 2 Σ_j a_i b_j (θ_i−w_j)/‖θ_i−w_j‖³, the printed (7); (iii) the whole gradient at "
        "rational configurations with k = 2, 3 equals (7) exactly.", 2, None, values)


def _prove_eq7(constants) -> SymbolicOutcome:
    return _prove_eq7_cached(constants["prefactor"], constants["inverse_power"], _reading_of(constants))


EQ7_STATEMENT = ("to recover exact electron-proton dynamics, we let Φ(θ, w) = 1/‖θ − w‖ be the natural electric "
                 "potential in R^3, then for each θ_i, the negative gradient with respect to θ_i of L exactly "
                 "corresponds (up to scaling of 2) to the natural electrodynamics following the inverse square law. "
                 "−∇_{θ_i} L = 2 Σ_{j≠i} a_i a_j (1/‖θ_i − θ_j‖²) (θ_i − θ_j)/‖θ_i − θ_j‖ + 2 Σ_{j=1}^k a_i b_j "
                 "(1/‖θ_i − w_j‖²) (θ_i − w_j)/‖θ_i − w_j‖ (7)")


def _eq7_claim(suffix: str, reading: str, reading_text: str, **kw) -> Claim:
    return Claim(
        id=f"{PAPER}/equation-7{suffix}", label="Eq. (7)", section="2.2", statement=EQ7_STATEMENT,
        kind=Kind.SYMBOLIC,
        spec=SymbolicSpec(_prove_eq7, numeric=PointwiseSpec(
            domain=Domain((Int("seed", 0, 2**31 - 1), Int("k", 1, K_MAX, examples=(1, 2)), Int("d", 3, 3),
                           Choice("case", ("coulomb-euclidean",))), derive=_derive, derive_batch=_derive_batch,
                          exact=CONFIG_EXACT,
                          free=CONFIG_FREE),
            relation="==", reference=_eq7_ref, fast=_eq7_fast, terms=TERMS_GRADIENT,
            terms_reason=TERMS_GRADIENT_REASON, reference_rtol=REFERENCE_DIFF_RTOL,
            reference_rtol_reason=REFERENCE_DIFF_REASON)),
        constants={"reading": reading, "prefactor": 2, "inverse_power": 2},
        mutants=(Mutant("prefactor-1", {"prefactor": 1}, "the scaling 2 replaced by 1"),
                 Mutant("inverse-cube", {"inverse_power": 3}, "1/‖·‖² replaced by 1/‖·‖³ (inverse-cube law)")),
        establishes="A proof for every k (sympy: the two-body gradient for symbolic points of R^3, the pair "
        "multiplicity for symbolic k and i, and the exact k = 2 gradient) that −∇_{θ_i} of (6) with Φ = 1/‖θ−w‖ is "
        "the printed (7); numeric cross-check: autograd vs mpmath.diff directional derivatives against the printed "
        "right side at random separated configurations in R^3, k ≤ 4. The factor 2 of (7) is that of (6); it is "
        "2 × the Coulomb velocity of Definition 2.1 as the text says ('up to scaling of 2').",
        depends=(f"{PAPER}/equation-6",), reading=reading_text, **kw)


equation_7 = _eq7_claim("", "pairs", "")
equation_7_ordered = _eq7_claim(
    "[ordered-pairs]", "ordered", "L = (6) with Σ_{i=1}^k Σ_{i<j} read as Σ_i Σ_{j≠i}: every pair counted twice, so "
    "−∇_{θ_i}L has interaction coefficient 4, not the printed 2.",
    expected=frozenset({Verdict.VIOLATED}),
    expected_reason="a reading of the printed index range of (6) under which (7) fails; the pair reading holds")
equation_7_rebound = _eq7_claim(
    "[rebound-index]", "rebound", "L = (6) with the inner Σ_{i<j} rebinding i, repeated k times: interaction "
    "coefficient 2k.",
    expected=frozenset({Verdict.VIOLATED}),
    expected_reason="a literal reading of the printed index range of (6) under which (7) fails for k ≥ 2")


# --- eq. (4): the reparametrisation a → −a and the expansion ----------------------------------------

#: activation name -> (activation, m): σ(x, θ) = g(x^T θ) with g exact under a product Gauss–Hermite rule
GH_ACTIVATIONS: dict[str, tuple[str, int]] = {
    "hermite1": ("hermite", 1), "hermite2": ("hermite", 2), "hermite3": ("hermite", 3),
    "exponential": ("exponential", 0), "linear": ("linear", 0),
}
GH_EXPONENTIAL_NODES = 8  # the expansion is linear in the measure: any rule gives an exact identity


def _gh_nodes(act: str) -> int:
    name, m = GH_ACTIVATIONS[act]
    return GH_EXPONENTIAL_NODES if name == "exponential" else ref.gh_nodes(name, m)


def _gh_derive_batch(columns: Mapping[str, np.ndarray]) -> dict[str, Any]:
    """Unit θ_i, w_j (k rows each, dimension d, at most 2 for the exponential activation) and charges a, b in
    [−2, 2] for a batch of (seed, k, d, act) rows: one counter-based stream per row (``Streams``), drawn for the
    rows of equal (k, dim) at once."""
    seeds, ks, ds = (np.asarray(columns[n]) for n in ("seed", "k", "d"))
    size = len(seeds)
    expo = np.asarray(columns["act"], dtype=object) == "exponential"
    dims = np.where(expo, np.minimum(ds, 2), ds).astype(np.int64)
    streams = Streams(seeds)
    parts: dict[str, list] = {n: [] for n in ("theta", "w", "a", "b")}
    for (k, d), idx in _key_groups(ks, dims):
        vec = streams.unit_vectors((2 * k, d), idx)
        a, b = streams.uniform(-2, 2, k, idx), streams.uniform(-2, 2, k, idx)
        for name, values in (("theta", vec[:, :k]), ("w", vec[:, k:]), ("a", a), ("b", b)):
            parts[name].append((idx, values))
    return {"dim": dims, **ragged_columns(size, parts)}


_gh_derive = derive_from_batch(_gh_derive_batch)


GH_DOMAIN = Domain((Int("seed", 0, 2**31 - 1), Int("k", 1, 3, examples=(1, 2)), Int("d", 1, 3),
                    Choice("act", tuple(GH_ACTIVATIONS))), derive=_gh_derive, derive_batch=_gh_derive_batch,
                   exact=(UnitVector("theta"), UnitVector("w")), free=("a", "b"))


def _eq4_fast(batch: Batch, constants, *, device, dtype):
    def compute(act_name: str, c):
        th, w, a, b = c["theta"], c["w"], c["a"], c["b"]
        name, m = GH_ACTIVATIONS[act_name]
        act = fast.activation(name, m)
        xs, wts = fast_gaussian.product_gauss_hermite(th.shape[-1], _gh_nodes(act_name), dtype=dtype, device=device)
        # (3) at the reparametrised weights a' = reparam_sign · a: E (Σ b σ(X, w) − Σ a' σ(X, θ))², unexpanded
        feats = fast.QuadratureFeatures(act, xs)  # σ at the nodes, once per tensor for all the sums below
        err = (fast.network_outputs(act, b, w, xs, feats)
               - fast.network_outputs(act, constants["reparam_sign"] * a, th, xs, feats))
        lhs = (err * err * wts).sum(-1)
        pot = fast.potential_by_quadrature(act, xs, wts, feats)
        rhs = fast.loss4(a, th, b, w, pot, constants["cross_factor"])
        apot = fast.potential_by_quadrature(act, xs, wts, feats, absolute=True)
        scale = fast.loss4(a.abs(), th, b.abs(), w, apot, 2.0)
        return lhs, rhs, scale
    return _by_case_k(batch, compute, device=device, dtype=dtype, choice="act", keys=("k", "dim"))


def _eq4_ref(point, constants, ctx):
    name, m = GH_ACTIVATIONS[point["act"]]
    act = ref.activation(ctx, name, m)
    nodes = _gh_nodes(point["act"])
    a, th, b, w = point["a"], point["theta"], point["b"], point["w"]
    lhs = ref.network_square_expectation(ctx, act, [constants["reparam_sign"] * v for v in a], th, b, w, -1, nodes)
    rhs = ref.loss4(ctx, a, th, b, w, ref.potential_by_quadrature(ctx, act, nodes), constants["cross_factor"])
    # scale max(|lhs|, |rhs|) (the engine's default): lhs is a mean square, and the reference is exact to working
    # precision, so no absolute-value expansion is needed here (it would double the quadrature cost)
    return lhs, rhs


equation_4 = Claim(
    id=f"{PAPER}/equation-4", label="Eq. (4)", section="2.1",
    statement="To further simplify (3), let us parametrize a with −a and expand: L(a, θ) = E_{X∼D}[(Σ_{i=1}^k a_i "
    "σ(X, θ_i) + Σ_{i=1}^k b_i σ(X, w_i))²] = Σ_i Σ_j a_i a_j E[σ(X, θ_i)σ(X, θ_j)] + 2 a_i b_j E[σ(X, θ_i)σ(X, w_j)] "
    "+ b_i b_j E[σ(X, w_i)σ(X, w_j)] = Σ_i Σ_j a_i a_j Φ(θ_i, θ_j) + 2 Σ_i Σ_j a_i b_j Φ(θ_i, w_j) + Σ_i Σ_j b_i b_j "
    "Φ(w_i, w_j) (4) where Φ(θ, w) = E_{X∼D}[σ(X, θ)σ(X, w)] is called the potential function corresponding to the "
    "activation function σ",
    kind=Kind.IDENTITY,
    spec=PointwiseSpec(domain=GH_DOMAIN, relation="==", reference=_eq4_ref, fast=_eq4_fast, terms=TERMS_EXPANSION,
                       terms_reason="the unexpanded square sums ≤ 6 activations per node and ≤ 4^3 nodes; the Gram "
                       "form ≤ 36 products; the scale is the expectation of the absolute expansion"),
    constants={"reparam_sign": -1, "cross_factor": 2},
    mutants=(Mutant("no-reparametrisation", {"reparam_sign": 1},
                    "(4) compared with (3) at a instead of at −a (the sign of the cross term)"),
             Mutant("cross-factor-1", {"cross_factor": 1}, "2 Σ a_i b_j Φ replaced by Σ a_i b_j Φ")),
    establishes="(3) evaluated at −a, E(Σ b_i σ(X,w_i) − Σ (−a_i) σ(X,θ_i))² with the square NOT expanded, equals the "
    "printed Gram form (4) with Φ = E σ(X,θ)σ(X,w) computed from σ by the same product Gauss–Hermite rule (exact for "
    "the polynomial rows He_m/√m!, m ≤ 3, and σ = x^Tθ; for e^{x^Tθ−2} the identity is linear in the measure, so "
    "any rule tests it exactly); unit θ_i, w_j in R^d, d ≤ 3, k ≤ 3, a, b ∈ [−2, 2]. It checks the "
    "reparametrisation sign and the factor 2; kinked σ (ReLU, sign) are covered by the Monte Carlo check of (3).",
    depends=(f"{PAPER}/equation-3",),
)


# --- eqs. (2), (3): the empirical and the population loss, Monte Carlo against the Gram form -----------

MC_SETTINGS = (
    {"act": "relu", "d": 3, "k": 2, "seed": 11, "n": 1},
    {"act": "sign", "d": 4, "k": 3, "seed": 5, "n": 1},
    {"act": "relu", "d": 5, "k": 3, "seed": 7, "n": 4},
)


def _mc_config(setting: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """Unit θ_i, w_j ∈ R^d and a, b ∈ [−2, 2] from the setting's seed; a is taken away from b (a_i = −b_i/2 +
    noise) so that the cross term, whose sign a mutant flips, carries weight."""
    rng = np.random.default_rng(setting["seed"])
    k, d = setting["k"], setting["d"]
    vec = rng.standard_normal((2 * k, d))
    vec /= np.linalg.norm(vec, axis=1, keepdims=True)
    b = rng.uniform(0.5, 2, k) * rng.choice([-1, 1], k)
    a = b / 2 + rng.uniform(-0.2, 0.2, k)
    return {"theta": vec[:k], "w": vec[k:], "a": a, "b": b}


@lru_cache(maxsize=4096)
def _kinked_potential(act: str, rho: float) -> float:
    """Φ(ρ) = E σ(U) σ(V), Corr(U, V) = ρ, for σ = √2·max(·, 0) or √2·sgn, by 1-D adaptive quadrature
    (scipy, float64) of σ(x) times the closed-form conditional mean E σ(ρx + cZ), split at the kink — computed
    from σ, independently of Table 1's closed forms."""
    from scipy import integrate

    def pdf(x: float) -> float:
        return math.exp(-x * x / 2) / math.sqrt(2 * math.pi)

    def cdf(x: float) -> float:
        return 0.5 * math.erfc(-x / math.sqrt(2))

    c = math.sqrt(max(0.0, 1 - rho * rho))
    sigma = {"relu": lambda x: math.sqrt(2) * max(x, 0.0), "sign": lambda x: math.sqrt(2) * math.copysign(1.0, x)
             if x != 0 else 0.0}[act]
    if c == 0:
        cond = lambda x: sigma(rho * x)  # noqa: E731
    elif act == "relu":
        cond = lambda x: math.sqrt(2) * (rho * x * cdf(rho * x / c) + c * pdf(rho * x / c))  # noqa: E731
    else:
        cond = lambda x: math.sqrt(2) * math.erf(rho * x / (c * math.sqrt(2)))  # noqa: E731
    total = 0.0
    for lo, hi in ((-40.0, 0.0), (0.0, 40.0)):
        val, _ = integrate.quad(lambda x: pdf(x) * sigma(x) * cond(x), lo, hi, epsabs=1e-14,
                                epsrel=1e-13, limit=200)
        total += val
    return total


def _population_loss_gram(setting: Mapping[str, Any], cross_factor: float) -> float:
    """(3) through its Gram form Σ bbΦ − cross_factor Σ abΦ + Σ aaΦ with the quadrature potentials."""
    cfg = _mc_config(setting)

    def g(c, x, e, y):
        return sum(c[i] * e[j] * _kinked_potential(setting["act"], round(float(np.clip(x[i] @ y[j], -1, 1)), 15))
                   for i in range(len(c)) for j in range(len(e)))
    return g(cfg["b"], cfg["w"], cfg["b"], cfg["w"]) - cross_factor * g(cfg["a"], cfg["theta"], cfg["b"], cfg["w"]) \
        + g(cfg["a"], cfg["theta"], cfg["a"], cfg["theta"])


def _squared_errors(setting, constants, n: int, generator, *, device, dtype) -> torch.Tensor:
    """n draws of (f(X) − f̂(X))² = (Σ b_i σ(X, w_i) − learner_sign·Σ a_i σ(X, θ_i))², X ∼ N(0, I_d)."""
    cfg = _mc_config(setting)
    act = fast.activation(setting["act"])
    x = torch.randn(n, setting["d"], generator=generator, dtype=dtype, device=device)
    th, w = (torch.tensor(cfg[k], dtype=dtype, device=device) for k in ("theta", "w"))
    a, b = (torch.tensor(cfg[k], dtype=dtype, device=device) for k in ("a", "b"))
    f = (b * act(x @ w.T)).sum(-1)
    fhat = (a * act(x @ th.T)).sum(-1)
    err = f + constants["learner_sign"] * fhat
    return err * err


def _eq3_sample(setting, constants, n: int, generator, *, device, dtype):
    return _squared_errors(setting, constants, n, generator, device=device, dtype=dtype)


def _eq2_sample(setting, constants, n: int, generator, *, device, dtype):
    """n draws of L̂ = normaliser · Σ_{j=1}^{m} (f(x_j) − f̂(x_j))² over m = setting['n'] fresh inputs."""
    m = setting["n"]
    sq = _squared_errors(setting, constants, n * m, generator, device=device, dtype=dtype).reshape(n, m)
    return sq.sum(-1) / (m + constants["normaliser_shift"])


def _squared_error_range(setting: Mapping[str, Any], constants: Mapping[str, Any], *,
                         averaged: bool) -> tuple[float, float]:
    """Proven almost-sure range of one draw: sign units are bounded (|σ| = √2), so |f ∓ f̂| ≤ √2 (Σ|a| + Σ|b|)
    and a draw of (3) — or of (2), an average of m such squares times m / (m + shift) — lies in [0, 2 (Σ|a| +
    Σ|b|)² · m / (m + shift)]. ReLU units are unbounded: only the lower end 0 (a square) is finite."""
    cfg = _mc_config(setting)
    if setting["act"] != "sign":
        return 0.0, math.inf
    m, shift = (setting["n"], constants["normaliser_shift"]) if averaged else (1, 0)
    total = float(np.abs(cfg["a"]).sum() + np.abs(cfg["b"]).sum())
    return 0.0, 2.0 * total * total * m / (m + shift)


def _squared_error_tail(setting: Mapping[str, Any], constants: Mapping[str, Any], *, averaged: bool):
    """Proven tail for ReLU units. f ∓ f̂ = Σ_i c_i √2 max(x^T v_i, 0) (c = (b, ∓a), v = (w, θ), the learner sign
    the draws use) is positively 1-homogeneous and piecewise linear: f ∓ f̂ = x^T g_A(x) with g_A = √2 Σ_{i ∈ A}
    c_i v_i, A(x) = {i : x^T v_i > 0}. So |f ∓ f̂| ≤ L ‖x‖ with L = max over subsets A of ‖g_A‖, and
    (f ∓ f̂)² ≤ L² ‖x‖², ‖x‖² ~ χ²_d. A draw of (2) averages m independent squares with weight 1/(m + shift):
    it is ≤ L²/(m + shift) · χ²_{m d}."""
    import itertools

    from checks.stats import TailBound

    if setting["act"] == "sign":
        return None  # bounded: the range above decides
    cfg = _mc_config(setting)
    c = np.concatenate([cfg["b"], constants["learner_sign"] * cfg["a"]])  # err = f + learner_sign·f̂
    v = np.concatenate([cfg["w"], cfg["theta"]])
    lip = max(math.sqrt(2) * float(np.linalg.norm(c[list(sub)] @ v[list(sub)]))
              for r in range(1, len(c) + 1) for sub in itertools.combinations(range(len(c)), r))
    m, shift = (setting["n"], constants["normaliser_shift"]) if averaged else (1, 0)
    return TailBound.chi2(lip * lip / (m + shift), m * setting["d"],
                          f"ReLU units: (f ∓ f̂)² ≤ L² ‖x‖² (f ∓ f̂ is 1-homogeneous with gradient √2 Σ_A c_i v_i, "
                          f"L = {lip:.4g} its largest norm over unit subsets A), ‖x‖² ~ χ²_d, X ~ N(0, I_d)")


_SQUARED_ERROR_REASON = ("a square is ≥ 0; sign units: |f ∓ f̂| ≤ √2 (Σ|a| + Σ|b|) bounds it above (ReLU units: a "
                         "χ² tail bound, see each setting)")

MC_BOUND = lambda setting, constants: _population_loss_gram(setting, constants.get("cross_factor", 2))  # noqa: E731

equation_3 = Claim(
    id=f"{PAPER}/equation-3", label="Eq. (3)", section="2.1",
    statement="L(a, θ) = E_{X∼D}[(Σ_{i=1}^k b_i σ(X, w_i) − Σ_{i=1}^k a_i σ(X, θ_i))²]. Working with the true loss "
    "allows us to avoid overfitting concerns.",
    kind=Kind.PROBABILISTIC,
    spec=ProbabilisticSpec(settings=MC_SETTINGS, sample=_eq3_sample, bound=MC_BOUND, relation="==",
                           statistic="mean", samples=60000,
                           support=lambda p, c: _squared_error_range(p, c, averaged=False),
                           support_reason=_SQUARED_ERROR_REASON,
                           tail=lambda p, c: _squared_error_tail(p, c, averaged=False)),
    constants={"learner_sign": -1, "cross_factor": 2},
    mutants=(Mutant("learner-plus", {"learner_sign": 1}, "f + f̂ in place of f − f̂ (no reparametrisation)"),
             Mutant("cross-factor-1", {"cross_factor": 1}, "the Gram form of (3) with Σ a b Φ instead of 2 Σ a b Φ")),
    establishes="The Monte Carlo mean of (f(X) − f̂(X))², X ∼ N(0, I_d), for the Table-1 activations √2·max(x^Tθ, 0) "
    "and √2·sgn(x^Tθ) (k = 2, 3; d = 3, 4, 5; fixed seeded configurations) agrees, within its confidence interval, "
    "with the Gram form Σ bbΦ − 2 Σ abΦ + Σ aaΦ of (3), Φ = E σσ computed by 1-D quadrature from σ. This ties the "
    "population loss to the potentials for the kinked activations (the exact Gauss–Hermite check of (4) covers "
    "smooth ones); a Monte Carlo agreement cannot prove equality.",
    depends=(f"{PAPER}/equation-1",),
)

equation_2 = Claim(
    id=f"{PAPER}/equation-2", label="Eq. (2)", section="2.1",
    statement="L̂(a, θ) = (1/n) Σ_{j=1}^n (f(x_j) − f̂(x_j))² = (1/n) Σ_{j=1}^n (Σ_{i=1}^k b_i σ(x_j, w_i) − Σ_{i=1}^k "
    "a_i σ(x_j, θ_i))², with n training pairs (x_i, f(x_i)), x_i drawn i.i.d. from D. [...] since the Rademacher "
    "complexity of C_{σ,k} under reasonable assumptions is poly(k, d)/√n, we would rather work with the true loss "
    "directly.",
    kind=Kind.PROBABILISTIC,
    spec=ProbabilisticSpec(settings=MC_SETTINGS, sample=_eq2_sample, bound=MC_BOUND, relation="==",
                           statistic="mean", samples=40000,
                           support=lambda p, c: _squared_error_range(p, c, averaged=True),
                           support_reason=_SQUARED_ERROR_REASON,
                           tail=lambda p, c: _squared_error_tail(p, c, averaged=True)),
    constants={"learner_sign": -1, "normaliser_shift": 0},
    mutants=(Mutant("learner-plus", {"learner_sign": 1}, "f + f̂ in place of f − f̂"),
             Mutant("normaliser-n-minus-1", {"normaliser_shift": -0.5},
                    "1/n replaced by 1/(n − 1/2) (for n = 1: 2·Σ)")),
    establishes="The empirical loss (2) is an unbiased estimate of the population loss (3): the Monte Carlo mean of "
    "L̂ over fresh samples of size n ∈ {1, 4} agrees, within its confidence interval, with (3) in its Gram form "
    "(quadrature potentials), for the Table-1 ReLU and sign activations. The Rademacher remark (poly(k, d)/√n) "
    "has unspecified constants and is not checked.",
    depends=(f"{PAPER}/equation-1", f"{PAPER}/equation-3"),
)


# --- Algorithm 1 -----------------------------------------------------------------------------------

def _alg1_derive_batch(columns: Mapping[str, np.ndarray]) -> dict[str, Any]:
    """Algorithm 1's problems for a batch of (seed, d, step, manifold) rows, one counter-based stream per row
    (``Streams``), drawn for the rows of equal (manifold, d) at once. On R^d: a quadratic with curvatures
    λ ∈ [0.5, 2]^d and centre c ∈ [−1, 1]^d, x0 ∈ [−2, 2]^d, a direction u, α = step / max λ and no target
    direction (v = [], so the sphere-only constraint on v has an entry to govern). On S^{d−1} (d ≥ 2): a unit
    target v and x0 at angle φ0 ∈ [0.2, 3] from v (away from the antipode, where the gradient vanishes), α = step.
    Entries a manifold does not have are None in its rows (and absent when no row has them)."""
    seeds, ds, steps = np.asarray(columns["seed"]), np.asarray(columns["d"]), np.asarray(columns["step"], float)
    size = len(seeds)
    sphere = np.asarray(columns["manifold"], dtype=object) == "sphere"
    dims = np.where(sphere, np.maximum(ds, 2), ds).astype(np.int64)
    streams = Streams(seeds)
    parts: dict[str, list] = {n: [] for n in ("lam", "center", "x0", "u", "alpha", "v", "phi0")}
    for (on_sphere, d), idx in _key_groups(sphere, dims):
        if not on_sphere:
            lam = streams.uniform(0.5, 2.0, d, idx)
            out = {"lam": lam, "center": streams.uniform(-1, 1, d, idx), "x0": streams.uniform(-2, 2, d, idx),
                   "u": streams.normal(d, idx), "alpha": steps[idx] / lam.max(axis=1), "v": np.zeros((len(idx), 0))}
        else:
            v = streams.unit_vectors(d, idx)  # raw values of the sphere-only UnitVector constraints on v and x0
            e = streams.normal(d, idx)
            e -= np.sum(e * v, axis=1, keepdims=True) * v
            e /= np.linalg.norm(e, axis=1, keepdims=True)
            phi0 = streams.uniform(0.2, 3.0, (), idx)
            out = {"v": v, "x0": np.cos(phi0)[:, None] * v + np.sin(phi0)[:, None] * e, "phi0": phi0,
                   "alpha": steps[idx]}
        for name, values in out.items():
            parts[name].append((idx, values))
    return {"dim": dims, **ragged_columns(size, {n: p for n, p in parts.items() if p})}


_alg1_derive = derive_from_batch(_alg1_derive_batch)


def _alg1_on_sphere(point: Mapping[str, Any]) -> bool:
    return point["manifold"] == "sphere"


def _alg1_phi0(point: Mapping[str, Any], ctx) -> Any:
    """The angle between the exact x0 and v on S^{d−1} (None on R^d, where there is none)."""
    if not _alg1_on_sphere(point):
        return None
    cos = ctx.fsum(ctx.mpf(p) * ctx.mpf(q) for p, q in zip(point["x0"], point["v"], strict=True))
    return ctx.acos(max(ctx.mpf(-1), min(ctx.mpf(1), cos)))


ALG1_DOMAIN = Domain((Int("seed", 0, 2**31 - 1), Int("d", 1, 5), Int("T", 1, 8, examples=(1,)),
                      Choice("manifold", ("euclidean", "sphere")), Choice("step", (0.1, 0.4, 0.9))),
                     derive=_alg1_derive, derive_batch=_alg1_derive_batch,
                     exact=tuple(Where(UnitVector(n), _alg1_on_sphere, "manifold = sphere") for n in ("v", "x0")),
                     recompute=(Recompute("phi0", _alg1_phi0, "the angle between the exact x0 and v"),),
                     free=("lam", "center", "u", "alpha"))


def _alg1_vectors(sub: Batch, names: tuple[str, ...], *, device, dtype) -> dict[str, torch.Tensor]:
    """The vector entries of a group of Algorithm-1 points as (n, D) tensors, D the group's largest dimension;
    rows of a smaller dimension padded with zeros (exact: λ = c = x0 = u = v = 0 there, so the padded
    coordinates stay 0 through every step, and norms and inner products are unchanged)."""
    dims = sub.array("dim").astype(np.int64)
    n, big = len(sub), int(dims.max())
    index = _scatter_index(np.ones_like(dims), dims, 1, big, np.arange(n))
    out = {}
    for name in names:
        flat = np.zeros(n * big)
        flat[index] = _flat(sub, name, 1)
        out[name] = torch.as_tensor(flat.reshape(n, big), device=device).to(dtype)
    return out


def _alg1_fast(batch: Batch, constants, *, device, dtype):
    """One evaluation per manifold: dimensions padded with zeros, the step counts T per row (rows stop after
    their own T steps of the shared loop)."""
    def compute(sub: Batch):
        manifold = sub.point(0)["manifold"]
        T = torch.as_tensor(sub.array("T"), device=device)
        alpha = sub.tensor("alpha", device=device, dtype=dtype)
        if manifold == "euclidean":
            vec = _alg1_vectors(sub, ("x0", "lam", "center", "u"), device=device, dtype=dtype)
            x0, lam, c, u = vec["x0"].unsqueeze(1), vec["lam"], vec["center"], vec["u"]  # x0: (B, 1, d)
            loss = lambda x: 0.5 * (lam * (x[:, 0] - c) ** 2).sum(-1)  # noqa: E731
            xT = fast.gradient_descent(loss, x0, T, alpha, manifold, constants["step_sign"])[:, 0]
            closed = c + (1 - alpha.unsqueeze(-1) * lam) ** T.to(dtype).unsqueeze(-1) * (x0[:, 0] - c)
            return (u * xT).sum(-1), (u * closed).sum(-1), ((u * xT).abs() + (u * closed).abs()).sum(-1)
        vec = _alg1_vectors(sub, ("x0", "v"), device=device, dtype=dtype)
        x0, v = vec["x0"].unsqueeze(1), vec["v"]
        loss = lambda x: -(v * x[:, 0]).sum(-1)  # noqa: E731
        xT = fast.gradient_descent(loss, x0, T, alpha, manifold, constants["step_sign"])[:, 0]
        phi0 = sub.tensor("phi0", device=device, dtype=dtype)
        closed = torch.cos(fast.sphere_linear_angle(phi0, alpha, T))
        return (v * xT).sum(-1), closed, torch.ones_like(closed)
    return grouped(batch, ("manifold",), compute, device=device, dtype=dtype)


def _alg1_ref(point, constants, ctx):
    T, alpha, manifold = point["T"], ctx.mpf(point["alpha"]), point["manifold"]
    if manifold == "euclidean":
        lam, c, u = point["lam"], point["center"], point["u"]

        def loss(x):
            return ctx.fsum(ctx.mpf(lv) * (x[0][i] - cv) ** 2 for i, (lv, cv) in enumerate(zip(lam, c,
                                                                                               strict=True))) / 2
        xT = ref.gradient_descent(ctx, loss, [point["x0"]], T, alpha, manifold, constants["step_sign"])[0]
        closed = [ctx.mpf(cv) + (1 - alpha * lv) ** T * (ctx.mpf(x0) - cv)
                  for lv, cv, x0 in zip(lam, c, point["x0"], strict=True)]
        lhs = ctx.fsum(ctx.mpf(uc) * x for uc, x in zip(u, xT, strict=True))
        rhs = ctx.fsum(ctx.mpf(uc) * x for uc, x in zip(u, closed, strict=True))
        return lhs, rhs, ctx.fsum(abs(ctx.mpf(uc) * x) for uc, x in zip(u, xT, strict=True)) + abs(rhs)
    v = point["v"]

    def loss(x):
        return -ctx.fsum(ctx.mpf(vc) * xc for vc, xc in zip(v, x[0], strict=True))
    xT = ref.gradient_descent(ctx, loss, [point["x0"]], T, alpha, manifold, constants["step_sign"])[0]
    # v, x0 are exact unit vectors and φ0 their angle recomputed from them (ALG1_DOMAIN's declarations)
    return (ctx.fsum(ctx.mpf(p) * q for p, q in zip(v, xT, strict=True)),
            ctx.cos(ref.sphere_linear_angle(ctx, point["phi0"], alpha, T)), ctx.mpf(1))


algorithm_1 = Claim(
    id=f"{PAPER}/algorithm-1", label="Algorithm 1", section="2.1",
    statement="Algorithm 1: x = GradientDescent(L, x0, T, α). Input: L: M → R; x0 ∈ M; T ∈ N; α ∈ R. x = x0; for i = 1 "
    "to T do x = x − α∇L(x); x = Π_M x; end. Output: x. [∇ is the gradient on M: 'the projected gradient of f onto "
    "the tangent space'; Π_M the projection onto M.]",
    kind=Kind.IDENTITY,
    spec=PointwiseSpec(domain=ALG1_DOMAIN, relation="==", reference=_alg1_ref, fast=_alg1_fast, terms=16.0,
                       terms_reason="T ≤ 8 steps, each a gradient, an axpy and (on the sphere) a normalisation; the "
                       "closed form's power (1 − αλ)^T and the angle recurrence round once per step",
                       reference_rtol=REFERENCE_DIFF_RTOL, reference_rtol_reason=REFERENCE_DIFF_REASON),
    constants={"step_sign": -1},
    mutants=(Mutant("ascent", {"step_sign": 1}, "x = x + α∇L(x)"),),
    establishes="The implementation of Algorithm 1 used by every dynamics entry (torch: autograd gradient, tangent "
    "projection, Π_M; mpmath: mpmath.diff gradient) reproduces closed forms: on R^d, for L(x) = ½ Σ λ_c (x_c − "
    "c_c)², x_T = c + (1 − αλ)^T (x0 − c); on S^{d−1}, for L(x) = −v^T x, the iterate stays in span(x0, v) and its "
    "angle to v follows tan φ' = (1 − α cos φ) sin φ / ((1 − α cos φ) cos φ + α); T ≤ 8, αλ_max ∈ {0.1, 0.4, 0.9}. "
    "The convergence claims built on Algorithm 1 are checked by the landscape / dynamics entries.",
)


# --- invariances: permutations of neurons, rotations / translations of Algorithm 1 ---------------------

INV_K_MAX, INV_D_MAX = 4, 4


def _unit_or_box(generator, shape, manifold: str, *, device, dtype) -> torch.Tensor:
    x = torch.randn(*shape, generator=generator, dtype=torch.float64)
    if manifold == "sphere":
        x = x / x.norm(dim=-1, keepdim=True)
    return x.to(device=device, dtype=dtype)


def _net_inputs(point, constants, generator, batch, *, device, dtype) -> dict[str, torch.Tensor]:
    k, d = point["k"], point["d"]
    return {"b": (4 * torch.rand(batch, k, generator=generator, dtype=torch.float64) - 2).to(device=device,
                                                                                              dtype=dtype),
            "w": _unit_or_box(generator, (batch, k, d), "sphere", device=device, dtype=dtype),
            "x": torch.randn(batch, 3, d, generator=generator, dtype=torch.float64).to(device=device, dtype=dtype)}


def _weights(k: int, slope) -> list:
    """1 + slope·(i − 1), i = 1..k: the (printed) unit weights of the hidden units, perturbed by a mutant."""
    return [1 + slope * i for i in range(k)]


def _net_function_factory(act_name: str):
    def function(inputs, constants, *, device, dtype):
        act = fast.activation(act_name, 2)
        b, w, x = inputs["b"], inputs["w"], inputs["x"]
        weights = torch.tensor(_weights(b.shape[1], constants["unit_weight_slope"]), device=device, dtype=dtype)
        return (weights * b).unsqueeze(1).mul(act(torch.einsum("bnd,bkd->bnk", x, w))).sum(-1)
    return function


def _net_reference_factory(act_name: str):
    def reference(inputs, constants, ctx):
        act = ref.table1_activation(ctx, act_name) if act_name in ("relu", "sign") else ref.activation(ctx, act_name, 2)
        b, w, xs = inputs["b"], inputs["w"], inputs["x"]
        weights = _weights(len(b), constants["unit_weight_slope"])
        return [ctx.fsum(weights[i] * b[i] * act(ctx.fsum(p * q for p, q in zip(x, w[i], strict=True)))
                         for i in range(len(b))) for x in xs]
    return reference


def _net_claim(act_name: str, suffix: str, reading_text: str) -> Claim:
    return Claim(
        id=f"{PAPER}/equation-1{suffix}", label="Eq. (1)", section="2.1",
        statement="The target concept class C_{σ,k} of our learning procedure is the output of a two-layer neural "
        "network with linear output activation and has the form f(x) = Σ_{i=1}^k b_i σ(x, w_i) (1) where the sum is "
        "over k hidden units scaled by output weights b_i ∈ R and σ(x, w): R^d × R^d → R is the activation function "
        "that takes in a hidden weight vector w ∈ R^d and the input vector x ∈ R^d. [...] we work in the regime "
        "where k = O(poly(d)).",
        kind=Kind.INVARIANCE,
        spec=InvarianceSpec(
            domain=Domain((Int("k", 1, INV_K_MAX, examples=(2,)), Int("d", 1, INV_D_MAX))),
            group="permutation", acts_on={"b": "index", "w": "index", "x": "fixed"}, inputs=_net_inputs,
            function=_net_function_factory(act_name), reference=_net_reference_factory(act_name),
            group_dim=lambda p: p["k"], terms=4.0,
            terms_reason="a sum of k ≤ 4 hidden units, re-associated by the permutation"),
        constants={"unit_weight_slope": 0},
        mutants=(Mutant("weighted-units", {"unit_weight_slope": 1},
                        "f(x) = Σ_i (1 + (i − 1)) b_i σ(x, w_i): hidden units weighted by their index"),),
        establishes="The network (1) is a sum over its hidden units: f is invariant under every simultaneous "
        "permutation of (b_i, w_i), for the activation " + act_name + " (Table 1 scaling), k ≤ 4, d ≤ 4, three "
        "inputs x per draw. A definition; the check guards the fixture every loss entry uses.",
        reading=reading_text)


equation_1 = _net_claim("relu", "", "")
equation_1_sign = _net_claim("sign", "[sign-activation]",
                             "The same invariance for the Table-1 sign activation √2·sgn(x^T w).")


def _loss_inputs_factory(manifold: str):
    def inputs(point, constants, generator, batch, *, device, dtype):
        k, d = point["k"], _dim(point["case"], point["d"])
        return {"theta": _unit_or_box(generator, (batch, k, d), manifold, device=device, dtype=dtype),
                "a": (4 * torch.rand(batch, k, generator=generator, dtype=torch.float64) - 2).to(device=device,
                                                                                                  dtype=dtype),
                "w": _unit_or_box(generator, (batch, k, d), manifold, device=device, dtype=dtype),
                "b": (4 * torch.rand(batch, k, generator=generator, dtype=torch.float64) - 2).to(device=device,
                                                                                                  dtype=dtype)}
    return inputs


def _perm_inputs(point, constants, generator, batch, *, device, dtype):
    return _loss_inputs_factory(_manifold(point["case"]))(point, constants, generator, batch, device=device,
                                                          dtype=dtype)


def _loss5_function(inputs, constants, *, device, dtype, case: str):
    pot = _fpot(case)
    a = inputs["a"] * torch.tensor(_weights(inputs["a"].shape[1], constants["neuron_weight_slope"]), device=device,
                                   dtype=dtype)
    return fast.loss5(a, inputs["theta"], inputs["b"], inputs["w"], pot)


def _loss5_reference(inputs, constants, ctx, case: str):
    pot = _rpot(ctx, case)
    weights = _weights(len(inputs["a"]), constants["neuron_weight_slope"])
    a = [wt * v for wt, v in zip(weights, inputs["a"], strict=True)]
    return ref.loss5(ctx, a, inputs["theta"], inputs["b"], inputs["w"], pot)


PERM_CASES = ("gaussian-euclidean", "exponential-sphere", "hermite3-sphere", "relu-sphere")


def _loss5_perm_function(inputs, constants, *, device, dtype):
    case = PERM_CASES[int(inputs["case_index"][0, 0])]
    return _loss5_function(inputs, constants, device=device, dtype=dtype, case=case)


def _loss5_perm_reference(inputs, constants, ctx):
    case = PERM_CASES[int(inputs["case_index"][0])]
    return _loss5_reference(inputs, constants, ctx, case)


def _loss5_perm_inputs(point, constants, generator, batch, *, device, dtype):
    out = _perm_inputs(point, constants, generator, batch, device=device, dtype=dtype)
    # the potential travels with the inputs (a "fixed" role): the engine's callables see only the inputs
    out["case_index"] = torch.full((batch, 1), float(PERM_CASES.index(point["case"])), device=device, dtype=dtype)
    return out


equation_5_permutation = Claim(
    id=f"{PAPER}/equation-5[permutation-invariance]", label="Eq. (5)", section="2.1", statement=EQ5_STATEMENT,
    kind=Kind.INVARIANCE,
    spec=InvarianceSpec(
        domain=Domain((Int("k", 1, INV_K_MAX, examples=(2,)), Int("d", 1, INV_D_MAX), Choice("case", PERM_CASES))),
        group="permutation", acts_on={"theta": "index", "a": "index", "w": "fixed", "b": "fixed",
                                      "case_index": "fixed"},
        inputs=_loss5_perm_inputs, function=_loss5_perm_function, reference=_loss5_perm_reference,
        group_dim=lambda p: p["k"], terms=TERMS_EXPANSION, terms_reason=TERMS_EXPANSION_REASON),
    constants={"neuron_weight_slope": 0},
    mutants=(Mutant("weighted-neurons", {"neuron_weight_slope": 1},
                    "a_i replaced by (1 + (i − 1)) a_i: neurons weighted by their index"),),
    establishes="The loss (5) (pair reading) is invariant under simultaneous permutation of the learner's neurons "
    "(a_i, θ_i) — the symmetry behind 'converges to some w_j' — for the Gaussian potential on R^d and the "
    "exponential, Hermite-3 and ReLU potentials on S^{d−1}; k ≤ 4, d ≤ 4.",
    reading="Invariance of (5) under permutations of the hidden units of f̂ (an index symmetry of the printed sums).",
    depends=(f"{PAPER}/equation-5",),
)


ALG1_T, ALG1_ALPHA, GD_D_MAX = 3, 0.05, 3  # a few steps of Algorithm 1 (the reference differentiates coordinate-wise)
ROTATION_CASES = ("exponential-sphere", "hermite3-sphere")
TRANSLATION_CASES = ("gaussian-euclidean", "coulomb-euclidean")


def _deformed_fast(case: str, constants) -> Callable:
    """The potential of ``case``, deformed by the mutants' constants: anisotropy ε gives h(θ^T D w) with
    D = I + ε e_1 e_1^T (breaks rotation invariance); confinement ε multiplies by e^{−ε(‖θ‖² + ‖w‖²)} (breaks
    translation invariance). ε = 0 as printed."""
    base = _fpot(case)
    eps_a, eps_c = constants.get("anisotropy", 0.0), constants.get("confinement", 0.0)

    def pot(x, y):
        if eps_a:
            y = torch.cat([y[..., :1] * (1 + eps_a), y[..., 1:]], -1)
        out = base(x, y)
        if eps_c:
            out = out * torch.exp(-eps_c * ((x * x).sum(-1) + (y * y).sum(-1)))
        return out
    return pot


def _deformed_ref(ctx, case: str, constants) -> Callable:
    base = _rpot(ctx, case)
    eps_a, eps_c = ctx.mpf(constants.get("anisotropy", 0)), ctx.mpf(constants.get("confinement", 0))

    def pot(x, y):
        if eps_a:
            y = [y[0] * (1 + eps_a), *y[1:]]
        out = base(x, y)
        if eps_c:
            out = out * ctx.exp(-eps_c * (ctx.fsum(ctx.mpf(t) ** 2 for t in x) + ctx.fsum(ctx.mpf(t) ** 2 for t in y)))
        return out
    return pot


def _gd_inputs_factory(cases: tuple[str, ...]):
    def inputs(point, constants, generator, batch, *, device, dtype):
        case = point["case"]
        manifold = _manifold(case)
        k, d = point["k"], _dim(case, point["d"])
        # the learner's neurons start away from the fixed ones: θ = w + offset (R^d), or generic unit vectors
        out = {"w": _unit_or_box(generator, (batch, k, d), manifold, device=device, dtype=dtype)}
        theta = _unit_or_box(generator, (batch, k, d), manifold, device=device, dtype=dtype)
        if manifold == "euclidean":
            theta = theta + 3.0 * torch.arange(1, k + 1, device=device, dtype=dtype).reshape(1, k, 1)
        out["theta"] = theta
        out["a"] = -torch.ones(batch, k, device=device, dtype=dtype)  # Assumption 1 (a = −1, b = 1)
        out["b"] = torch.ones(batch, k, device=device, dtype=dtype)
        out["case_index"] = torch.full((batch, 1), float(cases.index(case)), device=device, dtype=dtype)
        return out
    return inputs


def _gd_function_factory(cases: tuple[str, ...]):
    def function(inputs, constants, *, device, dtype):
        case = cases[int(inputs["case_index"][0, 0])]
        pot = _deformed_fast(case, constants)
        a, b, w = inputs["a"], inputs["b"], inputs["w"]
        return fast.gradient_descent(lambda x: fast.loss6(a, x, b, w, pot), inputs["theta"], ALG1_T, ALG1_ALPHA,
                                     _manifold(case))
    return function


def _gd_reference_factory(cases: tuple[str, ...]):
    def reference(inputs, constants, ctx):
        case = cases[int(inputs["case_index"][0])]
        pot = _deformed_ref(ctx, case, constants)
        a, b, w = inputs["a"], inputs["b"], inputs["w"]
        return ref.gradient_descent(ctx, lambda x: ref.loss6(ctx, a, x, b, w, pot), inputs["theta"], ALG1_T,
                                    ALG1_ALPHA, _manifold(case))
    return reference


def _gd_claim(suffix: str, group: str, cases: tuple[str, ...], constant: str, reading_text: str,
              establishes: str) -> Claim:
    return Claim(
        id=f"{PAPER}/algorithm-1{suffix}", label="Algorithm 1", section="2.1", statement=algorithm_1.statement,
        kind=Kind.INVARIANCE,
        spec=InvarianceSpec(
            domain=Domain((Int("k", 1, 3, examples=(2,)), Int("d", 2, GD_D_MAX), Choice("case", cases))),
            group=group, acts_on={"theta": "vector", "w": "vector", "a": "fixed", "b": "fixed", "case_index": "fixed"},
            inputs=_gd_inputs_factory(cases), function=_gd_function_factory(cases),
            reference=_gd_reference_factory(cases), group_dim=lambda p: _dim(p["case"], p["d"]),
            output="equivariant", output_role="vector", batch=8, terms=64.0,
            terms_reason=f"T = {ALG1_T} steps of Algorithm 1, each a gradient of ≤ 2k² = 18 pair terms, an axpy and "
            "(sphere) a normalisation; rounding of the rotated inputs is propagated through all of them",
            reference_rtol=REFERENCE_DIFF_RTOL, reference_rtol_reason=REFERENCE_DIFF_REASON),
        constants={constant: 0.0},
        mutants=(Mutant(constant, {constant: 0.5}, f"the potential deformed by {constant} 0.5, which breaks the "
                        "invariance the reading relies on"),),
        establishes=establishes, reading=reading_text, depends=(f"{PAPER}/equation-6",))


algorithm_1_rotation = _gd_claim(
    "[rotation-equivariance]", "rotation", ROTATION_CASES, "anisotropy",
    "For a rotation-invariant potential Φ = h(θ^T w) on M = S^{d−1}, Algorithm 1 on the loss (6) commutes with "
    "rotations: GD(Rθ_0; Rw) = R·GD(θ_0; w).",
    f"End points of T = {ALG1_T} steps of Algorithm 1 (α = {ALG1_ALPHA}, Riemannian gradient, Π_M = normalisation) "
    "on (6) under Assumption 1 are rotation-equivariant (random R ∈ SO(d), d ≤ 3, k ≤ 3) for the exponential and "
    "Hermite-3 potentials of Table 1; confirmed with an mpmath run of the same steps. Finite T only.")
algorithm_1_translation = _gd_claim(
    "[translation-equivariance]", "translation", TRANSLATION_CASES, "confinement",
    "For a translation-invariant potential Φ = h(θ − w) on M = R^d, Algorithm 1 on the loss (6) commutes with "
    "translations: GD(θ_0 + t; w + t) = GD(θ_0; w) + t.",
    f"End points of T = {ALG1_T} steps of Algorithm 1 (α = {ALG1_ALPHA}) on (6) under Assumption 1 are "
    "translation-equivariant (t ∼ N(0, 4 I_d), d ≤ 3, k ≤ 3) for the Gaussian and Coulomb potentials; confirmed "
    "with an mpmath run. Finite T only.")


# permutation of the learner's neurons in (3) (Gauss–Hermite expectation, square not expanded) and in Algorithm 1

PERM_GH_ACTIVATIONS = ("hermite2", "exponential")


def _gh_perm_inputs(point, constants, generator, batch, *, device, dtype):
    k, d = point["k"], point["d"]
    out = {"theta": _unit_or_box(generator, (batch, k, d), "sphere", device=device, dtype=dtype),
           "w": _unit_or_box(generator, (batch, k, d), "sphere", device=device, dtype=dtype)}
    for name in ("a", "b"):
        out[name] = (4 * torch.rand(batch, k, generator=generator, dtype=torch.float64) - 2).to(device=device,
                                                                                                 dtype=dtype)
    out["act_index"] = torch.full((batch, 1), float(PERM_GH_ACTIVATIONS.index(point["act"])), device=device,
                                  dtype=dtype)
    return out


def _gh_perm_function(inputs, constants, *, device, dtype):
    act_name = PERM_GH_ACTIVATIONS[int(inputs["act_index"][0, 0])]
    name, m = GH_ACTIVATIONS[act_name]
    act = fast.activation(name, m)
    xs, wts = fast_gaussian.product_gauss_hermite(inputs["theta"].shape[-1], _gh_nodes(act_name),
                                                    dtype=dtype, device=device)
    a = inputs["a"] * torch.tensor(_weights(inputs["a"].shape[1], constants["neuron_weight_slope"]), device=device,
                                   dtype=dtype)
    err = fast.network_outputs(act, inputs["b"], inputs["w"], xs) - fast.network_outputs(act, a, inputs["theta"], xs)
    return (err * err * wts).sum(-1)


def _gh_perm_reference(inputs, constants, ctx):
    act_name = PERM_GH_ACTIVATIONS[int(inputs["act_index"][0])]
    name, m = GH_ACTIVATIONS[act_name]
    weights = _weights(len(inputs["a"]), constants["neuron_weight_slope"])
    a = [wt * v for wt, v in zip(weights, inputs["a"], strict=True)]
    return ref.network_square_expectation(ctx, ref.activation(ctx, name, m), a, inputs["theta"], inputs["b"],
                                          inputs["w"], -1, _gh_nodes(act_name))


equation_3_permutation = Claim(
    id=f"{PAPER}/equation-3[permutation-invariance]", label="Eq. (3)", section="2.1", statement=equation_3.statement,
    kind=Kind.INVARIANCE,
    spec=InvarianceSpec(
        domain=Domain((Int("k", 1, 3, examples=(2,)), Int("d", 1, 2), Choice("act", PERM_GH_ACTIVATIONS))),
        group="permutation", acts_on={"theta": "index", "a": "index", "w": "fixed", "b": "fixed",
                                      "act_index": "fixed"},
        inputs=_gh_perm_inputs, function=_gh_perm_function, reference=_gh_perm_reference,
        group_dim=lambda p: p["k"], terms=TERMS_EXPANSION,
        terms_reason="a quadrature sum over ≤ 64 nodes of a square of ≤ 6 activations, re-associated by the "
        "permutation"),
    constants={"neuron_weight_slope": 0},
    mutants=(Mutant("weighted-neurons", {"neuron_weight_slope": 1},
                    "a_i replaced by (1 + (i − 1)) a_i: neurons weighted by their index"),),
    establishes="The population loss (3), computed as E(f − f̂)² by a product Gauss–Hermite rule (square not "
    "expanded; He_2/√2 and e^{x^Tθ−2} activations, d ≤ 2, k ≤ 3), is invariant under simultaneous permutation of "
    "the learner's (a_i, θ_i).",
    reading="Invariance of (3) under permutations of the hidden units of f̂.",
    depends=(f"{PAPER}/equation-3",),
)


def _gd_perm_inputs(point, constants, generator, batch, *, device, dtype):
    out = _gd_inputs_factory(ROTATION_CASES)(point, constants, generator, batch, device=device, dtype=dtype)
    out["a"] = -(0.5 + torch.rand(batch, point["k"], generator=generator, dtype=torch.float64)).to(device=device,
                                                                                                     dtype=dtype)
    return out


def _gd_perm_function(inputs, constants, *, device, dtype):
    weights = torch.tensor(_weights(inputs["a"].shape[1], constants["neuron_weight_slope"]), device=device,
                           dtype=dtype)
    return _gd_function_factory(ROTATION_CASES)({**inputs, "a": inputs["a"] * weights}, {}, device=device,
                                                dtype=dtype)


def _gd_perm_reference(inputs, constants, ctx):
    weights = _weights(len(inputs["a"]), constants["neuron_weight_slope"])
    a = [wt * v for wt, v in zip(weights, inputs["a"], strict=True)]
    return _gd_reference_factory(ROTATION_CASES)({**inputs, "a": a}, {}, ctx)


algorithm_1_permutation = Claim(
    id=f"{PAPER}/algorithm-1[permutation-equivariance]", label="Algorithm 1", section="2.1",
    statement=algorithm_1.statement, kind=Kind.INVARIANCE,
    spec=InvarianceSpec(
        domain=Domain((Int("k", 2, 3), Int("d", 2, GD_D_MAX), Choice("case", ROTATION_CASES))),
        group="permutation", acts_on={"theta": "index", "a": "index", "w": "fixed", "b": "fixed",
                                      "case_index": "fixed"},
        inputs=_gd_perm_inputs, function=_gd_perm_function, reference=_gd_perm_reference,
        group_dim=lambda p: p["k"], output="equivariant", output_role="index", batch=8, terms=64.0,
        terms_reason=f"T = {ALG1_T} steps of Algorithm 1 on sums of ≤ 18 pair terms re-associated by the permutation",
        reference_rtol=REFERENCE_DIFF_RTOL, reference_rtol_reason=REFERENCE_DIFF_REASON),
    constants={"neuron_weight_slope": 0},
    mutants=(Mutant("weighted-neurons", {"neuron_weight_slope": 1},
                    "a_i replaced by (1 + (i − 1)) a_i: neurons weighted by their index"),),
    establishes=f"End points of T = {ALG1_T} steps of Algorithm 1 on (6) (moving charges a_i ∈ [−1.5, −0.5], fixed "
    "charges 1) are permutation-equivariant in the learner's neurons (θ_i, a_i) on S^{d−1} (exponential, Hermite-3 "
    "potentials), k ∈ {2, 3}; mpmath reference of the same steps.",
    reading="Algorithm 1 relabels with the neurons: GD(πθ_0, πa) = π GD(θ_0, a).",
    depends=(f"{PAPER}/equation-6",),
)



# paper order: Sec. 1.2.1, then (1)–(5), Algorithm 1, (6), (7), Definition 2.1, (8), Theorem 2.2, (9)
CLAIMS = (
    theorem_1_1, theorem_1_1_like, theorem_1_1_force,
    equation_1, equation_1_sign, equation_2, equation_3, equation_3_permutation, equation_4,
    equation_5, equation_5_ordered, equation_5_rebound, equation_5_literal, equation_5_permutation,
    algorithm_1, algorithm_1_rotation, algorithm_1_translation, algorithm_1_permutation,
    equation_6, equation_6_nonconstant, equation_6_literal, equation_6_ordered, equation_6_rebound,
    equation_7, equation_7_ordered, equation_7_rebound,
    definition_2_1, definition_2_1_force, equation_8,
    theorem_2_2, theorem_2_2_loss5, theorem_2_2_nonconstant, theorem_2_2_ordered, theorem_2_2_rebound,
    theorem_2_2_proof,
    equation_9, equation_9_from6, equation_9_ordered, equation_9_rebound,
)
