"""zhang2017 fast path for Sec. 2.1–2.2 (torch): the losses (3)–(6), (9) under each reading of the printed
index range, gradient-flow and Electron-Proton vector fields on M (R^d or unit spheres), Algorithm 1 and
Gauss–Hermite expectations of the network output. Batched: configurations are (B, k, d) tensors.

Nothing here calls the mpmath reference.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable

import numpy as np
import torch

from . import _common as common

Potential = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


def _pairs(k: int, device) -> tuple[torch.Tensor, torch.Tensor]:
    return torch.triu_indices(k, k, offset=1, device=device)


def pair_sum(reading: str, values: Callable[[torch.Tensor, torch.Tensor], torch.Tensor], k: int, shape, dtype,
             device, count: torch.Tensor | None = None) -> torch.Tensor:
    """Σ_{i=1}^k Σ_{i<j} values(i, j) under ``reading`` ("pairs", "ordered", "rebound"; see the reference).

    ``values(ii, jj)`` returns the (B, P) terms for index vectors ii, jj. ``count`` (B,): the number k of real
    particles when the configuration is padded with zero-charge particles (the "rebound" multiplicity)."""
    if k < 2:
        return torch.zeros(shape, dtype=dtype, device=device)
    ii, jj = _pairs(k, device)
    pairs = values(ii, jj).sum(-1)
    if reading == "pairs":
        return pairs
    if reading == "ordered":
        return pairs + values(jj, ii).sum(-1)
    if reading == "rebound":
        return (k if count is None else count) * pairs
    raise ValueError(f"unknown reading {reading!r}")


def gram(c, x, e, y, pot: Potential) -> torch.Tensor:
    """Σ_i Σ_j c_i e_j Φ(x_i, y_j), batched."""
    return (c.unsqueeze(-1) * e.unsqueeze(-2) * pot(x.unsqueeze(-2), y.unsqueeze(-3))).sum((-2, -1))


def loss4(a, theta, b, w, pot, cross_factor=2.0):
    return gram(a, theta, a, theta, pot) + cross_factor * gram(a, theta, b, w, pot) + gram(b, w, b, w, pot)


def loss3_gram(a, theta, b, w, pot):
    return gram(b, w, b, w, pot) - 2 * gram(a, theta, b, w, pot) + gram(a, theta, a, theta, pot)


def loss6(a, theta, b, w, pot, reading="pairs", pair_factor=2.0, cross_factor=2.0, count=None):
    k = theta.shape[-2]
    inter = pair_sum(reading, lambda ii, jj: a[..., ii] * a[..., jj] * pot(theta[..., ii, :], theta[..., jj, :]),
                     k, theta.shape[:-2], theta.dtype, theta.device, count)
    return pair_factor * inter + cross_factor * gram(a, theta, b, w, pot)


def loss5(a, theta, b, w, pot, reading="pairs", pair_factor=2.0, cross_factor=2.0, diag_factor=1.0,
          diag_detached=False, count=None):
    """(5). ``diag_detached``: evaluate Φ(θ_i, θ_i) without autograd — only for rotation-invariant potentials
    on the sphere, where θ ↦ Φ(θ, θ) = h(‖θ‖²) has a radial Euclidean gradient that the tangent projection
    removes exactly, but whose closed form (arccos, √(1−ρ²)) has an infinite derivative at ρ = 1."""
    diag_theta = theta.detach() if diag_detached else theta
    diag = (a * a * pot(diag_theta, diag_theta)).sum(-1)
    return diag_factor * diag + loss6(a, theta, b, w, pot, reading, pair_factor, cross_factor, count)


def loss9(theta, w, pot, reading="pairs", pair_factor=2.0, cross_sign=-1.0, mask=None, count=None):
    """(9). ``mask`` (B, k): 1 for real particles, 0 for zero-charge padding (Assumption 1 charges ∓1 · mask)."""
    k = theta.shape[-2]
    if mask is None:
        mask = torch.ones(theta.shape[:-1], dtype=theta.dtype, device=theta.device)
    inter = pair_sum(reading, lambda ii, jj: mask[..., ii] * mask[..., jj] * pot(theta[..., ii, :],
                                                                               theta[..., jj, :]),
                     k, theta.shape[:-2], theta.dtype, theta.device, count)
    cross = (mask.unsqueeze(-1) * mask.unsqueeze(-2) * pot(theta.unsqueeze(-2), w.unsqueeze(-3))).sum((-2, -1))
    return pair_factor * inter + cross_sign * 2 * cross


# --- vector fields on M -----------------------------------------------------------------------------

def tangent(u: torch.Tensor, x: torch.Tensor, manifold: str) -> torch.Tensor:
    if manifold == "sphere":
        return u - (u * x).sum(-1, keepdim=True) * x
    return u


def gradient(f: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor, manifold: str) -> torch.Tensor:
    """Batched Riemannian gradient of a batched function f: (B, k, d) → (B,) (samples are independent)."""
    with torch.enable_grad():
        x = x.detach().requires_grad_(True)
        (g,) = torch.autograd.grad(f(x).sum(), x)
    return tangent(g, x.detach(), manifold)


@functools.lru_cache(maxsize=64)
def _ordered_pairs(moving: tuple[int, ...], n: int, device) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Index vectors (i, j) over the ordered pairs i ≠ j with i a moving particle, i-major (j ascending for each
    i), and the index vector of the moving particles."""
    pairs = [(i, j) for i in moving for j in range(n) if i != j]
    return (torch.tensor([p[0] for p in pairs], dtype=torch.long, device=device),
            torch.tensor([p[1] for p in pairs], dtype=torch.long, device=device),
            torch.tensor(moving, dtype=torch.long, device=device))


