"""zhang2017 fast path for Sec. 3.1–3.2.1 (torch): Laplacians and Hessians of potentials and of the losses
(6), (9) by autograd, closed-form radial gradients for fast gradient descent, and the experiment runs for
Corollary 3.4, Assumption 1 and Theorem 3.6.

Conventions as in ``claims.zhang2017.fast._common``: ``theta`` (..., k, d), ``w`` (..., k, d), ``a``, ``b``
(..., k). Nothing here imports the mpmath reference.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import torch

from claims.zhang2017.fast import _common as common
from claims.zhang2017.fast._common import single_threaded  # noqa: F401  (the decorator of the fast paths here)

# --- radial profiles h(r) with Φ(θ, w) = h(‖θ − w‖) --------------------------------------------------

#: Radial potentials used by this module. Each maps (r, d, params) -> (h, h', h'') as tensors.
RADIAL = ("harmonic", "riesz", "coulomb", "gaussian", "exponential-radial", "quadratic", "plummer")


def radial_profile(name: str, r: torch.Tensor, d: int, **params) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(h(r), h'(r), h''(r)) of the radial potential ``name`` in R^d.

    harmonic: r^{2−d} (−log r in d = 2, as printed); riesz: r^{−s}; coulomb: 1/r; gaussian: e^{−r²/2};
    exponential-radial: e^{−r}; quadratic: 1 + r² (strictly subharmonic, bounded Hessian, Φ(θ,θ) = 1);
    plummer: 1 − (1 + r²)^{−1/2}."""
    if name == "harmonic":
        if d == 2:
            return -torch.log(r), -1 / r, 1 / (r * r)
        p = 2.0 - d
        return r**p, p * r ** (p - 1), p * (p - 1) * r ** (p - 2)
    if name in ("riesz", "coulomb"):
        s = float(params.get("s", 1.0)) if name == "riesz" else 1.0
        return r**-s, -s * r ** (-s - 1), s * (s + 1) * r ** (-s - 2)
    if name == "gaussian":
        g = torch.exp(-r * r / 2)
        return g, -r * g, (r * r - 1) * g
    if name == "exponential-radial":
        e = torch.exp(-r)
        return e, -e, e
    if name == "quadratic":
        return 1 + r * r, 2 * r, 2 + 0 * r
    if name == "plummer":
        q = 1 + r * r
        return 1 - q**-0.5, r * q**-1.5, q**-1.5 - 3 * r * r * q**-2.5
    raise KeyError(f"unknown radial potential {name!r}")


def radial_potential(name: str, d: int, **params) -> common.Potential:
    """Φ(θ, w) = h(‖θ − w‖) as a broadcasting callable (for autograd and the losses of the common module)."""
    return lambda theta, w: radial_profile(name, (theta - w).norm(dim=-1), d, **params)[0]


def radial_second_directional(name: str, x: torch.Tensor, u: torch.Tensor, d: int, **params) -> torch.Tensor:
    """d²/dt² h(‖x + t u‖) at t = 0 in closed form (broadcasting x, u (..., d)): with r = ‖x‖ and c = x^T u / r,
    h''(r) c² + (h'(r)/r)(‖u‖² − c²), where r²(‖u‖² − c²) = Σ_{a<b} (x_a u_b − x_b u_a)² (Lagrange's identity:
    no cancellation, and exactly 0 when x ∥ u, e.g. in d = 1)."""
    x, u = torch.broadcast_tensors(x, u)
    r = x.norm(dim=-1)
    _, dh, d2h = radial_profile(name, r, d, **params)
    outer = x.unsqueeze(-1) * u.unsqueeze(-2)
    wedge = ((outer - outer.transpose(-1, -2)) ** 2).sum((-2, -1)) / 2
    return d2h * ((x * u).sum(-1) / r) ** 2 + dh * wedge / (r * r * r)


def potential_callable(name: str, d: int, **params) -> common.Potential:
    """A radial potential of this module, or any printed potential of the common module (e.g. bessel)."""
    if name in RADIAL:
        return radial_potential(name, d, **params)
    return common.potential(name, **params)


# --- autograd Laplacians and Hessians ------------------------------------------------------------------

