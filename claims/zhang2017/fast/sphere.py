"""zhang2017 fast path (torch) for Sections 3.2.2–3.3: λ-harmonic potentials, eqs. (10), (11), Lemma 3.8,
the curvature of Theorem 3.10 and the dynamics of Theorems 3.9–3.11, Corollary 3.12, Conjectures 3.13–3.14.

Conventions as in ``claims.zhang2017.fast._common``: configurations ``theta`` (k, d), output weights ``a``
(k,), target weights ``b`` (m,), target vectors ``w`` (m, d). The dynamics use closed-form gradients of the
potentials (one small tensor expression per step) so that a run of a few thousand steps costs well under a
second; ``tests/test_zhang2017_sphere.py`` checks every closed-form gradient against autograd of the shared
printed potentials. Nothing here imports the mpmath reference.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import torch

from claims.zhang2017.fast import _common as common

# --- λ-harmonic potentials: Laplacians by autograd ---------------------------------------------------------


def euclidean_laplacian(f: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    """Σ_c ∂²f/∂x_c² at x (shape (d,)), by autograd (the trace of the Hessian)."""
    hess = torch.autograd.functional.hessian(f, x.detach())
    return torch.diagonal(hess).sum()


@torch.enable_grad()
def sphere_laplacian_batch(f: Callable[[torch.Tensor], torch.Tensor], theta: torch.Tensor,
                           dims: torch.Tensor | None = None) -> torch.Tensor:
    """Laplace–Beltrami on S^{d−1} of f at each row of ``theta`` (n, d) unit vectors, batched:
    Δ_S f = tr(H) − θ^T H θ − (d − 1) θ^T ∇f with ∇f, H the Euclidean gradient and Hessian of the extension
    (d backward passes for the whole batch; the trace of P(H − (θ^T∇f) I)P). ``dims`` (n,): each row's own
    dimension when rows of lower dimension are zero-padded (valid when f's Hessian vanishes along the padded
    coordinates, as for f(θ^T w) with w zero-padded too)."""
    x = theta.detach().requires_grad_(True)
    n, d = x.shape
    (g,) = torch.autograd.grad(f(x).sum(), x, create_graph=True)
    if g.requires_grad:
        rows = [torch.autograd.grad(g[:, c].sum(), x, retain_graph=True, allow_unused=True,
                                    materialize_grads=True)[0] for c in range(d)]
        hess = torch.stack(rows, 1)  # (n, d, d)
    else:  # f is linear: its Hessian vanishes
        hess = torch.zeros(n, d, d, dtype=x.dtype, device=x.device)
    xd = x.detach()
    trace = torch.diagonal(hess, dim1=1, dim2=2).sum(-1)
    quad = torch.einsum("ni,nij,nj->n", xd, hess, xd)
    dim = d if dims is None else dims.to(xd.dtype)
    return (trace - quad - (dim - 1) * (g.detach() * xd).sum(-1)).detach()


def zonal_laplacian_coefficients(t: torch.Tensor, d: int, radial_shift: float = 0.0
                                 ) -> tuple[torch.Tensor, torch.Tensor]:
    """The zonal formula Δ_{S^{d−1}} f(θ^T w) = (1 − t²) f''(t) − (d − 1 + radial_shift) t f'(t): the
    coefficients of f'' and f' (``radial_shift`` perturbs d − 1 for mutants)."""
    return 1 - t * t, -(d - 1 + radial_shift) * t


# --- eqs. (10), (11) and Lemma 3.8 --------------------------------------------------------------------------


def loss5_grad_a(a: torch.Tensor, theta: torch.Tensor, b: torch.Tensor, w: torch.Tensor,
                 pot: common.Potential) -> torch.Tensor:
    """∂L/∂a of the shared (5) by autograd (shape (k,)); grad mode is enabled here because the engines
    evaluate fast paths under ``torch.no_grad``."""
    with torch.enable_grad():
        a = a.detach().requires_grad_(True)
        (g,) = torch.autograd.grad(common.loss5(a, theta, b, w, pot), a)
    return g.detach()


