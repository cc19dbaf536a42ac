"""zhang2017 App. B (finite-sample and iteration bounds): the torch fast path.

Independent of the mpmath reference (``reference.zhang2017.finite``): truncated-Gaussian moments through
``torch.special.gammaincc``, Rademacher complexities by brute-force enumeration of sign vectors and sample
indices, the empirical potential Φ̂ from truncated-Gaussian samples, Algorithm 1 on explicit test functions
with closed-form derivatives, and Algorithm 4 on a perturbed double-well objective.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable
from fractions import Fraction

import numpy as np
import torch

# --- Lemma B.1 -------------------------------------------------------------------------------------------


def log_chi_moment(d: torch.Tensor, p: torch.Tensor) -> torch.Tensor:
    """log E‖X‖^p = (p/2) log 2 + lgamma((d+p)/2) − lgamma(d/2), X ~ N(0, I_d)."""
    return p / 2 * math.log(2.0) + torch.lgamma((d + p) / 2) - torch.lgamma(d / 2)


def chi_upper(d: torch.Tensor, p: torch.Tensor, B: torch.Tensor) -> torch.Tensor:
    """P(χ²_{d+p} > B²): the regularized upper incomplete gamma Q((d+p)/2, B²/2)."""
    return torch.special.gammaincc((d + p) / 2, B * B / 2)


def truncation_gap(d, p, B, c=1.0) -> torch.Tensor:
    """|E f − E[f | ‖X‖ ≤ B]| for f = c‖x‖^p: c E‖X‖^p (Q_{d+p} − Q_d)/P_d (P, Q lower / upper regularized
    gammas of χ²)."""
    # Q_{d+p} − Q_d = P_d − P_{d+p}: take the difference of the small ones (upper gammas in the tail,
    # lower gammas inside the bulk) so that nothing cancels to 1 − 1
    x = B * B / 2
    upper = torch.special.gammaincc((d + p) / 2, x) - torch.special.gammaincc(d / 2, x)
    lower = torch.special.gammainc(d / 2, x) - torch.special.gammainc((d + p) / 2, x)
    diff = torch.where(B * B >= d + p, upper, lower)
    return (c * torch.exp(log_chi_moment(d, p)) * diff / torch.special.gammainc(d / 2, x)).abs()


def second_term_lhs(d, p, B, c=1.0) -> torch.Tensor:
    """(1/P − 1) E[c‖X‖^p 1{‖X‖≤B}] = c E‖X‖^p P_{d+p} Q_d / P_d (P, Q the lower / upper regularized gammas;
    the lower ones directly, so that tiny P at small B keep their relative accuracy)."""
    lower = lambda a: torch.special.gammainc(a / 2, B * B / 2)  # noqa: E731
    return c * torch.exp(log_chi_moment(d, p)) * lower(d + p) * chi_upper(d, torch.zeros_like(p), B) / lower(d)


def tail_expectation(d, p, B, c=1.0) -> torch.Tensor:
    """E[c‖X‖^p 1{‖X‖ > B}] = c E‖X‖^p Q_{d+p}(B)."""
    return c * torch.exp(log_chi_moment(d, p)) * chi_upper(d, p, B)


def radial_tail_integral(d, p, B) -> torch.Tensor:
    """∫_B^∞ r^{p+d−1} e^{−r²/2} dr = 2^{(p+d)/2 − 1} Γ((p+d)/2) Q_{d+p}(B) (substitute u = r²/2)."""
    a = (d + p) / 2
    return torch.exp((a - 1) * math.log(2.0) + torch.lgamma(a)) * chi_upper(d, p, B)


SCALED_GAMMA_MAX_ITER = 256  # the continued fraction converges in ≤ ~160 steps for a ≤ 19, x ≥ a (measured)


def scaled_upper_gamma(a: torch.Tensor, x: torch.Tensor, max_iter: int = SCALED_GAMMA_MAX_ITER) -> torch.Tensor:
    """Γ(a, x)·e^x·x^{−a} (the upper incomplete gamma with its e^{−x}x^a factor divided out, O(1) for x ≥ a) by
    Legendre's continued fraction 1/(x+1−a− 1(1−a)/(x+3−a− 2(2−a)/(x+5−a− …))), modified Lentz, in the input
    dtype. No gamma function is evaluated and nothing over- or underflows, so float32 represents the value
    wherever float64 does. Each entry stops multiplying once its factor rounds to 1 (so rounding does not
    accumulate after convergence); an entry not converged after ``max_iter`` steps is NaN (the engine hands
    non-finite values to the reference). Intended for x ≥ a (there it converges in ≤ ~160 steps for a ≤ 19)."""
    a, x = torch.broadcast_tensors(a, x)
    eps, tiny = torch.finfo(x.dtype).eps, torch.finfo(x.dtype).tiny * 1e3
    b = x + 1 - a
    c = torch.full_like(x, 1 / tiny)
    d = 1 / b
    h = d.clone()
    done = torch.zeros_like(x, dtype=torch.bool)
    for i in range(1, max_iter + 1):
        an = -i * (i - a)
        b = b + 2
        d = an * d + b
        d = torch.where(d.abs() < tiny, torch.full_like(d, tiny), d)
        c = b + an / c
        c = torch.where(c.abs() < tiny, torch.full_like(c, tiny), c)
        d = 1 / d
        factor = d * c
        h = torch.where(done, h, h * factor)
        done = done | ((factor - 1).abs() <= eps)
        if bool(done.all()):
            break
    return torch.where(done, h, torch.full_like(h, math.nan))


def normalised_radial_tail(d, p, B) -> torch.Tensor:
    """∫_B^∞ r^{p+d−1} e^{−r²/2} dr / (B^{p+d} e^{−B²/2}) = ½ Γ(a, x) e^x x^{−a} with a = (p+d)/2, x = B²/2
    (substitute u = r²/2): the tail integral in units of its own bound's B-dependence, O(1) for B² ≥ p + d."""
    return scaled_upper_gamma((d + p) / 2, B * B / 2) / 2


