"""Constructive random group elements (torch), for invariance checks and random configurations.

Every sampler takes an explicit ``torch.Generator`` (runs are reproducible from a seed) and returns a batch.
Elements are built, never filtered: Haar orthogonal matrices by QR of a Gaussian matrix with the signs of
R's diagonal moved into Q (Mezzadri 2007), rotations by flipping one column when det = −1, invertible
matrices with a prescribed condition-number bound as U diag(s) V^T with s in [1/√κ, √κ].
"""

from __future__ import annotations

import torch


def haar_orthogonal(batch: int, n: int, generator: torch.Generator, *, dtype=torch.float64,
                    device="cpu") -> torch.Tensor:
    """(batch, n, n) orthogonal matrices distributed by Haar measure on O(n)."""
    g = torch.randn(batch, n, n, generator=generator, dtype=torch.float64).to(device)
    q, r = torch.linalg.qr(g)
    signs = torch.sign(torch.diagonal(r, dim1=-2, dim2=-1))
    signs = torch.where(signs == 0, torch.ones_like(signs), signs)
    return (q * signs.unsqueeze(-2)).to(dtype)


def random_rotation(batch: int, n: int, generator: torch.Generator, *, dtype=torch.float64,
                    device="cpu") -> torch.Tensor:
    """(batch, n, n) Haar-distributed elements of SO(n) (det = +1)."""
    q = haar_orthogonal(batch, n, generator, dtype=torch.float64, device=device)
    det = torch.linalg.det(q)
    flip = torch.ones(batch, n, dtype=torch.float64, device=device)
    flip[:, 0] = torch.sign(det)
    return (q * flip.unsqueeze(-2)).to(dtype)


def random_permutation(batch: int, n: int, generator: torch.Generator, *, device="cpu") -> torch.Tensor:
    """(batch, n) uniformly random permutations of range(n) (long)."""
    keys = torch.rand(batch, n, generator=generator, dtype=torch.float64)
    return torch.argsort(keys, dim=-1).to(device)


def permutation_matrix(perm: torch.Tensor, *, dtype=torch.float64) -> torch.Tensor:
    """(batch, n, n) matrices P with (P x)_i = x_{perm_i}."""
    n = perm.shape[-1]
    eye = torch.eye(n, dtype=dtype, device=perm.device)
    return eye[perm]


def random_sign_flip(batch: int, n: int, generator: torch.Generator, *, dtype=torch.float64,
                     device="cpu") -> torch.Tensor:
    """(batch, n, n) diagonal matrices with independent uniform ±1 entries."""
    bits = torch.randint(0, 2, (batch, n), generator=generator).to(torch.float64) * 2 - 1
    return torch.diag_embed(bits).to(device=device, dtype=dtype)


def random_invertible(batch: int, n: int, generator: torch.Generator, max_condition: float = 10.0, *,
                      dtype=torch.float64, device="cpu") -> torch.Tensor:
    """(batch, n, n) invertible matrices with 2-norm condition number at most ``max_condition``."""
    u = haar_orthogonal(batch, n, generator, device=device)
    v = haar_orthogonal(batch, n, generator, device=device)
    half = 0.5 * torch.log(torch.tensor(max_condition, dtype=torch.float64))
    s = torch.exp((2 * torch.rand(batch, n, generator=generator, dtype=torch.float64) - 1) * half).to(device)
    return (u * s.unsqueeze(-2) @ v.transpose(-1, -2)).to(dtype)


def random_translation(batch: int, n: int, generator: torch.Generator, scale: float = 2.0, *,
                       dtype=torch.float64, device="cpu") -> torch.Tensor:
    """(batch, n) translation vectors with i.i.d. N(0, scale²) entries."""
    return (scale * torch.randn(batch, n, generator=generator, dtype=torch.float64)).to(device=device, dtype=dtype)


def random_unit_vectors(shape: tuple[int, ...], n: int, generator: torch.Generator, *, dtype=torch.float64,
                        device="cpu") -> torch.Tensor:
    """(*shape, n) uniform points on S^{n-1} (normalised Gaussians; a zero draw has probability 0)."""
    g = torch.randn(*shape, n, generator=generator, dtype=torch.float64)
    return (g / g.norm(dim=-1, keepdim=True)).to(device=device, dtype=dtype)
