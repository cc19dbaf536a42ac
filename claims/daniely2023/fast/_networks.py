"""Random Xavier networks and their Hermite shadows, batched over weight draws (Sec. 1.1, 2.4).

Norms and inner products are the paper's *normalised* ones: ‖x‖² = (1/d) Σ x_i².
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch


def normalised_norm(x: torch.Tensor) -> torch.Tensor:
    """‖x‖ = sqrt(mean of squares) over the last axis."""
    return torch.sqrt((x * x).mean(dim=-1))


def xavier(draws: int, d_out: int, d_in: int, generator: torch.Generator, *, device, dtype) -> torch.Tensor:
    """A batch of Xavier matrices: i.i.d. N(0, 1/d_in) entries, shape (draws, d_out, d_in)."""
    return torch.randn(draws, d_out, d_in, generator=generator, device=device, dtype=dtype) / d_in**0.5


def sphere_point(d: int, *, device, dtype, generator: torch.Generator | None = None) -> torch.Tensor:
    """A point of S̃^{d-1} (normalised norm 1): sqrt(d)·u, u uniform on the unit sphere (or all ones)."""
    if generator is None:
        return torch.ones(d, device=device, dtype=dtype)
    u = torch.randn(d, generator=generator, device=device, dtype=dtype)
    return u / normalised_norm(u)


def forward(x: torch.Tensor, weights: Sequence[torch.Tensor], activation: Callable,
            shadow: Callable | None = None) -> dict[str, list[torch.Tensor]]:
    """Φ^j and Ψ^j for j = 1..i (true network) and, with `shadow`, Φ^{j,n}, Ψ^{j,n} of the shadow network.

    `x` has shape (d_0,) or (draws, d_0); each weight has shape (draws, d_j, d_{j-1}). The shadow network
    uses σ_n on layers 1..i-1 and is linear in layer i, as printed (Ψ^{i,n} = W^i Ψ^{i-1,n})."""
    draws = weights[0].shape[0]
    psi = x.expand(draws, -1) if x.dim() == 1 else x
    psi_n = psi
    out: dict[str, list[torch.Tensor]] = {"Phi": [], "Psi": [], "Phi_n": [], "Psi_n": []}
    depth = len(weights)
    for j, w in enumerate(weights, start=1):
        phi = torch.einsum("bij,bj->bi", w, psi)
        psi = activation(phi)
        out["Phi"].append(phi)
        out["Psi"].append(psi)
        if shadow is not None:
            phi_n = torch.einsum("bij,bj->bi", w, psi_n)
            psi_n = shadow(phi_n) if j < depth else phi_n
            out["Phi_n"].append(phi_n)
            out["Psi_n"].append(psi_n)
    return out
