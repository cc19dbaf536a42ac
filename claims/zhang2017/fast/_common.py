"""zhang2017 fast path, shared pieces (torch): the printed potentials, the losses (5), (6), (9), the
manifold M (R^d or a product of unit spheres), Riemannian derivatives and Algorithms 1 and 4.

Conventions: configurations are tensors ``theta`` of shape (..., k, d) (k particles / neurons in R^d),
output weights ``a``, ``b`` of shape (..., k). A *potential* is a callable ``phi(theta, w)`` broadcasting
over leading axes with the vectors on the last axis. Nothing here calls the mpmath reference.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable

import numpy as np
import torch

from checks.batching import Ragged, entry_mask

Potential = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
MANIFOLDS = ("euclidean", "sphere")


# --- the potentials as printed (Table 1 and the text) ---------------------------------------------------

def coordinate_sum(x: torch.Tensor) -> torch.Tensor:
    """x.sum(-1) (the coordinates of vectors on the last axis), keeping a batch-innermost memory layout: when the
    leading (batch) axis has stride 1, the sum runs with the batch moved last, so that torch allocates the result
    batch-innermost too. (A reduction writing a batch-innermost input into torch's default contiguous output
    runs ~9× slower; the values are those of x.sum(-1) up to the order of the additions.)"""
    if x.dim() >= 2 and x.stride(0) == 1 and x.shape[0] > 1:
        return x.movedim(0, -1).sum(-2).movedim(-1, 0)
    return x.sum(-1)


def _csum(x: torch.Tensor, coords: int) -> torch.Tensor:
    """The sum over the coordinate axis ``coords`` (-1: vectors on the last axis, batch-innermost layouts kept)."""
    return coordinate_sum(x) if coords == -1 else x.sum(coords)


def _rho(theta: torch.Tensor, w: torch.Tensor, coords: int = -1) -> torch.Tensor:
    return _csum(theta * w, coords).clamp(-1.0, 1.0)


def phi(name: str, theta: torch.Tensor, w: torch.Tensor, coords: int = -1, **params) -> torch.Tensor:
    """Φ(θ, w) as printed. Names: sign, relu, hermite (m), exponential (sphere, functions of θ^T w);
    gaussian, bessel (L1), harmonic (‖θ−w‖^{2−d}; −log r in d = 2), riesz (r^{−s}), coulomb (1/r) (R^d).
    ``coords``: the axis of the vectors' coordinates (-1; -2 for batch-last tensors (..., d, B))."""
    if name == "sign":
        return 1 - (2 / math.pi) * torch.arccos(_rho(theta, w, coords))
    if name == "relu":
        r = _rho(theta, w, coords)
        return torch.sqrt((1 - r * r).clamp_min(0)) / math.pi + r * (1 - torch.arccos(r) / math.pi)
    if name == "hermite":
        return _rho(theta, w, coords) ** params["m"]
    if name == "exponential":
        return torch.exp(_csum(theta * w, coords) - 1)
    diff = theta - w
    if name == "gaussian":
        return torch.exp(-_csum(diff * diff, coords) / 2)
    if name == "bessel":
        return torch.exp(-_csum(diff.abs(), coords))
    r = diff.norm(dim=coords)
    if name == "harmonic":
        d = theta.shape[coords]
        return -torch.log(r) if d == 2 else r ** (2 - d)
    if name == "riesz":
        return r ** (-params["s"])
    if name == "coulomb":
        return 1 / r
    raise KeyError(f"unknown potential {name!r}")