def equation10_rhs(i: int, a, theta, b, w, pot: common.Potential, *, diag_factor: float = 2.0) -> torch.Tensor:
    """The printed right side of (10): 2 a_i Φ(θ_i,θ_i) + 2 Σ_{j≠i} a_j Φ(θ_i,θ_j) + 2 Σ_j b_j Φ(θ_i,w_j)."""
    k = theta.shape[0]
    others = [j for j in range(k) if j != i]
    total = diag_factor * a[i] * pot(theta[i], theta[i])
    if others:
        total = total + 2 * (a[others] * pot(theta[i].expand(len(others), -1), theta[others])).sum()
    return total + 2 * (b * pot(theta[i].expand(w.shape[0], -1), w)).sum()


def optimal_output_weight(i: int, a, theta, b, w, pot: common.Potential) -> torch.Tensor:
    """a_i* solving (10) with the other weights fixed: a_i = −(Σ_{j≠i} a_jΦ(θ_i,θ_j) + Σ_j b_jΦ(θ_i,w_j))/Φ(θ_i,θ_i)."""
    rest = equation10_rhs(i, torch.zeros_like(a), theta, b, w, pot) / 2
    others = [j for j in range(theta.shape[0]) if j != i]
    if others:
        rest = rest + (a[others] * pot(theta[i].expand(len(others), -1), theta[others])).sum()
    return -rest / pot(theta[i], theta[i])


def laplacian_of_loss5(i: int, a, theta, b, w, pot: common.Potential) -> torch.Tensor:
    """Δ_{θ_i} of the shared (5) at (a, θ) (autograd, Euclidean)."""
    def f(x: torch.Tensor) -> torch.Tensor:
        th = torch.cat([theta[:i], x.unsqueeze(0), theta[i + 1:]], 0)
        return common.loss5(a, th, b, w, pot)
    return euclidean_laplacian(f, theta[i])


# --- the same, batched over points (the pointwise fast paths) ------------------------------------------------
# Shapes: a (n, k), theta (n, k, d), b (n, m), w (n, m, d), i (n,) long — n configurations at once. Configurations
# of different sizes share one batch by zero padding: padded nodes / targets carry weight 0 (their terms are exact
# zeros), padded coordinates are 0 in every vector (inner products and differences are unchanged).


def take_row(x: torch.Tensor, i: torch.Tensor) -> torch.Tensor:
    """Row i[n] of each x[n] (x (n, k, d), i (n,)) as (n, d)."""
    return x.gather(1, i[:, None, None].expand(-1, 1, x.shape[-1])).squeeze(1)


@torch.enable_grad()
def euclidean_laplacian_batch(f: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor,
                              dims: torch.Tensor | None = None) -> torch.Tensor:
    """Σ_c ∂²f/∂x_c² at every row of x (n, d), for f mapping (n, d) to (n,) row by row: autograd, d backward
    passes for the whole batch (the trace of each row's Hessian). ``dims`` (n,): each row's own dimension when
    rows of lower dimension are zero-padded — only its first ``dims`` coordinates are summed."""
    x = x.detach().requires_grad_(True)
    (g,) = torch.autograd.grad(f(x).sum(), x, create_graph=True)
    lap = torch.zeros(x.shape[0], dtype=x.dtype, device=x.device)
    if not g.requires_grad:  # f is linear
        return lap
    for c in range(x.shape[1]):
        (h,) = torch.autograd.grad(g[:, c].sum(), x, retain_graph=True, allow_unused=True, materialize_grads=True)
        lap = lap + (h[:, c] if dims is None else torch.where(dims > c, h[:, c], 0))
    return lap.detach()


