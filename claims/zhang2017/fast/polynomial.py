"""zhang2017 fast path (torch) for Sec. 4 and Apps. C–E: the Gaussian-potential Laplacian and loss-(9)
Hessian, the exponential activation's dual (Cor. 4.3), the almost-1-harmonic polynomial potential of
Theorem 4.4 (landscape Hessians, truncation degree), and Algorithms 2 and 3 on small instances.

Never imports ``reference``. Shapes: points θ, w on the last axis; ``theta`` (k, d) for one configuration.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence

import torch

from checks.fast import gaussian as fast_gaussian

# --- Sec. 4.1: the Gaussian potential ----------------------------------------------------------------


def gaussian_laplacian_autograd(theta: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
    """Δ_θ exp(−‖θ − w‖²/2) by autograd (trace of the Hessian), batched over the leading axis of (B, d)."""
    def phi_sum(t: torch.Tensor) -> torch.Tensor:
        return torch.exp(-((t - w) ** 2).sum(-1) / 2).sum()

    t = theta.detach().clone().requires_grad_(True)
    (g,) = torch.autograd.grad(phi_sum(t), t, create_graph=True)
    lap = torch.zeros(theta.shape[0], dtype=theta.dtype, device=theta.device)
    for i in range(theta.shape[-1]):
        (h,) = torch.autograd.grad(g[:, i].sum(), t, retain_graph=True)
        lap = lap + h[:, i]
    return lap.detach()


def loss9_gaussian_hessian(theta: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
    """Closed-form (k·d)×(k·d) Hessian of (9), L = 2Σ_{i<j}Φ(θ_i,θ_j) − 2Σ_{i,j}Φ(θ_i,w_j), Φ = e^{−‖·‖²/2}.

    ∇²_y e^{−‖y‖²/2} = (y y^T − I) e^{−‖y‖²/2}; a pair term Φ(θ_i − θ_j) contributes +H to blocks (i,i), (j,j) and
    −H to (i,j), (j,i). theta (..., k, d), w (..., m, d) with the same leading axes; returns (..., k·d, k·d)."""
    k, d = theta.shape[-2:]
    eye = torch.eye(d, dtype=theta.dtype, device=theta.device)

    def blocks(diff: torch.Tensor) -> torch.Tensor:
        phi = torch.exp(-(diff * diff).sum(-1) / 2)
        return (diff[..., :, None] * diff[..., None, :] - eye) * phi[..., None, None]

    own = -2 * blocks(theta[..., :, None, :] - w[..., None, :, :]).sum(-3)  # (..., k, d, d)
    off = ~torch.eye(k, dtype=torch.bool, device=theta.device)
    pair = 2 * blocks(theta[..., :, None, :] - theta[..., None, :, :]) * off[:, :, None, None]  # (..., k, k, d, d)
    eye_k = torch.eye(k, dtype=theta.dtype, device=theta.device)
    diag = (own + pair.sum(-3))[..., :, None, :, :] * eye_k[:, :, None, None]
    hess = diag - pair
    return hess.transpose(-3, -2).reshape(*theta.shape[:-2], k * d, k * d)


# --- Cor. 4.3: the exponential activation and its dual ------------------------------------------------


def exponential_dual(c: torch.Tensor, rho: torch.Tensor, nodes: int = 80) -> torch.Tensor:
    """E[σ(X)σ(Y)], σ(x) = exp(√c x − c), (X, Y) ~ N(ρ) (unit variances), by a product Gauss–Hermite rule.
    c, rho: tensors of shape (B,).

    (The integrand factorises, e^{√c(1+ρ)Z_1 − c}·e^{√c s Z_2 − c}, so the rule could be summed as a product of
    two 1-D sums in O(nodes) per point; that form doubles the rounding error — up to ~35 ulp at c = 9, against
    ~16 ulp for the nodes² sum — and would use most of the claim's 48-ulp budget, so the nodes² sum is kept.)"""
    z, wts = fast_gaussian.gauss_hermite(nodes, device=rho.device, dtype=rho.dtype)
    s = torch.sqrt((1 - rho * rho).clamp_min(0))
    sc = torch.sqrt(c)
    z1, z2 = z[:, None], z[None, :]
    weights = wts[:, None] * wts[None, :]
    out = torch.empty_like(rho)
    # the same arithmetic as exp(√c(z_1 + y) − 2c)·w_1w_2 with y = ρz_1 + sz_2, in place on one (chunk, n, n)
    # buffer; chunks of points keep the buffer in cache (the values do not depend on the chunking)
    for start in range(0, rho.shape[0], _DUAL_CHUNK):
        part = slice(start, start + _DUAL_CHUNK)
        vals = rho[part, None, None] * z1 + s[part, None, None] * z2  # y
        vals.add_(z1).mul_(sc[part, None, None]).sub_(2 * c[part, None, None]).exp_().mul_(weights)
        out[part] = vals.sum((-2, -1))
    return out


_DUAL_CHUNK = 256


# --- Theorem 4.4: the truncated almost-1-harmonic potential ---------------------------------------------


def recurrence_coefficients(d: int, N: int, *, dtype=torch.float64) -> torch.Tensor:
    """c_0..c_N of the printed recurrence (c_0 = 1, c_1 = 0), float."""
    c = [0.0] * (N + 1)
    c[0] = 1.0
    for n in range(0, N - 1):
        c[n + 2] = c[n] * (n * (n - 1) + (d - 1) * n + 1) / ((n + 2) * (n + 1))
    return torch.tensor(c, dtype=dtype)


def poly_derivatives(coeffs: torch.Tensor, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(f(x), f'(x), f''(x)) for f = Σ c_n x^n, x of shape (m,), via a power table (m, N+1) and three dot products."""
    n = torch.arange(coeffs.shape[0], dtype=coeffs.dtype, device=coeffs.device)
    xc = x[:, None]
    # x^{max(n−k, 0)}: the orders below k are multiplied by a zero falling factorial anyway
    f2 = (xc ** torch.clamp(n - 2, min=0) * (coeffs * n * (n - 1))).sum(-1)
    f1 = (xc ** torch.clamp(n - 1, min=0) * (coeffs * n)).sum(-1)
    f = (xc**n * coeffs).sum(-1)
    return f, f1, f2


def poly_derivatives_batch(coeffs: torch.Tensor, x: torch.Tensor
                           ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """``poly_derivatives`` for a batch: coeffs (B, N+1) (each row its own polynomial, zero-padded above its
    degree), x (B, m); returns three (B, m) tensors."""
    n = torch.arange(coeffs.shape[-1], dtype=coeffs.dtype, device=coeffs.device)
    cc = coeffs[..., None, :]
    table = x[..., None] ** n  # one power table x^0..x^N; f' and f'' use its shifted columns
    f2 = (table[..., :-2] * (cc * n * (n - 1))[..., 2:]).sum(-1)
    f1 = (table[..., :-1] * (cc * n)[..., 1:]).sum(-1)
    f = (table * cc).sum(-1)
    return f, f1, f2


def node_hessian_sphere_batch(coeffs: torch.Tensor, theta: torch.Tensor, us: torch.Tensor, betas: torch.Tensor
                              ) -> tuple[torch.Tensor, torch.Tensor]:
    """``node_hessian_sphere`` for a batch: coeffs (B, N+1), theta (B, d), us (B, m, d), betas (B, m) (padded
    terms carry β = 0). Returns the tangent eigenvalues (B, d−1) ascending and the Laplacians (B,)."""
    x = (us @ theta[..., None])[..., 0]
    _, f1, f2 = poly_derivatives_batch(coeffs, x)
    grad = ((betas * f1)[..., None] * us).sum(-2)
    hess = ((betas * f2)[..., None, None] * us[..., :, None] * us[..., None, :]).sum(-3)
    d = theta.shape[-1]
    eye = torch.eye(d, dtype=theta.dtype, device=theta.device)
    outer = theta[..., :, None] * theta[..., None, :]
    proj = eye - outer
    riem = proj @ (hess - (theta * grad).sum(-1)[..., None, None] * eye) @ proj
    shift = riem.abs().sum((-2, -1)) + 1
    evals = torch.linalg.eigvalsh(riem + shift[..., None, None] * outer)[..., : d - 1]
    return evals, torch.diagonal(riem, dim1=-2, dim2=-1).sum(-1)


def recurrence_table(d: int, N: int, *, dtype=torch.float64, device=None) -> torch.Tensor:
    """``recurrence_coefficients`` as one row, for stacking per degree (memoised float64 values)."""
    return torch.tensor(_recurrence_floats(d, N), dtype=torch.float64).to(device=device, dtype=dtype)


@functools.lru_cache(maxsize=64)
def _recurrence_floats(d: int, N: int) -> tuple[float, ...]:
    return tuple(recurrence_coefficients(d, N).tolist())


def node_hessian_sphere(coeffs: torch.Tensor, theta: torch.Tensor, us: torch.Tensor, betas: torch.Tensor
                        ) -> tuple[torch.Tensor, torch.Tensor]:
    """Tangent eigenvalues (ascending) and Laplacian on S^{d−1} of g(θ) = Σ_j β_j f(θ^T u_j) at θ (d,), us (m, d).

    The Riemannian Hessian P(∇²g − (θ^T∇g) I)P has the tangent eigenvalues plus 0 along θ; adding s θθ^T with s
    above the spectral bound moves that normal eigenvalue out of the way (no basis construction needed)."""
    x = us @ theta
    _, f1, f2 = poly_derivatives(coeffs, x)
    grad = ((betas * f1)[:, None] * us).sum(0)
    hess = ((betas * f2)[:, None, None] * us[:, :, None] * us[:, None, :]).sum(0)
    d = theta.shape[0]
    eye = torch.eye(d, dtype=theta.dtype, device=theta.device)
    proj = eye - torch.outer(theta, theta)
    riem = proj @ (hess - (theta @ grad) * eye) @ proj
    shift = riem.abs().sum() + 1
    evals = torch.linalg.eigvalsh(riem + shift * torch.outer(theta, theta))[: d - 1]
    return evals, torch.diagonal(riem).sum()


def truncation_degree(d: int, eps: float, total_weight: float, *, with_c_n: bool, one: float = 1.0,
                      max_n: int = 20000) -> int:
    """Smallest even N with 2 k_N [c_N] S (1 − ε)^N ≤ ε/2, k_N = N² + (d − 2)N + one (log space, float64)."""
    log_c = 0.0  # log c_N, c_0 = 1
    for N in range(2, max_n + 1, 2):
        n = N - 2
        log_c += math.log((n * (n - 1) + (d - 1) * n + 1) / ((n + 2) * (n + 1)))
        k_n = N * N + (d - 2) * N + one
        log_term = math.log(2 * k_n * total_weight) + N * math.log1p(-eps) + (log_c if with_c_n else 0.0)
        if log_term <= math.log(eps / 2):
            return N
    raise ArithmeticError(f"no truncation degree ≤ {max_n} for d = {d}, ε = {eps}")


def truncation_degrees(ds: Sequence[int], eps: float, total_weights: Sequence[float], *, with_c_n: bool,
                       one: float = 1.0, max_n: int = 20000) -> torch.Tensor:
    """``truncation_degree`` for several (d, S) at once (float64, CPU): the log terms of every even N ≤ max_n
    as one table (log c_N accumulated in the same order as the scalar loop), then the first admissible N per row."""
    import numpy as np

    d = np.asarray(ds, dtype=np.float64)[:, None]
    big_n = np.arange(2, max_n + 1, 2, dtype=np.float64)[None, :]
    n = big_n - 2
    log_c = np.cumsum(np.log((n * (n - 1) + (d - 1) * n + 1) / ((n + 2) * (n + 1))), axis=1)
    k_n = big_n * big_n + (d - 2) * big_n + one
    log_term = (np.log(2 * k_n * np.asarray(total_weights, dtype=np.float64)[:, None]) + big_n * math.log1p(-eps)
                + (log_c if with_c_n else 0.0))
    ok = log_term <= math.log(eps / 2)
    if not ok.any(axis=1).all():
        raise ArithmeticError(f"no truncation degree ≤ {max_n} for some d in {list(ds)}, ε = {eps}")
    return torch.as_tensor(big_n[0, ok.argmax(axis=1)].astype(np.int64))


def as_tensor(values: Sequence, *, dtype=torch.float64, device=None) -> torch.Tensor:
    return torch.tensor(values, dtype=dtype, device=device)


# --- Algorithm 2 (node-wise SGD, Assumption 1) with the Gaussian potential in R^d ------------------------------


def _gaussian_node_setup(w: torch.Tensor, repel: torch.Tensor, a_active: float) -> tuple[torch.Tensor, torch.Tensor]:
    """Centres and weights of the active node's part of (6) with a_i = a_active, b = 1 and the earlier nodes frozen
    at a = −1: L(θ) = Σ_m s_m Φ(θ, y_m) with s = 2a_active on the w_j and −2a_active on the θ_j (j < i).
    Under Assumption 1 (a_active = −1) this is (9) restricted to θ_i."""
    ys = torch.cat([w, repel], 0)
    signs = torch.cat([torch.full((w.shape[0],), 2.0 * a_active, dtype=w.dtype),
                       torch.full((repel.shape[0],), -2.0 * a_active, dtype=w.dtype)])
    return ys, signs


def _gaussian_node_grad(x: torch.Tensor, ys: torch.Tensor, signs: torch.Tensor) -> torch.Tensor:
    diff = x - ys
    weights = signs * torch.exp(-(diff * diff).sum(-1) / 2)
    return -(weights @ diff)  # ∇_θ Σ s_m e^{−‖θ−y_m‖²/2}


def _gaussian_node_hess(x: torch.Tensor, ys: torch.Tensor, signs: torch.Tensor) -> torch.Tensor:
    diff = x - ys
    weights = signs * torch.exp(-(diff * diff).sum(-1) / 2)
    eye = torch.eye(x.shape[0], dtype=x.dtype)
    return (weights[:, None, None] * (diff[:, :, None] * diff[:, None, :] - eye)).sum(0)


def algorithm_2_gaussian(w: torch.Tensor, theta0: torch.Tensor, T: int, alpha: float, eps: float,
                         generator: torch.Generator, *, a_active: float = -1.0
                         ) -> tuple[torch.Tensor, list[int | None]]:
    """Algorithm 2 with exact potentials: a = 0; for i = 1..k: a_i = a_active (−1 as printed); θ_i = SGD(L_{θ_i}, θ_i,
    T, α, ε) (Algorithm 4: x ← x − α(∇L(x) + n), n uniform on the unit sphere; return x once ‖∇L‖ ≤ 2ε/3 and
    λ_min(∇²L) ≥ −2ε/3, else FAIL). Returns the final θ (k, d) and, per node, the step at which Algorithm 4
    returned (None for FAIL; the node then keeps its last iterate)."""
    k, d = theta0.shape
    theta = theta0.clone()
    steps: list[int | None] = []
    tol = 2 * eps / 3
    for i in range(k):
        x = theta[i].clone()
        returned = None
        ys, signs = _gaussian_node_setup(w, theta[:i], a_active)
        noise = torch.randn(T, d, generator=generator, dtype=x.dtype)
        noise = alpha * noise / noise.norm(dim=1, keepdim=True)
        grad = _gaussian_node_grad(x, ys, signs)
        for t in range(1, T + 1):
            x = x - alpha * grad - noise[t - 1]
            grad = _gaussian_node_grad(x, ys, signs)
            if grad.norm() <= tol and torch.linalg.eigvalsh(_gaussian_node_hess(x, ys, signs))[0] >= -tol:
                returned = t
                break
        theta[i] = x
        steps.append(returned)
    return theta, steps


def match_distance(theta: torch.Tensor, w: torch.Tensor, *, up_to_sign: bool = False) -> tuple[float, list[int]]:
    """Greedy-free exact matching for small k: min over permutations π of max_i dist(θ_i, w_π(i)) (optionally
    min(‖θ−w‖, ‖θ+w‖)). Returns (that max distance, π)."""
    import itertools

    k = theta.shape[0]
    dist = torch.cdist(theta, w)
    if up_to_sign:
        dist = torch.minimum(dist, torch.cdist(theta, -w))
    best, best_perm = math.inf, list(range(k))
    for perm in itertools.permutations(range(w.shape[0]), k):
        worst = max(float(dist[i, perm[i]]) for i in range(k))
        if worst < best:
            best, best_perm = worst, list(perm)
    return best, best_perm


# --- Algorithm 3 with the polynomial potential Φ(θ, w) = (θ^T w)^l on S^{d−1} (Theorem 4.5) ----------------------


def loss4_polynomial(a: torch.Tensor, theta: torch.Tensor, b: torch.Tensor, w: torch.Tensor, l_pow: int
                     ) -> torch.Tensor:
    """(4) with the parametrisation a → −a: E[(Σ a_i σ(X,θ_i) + Σ b_j σ(X,w_j))²] = ‖Σ a_i θ_i^{⊗l} + Σ b_j w_j^{⊗l}‖²
    = a^T G_θθ a + 2 a^T G_θw b + b^T G_ww b with G = (inner products)^l (Φ(θ,θ) = 1 on the sphere)."""
    g_tt = (theta @ theta.T) ** l_pow
    g_tw = (theta @ w.T) ** l_pow
    g_ww = (w @ w.T) ** l_pow
    return a @ g_tt @ a + 2 * a @ g_tw @ b + b @ g_ww @ b


def _node_c(i: int, a: torch.Tensor, theta: torch.Tensor, x: torch.Tensor, b: torch.Tensor, w: torch.Tensor,
            l_pow: int) -> tuple[torch.Tensor, torch.Tensor]:
    """C(x) = Σ_{j≠i} a_j (x^Tθ_j)^l + Σ_j b_j (x^T w_j)^l and its Euclidean gradient in x."""
    mask = torch.ones(theta.shape[0], dtype=torch.bool)
    mask[i] = False
    ys = torch.cat([theta[mask], w], 0)
    coef = torch.cat([a[mask], b], 0)
    dots = ys @ x
    c = (coef * dots**l_pow).sum()
    grad = ((coef * l_pow * dots ** (l_pow - 1))[:, None] * ys).sum(0)
    return c, grad


def algorithm_3_polynomial(b: torch.Tensor, w: torch.Tensor, l_pow: int, T: int, alpha: float, eps: float,
                           generator: torch.Generator, *, sample_cap: int = 1000, a_steps: int | None = None
                           ) -> tuple[torch.Tensor, torch.Tensor, list[int]]:
    """Algorithm 3 on (5) with Φ = (θ^T w)^l, exact potentials, the a_i update read as the Newton step
    (a_i ← a_i* = −C(θ_i), Φ(θ_i,θ_i) = 1) and SGD(θ_i, 1, …) read as one step of Algorithm 4 (Riemannian gradient
    of L in θ_i plus α·n, n uniform on the unit sphere, then Π_M). Sampling: θ_i uniform on S^{d−1} until
    (∂L/∂a_i)² = 4C² ≥ ε/2, at most ``sample_cap`` draws (then the last draw is kept). The final
    a = GradientDescent(a, T, ∇_a L, α) is run with the printed α. Returns (a, θ, draws per node)."""
    k, d = b.shape[0], w.shape[1]
    a = torch.zeros(k, dtype=w.dtype)
    theta = torch.zeros(k, d, dtype=w.dtype)
    draws = []
    for i in range(k):
        n_draw = 0
        while n_draw < sample_cap:
            n_draw += 1
            x = torch.randn(d, generator=generator, dtype=w.dtype)
            x = x / x.norm()
            c, _ = _node_c(i, a, theta, x, b, w, l_pow)
            if 4 * c * c >= eps / 2:
                break
        draws.append(n_draw)
        # the other nodes are frozen while node i runs: precompute their directions and weights
        ys = torch.cat([theta[:i], w], 0)
        coef = torch.cat([a[:i], b], 0)
        noise = torch.randn(T, d, generator=generator, dtype=w.dtype)
        noise = noise / noise.norm(dim=1, keepdim=True)
        for t in range(T):
            dots = ys @ x
            powers = dots ** (l_pow - 1)
            a_i = -(coef * powers * dots).sum()  # Newton step on the quadratic in a_i (Φ(θ_i, θ_i) = 1)
            grad = (2 * l_pow) * a_i * ((coef * powers) @ ys)  # ∇_θ_i L = 2 a_i ∇C
            grad = grad - (grad @ x) * x
            x = x - alpha * (grad + noise[t])
            x = x / x.norm()
        theta[i] = x
        c, _ = _node_c(i, a, theta, x, b, w, l_pow)
        a[i] = -c
        g_tt = (theta[: i + 1] @ theta[: i + 1].T) ** l_pow
        g_tw = (theta[: i + 1] @ w.T) ** l_pow
        for _ in range(T if a_steps is None else a_steps):  # GradientDescent(a, T, ∇_a L, α) on the active nodes
            a[: i + 1] = a[: i + 1] - alpha * 2 * (g_tt @ a[: i + 1] + g_tw @ b)
    return a, theta, draws


def reduced_polynomial_loss(theta: torch.Tensor, b: torch.Tensor, w: torch.Tensor, l_pow: int) -> torch.Tensor:
    """min_a (4) = b^T G_ww b − c^T G_θθ^{−1} c, c = G_θw b: the loss with the output weights optimised."""
    g_tt = (theta @ theta.T) ** l_pow
    c = ((theta @ w.T) ** l_pow) @ b
    return b @ ((w @ w.T) ** l_pow) @ b - c @ torch.linalg.solve(g_tt, c)