def ep_velocity(pot: Potential, particles: torch.Tensor, charges: torch.Tensor, fixed,
                manifold: str, force_sign: float = 1.0, closed_form: bool = True) -> tuple[torch.Tensor, torch.Tensor]:
    """Electron-Proton Dynamics (8): dθ_i/dt = −Σ_{j≠i} F_i(θ_j), F_i(θ_j) = a_i a_j ∇_{θ_i}Φ(θ_i, θ_j)
    (Riemannian ∇ on the sphere); fixed particles (bool mask (n,), a sequence or a tensor) do not move: their
    velocity is 0 and their pair terms are not evaluated. ∇_{θ_i}Φ is the potential's closed form
    (``pot.gradient``, see ``_common.phi_gradient``) when it has one and ``closed_form``, else autograd through
    ``pot`` (a claim about the force law itself keeps autograd, so that its two sides stay independent).

    Returns the velocity (B, n, d) and the per-particle sum of |contributions| (B, n, d) (rounding scale)."""
    n = particles.shape[-2]
    mask = fixed.tolist() if isinstance(fixed, torch.Tensor) else list(fixed)  # n flags (setup data)
    moving = tuple(i for i in range(n) if not mask[i])
    vel, scale = torch.zeros_like(particles), torch.zeros_like(particles)
    if not moving or n < 2:
        return vel, scale
    ii, jj, mv = _ordered_pairs(moving, n, particles.device)
    if isinstance(pot, common.NamedPotential) and particles.dim() == 3:
        return _ep_velocity_batch_last(pot, particles, charges, moving, (ii, jj, mv), manifold, force_sign,
                                       closed_form)
    xi, xj = particles.detach().index_select(-2, ii), particles.detach().index_select(-2, jj)
    closed = getattr(pot, "gradient", None) if closed_form else None
    if closed is not None:
        gpair = closed(xi, xj)
    else:
        with torch.enable_grad():
            # θ_j is held fixed in each pair term, so the gradient is ∇_{θ_i}Φ(θ_i, θ_j) pair by pair
            xi = xi.requires_grad_(True)
            (gpair,) = torch.autograd.grad(pot(xi, xj).sum(), xi)
    q = charges
    contrib = -force_sign * (q.index_select(-1, ii) * q.index_select(-1, jj)).unsqueeze(-1) * gpair  # (B, P, d)
    contrib = tangent(contrib, particles.detach().index_select(-2, ii), manifold)
    # the pairs are listed i-major (n − 1 partners j per moving particle i): Σ_j is a sum over one axis
    per_particle = contrib.shape[:-2] + (len(moving), n - 1, contrib.shape[-1])
    vel.index_copy_(-2, mv, contrib.reshape(per_particle).sum(-2))
    scale.index_copy_(-2, mv, contrib.abs().reshape(per_particle).sum(-2))
    return vel, scale