# --- Theorems B.2 / B.3 ----------------------------------------------------------------------------------


def _sign_vectors(n: int, *, dtype, device) -> torch.Tensor:
    return torch.tensor(list(itertools.product((-1.0, 1.0), repeat=n)), dtype=dtype, device=device)


def mean_abs_walk(n: int, *, dtype, device) -> torch.Tensor:
    """E|Σ_{i≤n} σ_i| from the binomial law of the number of +1 (pmf through lgamma)."""
    k = torch.arange(n + 1, dtype=dtype, device=device)
    log_pmf = (math.lgamma(n + 1) - torch.lgamma(k + 1) - torch.lgamma(n - k + 1)) - n * math.log(2.0)
    return (torch.exp(log_pmf) * (2 * k - n).abs()).sum()


@functools.lru_cache(maxsize=256)
def _mean_abs_walk_float(n: int) -> float:
    """E|S_n| correctly rounded to float64, from the closed form ⌈n/2⌉ C(n, ⌈n/2⌉) / 2^{n−1} in exact integers
    (the lgamma/exp pmf of ``mean_abs_walk`` loses ~lgamma(n + 1) ulp: 100 ulp at n = 60, more than the
    claims' tolerance of a few ulp). The reference sums the absolute deviations instead."""
    if n == 0:
        return 0.0
    half = (n + 1) // 2
    return float(Fraction(half * math.comb(n, half), 2 ** (n - 1)))


