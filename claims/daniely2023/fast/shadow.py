"""Torch kernels for the shadow-network claims of Daniely et al. (Sec. 1.1, 2.4, 2.6.1).

Never calls reference/.

* λ(n) of Lemma 2.11 (log-gamma, independent of the reference's exact double factorial);
* points of S̃^{d−1} from two input distributions, monomial features and a least-squares learner (Cor. 1.2);
* the δ-truncated networks Ψ^i(x, δ), Ψ^{i,n}(x, δ) of Sec. 2.6.1, batched over weight draws.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from functools import cache

import torch

from ._networks import normalised_norm, xavier


def lambda_n(n: int) -> float:
    """λ(n) = 2^{2n+1} (9 (4n − 1)!!)^{1/4}, with (4n − 1)!! = (4n)! / (2^{2n} (2n)!) by log-gamma."""
    log_dfact = math.lgamma(4 * n + 1) - 2 * n * math.log(2) - math.lgamma(2 * n + 1)
    return math.exp((2 * n + 1) * math.log(2) + 0.25 * (math.log(9) + log_dfact))


# --- Corollary 1.2: inputs, features, learner --------------------------------------------------------

#: Scales of the anisotropic input law: a Gaussian stretched along two axes, projected on S̃^{d−1}; most of
#: its mass lies near the great circle spanned by the first two coordinates.
ANISOTROPIC_SCALES = (3.0, 2.0)
ANISOTROPIC_REST = 0.3


def sphere_samples(m: int, d: int, generator: torch.Generator, distribution: str, *, device,
                   dtype) -> torch.Tensor:
    """m points of S̃^{d−1} = {x : (1/d) Σ x_i² = 1}: "uniform", or "anisotropic" (see ANISOTROPIC_SCALES)."""
    u = torch.randn(m, d, generator=generator, device=device, dtype=dtype)
    if distribution == "anisotropic":
        scales = torch.full((d,), ANISOTROPIC_REST, device=device, dtype=dtype)
        scales[: len(ANISOTROPIC_SCALES)] = torch.tensor(ANISOTROPIC_SCALES, device=device, dtype=dtype)
        u = u * scales
    elif distribution != "uniform":
        raise ValueError(f"unknown input distribution {distribution!r}")
    return u / normalised_norm(u)[:, None]


@cache
def _monomial_plan(d: int, degree: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Monomials of total degree <= `degree` in d variables, graded: (parent, variable) per monomial.

    Monomial 0 is the constant; every other one is (its parent monomial, one degree lower) × x_variable, with
    variables in non-decreasing order so each monomial appears once."""
    monomials: list[tuple[int, ...]] = [()]
    parents, variables = [0], [-1]
    position = {(): 0}
    for k in range(1, degree + 1):
        for combo in itertools.combinations_with_replacement(range(d), k):
            position[combo] = len(monomials)
            monomials.append(combo)
            parents.append(position[combo[:-1]])
            variables.append(combo[-1])
    return tuple(parents), tuple(variables)


def monomial_features(x: torch.Tensor, degree: int) -> torch.Tensor:
    """All monomials of total degree <= `degree` in the columns of x (m, d) -> (m, C(d + degree, degree)).

    Built degree by degree: each monomial is its parent (one degree lower) times one variable."""
    m, d = x.shape
    parents, variables = _monomial_plan(d, degree)
    out = torch.empty(m, len(parents), device=x.device, dtype=x.dtype)
    out[:, 0] = 1
    start = 1
    for k in range(1, degree + 1):
        stop = start + math.comb(d + k - 1, k)
        par = torch.tensor(parents[start:stop], device=x.device)
        var = torch.tensor(variables[start:stop], device=x.device)
        out[:, start:stop] = out[:, par] * x[:, var]
        start = stop
    return out


#: Relative ridge of the least-squares learner: on S̃^{d−1} the monomials are linearly dependent
#: (Σ x_i² = d), so the Gram matrix is singular; a ridge of 1e-10 · mean diagonal picks the minimum-norm-like
#: solution without changing the fit measurably (it is far below the features' scale).
RIDGE = 1e-10


def fit_polynomial(x: torch.Tensor, y: torch.Tensor, degree: int) -> Callable[[torch.Tensor], torch.Tensor]:
    """Least squares over polynomials of degree <= `degree` (ridge-regularised normal equations, Cholesky).

    The learner always works in float64: it is part of the algorithm A, not of the checked arithmetic."""
    x64, y64 = x.to(torch.float64), y.to(torch.float64)
    f = monomial_features(x64, degree)
    gram = f.T @ f
    eye = torch.eye(gram.shape[0], device=x.device, dtype=torch.float64)
    gram += RIDGE * torch.diagonal(gram).mean() * eye
    chol = torch.linalg.cholesky(gram)
    beta = torch.cholesky_solve((f.T @ y64)[:, None], chol)[:, 0]

    def predict(z: torch.Tensor) -> torch.Tensor:
        return (monomial_features(z.to(torch.float64), degree) @ beta).to(z.dtype)

    return predict


def degree_for_samples(m: int, d: int, samples_per_feature: int, max_degree: int) -> int:
    """The learner's degree rule: the largest q <= max_degree with C(d + q, q) · samples_per_feature <= m."""
    q = 0
    while q < max_degree and math.comb(d + q + 1, q + 1) * samples_per_feature <= m:
        q += 1
    return q


def xavier_network(dims: Sequence[int], activation: Callable, generator: torch.Generator, *, device,
                   dtype) -> Callable[[torch.Tensor], torch.Tensor]:
    """One random Xavier network x -> Φ^i_W(x) (last layer linear, as Φ^i), applied to rows of x."""
    weights = [xavier(1, d_out, d_in, generator, device=device, dtype=dtype)[0]
               for d_in, d_out in zip(dims[:-1], dims[1:], strict=True)]

    def phi(x: torch.Tensor) -> torch.Tensor:
        h = x
        for j, w in enumerate(weights):
            h = h @ w.T
            if j < len(weights) - 1:
                h = activation(h)
        return h

    return phi


# --- Sec. 2.6.1: δ-truncated networks ---------------------------------------------------------------

def truncated_difference(x: torch.Tensor, weights: Sequence[torch.Tensor], sigma: Callable, sigma_n: Callable,
                         delta: float) -> torch.Tensor:
    """‖Ψ^i(x, δ) − Ψ^{i,n}(x, δ)‖ per weight draw, i = len(weights).

    Ψ^j = σ(W^j Ψ^{j−1}) and Ψ^{j,n} = σ_n(W^j Ψ^{j−1,n}) for every j ≤ i (the post-activation shadow that
    Lemma 2.12 compares); both are replaced by 0 when |1 − ‖Ψ^j‖| > δ or |1 − ‖Ψ^{j,n}‖| > δ for some
    j < i."""
    draws = weights[0].shape[0]
    psi = x.expand(draws, -1)
    psi_n = psi
    alive = torch.ones(draws, dtype=torch.bool, device=x.device)
    for w in weights:  # before layer j + 1, psi is Ψ^j with j < i (Ψ^0 = x)
        alive &= ((1 - normalised_norm(psi)).abs() <= delta) & ((1 - normalised_norm(psi_n)).abs() <= delta)
        psi = sigma(torch.einsum("bij,bj->bi", w, psi))
        psi_n = sigma_n(torch.einsum("bij,bj->bi", w, psi_n))
    diff = normalised_norm(psi - psi_n)
    return torch.where(alive, diff, torch.zeros_like(diff))