def phi_gradient(name: str, theta: torch.Tensor, w: torch.Tensor, coords: int = -1, **params) -> torch.Tensor:
    """∇_θ Φ(θ, w): the Euclidean gradient of ``phi`` in its first argument, in closed form (what autograd gives
    through ``phi``, clamp of ρ included; tests compare the two). Shape: the broadcast of θ and w; ``coords`` as
    for ``phi``."""
    if name in ("sign", "relu", "hermite", "exponential"):
        dot = _csum(theta * w, coords)
        if name == "exponential":
            slope = torch.exp(dot - 1)
        else:
            r = dot.clamp(-1.0, 1.0)
            inside = (dot >= -1.0) & (dot <= 1.0)  # clamp passes the gradient only there (bounds included)
            if name == "sign":
                slope = (2 / math.pi) / torch.sqrt(1 - r * r)
            elif name == "relu":  # d/dρ [√(1−ρ²)/π + ρ(1 − arccos ρ/π)] = 1 − arccos ρ/π
                slope = 1 - torch.arccos(r) / math.pi
            else:
                m = params["m"]
                slope = m * r ** (m - 1) if m else torch.zeros_like(r)
            slope = torch.where(inside, slope, torch.zeros_like(slope))
        return slope.unsqueeze(coords) * w.expand_as(theta + w)
    diff = theta - w
    if name == "gaussian":
        return -torch.exp(-_csum(diff * diff, coords) / 2).unsqueeze(coords) * diff
    if name == "bessel":
        return -torch.exp(-_csum(diff.abs(), coords)).unsqueeze(coords) * torch.sign(diff)
    r2 = _csum(diff * diff, coords)
    if name == "harmonic":
        d = theta.shape[coords]
        return (-1 / r2 if d == 2 else (2 - d) * r2 ** (-d / 2)).unsqueeze(coords) * diff
    if name == "riesz":
        s = params["s"]
        return (-s * r2 ** (-(s + 2) / 2)).unsqueeze(coords) * diff
    if name == "coulomb":
        return (-r2 ** -1.5).unsqueeze(coords) * diff
    raise KeyError(f"unknown potential {name!r}")


class NamedPotential:
    """``phi`` with its name and parameters bound: called as (theta, w) -> values; ``gradient(theta, w)`` is
    ``phi_gradient`` (∇ in the first argument, closed form), for fields that need no autograd. Both take the
    coordinate axis ``coords`` (-1, or -2 for batch-last tensors)."""

    __slots__ = ("name", "params")

    def __init__(self, name: str, **params):
        self.name, self.params = name, params

    def __call__(self, theta: torch.Tensor, w: torch.Tensor, coords: int = -1) -> torch.Tensor:
        return phi(self.name, theta, w, coords, **self.params)

    def gradient(self, theta: torch.Tensor, w: torch.Tensor, coords: int = -1) -> torch.Tensor:
        return phi_gradient(self.name, theta, w, coords, **self.params)

    def __repr__(self) -> str:
        return f"NamedPotential({self.name!r}, {self.params})"


def potential(name: str, **params) -> NamedPotential:
    """``phi`` with its name and parameters bound (a :class:`NamedPotential`)."""
    return NamedPotential(name, **params)


# --- the losses ----------------------------------------------------------------------------------------