def expected_max_abs_walk(n: int, *, dtype, device) -> torch.Tensor:
    """E max_{0≤k≤n} |S_k| of a simple ±1 walk: the law of (|S_k|, running max) propagated step by step
    (reflection at 0 handled by folding the walk onto |S|)."""
    # state [a, m]: |S_k| = a, running max m ≥ a
    prob = torch.zeros(n + 2, n + 2, dtype=dtype, device=device)
    prob[0, 0] = 1.0
    idx = torch.arange(n + 2, device=device)
    for _ in range(n):
        new = torch.zeros_like(prob)
        new[1, :] += prob[0, :]  # from 0 both steps go to |S| = 1
        new[2:, :] += 0.5 * prob[1:-1, :]  # a → a + 1
        new[:-1, :] += 0.5 * torch.cat([torch.zeros_like(prob[:1]), prob[1:, :]])[1:, :]  # a → a − 1 (a ≥ 1)
        # the running max becomes max(m, a)
        raise_mask = idx[None, :] < idx[:, None]  # m < a
        moved = torch.where(raise_mask, new, torch.zeros_like(new)).sum(1)
        new = torch.where(raise_mask, torch.zeros_like(new), new)
        new[idx, idx] += moved
        prob = new
    return (prob.sum(0) * idx.to(dtype)).sum()


def rademacher_thresholds(n: int, factor: float, *, dtype, device) -> torch.Tensor:
    """R_n of {x ↦ 1{x ≤ t}} under a continuous law: (f/n) E max_k |S_k|."""
    return factor * expected_max_abs_walk(n, dtype=dtype, device=device) / n


def rademacher_linear_point_mass(n: int, B: float, factor: float, *, dtype, device) -> torch.Tensor:
    """R_n(G) with every x_i = x_0, ‖x_0‖ = B: sup_θ is attained at θ = ±x_0/B; enumerate the signs."""
    signs = _sign_vectors(n, dtype=dtype, device=device)
    x0 = torch.zeros(3, dtype=dtype, device=device)
    x0[0] = B
    sums = signs.sum(1, keepdim=True) * x0  # Σ σ_i x_i, (2^n, 3)
    return factor / n * sums.norm(dim=1).mean()


def rademacher_linear_coordinates(n: int, d: int, B: float, factor: float, *, dtype, device) -> torch.Tensor:
    """R_n(G) for D uniform on {B e_1, …, B e_d}: enumerate every index sequence (d^n) and sign vector (2^n);
    sup_θ (f/n)|θ^T Σ σ_i x_i| = (f/n)‖Σ σ_i x_i‖."""
    signs = _sign_vectors(n, dtype=dtype, device=device)  # (S, n)
    idx = torch.tensor(list(itertools.product(range(d), repeat=n)), device=device)  # (I, n)
    onehot = torch.nn.functional.one_hot(idx, d).to(dtype) * B  # (I, n, d)
    sums = torch.einsum("sn,ind->isd", signs, onehot)
    return factor / n * sums.norm(dim=-1).mean()


def activation(family: str, t: torch.Tensor, C, L) -> torch.Tensor:
    """The test activations R → [−C, C], L-Lipschitz: cos/sin/tanh of Lt/C scaled by C; clip(Lt, 0, C)."""
    if family == "cos":
        return C * torch.cos(L * t / C)
    if family == "sin":
        return C * torch.sin(L * t / C)
    if family == "tanh":
        return C * torch.tanh(L * t / C)
    if family == "clip":
        return torch.minimum((L * t).clamp_min(0.0), torch.as_tensor(C, dtype=t.dtype, device=t.device))
    raise KeyError(family)


def activation_sup(family: str, C: torch.Tensor, L: torch.Tensor, B: torch.Tensor, d: torch.Tensor
                   ) -> torch.Tensor:
    """max |σ(t)| over reachable t = x_0^Tθ (batched over parameter tensors). Candidates: the end points ±B,
    the origin (d ≥ 2) and, for cos / sin, the first critical point (0 resp. πC/(2L), where |σ| = C) when it
    lies in [−B, B] and d ≥ 2 (for d = 1 only t = ±B is reachable)."""
    wide = d >= 2
    best = torch.maximum(activation(family, B, C, L).abs(), activation(family, -B, C, L).abs())
    best = torch.where(wide, torch.maximum(best, activation(family, torch.zeros_like(B), C, L).abs()), best)
    if family in ("cos", "sin"):
        first = torch.zeros_like(B) if family == "cos" else math.pi * C / (2 * L)
        best = torch.where(wide & (first <= B), torch.maximum(best, C), best)
    return best