def _ep_velocity_batch_last(pot: common.NamedPotential, particles: torch.Tensor, charges: torch.Tensor,
                            moving: tuple[int, ...], pairs, manifold: str, force_sign: float, closed_form: bool
                            ) -> tuple[torch.Tensor, torch.Tensor]:
    """``ep_velocity`` for a batch (B, n, d) and a named potential, computed batch-last: the pair terms as
    (P, d, B) tensors, whose broadcasts run over contiguous rows (4–6× faster than over rows of d elements).
    Same terms, same order of the sum over partners; returns (B, n, d) tensors."""
    ii, jj, mv = pairs
    count, n, d = particles.shape
    x = particles.detach().permute(1, 2, 0).contiguous()  # (n, d, B)
    xi, xj = x.index_select(0, ii), x.index_select(0, jj)  # (P, d, B)
    if closed_form:
        gpair = pot.gradient(xi, xj, coords=-2)
    else:
        with torch.enable_grad():
            xi = xi.requires_grad_(True)
            (gpair,) = torch.autograd.grad(pot(xi, xj, coords=-2).sum(), xi)
        xi = xi.detach()
    q = charges.T.contiguous()  # (n, B)
    contrib = -force_sign * (q.index_select(0, ii) * q.index_select(0, jj)).unsqueeze(-2) * gpair
    if manifold == "sphere":
        contrib = contrib - (contrib * xi).sum(-2, keepdim=True) * xi
    per_particle = contrib.reshape(len(moving), n - 1, d, count)
    vel = torch.zeros((n, d, count), dtype=particles.dtype, device=particles.device)
    scale = torch.zeros_like(vel)
    vel.index_copy_(0, mv, per_particle.sum(1))
    scale.index_copy_(0, mv, per_particle.abs().sum(1))
    return vel.permute(2, 0, 1).contiguous(), scale.permute(2, 0, 1).contiguous()


# --- Algorithm 1 --------------------------------------------------------------------------------------

def _steps(T, like: torch.Tensor) -> tuple[int, torch.Tensor | None]:
    """(number of iterations to run, per-row step counts broadcastable to ``like`` or None when T is an int)."""
    if isinstance(T, torch.Tensor):
        steps = T.to(like.device)
        return int(steps.max()) if steps.numel() else 0, steps.reshape(steps.shape + (1,) * (like.dim() - steps.dim()))
    return int(T), None


def gradient_descent(f: Callable[[torch.Tensor], torch.Tensor], x0: torch.Tensor, T, alpha, manifold: str,
                     step_sign: float = -1.0) -> torch.Tensor:
    """Algorithm 1, batched: x = Π_M x0; T times x = Π_M(x + step_sign·α ∇_M L(x)) (step_sign = −1 printed).
    ``alpha`` may be a tensor (B,) of step sizes, ``T`` a tensor (B,) of step counts (each row keeps its iterate
    once its own T steps are done; f must treat the rows independently)."""
    x = common.project(x0.detach().clone(), manifold)
    alpha = torch.as_tensor(alpha, dtype=x.dtype, device=x.device)
    alpha = alpha.reshape(alpha.shape + (1,) * (x.dim() - alpha.dim()))
    count, steps = _steps(T, x)
    for t in range(count):
        new = common.project(x + step_sign * alpha * gradient(f, x, manifold), manifold)
        x = new if steps is None else torch.where(t < steps, new, x)
    return x


def sphere_linear_angle(phi0: torch.Tensor, alpha: torch.Tensor, T) -> torch.Tensor:
    """The angle recurrence of Algorithm 1 on L(x) = −v^T x; ``T`` an int or a tensor of per-row step counts."""
    phi = phi0.clone()
    count, steps = _steps(T, phi)
    for t in range(count):
        s = 1 - alpha * torch.cos(phi)
        new = torch.atan2(s * torch.sin(phi), s * torch.cos(phi) + alpha)
        phi = new if steps is None else torch.where(t < steps, new, phi)
    return phi