def hessian_batched(f: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    """Hessians of a batched scalar function: x (B, n), f(x) (B,) with row b depending only on x[b].
    Returns (B, n, n), one reverse pass per coordinate. Grad mode is switched on locally (engines evaluate
    fast paths under ``torch.no_grad``)."""
    with torch.enable_grad():
        x = x.detach().clone().requires_grad_(True)
        (g,) = torch.autograd.grad(f(x).sum(), x, create_graph=True)
        rows = [torch.autograd.grad(g[:, m].sum(), x, retain_graph=True)[0] for m in range(x.shape[1])]
    return torch.stack(rows, dim=1).detach()


def laplacian_batched(f: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(Δf, Σ_m |∂_mm f|) for a batched scalar function (see ``hessian_batched``); the second entry is the
    magnitude of the summed terms (the scale of a relative margin)."""
    hess = hessian_batched(f, x)
    diag = torch.diagonal(hess, dim1=-2, dim2=-1)
    return diag.sum(-1), diag.abs().sum(-1)


def loss6_block(a: torch.Tensor, theta: torch.Tensor, b: torch.Tensor, w: torch.Tensor, pot: common.Potential,
                i: int) -> Callable[[torch.Tensor], torch.Tensor]:
    """θ_i ↦ (6) with every other argument frozen (batched: theta (B, k, d); the callable takes (B, d))."""

    def f(x: torch.Tensor) -> torch.Tensor:
        th = torch.cat([theta[:, :i], x.unsqueeze(1), theta[:, i + 1:]], dim=1)
        return common.loss6(a, th, b, w, pot)

    return f


# --- closed-form gradient of (6) for radial potentials (fast gradient descent) ---------------------------

def loss6_gradient(a: torch.Tensor, theta: torch.Tensor, b: torch.Tensor, w: torch.Tensor, name: str, d: int,
                   params: dict, theta_active: torch.Tensor | None = None,
                   w_active: torch.Tensor | None = None) -> torch.Tensor:
    """∇_θ of (6) for a radial potential, theta (k, d): ∇_{θ_i} = Σ_j c_ij h'(r_ij)(θ_i − y_j)/r_ij with
    y = (θ, w), c_ij = 2 a_i a_j (j ≠ i, θ's) and 2 a_i b_j (w's). ``theta_active`` / ``w_active`` (k,) bool
    drop captured pairs (θ_i on w_j with a_i = −b_j: their terms against the others cancel exactly, the
    cancellation step of the proof of Thm 3.6): they neither move nor act."""
    k = theta.shape[0]
    y = torch.cat([theta, w], 0)
    coeff = 2 * a.unsqueeze(1) * torch.cat([a, b]).unsqueeze(0)  # (k, 2k)
    coeff[:, :k].fill_diagonal_(0.0)
    if theta_active is not None and w_active is not None:
        cols = torch.cat([theta_active, w_active]).to(theta.dtype)
        coeff = coeff * theta_active.to(theta.dtype).unsqueeze(1) * cols.unsqueeze(0)
    diff = theta.unsqueeze(1) - y.unsqueeze(0)  # (k, 2k, d)
    r = diff.norm(dim=-1)
    r = torch.where(coeff == 0, torch.ones_like(r), r)  # excluded pairs: any finite r
    _, dh, _ = radial_profile(name, r, d, **params)
    return ((coeff * dh / r).unsqueeze(-1) * diff).sum(1)


# --- gradient descent with clipping and capture, and the end-point classification ----------------------

@dataclass
class EndPoint:
    """Where a run of Algorithm 1 ended and what its derivatives say."""

    theta: torch.Tensor
    steps: int
    grad_norm: float
    lambda_min: float  # smallest eigenvalue of the θ-Hessian of the free (uncaptured) particles
    lambda_scale: float  # largest |eigenvalue| (for relative thresholds)
    loss: float
    matched: list[int]  # for each θ_i the index of the w_j it was captured by, or −1
    escaped: bool  # some free particle left the ball of radius `escape`
    curve: list[float]
    collided: bool = False  # two free learners with a_i a_j < 0 (attracting) came within the capture radius


def loss6_masked(a: torch.Tensor, theta: torch.Tensor, b: torch.Tensor, w: torch.Tensor, name: str, d: int,
                 params: dict, theta_active: torch.Tensor, w_active: torch.Tensor) -> torch.Tensor:
    """(6) for a radial potential restricted to the free particles and free charges (captured pairs removed)."""
    a_, th, b_, w_ = a[theta_active], theta[theta_active], b[w_active], w[w_active]
    if th.shape[0] == 0:
        return torch.zeros((), dtype=theta.dtype)
    return common.loss6(a_, th, b_, w_, radial_potential(name, d, **params))


STALL_WINDOW, STALL_TOL = 100, 1e-8


def gradient_descent_capture(a: torch.Tensor, b: torch.Tensor, w: torch.Tensor, theta0: torch.Tensor, name: str,
                             params: dict, *, steps: int, alpha: float, alpha_max: float, capture: float,
                             grad_tol: float, escape: float, max_step: float = 0.1,
                             record_every: int = 25) -> EndPoint:
    """Algorithm 1 on (6) (M = R^d) with documented deviations needed for singular potentials (whose Hessian
    is unbounded, so no fixed α = 1/(4k²B) exists):

    * adaptive step: α_t is halved and the step rejected when the loss increases, else multiplied by 1.2
      (at most ``alpha_max``);
    * each particle's step is clipped to min(½ · its distance to the nearest charge it interacts with,
      ``max_step``): a step never jumps across a charge, nor out of a basin in one leap;
    * a θ_i that comes within ``capture`` of a w_j with a_i b_j < 0 (attracting) is put on w_j and removed
      together with it — the cancellation step of the proof of Thm 3.6 (its terms against every other
      particle cancel exactly when a_i = −b_j).

    Stops when the free particles' gradient is below ``grad_tol``, when all are captured, when a free
    particle is farther than ``escape`` from the origin, or when the loss fell by less than STALL_TOL·(1+|L|)
    over the last STALL_WINDOW steps (a plateau; the caller certifies the end point, so stopping early can
    only make a run "unfinished", never a false failure)."""
    k, d = theta0.shape
    theta = theta0.clone()
    active = torch.ones(k, dtype=torch.bool)
    w_free = torch.ones(k, dtype=torch.bool)
    attract = (a.unsqueeze(1) * b.unsqueeze(0)) < 0
    attract_pairs = torch.triu((a.unsqueeze(1) * a.unsqueeze(0)) < 0, diagonal=1)
    collided = False
    matched = [-1] * k
    curve: list[float] = []
    t = 0
    big = torch.tensor(math.inf, dtype=theta.dtype)
    step_size = alpha
    value = loss6_masked(a, theta, b, w, name, d, params, active, w_free)
    grad = loss6_gradient(a, theta, b, w, name, d, params, theta_active=active, w_active=w_free)
    gnorm = float(grad.norm())
    window_value = value
    for t in range(1, steps + 1):
        if gnorm < grad_tol:
            break
        dist_w = torch.where(w_free.unsqueeze(0), torch.cdist(theta, w), big)
        dist_t = torch.where(active.unsqueeze(0), torch.cdist(theta, theta), big).fill_diagonal_(math.inf)
        nearest = torch.minimum(dist_w.min(1).values, dist_t.min(1).values)
        step = step_size * grad
        norms = step.norm(dim=-1)
        limit = torch.clamp(0.5 * nearest, max=max_step)
        step = step * torch.where(norms > limit, limit / norms, torch.ones_like(norms)).unsqueeze(-1)
        trial = theta - step
        trial_value = loss6_masked(a, trial, b, w, name, d, params, active, w_free)
        if not bool(trial_value <= value):  # rejected (also catches NaN)
            step_size *= 0.5
            if step_size < 1e-14:
                break
            continue
        theta, value = trial, trial_value
        step_size = min(step_size * 1.2, alpha_max)
        hit = (torch.cdist(theta, w) < capture) & attract & active.unsqueeze(1) & w_free.unsqueeze(0)
        if bool(hit.any()):
            for i, j in hit.nonzero().tolist():
                if active[i] and w_free[j]:
                    theta[i] = w[j]
                    active[i], w_free[j] = False, False
                    matched[i] = j
            value = loss6_masked(a, theta, b, w, name, d, params, active, w_free)
            window_value = value  # a different (reduced) loss from here on: restart the plateau window
        if not bool(active.any()):
            gnorm = 0.0
            break
        pair_active = active.unsqueeze(0) & active.unsqueeze(1)
        if bool(((torch.cdist(theta, theta) < capture) & attract_pairs & pair_active).any()):
            collided = True  # θ_i → θ_j with a_i a_j < 0: L → −∞ there (d ≥ 2), and the θ_i are not distinct
            break
        grad = loss6_gradient(a, theta, b, w, name, d, params, theta_active=active, w_active=w_free)
        gnorm = float(grad.norm())
        if float(theta[active].norm(dim=-1).max()) > escape:
            break
        if record_every and t % record_every == 0:
            curve.append(float(value))
        if t % STALL_WINDOW == 0:  # a plateau (e.g. a Gaussian tail): stop instead of crawling
            if float(window_value - value) <= STALL_TOL * (1 + abs(float(value))):
                break
            window_value = value
    lam_min, lam_scale = (math.nan, math.nan) if collided else _free_hessian_spectrum(a, theta, b, w, name, d,
                                                                                       params, active, w_free)
    escaped = bool(active.any()) and float(theta[active].norm(dim=-1).max()) > escape
    return EndPoint(theta, t, gnorm, lam_min, lam_scale, float(value), matched, escaped, curve, collided)


def _reduce(a, theta, b, w, active, w_free):
    return a[active], theta[active], b[w_free], w[w_free]


def _free_hessian_spectrum(a, theta, b, w, name, d, params, active, w_free) -> tuple[float, float]:
    """(λ_min, max|λ|) of the Hessian of the reduced loss in the free particles (0, 0 when none is free)."""
    a_, th, b_, w_ = _reduce(a, theta, b, w, active, w_free)
    if th.shape[0] == 0:
        return 0.0, 0.0
    pot = radial_potential(name, d, **params)
    m = th.shape[0]
    hess = torch.autograd.functional.hessian(lambda v: common.loss6(a_, v.reshape(m, d), b_, w_, pot),
                                             th.reshape(-1))
    if not bool(torch.isfinite(hess).all()):
        return math.nan, math.nan
    try:
        eig = torch.linalg.eigvalsh(hess)
    except RuntimeError:  # LAPACK failed to converge (ill-conditioned): report "unknown"
        return math.nan, math.nan
    return float(eig[0]), float(eig.abs().max())


def newton_polish(a: torch.Tensor, b: torch.Tensor, w: torch.Tensor, theta: torch.Tensor, name: str, d: int,
                  params: dict, iterations: int = 20) -> tuple[torch.Tensor, float, float, float]:
    """Newton's method on ∇(6) from ``theta`` (all particles free): returns (θ, ‖∇‖, λ_min, max|λ|) at the last
    iterate. Used only when the Hessian is positive definite there, so Newton stays in the basin."""
    pot = radial_potential(name, d, **params)
    k = theta.shape[0]

    def f(v: torch.Tensor) -> torch.Tensor:
        return common.loss6(a, v.reshape(k, d), b, w, pot)

    x = theta.reshape(-1).clone()
    for _ in range(iterations):
        g = torch.autograd.functional.jacobian(f, x)
        hess = torch.autograd.functional.hessian(f, x)
        if not (bool(torch.isfinite(hess).all()) and bool(torch.isfinite(g).all())):
            break
        try:
            x = x - torch.linalg.solve(hess, g)
        except RuntimeError:  # singular Hessian: stop where we are
            break
        if float(g.norm()) < 1e-14:
            break
    g = torch.autograd.functional.jacobian(f, x)
    hess = torch.autograd.functional.hessian(f, x)
    if not (bool(torch.isfinite(hess).all()) and bool(torch.isfinite(g).all())):
        return x.reshape(k, d), math.nan, math.nan, math.nan  # Newton left the domain: no certificate
    try:
        eig = torch.linalg.eigvalsh(hess)
    except RuntimeError:  # LAPACK did not converge: no certificate
        return x.reshape(k, d), float(g.norm()), math.nan, math.nan
    return x.reshape(k, d), float(g.norm()), float(eig[0]), float(eig.abs().max())