def mean_abs_walk_of(n: torch.Tensor) -> torch.Tensor:
    """E|S_n| for a tensor of integers n (batched), in float64: a lookup in the table of ``mean_abs_walk``
    (float64, cached per n) for 0..max n, indexed by n."""
    top = int(n.max()) if n.numel() else 0
    table = torch.tensor([_mean_abs_walk_float(m) for m in range(top + 1)], dtype=torch.float64, device=n.device)
    return table[n.long()]


def family_mask(families, family: str, *, device) -> torch.Tensor:
    """Boolean tensor: which entries of a column of family names equal ``family`` (compared by numpy)."""
    return torch.as_tensor(np.asarray(families, dtype=object) == family, device=device)


def activation_sup_of(families, C: torch.Tensor, L: torch.Tensor, B: torch.Tensor, d: torch.Tensor) -> torch.Tensor:
    """``activation_sup`` for a column of family names (one batched evaluation per family present)."""
    families = np.asarray(families, dtype=object)
    sup = torch.zeros_like(B)
    for family in dict.fromkeys(families.tolist()):
        sup = torch.where(family_mask(families, family, device=B.device), activation_sup(family, C, L, B, d), sup)
    return sup


def rademacher_product_point_mass(n: torch.Tensor, d: torch.Tensor, B: torch.Tensor, fam1, fam2,
                                  C: torch.Tensor, L: torch.Tensor, factor: float) -> torch.Tensor:
    """R_n(F_{σ1,σ2}) with every x_i = x_0 (‖x_0‖ = B), batched: (f/n) E|S_n| sup|σ_1| sup|σ_2| (the sup over
    (θ, w) factorises since θ and w are free). ``fam1``, ``fam2``: columns of family names."""
    walk = mean_abs_walk_of(n).to(B.dtype)
    return factor / n * walk * activation_sup_of(fam1, C, L, B, d) * activation_sup_of(fam2, C, L, B, d)


def ks_statistic(x: torch.Tensor) -> torch.Tensor:
    """sup_t |t − F_n(t)| for samples x (…, n) in [0, 1]: the uniform deviation over the threshold class."""
    n = x.shape[-1]
    xs, _ = torch.sort(x, dim=-1)
    i = torch.arange(1, n + 1, dtype=x.dtype, device=x.device)
    return torch.maximum((i / n - xs).amax(-1), (xs - (i - 1) / n).amax(-1))


# --- Theorem B.4: empirical potentials from truncated Gaussian samples ------------------------------------


def truncated_gaussian(n: int, d: int, radius: float, generator: torch.Generator, *, dtype, device
                       ) -> torch.Tensor:
    """n i.i.d. draws of N(0, I_d) conditioned on ‖X‖ ≤ radius (rejection sampling)."""
    out = torch.empty(0, d, dtype=dtype, device=device)
    while out.shape[0] < n:
        draw = torch.randn(2 * n, d, generator=generator, dtype=dtype, device=device)
        out = torch.cat([out, draw[draw.norm(dim=1) <= radius]])
    return out[:n]


def hermite_normalised(m: int, t: torch.Tensor) -> torch.Tensor:
    """He_m(t)/√(m!) (probabilists' Hermite, orthonormal under N(0, 1)) by the three-term recurrence."""
    prev, cur = torch.ones_like(t), t
    if m == 0:
        return prev
    for k in range(1, m):
        prev, cur = cur, t * cur - k * prev
    return cur / math.sqrt(math.factorial(m))


def potential_sup_deviation(samples: torch.Tensor, grid: torch.Tensor, m: int) -> torch.Tensor:
    """sup over pairs (θ, w) of a grid of unit vectors of |Φ̂(θ, w) − ρ^m|, ρ = θ^T w, where
    Φ̂ = (1/n) Σ_i σ(x_i^Tθ) σ(x_i^T w) and σ = He_m/√(m!) (so that Φ(θ, w) = ρ^m under N(0, I)).
    samples: (batch, n, d); grid (g, d). Returns (batch,)."""
    act = hermite_normalised(m, samples @ grid.T)  # (batch, n, g)
    phi_hat = act.transpose(1, 2) @ act / samples.shape[1]  # (batch, g, g)
    phi = (grid @ grid.T).clamp(-1.0, 1.0) ** m
    return (phi_hat - phi).abs().amax((1, 2))