# --- activations and Gaussian expectations -------------------------------------------------------------

def activation(name: str, m: int = 0) -> Callable[[torch.Tensor], torch.Tensor]:
    """σ as a function of s = x^T θ: hermite He_m/√(m!), exponential e^{s−2}, linear s, relu √2·max(s, 0),
    sign √2·sgn(s)."""
    if name == "hermite":
        coeffs = np.zeros(m + 1)
        coeffs[m] = 1.0 / math.sqrt(math.factorial(m))

        def herm(s: torch.Tensor) -> torch.Tensor:
            # probabilists' recurrence He_{n+1} = s He_n − n He_{n−1}
            prev, cur = torch.ones_like(s), s
            if m == 0:
                return prev * coeffs[0]
            for n in range(1, m):
                prev, cur = cur, s * cur - n * prev
            return cur * coeffs[m]
        return herm
    if name == "exponential":
        return lambda s: torch.exp(s - 2)
    if name == "linear":
        return lambda s: s
    if name == "relu":
        return lambda s: math.sqrt(2) * s.clamp_min(0)
    if name == "sign":
        return lambda s: math.sqrt(2) * torch.sign(s)
    raise KeyError(f"unknown activation {name!r}")


class QuadratureFeatures:
    """σ(x_n, v) = act(x_n^T v) at every node x_n of a quadrature rule, for the vectors v on the last axis of a
    tensor: one 2-D matrix product per distinct tensor, remembered for views of the same elements (a view that
    only adds axes of length 1, as the Gram forms' broadcasting does), so that the network outputs, Φ and |Φ|
    of one evaluation share them. The tensors seen are kept alive with their values, so their memory cannot be
    reused by another tensor while the object lives."""

    def __init__(self, act, xs: torch.Tensor):
        self.act, self.xs, self._values = act, xs, {}

    def __call__(self, v: torch.Tensor) -> torch.Tensor:
        key = (v.data_ptr(), v.dtype, tuple((n, st) for n, st in zip(v.shape, v.stride(), strict=True) if n != 1))
        if key not in self._values:
            flat = v.reshape(-1, v.shape[-1]) @ self.xs.T  # (M, nodes)
            self._values[key] = (v, self.act(flat))
        return self._values[key][1].reshape(v.shape[:-1] + (self.xs.shape[0],))


def network_outputs(act, coeffs: torch.Tensor, vectors: torch.Tensor, xs: torch.Tensor,
                    features: QuadratureFeatures | None = None) -> torch.Tensor:
    """Σ_i c_i σ(x, v_i) for inputs xs (..., N, d): coeffs (B, k), vectors (B, k, d) → (B, N). ``features``: the
    activations at the nodes xs, shared with other evaluations (``QuadratureFeatures``)."""
    if features is not None:
        return (coeffs.unsqueeze(-1) * features(vectors)).sum(-2)
    s = torch.einsum("bkd,nd->bkn", vectors, xs)
    return (coeffs.unsqueeze(-1) * act(s)).sum(-2)


def potential_by_quadrature(act, xs: torch.Tensor, wts: torch.Tensor,
                            features: QuadratureFeatures | None = None, absolute: bool = False) -> Potential:
    """Φ(θ, w) = E σ(X, θ) σ(X, w) by the quadrature rule (xs, wts), broadcasting over leading axes
    (``absolute``: E |σ(X, θ) σ(X, w)|, the rounding scale). ``features``: shared node activations."""
    if features is not None:
        def pot_shared(theta, w):
            a, b = features(theta), features(w)
            if absolute:
                a, b = a.abs(), b.abs()
            return (a * b * wts).sum(-1)
        return pot_shared
    g = (lambda s: act(s).abs()) if absolute else act

    def pot(theta, w):
        return (g(theta @ xs.T) * g(w @ xs.T) * wts).sum(-1)
    return pot