@torch.enable_grad()
def riemannian_hessian_batch(f: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    """P(∇²f − (x^T∇f) I)P at every row of x (n, d) on S^{d−1} (P = I − xx^T), f mapping (n, d) to (n,) row by
    row: the batched form of ``common.riemannian_hessian`` for one sphere (autograd, d backward passes)."""
    x = x.detach().requires_grad_(True)
    n, d = x.shape
    (g,) = torch.autograd.grad(f(x).sum(), x, create_graph=True)
    if g.requires_grad:
        hess = torch.stack([torch.autograd.grad(g[:, c].sum(), x, retain_graph=True, allow_unused=True,
                                                materialize_grads=True)[0] for c in range(d)], 1)
    else:
        hess = torch.zeros(n, d, d, dtype=x.dtype, device=x.device)
    xd, g = x.detach(), g.detach()
    eye = torch.eye(d, dtype=x.dtype, device=x.device)
    radial = (g * xd).sum(-1)
    proj = eye - xd[:, :, None] * xd[:, None, :]
    return proj @ (hess.detach() - radial[:, None, None] * eye) @ proj


@torch.enable_grad()
def riemannian_quadratic_form_batch(f: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor, v: torch.Tensor
                                    ) -> torch.Tensor:
    """v^T P(∇²f − (x^T∇f) I)P v at every row of x (n, d) on S^{d−1} (P = I − xx^T), v (n, d): the quadratic form
    of ``riemannian_hessian_batch`` without building the matrix — u = Pv, then u^T∇²f u − (x^T∇f)‖u‖² with ∇²f u
    one Hessian-vector product (two backward passes for the whole batch, whatever d)."""
    x = x.detach().requires_grad_(True)
    xd, vd = x.detach(), v.detach()
    u = vd - (vd * xd).sum(-1, keepdim=True) * xd
    (g,) = torch.autograd.grad(f(x).sum(), x, create_graph=True)
    if g.requires_grad:
        (hu,) = torch.autograd.grad((g * u).sum(), x, allow_unused=True, materialize_grads=True)
    else:  # f is linear: its Hessian vanishes
        hu = torch.zeros_like(xd)
    radial = (g.detach() * xd).sum(-1)
    return (u * hu.detach()).sum(-1) - radial * (u * u).sum(-1)


def loss5_grad_a_batch(a, theta, b, w, pot: common.Potential) -> torch.Tensor:
    """∂L/∂a of the shared (5) by autograd at every configuration (shape (n, k))."""
    with torch.enable_grad():
        a = a.detach().requires_grad_(True)
        (g,) = torch.autograd.grad(common.loss5(a, theta, b, w, pot).sum(), a)
    return g.detach()


def _pair_sums(i, a, theta, b, w, pot: common.Potential) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(θ_i, Σ_{j≠i} a_jΦ(θ_i,θ_j), Σ_j b_jΦ(θ_i,w_j)) at every configuration."""
    th_i = take_row(theta, i)
    others = torch.arange(theta.shape[1], device=theta.device)[None, :] != i[:, None]
    pair = torch.where(others, a * pot(th_i[:, None, :].expand_as(theta), theta), 0).sum(-1)
    cross = (b * pot(th_i[:, None, :].expand_as(w), w)).sum(-1)
    return th_i, pair, cross


def equation10_rhs_batch(i, a, theta, b, w, pot: common.Potential, *, diag_factor: float = 2.0) -> torch.Tensor:
    """``equation10_rhs`` at every configuration (i (n,) long)."""
    th_i, pair, cross = _pair_sums(i, a, theta, b, w, pot)
    a_i = a.gather(1, i[:, None]).squeeze(1)
    return diag_factor * a_i * pot(th_i, th_i) + 2 * pair + 2 * cross


def optimal_output_weight_batch(i, a, theta, b, w, pot: common.Potential) -> torch.Tensor:
    """``optimal_output_weight`` at every configuration: −(Σ_{j≠i} a_jΦ(θ_i,θ_j) + Σ_j b_jΦ(θ_i,w_j))/Φ(θ_i,θ_i)."""
    th_i, pair, cross = _pair_sums(i, a, theta, b, w, pot)
    return -(cross + pair) / pot(th_i, th_i)


def laplacian_of_loss5_batch(i, a, theta, b, w, pot: common.Potential,
                             dims: torch.Tensor | None = None) -> torch.Tensor:
    """Δ_{θ_i} of the shared (5) at every configuration (autograd, Euclidean, over all d coordinates, or over each
    row's first ``dims`` coordinates when lower dimensions are zero-padded)."""
    row = (torch.arange(theta.shape[1], device=theta.device)[None, :] == i[:, None])[..., None]

    def f(x: torch.Tensor) -> torch.Tensor:
        return common.loss5(a, torch.where(row, x[:, None, :], theta), b, w, pot)
    return euclidean_laplacian_batch(f, take_row(theta, i), dims)


def laplacian_of_loss5_row_batch(i, a, theta, b, w, pot: common.Potential,
                                 dims: torch.Tensor | None = None) -> torch.Tensor:
    """``laplacian_of_loss5_batch`` from the terms of (5) that involve θ_i only: with x in place of θ_i,
    a_i²Φ(x, x) + 2a_i Σ_{j≠i} a_jΦ(x, θ_j) + 2a_i Σ_j b_jΦ(x, w_j) (every other term of (5) is constant in θ_i,
    so its second derivatives are exact zeros); O(k + m) pair terms per configuration instead of O(k² + km)."""
    k = theta.shape[1]
    others = torch.arange(k, device=theta.device)[None, :] != i[:, None]
    a_i = a.gather(1, i[:, None]).squeeze(1)
    a_j = torch.where(others, a, 0)

    def f(x: torch.Tensor) -> torch.Tensor:
        xs = x[:, None, :]
        pair = (a_j * pot(xs.expand_as(theta), theta)).sum(-1)
        cross = (b * pot(xs.expand_as(w), w)).sum(-1)
        return a_i * a_i * pot(x, x) + 2 * a_i * pair + 2 * a_i * cross
    return euclidean_laplacian_batch(f, take_row(theta, i), dims)


# --- closed-form potentials and gradients for the dynamics ------------------------------------------------

@dataclass(frozen=True)
class SmoothPotential:
    """Φ(x, y) and ∇_x Φ(x, y) for broadcastable (…, d) inputs, in closed form (for fast dynamics)."""

    value: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
    grad: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


def _sign_value(x, y):
    # the angle as 2·atan2(‖x − y‖, ‖x + y‖): accurate to rounding at x = ±y, where arccos(x^T y) loses half
    # the digits (arccos(1 − ε) ≈ √(2ε))
    angle = 2 * torch.atan2((x - y).norm(dim=-1), (x + y).norm(dim=-1))
    return 1 - (2 / math.pi) * angle


def _sign_grad(x, y):
    t = (x * y).sum(-1, keepdim=True).clamp(-1, 1)
    # dΦ/dt = (2/π)/√(1−t²); floored so that an iterate sitting exactly on ±y yields a finite step
    return (2 / math.pi) * y / torch.sqrt((1 - t * t).clamp_min(1e-24))


def _bessel_value(x, y):
    return torch.exp(-(x - y).abs().sum(-1))


def _bessel_grad(x, y):
    diff = x - y
    return -torch.sign(diff) * torch.exp(-diff.abs().sum(-1, keepdim=True))


def _distance_value(x, y):
    return (x - y).norm(dim=-1)


def _distance_grad(x, y):
    diff = x - y
    return diff / diff.norm(dim=-1, keepdim=True).clamp_min(1e-300)


SIGN = SmoothPotential(_sign_value, _sign_grad)  # Φ = 1 − 2 arccos(θ^T w)/π on S^{d−1}
BESSEL = SmoothPotential(_bessel_value, _bessel_grad)  # Φ = e^{−‖θ−w‖_1} (Theorem 3.9's example)
DISTANCE = SmoothPotential(_distance_value, _distance_grad)  # Φ = ‖θ − w‖ (Conjecture 3.14)


def loss5_closed(a, theta, b, w, pot: SmoothPotential) -> torch.Tensor:
    """(5) with a closed-form potential: Σ a_i²Φ(θ_i,θ_i) + 2Σ_{i<j} a_ia_jΦ(θ_i,θ_j) + 2Σ_{i,j} a_ib_jΦ(θ_i,w_j)."""
    k = theta.shape[0]
    diag = (a * a * pot.value(theta, theta)).sum()
    gram = pot.value(theta.unsqueeze(1), theta.unsqueeze(0))
    upper = torch.triu(torch.ones(k, k, dtype=torch.bool, device=theta.device), 1)
    inter = (a.unsqueeze(1) * a.unsqueeze(0) * gram)[upper].sum()
    cross = (a.unsqueeze(1) * b.unsqueeze(0) * pot.value(theta.unsqueeze(1), w.unsqueeze(0))).sum()
    return diag + 2 * inter + 2 * cross


def loss5_gradients(a, theta, b, w, pot: SmoothPotential) -> tuple[torch.Tensor, torch.Tensor]:
    """(∂L/∂a, ∂L/∂θ) of (5) for a symmetric potential with Φ(θ, θ) constant in θ (eq. (10) for a; the
    self-pair never enters the θ-gradient)."""
    k = theta.shape[0]
    gram = pot.value(theta.unsqueeze(1), theta.unsqueeze(0))  # (k, k), diagonal = Φ(θ_i, θ_i)
    cross = pot.value(theta.unsqueeze(1), w.unsqueeze(0))  # (k, m)
    grad_a = 2 * gram @ a + 2 * cross @ b
    eye = torch.eye(k, dtype=theta.dtype, device=theta.device)
    coupling = 2 * a.unsqueeze(1) * a.unsqueeze(0) * (1 - eye)  # (k, k)
    if k > 1:
        pair_grad = pot.grad(theta.unsqueeze(1), theta.unsqueeze(0))  # (k, k, d); diagonal is masked
        pair_grad = torch.nan_to_num(pair_grad)
        g_theta = (coupling.unsqueeze(-1) * pair_grad).sum(1)
    else:
        g_theta = torch.zeros_like(theta)
    g_theta = g_theta + ((2 * a.unsqueeze(1) * b.unsqueeze(0)).unsqueeze(-1)
                         * pot.grad(theta.unsqueeze(1), w.unsqueeze(0))).sum(1)
    return grad_a, g_theta


def tangent(g: torch.Tensor, x: torch.Tensor, manifold: str) -> torch.Tensor:
    """Project a Euclidean gradient on the tangent space of M at x (rows on the last axis)."""
    if manifold == "sphere":
        return g - (g * x).sum(-1, keepdim=True) * x
    return g


# --- Theorem 3.10: the polynomial potential (θ^T w)^l with orthonormal w = e_j ----------------------------


def poly_loss(a: torch.Tensor, theta: torch.Tensor, b: torch.Tensor, l: int) -> torch.Tensor:
    """(11) for Φ = (θ^T w)^l, w_j = e_j, Φ(θ, θ) = 1: a² + 2 Σ_j a b_j θ_j^l (batched over leading axes)."""
    return a * a + 2 * a * (b * theta[..., : b.shape[-1]] ** l).sum(-1)


def poly_gradients(a, theta, b, l: int) -> tuple[torch.Tensor, torch.Tensor]:
    """(∂L/∂a, Riemannian ∇_θ L) of ``poly_loss`` on R × S^{d−1}."""
    k = b.shape[-1]
    powers = theta[..., :k] ** l
    ga = 2 * a + 2 * (b * powers).sum(-1)
    g = torch.zeros_like(theta)
    g[..., :k] = 2 * a.unsqueeze(-1) * b * l * theta[..., :k] ** (l - 1)
    return ga, tangent(g, theta, "sphere")


def poly_joint_hessian(a: float, theta: torch.Tensor, b: torch.Tensor, l: int) -> torch.Tensor:
    """Eigenvalues of the joint Riemannian Hessian of ``poly_loss`` at (a, θ) on R × S^{d−1} (ascending)."""
    x = torch.cat([torch.tensor([a], dtype=theta.dtype), theta])

    def f(v: torch.Tensor) -> torch.Tensor:
        return poly_loss(v[0], v[1:], b, l)
    hess = torch.autograd.functional.hessian(f, x)
    grad = torch.autograd.functional.jacobian(f, x)
    d = theta.shape[0]
    radial = (grad[1:] * theta).sum()
    proj = torch.eye(d, dtype=theta.dtype) - torch.outer(theta, theta)
    h_tt = proj @ (hess[1:, 1:] - radial * torch.eye(d, dtype=theta.dtype)) @ proj
    h_at = proj @ hess[1:, 0]
    q, _ = torch.linalg.qr(torch.cat([theta.unsqueeze(1), torch.eye(d, dtype=theta.dtype)], 1))
    basis = q[:, 1:d]
    top = torch.cat([hess[0:1, 0:1], (basis.T @ h_at).unsqueeze(0)], 1)
    bottom = torch.cat([(basis.T @ h_at).unsqueeze(1), basis.T @ h_tt @ basis], 1)
    return torch.linalg.eigvalsh(torch.cat([top, bottom], 0))


def riemannian_hessian_poly_theta(a: float, theta: torch.Tensor, b: torch.Tensor, l: int) -> torch.Tensor:
    """P(∇²_θ L − (θ^T∇_θ L) I)P of ``poly_loss`` at fixed a (the θ-block the proof of Theorem 3.10 uses)."""
    def f(v: torch.Tensor) -> torch.Tensor:
        return poly_loss(torch.tensor(a, dtype=v.dtype), v, b, l)
    return common.riemannian_hessian(lambda v: f(v.reshape(-1)), theta.reshape(1, -1), "sphere")


# --- compact dynamics: Algorithm 1 on (5) / (11) with a kink-aware end-point certificate ----------------------


def compact_gradients(a, theta, b, w, pot: SmoothPotential, offdiag: torch.Tensor
                      ) -> tuple[torch.Tensor, torch.Tensor]:
    """(∂L/∂a, ∂L/∂θ) of (5) with all points X = (θ, w) and weights c = (a, b) in one (n, n) interaction
    (fewer tensor operations per step than ``loss5_gradients``; same values). ``offdiag`` = 1 − I_{k×n}."""
    k = theta.shape[0]
    points = torch.cat([theta, w], 0)
    weights = torch.cat([a, b], 0)
    values = pot.value(theta.unsqueeze(1), points.unsqueeze(0))  # (k, n)
    grads = pot.grad(theta.unsqueeze(1), points.unsqueeze(0))  # (k, n, d)
    grad_a = 2 * values @ weights
    grad_theta = 2 * a.unsqueeze(1) * ((weights * offdiag).unsqueeze(-1) * grads).sum(1)
    del k
    return grad_a, grad_theta


def run_algorithm1(a, theta, b, w, pot: SmoothPotential, *, alpha: float, steps: int, manifold: str,
                   active: int | None = None, stop: Callable[[torch.Tensor, torch.Tensor], bool] | None = None,
                   check_every: int = 20) -> tuple[torch.Tensor, torch.Tensor, int, list[float], float]:
    """Algorithm 1 on (5) in (a, θ) (θ on M); ``active`` = 1 moves only (a_1, θ_1) — the loss (11).
    Stops early when ``stop(a, θ)`` is true (checked every ``check_every`` steps). Returns (a, θ, steps
    taken, loss curve, max_t max_i |a_i(t)|) — the last monitors the hypothesis |a_i| ≤ C."""
    k, n = theta.shape[0], theta.shape[0] + w.shape[0]
    offdiag = 1 - torch.eye(k, n, dtype=theta.dtype, device=theta.device)
    mask = torch.ones(k, dtype=theta.dtype, device=theta.device)
    if active is not None:
        mask[active:] = 0
    curve: list[float] = []
    a_max = float(a.abs().max())
    t = 0
    for t in range(1, steps + 1):
        ga, gt = compact_gradients(a, theta, b, w, pot, offdiag)
        gt = tangent(gt, theta, manifold)
        a = a - alpha * ga * mask
        theta = common.project(theta - alpha * gt * mask.unsqueeze(1), manifold)
        if t % check_every == 0:
            curve.append(float(loss5_closed(a, theta, b, w, pot)))
            a_max = max(a_max, float(a.abs().max()))
            if stop is not None and stop(a, theta):
                break
    return a, theta, t, curve, a_max


@dataclass(frozen=True)
class KinkCertificate:
    """The end point snapped onto kinks and certified (or not) as a strict local minimum."""

    certified: bool
    a: torch.Tensor  # optimal output weights at the snapped θ
    theta: torch.Tensor  # snapped configuration
    targets: list[tuple[int, int]]  # per active node: (index j of w_j, sign ±1) it was snapped to
    loss: float
    margin: float  # min over nodes of (cone slope − ‖smooth gradient‖); > 0 certifies
    detail: str


def kink_slope(pot_name: str, sign: int) -> float:
    """|D_uΦ(θ, w)| for unit u at the kink θ = sign·w, with the sign of Φ's change: the sign potential
    1 − 2∠/π decreases at rate 2/π away from w and increases at rate 2/π away from −w; e^{−|θ−w|} (d = 1)
    decreases at rate 1 away from w."""
    if pot_name == "sign":
        return -(2 / math.pi) * sign
    if pot_name == "bessel":
        return -1.0
    raise KeyError(pot_name)


def snap_and_certify(a, theta, b, w, pot: SmoothPotential, pot_name: str, manifold: str, *, snap_tol: float,
                     active: int | None = None, signs: tuple[int, ...] = (1, -1)) -> KinkCertificate:
    """Snap every active θ_i within ``snap_tol`` of a kink ±w_j onto it, re-solve the output weights of the
    active nodes exactly (a = a*(θ) from (10)), and certify a strict local minimum of (5) in (a, θ):
    at each snapped θ_i the one-sided derivative along any unit tangent u is
    D_uL = 2a_i b_j·slope + ⟨s_i, u⟩ ≥ 2a_i b_j·slope − ‖s_i‖ (s_i the gradient of the smooth remaining terms),
    so κ_i = 2a_i b_j·slope − ‖s_i‖ > 0 for every i gives first-order growth in every θ direction; the
    output weights are optimal and the Gram matrix is positive definite (strictly convex in a)."""
    k = theta.shape[0] if active is None else active
    theta = theta.clone()
    targets = []
    for i in range(k):
        best = None
        for j in range(w.shape[0]):
            for s in signs:
                dist = float((theta[i] - s * w[j]).norm())
                if dist < snap_tol and (best is None or dist < best[0]):
                    best = (dist, j, s)
        if best is None:
            return KinkCertificate(False, a, theta, targets, float("nan"), float("-inf"),
                                   f"θ_{i + 1} is not within {snap_tol:.3g} of a kink")
        targets.append((best[1], best[2]))
        theta[i] = best[2] * w[best[1]]
    if len({j for j, _ in targets}) < len(targets):
        return KinkCertificate(False, a, theta, targets, float("nan"), float("-inf"),
                               "two nodes snapped to the same ±w_j (their kinks interact)")
    act = theta[:k]
    gram = pot.value(act.unsqueeze(1), act.unsqueeze(0))
    rest = pot.value(act.unsqueeze(1), w.unsqueeze(0)) @ b
    if k < theta.shape[0]:
        rest = rest + pot.value(act.unsqueeze(1), theta[k:].unsqueeze(0)) @ a[k:]
    eig_min = float(torch.linalg.eigvalsh(gram)[0])
    if eig_min <= 1e-9:
        return KinkCertificate(False, a, theta, targets, float("nan"), float("-inf"),
                               f"Gram matrix of the active nodes is singular (λ_min = {eig_min:.3g})")
    a = a.clone()
    a[:k] = torch.linalg.solve(gram, -rest)
    margin = float("inf")
    for i, (j, s) in enumerate(targets):
        cone = 2 * float(a[i] * b[j]) * kink_slope(pot_name, s)
        smooth = torch.zeros_like(theta[i])
        for jj in range(w.shape[0]):
            if jj != j:
                smooth = smooth + 2 * a[i] * b[jj] * pot.grad(theta[i], w[jj])
        for ii in range(theta.shape[0]):
            if ii != i:
                smooth = smooth + 2 * a[i] * a[ii] * pot.grad(theta[i], theta[ii])
        smooth = tangent(smooth, theta[i], manifold)
        margin = min(margin, cone - float(smooth.norm()))
    loss = float(loss5_closed(a, theta, b, w, pot))
    return KinkCertificate(margin > 1e-9, a, theta, targets, loss, margin,
                           "certified strict local minimum at kinks" if margin > 1e-9 else
                           "snapped, but the one-sided slopes do not certify a local minimum")