def _pairwise(pot: Potential, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """(..., k, m) matrix Φ(x_i, y_j)."""
    return pot(x.unsqueeze(-2), y.unsqueeze(-3))


def loss5(a, theta, b, w, pot: Potential) -> torch.Tensor:
    """(5): Σ_i a_i² Φ(θ_i,θ_i) + 2 Σ_{i<j} a_i a_j Φ(θ_i,θ_j) + 2 Σ_{i,j} a_i b_j Φ(θ_i,w_j) (pairs i < j).

    The diagonal Φ(θ_i, θ_i) is evaluated as Φ(θ_i, θ_i) (not assumed 1); off-diagonal pairs only in the
    upper triangle so that singular potentials never see θ_i − θ_i."""
    return (a * a * pot(theta, theta)).sum(-1) + loss6(a, theta, b, w, pot)


def loss6(a, theta, b, w, pot: Potential) -> torch.Tensor:
    """(6): 2 Σ_{i<j} a_i a_j Φ(θ_i,θ_j) + 2 Σ_{i,j} a_i b_j Φ(θ_i,w_j)."""
    k = theta.shape[-2]
    if k > 1:
        ii, jj = torch.triu_indices(k, k, offset=1, device=theta.device)
        inter = (a[..., ii] * a[..., jj] * pot(theta[..., ii, :], theta[..., jj, :])).sum(-1)
    else:
        inter = torch.zeros(theta.shape[:-2], dtype=theta.dtype, device=theta.device)
    cross = (a.unsqueeze(-1) * b.unsqueeze(-2) * _pairwise(pot, theta, w)).sum((-2, -1))
    return 2 * inter + 2 * cross


def loss9(theta, w, pot: Potential) -> torch.Tensor:
    """(9): (6) under Assumption 1 (a = −1, b = 1): 2 Σ_{i<j} Φ(θ_i,θ_j) − 2 Σ_{i,j} Φ(θ_i,w_j)."""
    shape = theta.shape[:-1]
    ones = torch.ones(shape, dtype=theta.dtype, device=theta.device)
    return loss6(-ones, theta, torch.ones(w.shape[:-1], dtype=w.dtype, device=w.device), w, pot)


# --- the manifold and its calculus ---------------------------------------------------------------------

def project(x: torch.Tensor, manifold: str) -> torch.Tensor:
    """Π_M: identity on R^d; each row (last axis) normalised onto S^{d−1}."""
    if manifold == "euclidean":
        return x
    if manifold == "sphere":
        return x / x.norm(dim=-1, keepdim=True)
    raise ValueError(f"unknown manifold {manifold!r}; choose one of {MANIFOLDS}")


def riemannian_gradient(f: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor, manifold: str
                        ) -> torch.Tensor:
    """∇_M f at x (shape (k, d)): the Euclidean gradient, projected on each sphere's tangent space."""
    x = x.detach().requires_grad_(True)
    (g,) = torch.autograd.grad(f(x), x)
    if manifold == "sphere":
        g = g - (g * x).sum(-1, keepdim=True) * x
    return g.detach()


def riemannian_hessian(f: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor, manifold: str
                       ) -> torch.Tensor:
    """The Hessian of f on M at x (shape (k, d)) as a (k·d, k·d) matrix.

    Sphere (product of spheres): P (∇²f − blockdiag((θ_i^T ∇_i f) I_d)) P with P = blockdiag(I − θ_iθ_i^T);
    its restriction to the tangent space is the Riemannian Hessian, and the normal directions get 0."""
    k, d = x.shape
    flat = x.detach().reshape(-1)
    hess = torch.autograd.functional.hessian(lambda v: f(v.reshape(k, d)), flat)
    if manifold == "euclidean":
        return hess
    grad = torch.autograd.functional.jacobian(lambda v: f(v.reshape(k, d)), flat).reshape(k, d)
    radial = (grad * x).sum(-1)  # θ_i^T ∇_i f
    eye = torch.eye(d, dtype=x.dtype, device=x.device)
    proj = torch.block_diag(*[eye - torch.outer(x[i], x[i]) for i in range(k)])
    shift = torch.block_diag(*[radial[i] * eye for i in range(k)])
    return proj @ (hess - shift) @ proj


def tangent_eigenvalues(hess: torch.Tensor, x: torch.Tensor, manifold: str) -> torch.Tensor:
    """Eigenvalues of the Hessian restricted to the tangent space of M at x (ascending)."""
    if manifold == "euclidean":
        return torch.linalg.eigvalsh(hess)
    k, d = x.shape
    # orthonormal basis of each tangent space: the last d−1 columns of a QR of [θ_i, I]
    blocks = []
    for i in range(k):
        q, _ = torch.linalg.qr(torch.cat([x[i : i + 1].T, torch.eye(d, dtype=x.dtype, device=x.device)], 1))
        blocks.append(q[:, 1:d])
    basis = torch.block_diag(*blocks)
    return torch.linalg.eigvalsh(basis.T @ hess @ basis)


# --- Algorithms 1 and 4 --------------------------------------------------------------------------------

def gradient_descent(loss: Callable[[torch.Tensor], torch.Tensor], x0: torch.Tensor, T: int, alpha: float,
                     manifold: str, *, clip: float | None = None, record_every: int = 0
                     ) -> tuple[torch.Tensor, list[float]]:
    """Algorithm 1: x ← Π_M(x − α ∇L(x)), T times (the Riemannian gradient on the sphere, as the paper's
    "projected gradient"). ``clip`` caps the step norm (a documented deviation where ∇²Φ is unbounded).
    Returns the end point and, if ``record_every``, the loss every that many steps."""
    x = project(x0.detach().clone(), manifold)
    curve: list[float] = []
    for t in range(T):
        g = riemannian_gradient(loss, x, manifold)
        step = alpha * g
        if clip is not None:
            norm = step.norm()
            if norm > clip:
                step = step * (clip / norm)
        x = project(x - step, manifold)
        if record_every and t % record_every == 0:
            curve.append(float(loss(x)))
    return x, curve


def sgd(loss: Callable[[torch.Tensor], torch.Tensor], x0: torch.Tensor, T: int, alpha: float, eps: float,
        generator: torch.Generator, manifold: str) -> tuple[torch.Tensor | None, int]:
    """Algorithm 4: x ← Π_M(x − α(∇L(x) + n)) with n uniform on the unit sphere (of the whole parameter
    vector); return (x, steps) as soon as ‖∇L(x)‖ ≤ 2ε/3 and λ_min(∇²L(x)) ≥ −2ε/3, else (None, T)."""
    x = project(x0.detach().clone(), manifold)
    for t in range(1, T + 1):
        noise = torch.randn(x.shape, generator=generator, dtype=torch.float64).to(x)
        noise = noise / noise.norm()
        x = project(x - alpha * (riemannian_gradient(loss, x, manifold) + noise), manifold)
        g = riemannian_gradient(loss, x, manifold)
        if g.norm() <= 2 * eps / 3:
            lam = tangent_eigenvalues(riemannian_hessian(loss, x, manifold), x, manifold)[0]
            if lam >= -2 * eps / 3:
                return x, t
    return None, T


# --- batches of configurations (fast paths over many points at once) ----------------------------------------

def stack_padded(batch, name: str, by: tuple[str, ...], shape: tuple[int, ...], *, device, dtype,
                 fill: float = 0.0) -> torch.Tensor:
    """The column ``name`` of a :class:`checks.batching.Batch` as one tensor (N, *shape), each entry padded with
    ``fill`` at the end of every axis. Entries may have different shapes (k × d configurations); ``by`` names the
    integer parameters that set an entry's shape, so the copy loops over those shape groups, never over points."""
    return stack_padded_columns(batch, {name: shape}, by, device=device, dtype=dtype, fill=fill)[0]


def stack_padded_columns(batch, shapes: dict[str, tuple[int, ...]], by: tuple[str, ...], *, device, dtype,
                         fill: float = 0.0) -> tuple[torch.Tensor, ...]:
    """``stack_padded`` for several columns whose entry shapes are all set by the parameters ``by`` (one pass
    over the shape groups for all of them: each group's entries stacked at once and copied into the padded
    array)."""
    import numpy as np

    n = len(batch)
    keys = np.stack([np.asarray(batch.array(p), dtype=np.int64).reshape(n) for p in by], 1) if by else \
        np.zeros((n, 1), dtype=np.int64)
    groups, inverse = np.unique(keys, axis=0, return_inverse=True)
    inverse = inverse.reshape(n)
    outs = {name: np.full((n, *shape), fill, dtype=np.float64) for name, shape in shapes.items()}
    for g in range(len(groups)):
        index = np.flatnonzero(inverse == g)
        sub = batch if len(groups) == 1 else batch.take(index)
        for name, out in outs.items():
            block = np.asarray(sub.array(name), dtype=np.float64)
            if block.size:  # empty entries (e.g. no other nodes) leave the padding
                out[(index, *(slice(0, s) for s in block.shape[1:]))] = block
    return tuple(torch.as_tensor(out, device=device).to(dtype) for out in outs.values())



def single_threaded(fn: Callable) -> Callable:
    """Run ``fn`` on one intra-op thread (restored afterwards). For the batch sizes of the pointwise engine
    (≤ a few thousand points) torch's thread pool buys nothing and, on a loaded machine, costs up to 30×
    (measured: torch.special.gammaincc over 4096 points, 1.3 ms on one thread vs 52 ms on two)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        previous = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            return fn(*args, **kwargs)
        finally:
            torch.set_num_threads(previous)

    return wrapper


# --- batch helpers: ragged columns padded to one array (no torch per point) -----------------------------

def pad_ragged(batch, name: str, shapes, extents: tuple[int, ...], fill: float = 0.0):
    """Column ``name`` of ``batch``, whose entries have different shapes (e.g. configurations (k_j, d_j)), as one
    float64 numpy array (N, *extents) padded with ``fill``. ``shapes`` (N, ndim) integer array: each entry's shape
    (known from the parameters that set it). The entries are flattened once in C (itertools.chain over
    ``batch.column``'s lists) and placed by vectorised index arithmetic."""
    shapes = np.asarray(shapes, dtype=np.int64).reshape(len(batch), len(extents))
    out = np.full((len(batch), *extents), fill, dtype=np.float64)
    flat = batch.column(name)
    for _ in extents:
        flat = itertools.chain.from_iterable(flat)
    flat = np.fromiter(flat, dtype=np.float64)
    sizes = shapes.prod(1)
    if len(flat) != sizes.sum():
        raise ValueError(f"column {name!r}: the entries' sizes do not match the declared shapes")
    which = np.repeat(np.arange(len(batch)), sizes)
    rem = np.arange(len(flat)) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    index = []
    for axis in reversed(range(len(extents))):
        extent = np.repeat(shapes[:, axis], sizes)
        index.append(rem % extent)
        rem = rem // extent
    out[(which, *reversed(index))] = flat
    return out


def index_groups(batch, *names: str) -> list[tuple[tuple, np.ndarray]]:
    """(values, row indices) for each combination of the columns ``names`` present (numpy ``unique`` on the
    columns; no per-point Python). Unlike ``Batch.groups`` nothing is copied: the caller slices its own
    (padded) tensors by the indices."""
    return key_groups([np.asarray(batch.array(name)) for name in names], len(batch))


def key_groups(keys: list[np.ndarray], size: int) -> list[tuple[tuple, np.ndarray]]:
    """``index_groups`` for key arrays given directly (each of length ``size``)."""
    if not keys:
        return [((), np.arange(size))]
    codes, uniques = [], []
    for key in keys:
        values, inverse = np.unique(key, return_inverse=True)
        uniques.append(values)
        codes.append(inverse.reshape(-1))
    combos, inverse = np.unique(np.stack(codes, 1), axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    order = np.argsort(inverse, kind="stable")
    bounds = np.searchsorted(inverse[order], np.arange(len(combos) + 1))
    return [(tuple(_plain(uniques[j][c]) for j, c in enumerate(combo)), order[bounds[g]:bounds[g + 1]])
            for g, combo in enumerate(combos)]


def _plain(value):
    return value.item() if hasattr(value, "item") else value


def grouped_rows(batch, names, fn, *, device, dtype):
    """Like ``checks.batching.grouped``, without sub-batches: ``fn(values, index)`` gets each combination of
    the columns ``names`` (or of the given key arrays, when ``names`` is a list of arrays) and its row indices
    (a numpy array) and returns a tensor or a tuple of tensors of len(index) entries (or scalars to broadcast);
    the outputs are reassembled in batch order."""
    from checks.batching import assemble

    groups = (key_groups(list(names), len(batch)) if names and not isinstance(names[0], str)
              else index_groups(batch, *names))
    return assemble(len(batch), ((index, fn(values, index)) for values, index in groups), device=device,
                    dtype=dtype)


def empty_outputs(count: int, *, device, dtype) -> tuple[torch.Tensor, ...]:
    """``count`` empty tensors: what a batched fast path returns for an empty batch."""
    return tuple(torch.empty(0, device=device, dtype=dtype) for _ in range(count))

def _packed_rows(stored, ndim: int):
    """(flat float64 values row after row, (N, ndim) int64 entry shapes) of a stored column, or None when its
    entries are not numpy arrays of ``ndim`` axes (points: Python lists)."""
    import operator

    import numpy as np

    if isinstance(stored, Ragged):
        return (stored.flat().astype(np.float64, copy=False), stored.shapes) if len(stored.extents) == ndim else None
    if isinstance(stored, np.ndarray) and stored.dtype != object:
        if stored.ndim != ndim + 1:
            return None
        n = stored.shape[0]
        return (np.ascontiguousarray(stored, dtype=np.float64).reshape(-1),
                np.broadcast_to(np.asarray(stored.shape[1:], dtype=np.int64), (n, ndim)))
    rows = list(stored)
    if not rows:
        return np.zeros(0), np.zeros((0, ndim), dtype=np.int64)
    try:  # C-level passes over the rows (map), no Python frame per row
        dtypes = set(map(operator.attrgetter("dtype"), rows))
        ndims = set(map(operator.attrgetter("ndim"), rows))
    except AttributeError:  # not numpy arrays: only empty entries (e.g. [] for "no other nodes") are taken here
        if not all(isinstance(r, np.ndarray) or len(r) == 0 for r in rows):
            return None
        empty = np.zeros((0,) * ndim)
        rows = [r if isinstance(r, np.ndarray) else empty for r in rows]
        dtypes = set(map(operator.attrgetter("dtype"), rows))
        ndims = set(map(operator.attrgetter("ndim"), rows))
    if ndims != {ndim} or any(dt.kind not in "biuf" for dt in dtypes):
        return None
    if dtypes == {np.dtype(np.float64)}:  # one C-order byte copy per row, joined once
        flat = np.frombuffer(b"".join(map(np.ndarray.tobytes, rows)), dtype=np.float64)
    else:
        flat = np.concatenate(rows, axis=None, dtype=np.float64)
    n = len(rows)
    if ndim == 1:
        return flat, np.fromiter(map(len, rows), dtype=np.int64, count=n)[:, None]
    if ndim == 2:
        first = np.fromiter(map(len, rows), dtype=np.int64, count=n)
        counts = np.fromiter(map(operator.attrgetter("size"), rows), dtype=np.int64, count=n)
        second = np.where(first > 0, counts // np.maximum(first, 1), 0)
        # an empty (0, d) entry has no elements: its second extent only bounds the check against the padding
        return flat, np.stack([first, second], 1)
    return flat, np.array([r.shape for r in rows], dtype=np.int64)


def pack_padded_columns(batch, shapes: dict[str, tuple[int, ...]], by: tuple[str, ...], *, device, dtype,
                        fill: float = 0.0) -> tuple[torch.Tensor, ...]:
    """``stack_padded_columns`` (same result) packed at C level: the stored rows of each column
    (``Batch.entries``) concatenated once and scattered into the padded array at computed positions — no copy
    per point or per shape group. Columns whose entries are not numpy arrays (hypothesis points) go through
    ``stack_padded_columns``."""
    import numpy as np

    outs = []
    for name, shape in shapes.items():
        packed = _packed_rows(batch.entries(name), len(shape))
        if packed is None or np.any(packed[1] > np.asarray(shape, dtype=np.int64)):
            outs.append(stack_padded_columns(batch, {name: shape}, by, device=device, dtype=dtype, fill=fill)[0])
            continue
        flat, sizes = packed
        n = sizes.shape[0]
        if n and np.all(sizes == np.asarray(shape, dtype=np.int64)):
            out = flat.reshape(n, *shape).copy()  # writable (frombuffer views are read-only)
        else:
            out = np.full((n, *shape), fill, dtype=np.float64)
            out[entry_mask(sizes, shape)] = flat
        outs.append(torch.as_tensor(out, device=device).to(dtype))
    return tuple(outs)


def pack_padded(batch, name: str, by: tuple[str, ...], shape: tuple[int, ...], *, device, dtype,
                fill: float = 0.0) -> torch.Tensor:
    """``stack_padded`` packed at C level (``pack_padded_columns``)."""
    return pack_padded_columns(batch, {name: shape}, by, device=device, dtype=dtype, fill=fill)[0]



def pad_entries(batch, name: str, shapes, extents: tuple[int, ...], fill: float = 0.0):
    """``pad_ragged`` from the column as stored (``Batch.entries``): a numeric numpy column is copied into the
    padded array in one slice assignment, a list of numpy rows is flattened by one C-level ``np.concatenate``;
    anything else (Python lists from points) falls back to ``pad_ragged``. Same result as ``pad_ragged``."""
    col = batch.entries(name)
    n = len(batch)
    shapes = np.asarray(shapes, dtype=np.int64).reshape(n, len(extents))
    if isinstance(col, Ragged) and len(col.extents) == len(extents):
        if not np.array_equal(col.shapes, shapes):
            raise ValueError(f"column {name!r}: the entries' sizes do not match the declared shapes")
        out = np.full((n, *extents), fill, dtype=np.float64)
        if fill == 0 and all(e >= c for e, c in zip(extents, col.extents, strict=True)):
            out[(slice(None), *(slice(0, c) for c in col.extents))] = col.padded  # zero outside the entries
        else:
            out[entry_mask(shapes, extents)] = col.flat()
        return out
    if isinstance(col, np.ndarray) and col.dtype != object and col.ndim == 1 + len(extents):
        if n and not (shapes == np.asarray(col.shape[1:], dtype=np.int64)).all():
            raise ValueError(f"column {name!r}: the entries' sizes do not match the declared shapes")
        out = np.full((n, *extents), fill, dtype=np.float64)
        out[(slice(None), *(slice(0, s) for s in col.shape[1:]))] = col
        return out
    try:
        flat = np.concatenate(list(col), axis=None) if n else np.empty(0)
    except ValueError:
        flat = np.empty(0, dtype=object)
    if flat.dtype.kind not in "biuf":
        return pad_ragged(batch, name, shapes, extents, fill)
    flat = flat.astype(np.float64, copy=False)
    out = np.full((n, *extents), fill, dtype=np.float64)
    sizes = shapes.prod(1)
    if len(flat) != sizes.sum():
        raise ValueError(f"column {name!r}: the entries' sizes do not match the declared shapes")
    # destination of each flat value in out.reshape(-1): row offset, plus per axis its index times the stride
    strides = np.cumprod((1, *extents[::-1]))[::-1]  # strides[0] = the row size, then the axes' strides
    starts = np.cumsum(sizes) - sizes
    dest = np.repeat(np.arange(n, dtype=np.int64) * strides[0], sizes)
    rem = np.arange(len(flat), dtype=np.int64) - np.repeat(starts, sizes)
    if len(extents) == 1:
        dest += rem
    elif len(extents) == 2:  # rem = r0 s1 + r1 -> dest offset r0 E1 + r1 = rem + r0 (E1 − s1)
        s1 = np.repeat(shapes[:, 1], sizes)
        dest += rem + (rem // s1) * (extents[1] - s1)
    else:
        for axis in reversed(range(len(extents))):
            extent = np.repeat(shapes[:, axis], sizes)
            dest += (rem % extent) * strides[axis + 1]
            rem //= extent
    out.reshape(-1)[dest] = flat
    return out