# --- Theorem B.5 / Corollary B.6: Algorithm 1 on explicit test functions ---------------------------------


def saddle_quartic(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """f(x, y) = x² − y² + y⁴/4: value, gradient, Hessian. Critical points (0, 0) (strict saddle) and
    (0, ±√2) (global minima, f = −1)."""
    a, b = x[..., 0], x[..., 1]
    value = a * a - b * b + b ** 4 / 4
    grad = torch.stack([2 * a, -2 * b + b ** 3], -1)
    hess = torch.diag_embed(torch.stack([torch.full_like(a, 2.0), -2 + 3 * b * b], -1))
    return value, grad, hess


def double_well(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """f(x) = Σ_i (x_i² − 1)²/4: critical points have coordinates in {−1, 0, 1}; the minima (all ±1) are
    global (f = 0); every other critical point has a coordinate 0 with curvature −1 (strict saddle)."""
    value = ((x * x - 1) ** 2).sum(-1) / 4
    grad = x ** 3 - x
    hess = torch.diag_embed(3 * x * x - 1)
    return value, grad, hess


def tilted_well(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """f(x) = Σ_i (x_i² − 1)²/4 + x_i/4: per coordinate a global minimum near −1.107, a non-global local minimum
    near 0.837 and a maximum near 0.270 (a control outside Corollary B.6's hypotheses)."""
    value, grad, hess = double_well(x)
    return value + x.sum(-1) / 4, grad + 0.25, hess


TEST_FUNCTIONS: dict[str, Callable] = {"saddle-quartic": saddle_quartic, "double-well": double_well,
                                       "tilted-well": tilted_well}


def saddle_quartic_grad(x: torch.Tensor) -> torch.Tensor:
    """∇f for f(x, y) = x² − y² + y⁴/4 (the only thing Algorithm 1 needs per step)."""
    return torch.stack([2 * x[..., 0], -2 * x[..., 1] + x[..., 1] ** 3], -1)


def double_well_grad(x: torch.Tensor) -> torch.Tensor:
    """∇f for f(x) = Σ_i (x_i² − 1)²/4."""
    return x ** 3 - x


TEST_GRADIENTS: dict[str, Callable] = {"saddle-quartic": saddle_quartic_grad, "double-well": double_well_grad,
                                       "tilted-well": lambda x: x ** 3 - x + 0.25}


def gradient_descent_closed(name: str, x0: torch.Tensor, alpha: float, T: int, tol: float,
                            blowup: float = 1e6) -> dict:
    """Algorithm 1 on M = R^d (Π_M = id) for the named test function with its closed-form gradient; stops
    early once ‖∇f‖ ≤ tol (the iterate then moves by less than α·tol per step) or when ‖x‖ > blowup.
    Returns the end point, the number of steps, whether it diverged, and f every 10 steps."""
    grad_fn, func = TEST_GRADIENTS[name], TEST_FUNCTIONS[name]
    x = x0.clone()
    curve = []
    steps = 0
    for steps in range(1, T + 1):
        grad = grad_fn(x)
        if steps % 10 == 1:
            curve.append(float(func(x)[0]))
        x = x - alpha * grad
        norm = float(x.norm())
        if not math.isfinite(norm) or norm > blowup:
            return {"x": x, "steps": steps, "diverged": True, "curve": curve}
        if float(grad.norm()) <= tol:
            break
    return {"x": x, "steps": steps, "diverged": False, "curve": curve}


# --- Theorem B.7: Algorithm 4 on a perturbed double well --------------------------------------------------


def sphere_noise(seed: int, T: int, d: int) -> np.ndarray:
    """T noise vectors uniform on S^{d−1}, drawn from numpy's PCG64 with the given seed (normalised
    Gaussians); the reference draws the identical stream, so both paths run the same trajectory."""
    z = np.random.default_rng(seed).standard_normal((T, d))
    return z / np.linalg.norm(z, axis=1, keepdims=True)


def perturbation_direction(seed: int, d: int) -> tuple[np.ndarray, float]:
    """The unit vector u and phase φ of the perturbation (ε/3) sin(u^T x + φ), from the seed."""
    rng = np.random.default_rng([seed, 7])
    u = rng.standard_normal(d)
    return u / np.linalg.norm(u), float(rng.uniform(0, 2 * math.pi))


def algorithm4_double_well(d: int, eps: float, eta: float, T: int, seeds: list[int], grad_fraction: float,
                           hess_fraction: float, *, dtype=torch.float64, device="cpu") -> dict:
    """Algorithm 4 on L̂ = double well + (ε/3) sin(u^T x + φ), started at the saddle x_0 = 0, M = R^d, run
    for every seed at once (each seed its own noise stream, u and φ; a run freezes once it returns).

    Returns {"x": (S, d) end points, "returned": (S,) bool (False = FAIL), "steps": (S,) int,
    "max_abs": (S,) largest |x_j| seen along each run}."""
    S = len(seeds)
    noise = torch.as_tensor(np.stack([sphere_noise(s, T, d) for s in seeds], 1), dtype=dtype, device=device)
    dirs = [perturbation_direction(s, d) for s in seeds]
    u = torch.as_tensor(np.stack([v for v, _ in dirs]), dtype=dtype, device=device)  # (S, d)
    phase = torch.tensor([ph for _, ph in dirs], dtype=dtype, device=device)
    size = eps / 3
    x = torch.zeros(S, d, dtype=dtype, device=device)
    active = torch.ones(S, dtype=torch.bool, device=device)
    steps = torch.full((S,), T, dtype=torch.long, device=device)
    max_abs = torch.zeros(S, dtype=dtype, device=device)

    def grad_of(x):
        s = (u * x).sum(1) + phase
        return x ** 3 - x + size * torch.cos(s)[:, None] * u, s

    for t in range(1, T + 1):
        grad, _ = grad_of(x)
        x = torch.where(active[:, None], x - eta * (grad + noise[t - 1]), x)
        max_abs = torch.maximum(max_abs, x.abs().amax(1))
        grad, s = grad_of(x)
        small = active & (grad.norm(dim=1) <= grad_fraction * eps)
        if bool(small.any()):
            hess = torch.diag_embed(3 * x * x - 1) - size * torch.sin(s)[:, None, None] * u[:, :, None] * u[:, None, :]
            done = small & (torch.linalg.eigvalsh(hess)[:, 0] >= -hess_fraction * eps)
            steps = torch.where(done, torch.full_like(steps, t), steps)
            active = active & ~done
            if not bool(active.any()):
                break
    return {"x": x, "returned": ~active, "steps": steps, "max_abs": max_abs}


def in_m_eps_double_well(x: torch.Tensor, eps: float) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Definition 4.1 for the unperturbed double well L: (‖∇L(x)‖, λ_min(∇²L(x)), x ∈ M_ε) per row."""
    _, grad, hess = double_well(x)
    gnorm = grad.norm(dim=-1)
    lam = torch.diagonal(hess, dim1=-2, dim2=-1).amin(-1)  # the Hessian is diagonal
    return gnorm, lam, (gnorm <= eps) & (lam >= -eps)


def minimal_truncation_radius(d: torch.Tensor, p: torch.Tensor, eps: torch.Tensor, iters: int = 200
                              ) -> torch.Tensor:
    """The smallest B with |E f − E[f | ‖X‖ ≤ B]| ≤ ε for f = ‖x‖^p (p ≥ 1), by bisection on
    [√(d+p), √(d+p) + 2√(2 log(1/ε)) + 10] (batched)."""
    lo = torch.sqrt(d + p)
    hi = lo + 2 * torch.sqrt(-2 * torch.log(eps)) + 10
    for _ in range(iters):
        mid = (lo + hi) / 2
        above = truncation_gap(d, p, mid) > eps
        lo, hi = torch.where(above, mid, lo), torch.where(above, hi, mid)
    return (lo + hi) / 2
