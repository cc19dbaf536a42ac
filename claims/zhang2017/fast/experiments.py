"""zhang2017 fast path for Sec. 5 (experiments, Table 2, Theorem 5.1) and App. D (Theorem D.1, eqs. 12–14).

Torch only; nothing here calls the mpmath reference.

* Teacher–student runs of Sec. 5: a random teacher network with N(0, 1) weights, a student of the same
  shape trained by full-batch gradient descent (Algorithm 1 with M = R^p). Networks of one depth and
  several widths are trained *together*: they are padded to the largest width and masked, so one batched
  matrix product serves every width (masked units have zero activations and zero gradients, so each
  network trains exactly as it would alone). Results are cached per (seed, configuration), so a mutant
  that only changes a success criterion does not train again.
* Theorem 5.1: the sign potential Φ(θ, w) = E[sgn(θ^T X) sgn(w^T X)] through the arc-sine kernel
  (2/π) arcsin(θ^T w) (Daniely et al. 2016; cross-checked against an mpmath quadrature in the tests),
  the Gram matrix of a configuration and the loss minimised exactly over the output weights.
* App. D: the empirical potential Φ̂(θ, w) = (1/n) Σ_m σ(x_m^T θ) σ(x_m^T w), the empirical loss (5),
  a_i* by one Newton step on the quadratic a_i ↦ L̂ (autograd), Riemannian gradients on S^{d−1}, and the
  node step of Algorithm 3 (a_i ← a_i*, then one SGD step of Algorithm 4 on θ_i).
"""

from __future__ import annotations

import contextlib
import functools
import math
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache

import torch

from . import _common as zc

ACTIVATIONS: dict[str, Callable[[torch.Tensor], torch.Tensor]] = {
    "tanh": torch.tanh,
    "relu": torch.relu,
    "exp": torch.exp,
    "identity": lambda t: t,  # a linear network (the Sec.-5 mutant's student)
}


def single_threaded(fn: Callable) -> Callable:
    """``fn`` run under ``single_thread()`` (a decorator for batched fast paths of small tensors)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with single_thread():
            return fn(*args, **kwargs)
    return wrapper


@contextlib.contextmanager
def single_thread() -> Iterator[None]:
    """Run tiny tensor loops on one intra-op thread (restored afterwards): for matrices this small, thread
    hand-offs cost more than they save, and under CPU contention they cost 10× more."""
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


# =========================================================================================================
# Sec. 5: teacher–student gradient descent
# =========================================================================================================

def _masked_forward(weights: Sequence[torch.Tensor], x: torch.Tensor, mask: torch.Tensor,
                    act: Callable[[torch.Tensor], torch.Tensor]) -> torch.Tensor:
    """Outputs (B, n) of B padded networks: hidden layers act(h W) masked to each network's width."""
    h = x
    for weight in weights[:-1]:
        h = act(h @ weight) * mask
    return (h @ weights[-1]).squeeze(-1)


def teacher_student(seed: int, depth: int, widths: tuple[int, ...], d: int, n_train: int, n_test: int,
                    steps: int, lr: float, activation: str = "tanh", dtype: torch.dtype = torch.float64,
                    curve_every: int = 5, student_activation: str | None = None
                    ) -> tuple[tuple[float, ...], tuple[float, ...], tuple[tuple[float, ...], ...]]:
    """See ``_teacher_student`` (this wrapper runs it single-threaded; results are cached)."""
    with single_thread():
        return _teacher_student(seed, depth, widths, d, n_train, n_test, steps, lr, activation, dtype, curve_every,
                                student_activation)


def _teacher_data(gen: torch.Generator, depth: int, widths: tuple[int, ...], d: int, n_train: int, n_test: int,
                  activation: str, dtype: torch.dtype):
    """The draws of one teacher–student instance before the student's: inputs, teachers, standardised targets."""
    act = ACTIVATIONS[activation]
    n_nets, wmax = len(widths), max(widths)
    mask = torch.zeros(n_nets, 1, wmax, dtype=dtype)
    for b, width in enumerate(widths):
        mask[b, 0, :width] = 1
    shapes = [(d, wmax)] + [(wmax, wmax)] * (depth - 2) + [(wmax, 1)]
    x_train = torch.randn(n_train, d, generator=gen, dtype=dtype)
    x_test = torch.randn(n_test, d, generator=gen, dtype=dtype)
    teacher = [torch.randn(n_nets, a, c, generator=gen, dtype=dtype) for a, c in shapes]
    with torch.no_grad():
        y_train = _masked_forward(teacher, x_train, mask, act)
        y_test = _masked_forward(teacher, x_test, mask, act)
    # standardise the targets by the teacher's training-output scale (relative error; keeps the step size
    # meaningful whatever the teacher's output scale, which grows with width under N(0, 1) weights)
    scale = y_train.std(1, keepdim=True)
    return mask, shapes, x_train, x_test, y_train / scale, y_test / scale


@lru_cache(maxsize=512)
def _teacher_student(seed: int, depth: int, widths: tuple[int, ...], d: int, n_train: int, n_test: int,
                     steps: int, lr: float, activation: str = "tanh", dtype: torch.dtype = torch.float64,
                     curve_every: int = 5, student_activation: str | None = None
                     ) -> tuple[tuple[float, ...], tuple[float, ...], tuple[tuple[float, ...], ...]]:
    """Train students of one depth (= number of weight layers) and several widths on random teachers.

    Teacher: all weights i.i.d. N(0, 1) (as printed), hidden activation ``activation``, linear output.
    Student: same shape, weights N(0, 1/fan_in), hidden activation ``student_activation`` (default: the
    teacher's). Loss: training MSE divided by the variance of the teacher's
    training outputs (relative error; 1 is the error of the best constant predictor). Full-batch gradient
    descent with step ``lr`` for ``steps`` steps. Returns (relative training errors, relative test errors
    on ``n_test`` fresh inputs, training curves), each indexed like ``widths``.
    """
    gen = torch.Generator().manual_seed(int(seed) % (2**63 - 1))
    act = ACTIVATIONS[student_activation or activation]
    n_nets = len(widths)
    mask, shapes, x_train, x_test, y_train, y_test = _teacher_data(gen, depth, widths, d, n_train, n_test,
                                                                   activation, dtype)
    fan_in = torch.tensor(widths, dtype=dtype).view(n_nets, 1, 1)
    student = []
    for index, (a, c) in enumerate(shapes):
        scale = 1 / math.sqrt(d) if index == 0 else 1 / fan_in.sqrt()
        student.append((torch.randn(n_nets, a, c, generator=gen, dtype=dtype) * scale).requires_grad_())
    v_train, v_test = y_train.var(1), y_test.var(1)
    curves: list[list[float]] = [[] for _ in widths]
    for step in range(steps):
        rel = ((_masked_forward(student, x_train, mask, act) - y_train) ** 2).mean(1) / v_train
        grads = torch.autograd.grad(rel.sum(), student)  # the sum decouples: each network gets its own gradient
        with torch.no_grad():
            for weight, grad in zip(student, grads, strict=True):
                weight -= lr * grad
        if step % curve_every == 0:
            for b, value in enumerate(rel.detach().tolist()):
                curves[b].append(value)
    with torch.no_grad():
        train = ((_masked_forward(student, x_train, mask, act) - y_train) ** 2).mean(1) / v_train
        test = ((_masked_forward(student, x_test, mask, act) - y_test) ** 2).mean(1) / v_test
    return tuple(train.tolist()), tuple(test.tolist()), tuple(tuple(c) for c in curves)


def linear_fit_floor(seed: int, depth: int, widths: tuple[int, ...], d: int, n_train: int, n_test: int,
                     activation: str = "tanh", dtype: torch.dtype = torch.float64, **_ignored) -> tuple[float, ...]:
    """Per width: the smallest relative training error any *linear* student (identity activation, any depth and
    width ≥ 1: its output is x ↦ x^T v for some v ∈ R^d, and every v is reachable) can have on the teacher data
    of ``teacher_student(seed, depth, widths, ...)`` — min_v mean((Xv − y)²) / var(y), by least squares in
    float64. A lower bound for every parameter value, so for every run of a linear student."""
    gen = torch.Generator().manual_seed(int(seed) % (2**63 - 1))
    _, _, x_train, _, y_train, _ = _teacher_data(gen, depth, widths, d, n_train, n_test, activation, dtype)
    out = []
    for b in range(len(widths)):
        y = y_train[b].unsqueeze(-1)
        v = torch.linalg.lstsq(x_train, y).solution
        out.append(float(((x_train @ v - y) ** 2).mean() / y.var()))
    return tuple(out)


def grid_errors(seed: int, depths: tuple[int, ...], widths: tuple[int, ...], **config) -> dict:
    """Table-2 grid for one seed: {(depth, width): (train error, test error, curve)} (one teacher per cell;
    the depth enters the seed so that the grids of different depths are independent)."""
    out = {}
    for depth in depths:
        train, test, curves = teacher_student(seed * 1009 + depth, depth, widths, **config)
        for b, width in enumerate(widths):
            out[(depth, width)] = (train[b], test[b], curves[b])
    return out


def spearman(x: Sequence[float], y: Sequence[float]) -> float:
    """Spearman rank correlation (average ranks for ties)."""
    def ranks(v: Sequence[float]) -> torch.Tensor:
        t = torch.tensor(list(v), dtype=torch.float64)
        order = torch.argsort(t)
        r = torch.empty_like(t)
        r[order] = torch.arange(len(t), dtype=torch.float64)
        for value in torch.unique(t):  # average ranks over ties
            sel = t == value
            r[sel] = r[sel].mean()
        return r
    rx, ry = ranks(x), ranks(y)
    rx, ry = rx - rx.mean(), ry - ry.mean()
    denom = math.sqrt(float((rx * rx).sum() * (ry * ry).sum()))
    return float((rx * ry).sum()) / denom if denom > 0 else 0.0


# =========================================================================================================
# Theorem 5.1: sign activation on the sphere
# =========================================================================================================

def sign_potential(rho: torch.Tensor) -> torch.Tensor:
    """Φ(θ, w) = E[sgn(θ^T X) sgn(w^T X)] = (2/π) arcsin(θ^T w) for unit θ, w (arc-sine kernel)."""
    return (2 / math.pi) * torch.asin(rho.clamp(-1.0, 1.0))


def min_loss_over_a(theta: torch.Tensor, w1: torch.Tensor, b1: float = 1.0, ridge: float = 1e-9
                    ) -> tuple[torch.Tensor, torch.Tensor]:
    """min over a of the full loss (4) E[(Σ a_i sgn(θ_i^T X) + b_1 sgn(w_1^T X))²] with b_2..b_k = 0.

    theta (..., k, d) unit rows; w1 (d,). The loss is a^T G a + 2 b_1 a^T g + b_1² with G_ij = Φ(θ_i, θ_j),
    g_i = Φ(θ_i, w_1). The minimiser is taken as a = −b_1 (G + ridge·I)^{-1} g (G may be singular; the ridge
    keeps the solve and its gradient finite) and the loss is then *evaluated* at that a, so the value returned
    is the loss of an actual configuration (an upper bound on the exact minimum, equal to it as ridge → 0).
    The diagonal is Φ(θ_i, θ_i) = 1 exactly (arcsin is not differentiable at 1). Returns (loss, a).
    """
    k = theta.shape[-2]
    eye = torch.eye(k, dtype=theta.dtype, device=theta.device)
    rho = (theta @ theta.transpose(-1, -2)) * (1 - eye)
    gram = sign_potential(rho.clamp(-1 + 1e-12, 1 - 1e-12)) * (1 - eye) + eye
    g = sign_potential((theta @ w1).clamp(-1 + 1e-12, 1 - 1e-12))
    a = -b1 * torch.linalg.solve(gram + ridge * eye, g.unsqueeze(-1)).squeeze(-1)
    value = (a.unsqueeze(-2) @ gram @ a.unsqueeze(-1)).squeeze(-1).squeeze(-1) + 2 * b1 * (a * g).sum(-1) + b1**2
    return value, a


def constrained_configuration(free: torch.Tensor, delta: float) -> torch.Tensor:
    """Unit rows θ_i whose first coordinate is δ·tanh(free_i0) ∈ (−δ, δ) and whose other coordinates are
    the direction of free_i,1: scaled to √(1 − θ_i1²): a smooth parametrisation of the band |θ_i1| < δ."""
    first = delta * torch.tanh(free[..., :1])
    rest = free[..., 1:]
    rest = rest / rest.norm(dim=-1, keepdim=True).clamp_min(1e-300)
    return torch.cat([first, rest * torch.sqrt(1 - first * first)], dim=-1)


def band_search(k: int, d: int, delta: float, starts: int, steps: int, seed: int, lr: float = 0.05
                ) -> tuple[float, torch.Tensor, torch.Tensor]:
    """Smallest min-over-a loss found in the band |w_1^T θ_i| ≤ δ (w_1 = e_1) by Adam from random starts.

    Returns (best loss, its configuration θ (k, d), its output weights a)."""
    with single_thread():
        return _band_search(k, d, delta, starts, steps, seed, lr)


def _band_search(k: int, d: int, delta: float, starts: int, steps: int, seed: int, lr: float
                 ) -> tuple[float, torch.Tensor, torch.Tensor]:
    gen = torch.Generator().manual_seed(seed)
    w1 = torch.zeros(d, dtype=torch.float64)
    w1[0] = 1
    free = torch.randn(starts, k, d, generator=gen, dtype=torch.float64).requires_grad_()
    # Adam written out (torch.optim's first step imports the compiler stack: seconds of start-up)
    beta1, beta2, tiny = 0.9, 0.999, 1e-8
    m1, m2 = torch.zeros_like(free), torch.zeros_like(free)
    for step in range(1, steps + 1):
        value, _ = min_loss_over_a(constrained_configuration(free, delta), w1)
        (grad,) = torch.autograd.grad(value.sum(), free)
        with torch.no_grad():
            m1.mul_(beta1).add_(grad, alpha=1 - beta1)
            m2.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
            free -= lr * (m1 / (1 - beta1**step)) / ((m2 / (1 - beta2**step)).sqrt() + tiny)
    with torch.no_grad():
        theta = constrained_configuration(free, delta)
        value, a = min_loss_over_a(theta, w1)
        best = int(torch.argmin(value))
    return float(value[best]), theta[best], a[best]


# =========================================================================================================
# App. D: empirical potential, a_i*, Riemannian gradients, the node step of Algorithm 3
# =========================================================================================================

def empirical_phi(x: torch.Tensor, activation: str) -> Callable[[torch.Tensor, torch.Tensor], torch.Tensor]:
    """Φ̂(θ, w) = (1/n) Σ_m σ(x_m^T θ) σ(x_m^T w) for data x (n, d), broadcasting over leading axes."""
    act = ACTIVATIONS[activation]

    def phi_hat(theta: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
        return (act(theta @ x.T) * act(w @ x.T)).mean(-1)
    return phi_hat


def population_phi(name: str) -> Callable[[torch.Tensor, torch.Tensor], torch.Tensor]:
    """A rotation-invariant population potential of the shared module (Φ(θ, θ) constant on the sphere)."""
    return zc.potential(name)


def loss5_hat(a: torch.Tensor, theta: torch.Tensor, b: torch.Tensor, w: torch.Tensor,
              phi: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]) -> torch.Tensor:
    """(5) with Φ̂: Σ_i a_i² Φ̂(θ_i,θ_i) + 2 Σ_{i<j} a_i a_j Φ̂(θ_i,θ_j) + 2 Σ_{i,j} a_i b_j Φ̂(θ_i,w_j) (through the
    potential's own ``loss5`` where it has one: the batched empirical Φ̂)."""
    own = getattr(phi, "loss5", None)
    if own is not None:
        return own(a, theta, b, w)
    return zc.loss5(a, theta, b, w, phi)


def c_hat(i: int, a: torch.Tensor, theta: torch.Tensor, b: torch.Tensor, w: torch.Tensor,
          phi: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]) -> torch.Tensor:
    """Ĉ(θ_i) = Σ_{j≠i} a_j Φ̂(θ_i, θ_j) + Σ_j b_j Φ̂(θ_i, w_j)."""
    k = theta.shape[-2]
    others = [j for j in range(k) if j != i]
    ti = theta[..., i:i + 1, :]
    value = (b * phi(ti, w)).sum(-1)
    if others:
        idx = torch.tensor(others)
        value = value + (a[..., idx] * phi(ti, theta[..., idx, :])).sum(-1)
    return value


def a_star(i: int, a: torch.Tensor, theta: torch.Tensor, b: torch.Tensor, w: torch.Tensor,
           phi: Callable[[torch.Tensor, torch.Tensor], torch.Tensor], *, create_graph: bool = False) -> torch.Tensor:
    """The minimiser of the quadratic a_i ↦ L̂(a, θ) by one Newton step from a_i (exact for a quadratic):
    a_i − (∂L̂/∂a_i)/(∂²L̂/∂a_i²), both derivatives by autograd (not the printed closed form)."""
    ai = a[..., i].detach().clone().requires_grad_()
    a_full = torch.cat([a[..., :i], ai.unsqueeze(-1), a[..., i + 1:]], dim=-1)
    loss = loss5_hat(a_full, theta, b, w, phi)
    (g,) = torch.autograd.grad(loss.sum(), ai, create_graph=True)
    (h,) = torch.autograd.grad(g.sum(), ai, create_graph=create_graph)
    return ai.detach() - g / h


def a_star_vertex(i: int, a: torch.Tensor, theta: torch.Tensor, b: torch.Tensor, w: torch.Tensor,
                  phi: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]) -> torch.Tensor:
    """The same minimiser from three forward evaluations of the quadratic a_i ↦ L̂ at a_i ∈ {−1, 0, 1} (one
    batched call; differentiable in θ without double backward — cheaper inside a θ-gradient)."""
    trial = a.unsqueeze(-2).repeat_interleave(3, dim=-2).clone()  # (..., 3, k)
    trial[..., :, i] = torch.tensor([-1.0, 0.0, 1.0], dtype=a.dtype, device=a.device)
    values = loss5_hat(trial, theta.unsqueeze(-3), b, w, phi)  # (..., 3)
    lm, l0, lp = values[..., 0], values[..., 1], values[..., 2]
    return -(lp - lm) / (2 * (lp + lm - 2 * l0))


def tangent(theta_i: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """Projection of v on the tangent space of the sphere at θ_i: v − (θ_i^T v) θ_i."""
    return v - (theta_i * v).sum(-1, keepdim=True) * theta_i


def sphere_grad(fn: Callable[[torch.Tensor], torch.Tensor], theta: torch.Tensor, i: int) -> torch.Tensor:
    """Riemannian gradient on S^{d−1} of θ_i ↦ fn(θ with row i replaced), summed over leading batch axes."""
    ti = theta[..., i, :].detach().clone().requires_grad_()
    full = torch.cat([theta[..., :i, :], ti.unsqueeze(-2), theta[..., i + 1:, :]], dim=-2)
    (grad,) = torch.autograd.grad(fn(full).sum(), ti)
    return tangent(ti.detach(), grad)


def node_sgd_run(theta0: torch.Tensor, i: int, a: torch.Tensor, b: torch.Tensor, w: torch.Tensor,
                 phi: Callable[[torch.Tensor, torch.Tensor], torch.Tensor], steps: int, alpha: float,
                 gen: torch.Generator) -> torch.Tensor:
    """The inner loop of Algorithm 3 for node i on a batch of independent runs (theta0 (R, k, d)).

    Each iteration: a_i ← a_i*(θ_i) (one exact Newton step: the 'GradientDescent' on the quadratic), then
    θ_i ← Π_M(θ_i − α(∇_{θ_i} L̂ + n)) with n uniform on the unit sphere of R^d (Algorithm 4, one step).
    Returns the trajectory of (a_i*(θ_i))² (steps + 1, R), recorded before each a-step and at the end.
    """
    with single_thread():
        return _node_sgd_run(theta0, i, a, b, w, phi, steps, alpha, gen)


def _node_sgd_run(theta0, i, a, b, w, phi, steps, alpha, gen) -> torch.Tensor:
    theta = theta0.clone()
    a = a.expand(theta.shape[0], -1).clone()
    squares = []
    for _ in range(steps):
        ai = a_star(i, a, theta, b, w, phi)
        squares.append(ai * ai)
        a[:, i] = ai
        grad = sphere_grad(lambda th: loss5_hat(a, th, b, w, phi), theta, i)
        noise = torch.randn(grad.shape, generator=gen, dtype=grad.dtype)
        noise = noise / noise.norm(dim=-1, keepdim=True)
        theta[:, i, :] = zc.project(theta[:, i, :] - alpha * (grad + noise), "sphere")
    ai = a_star(i, a, theta, b, w, phi)
    squares.append(ai * ai)
    return torch.stack(squares)


# =========================================================================================================
# Sec. 5 with node-wise training (Algorithm 3 transplanted to a depth-2 network on R^d)
# =========================================================================================================

def nodewise_teacher_student(seed: int, widths: tuple[int, ...], d: int, n_train: int, n_test: int,
                             steps_per_node: int, lr: float, activation: str = "tanh",
                             dtype: torch.dtype = torch.float64) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Depth-2 teacher–student as in ``teacher_student``, trained node-wise: a = 0; for i = 1..k, gradient descent
    on (a_i, θ_i) only (the other nodes frozen) for ``steps_per_node`` steps, then all output weights refit (the
    last line of Algorithm 3, 'a = GradientDescent(a, T, ∇_a L̂, α)', taken to its limit: least squares).
    Returns (relative training errors, relative test errors) per width. Cached; single-threaded."""
    with single_thread():
        return _nodewise(seed, widths, d, n_train, n_test, steps_per_node, lr, activation, dtype)


@lru_cache(maxsize=128)
def _nodewise(seed, widths, d, n_train, n_test, steps_per_node, lr, activation, dtype):
    gen = torch.Generator().manual_seed(int(seed) % (2**63 - 1))
    act = ACTIVATIONS[activation]
    n_nets, wmax = len(widths), max(widths)
    mask = torch.zeros(n_nets, 1, wmax, dtype=dtype)
    for b, width in enumerate(widths):
        mask[b, 0, :width] = 1
    x_train = torch.randn(n_train, d, generator=gen, dtype=dtype)
    x_test = torch.randn(n_test, d, generator=gen, dtype=dtype)
    t_in = torch.randn(n_nets, d, wmax, generator=gen, dtype=dtype)
    t_out = torch.randn(n_nets, wmax, 1, generator=gen, dtype=dtype)
    with torch.no_grad():
        y_train = _masked_forward([t_in, t_out], x_train, mask, act)
        y_test = _masked_forward([t_in, t_out], x_test, mask, act)
    scale = y_train.std(1, keepdim=True)
    y_train, y_test = y_train / scale, y_test / scale
    theta = torch.randn(n_nets, d, wmax, generator=gen, dtype=dtype) / math.sqrt(d)
    a = torch.zeros(n_nets, wmax, 1, dtype=dtype)
    eye = torch.eye(wmax, dtype=dtype)
    for i in range(wmax):
        node = torch.zeros(1, 1, wmax, dtype=dtype)
        node[0, 0, i] = 1
        node = node * mask  # networks narrower than i + 1 have no node i
        for _ in range(steps_per_node):
            th, aa = theta.clone().requires_grad_(), a.clone().requires_grad_()
            rel = ((_masked_forward([th, aa], x_train, mask, act) - y_train) ** 2).mean(1)
            g_th, g_a = torch.autograd.grad(rel.sum(), [th, aa])
            theta = theta - lr * g_th * node  # only θ_i moves
            a = a - lr * g_a * node.transpose(-1, -2)  # only a_i moves
        # refit the output weights of the nodes trained so far (least squares; ridge for the unused columns)
        seen = (torch.arange(wmax) <= i).to(dtype).view(1, 1, wmax) * mask
        feats = act(x_train @ theta) * seen
        gram = feats.transpose(-1, -2) @ feats + 1e-10 * eye
        a = torch.linalg.solve(gram, feats.transpose(-1, -2) @ y_train.unsqueeze(-1)) * seen.transpose(-1, -2)
    with torch.no_grad():
        train = ((_masked_forward([theta, a], x_train, mask, act) - y_train) ** 2).mean(1) / y_train.var(1)
        test = ((_masked_forward([theta, a], x_test, mask, act) - y_test) ** 2).mean(1) / y_test.var(1)
    return tuple(train.tolist()), tuple(test.tolist())


# =========================================================================================================
# App. D batched: N configurations at once (leading axis N), the node i of each given as an index tensor
# =========================================================================================================
#
# Configurations of different (k, d, n) are padded to one shape: extra particles θ_j = w_j = e_1 with
# a_j = b_j = 0 (every term they enter is multiplied by a zero weight), extra coordinates 0 (inner products,
# norms and the data's projections are unchanged; gradients in those coordinates vanish and u is 0 there), extra
# data rows masked out of the empirical mean. Each configuration's values are those of the per-point functions
# above up to the order of summation.

def empirical_phi_batched(x: torch.Tensor, mask: torch.Tensor, activation: str
                          ) -> Callable[[torch.Tensor, torch.Tensor], torch.Tensor]:
    """Φ̂ of ``empirical_phi`` for N data sets at once: x (N, n, d) (rows beyond each set's size arbitrary),
    mask (N, n) with 1 on the set's rows; the callable takes θ (N, ..., d), w (N, ..., d) (broadcasting in the
    middle axes) and returns (N, ...)."""
    act = ACTIVATIONS[activation]
    count = mask.sum(-1)
    xt = x.transpose(1, 2)

    def features(v: torch.Tensor) -> torch.Tensor:
        return act((v.reshape(v.shape[0], -1, v.shape[-1]) @ xt).reshape(*v.shape[:-1], x.shape[1]))

    def phi_hat(theta: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
        prod = features(theta) * features(w)
        extra = (1,) * (prod.dim() - 2)
        return (prod * mask.view(mask.shape[0], *extra, -1)).sum(-1) / count.view(-1, *extra)

    def loss5(a: torch.Tensor, theta: torch.Tensor, b: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
        """(5) with Φ̂ as one mean over the data: (1/n) Σ_m (A_m² + 2 A_m B_m), A_m = Σ_i a_i σ(x_m^T θ_i),
        B_m = Σ_j b_j σ(x_m^T w_j) (the pair sums of (5) regrouped; each feature computed once)."""
        big_a = (a.unsqueeze(-1) * features(theta)).sum(-2)
        big_b = (b.unsqueeze(-1) * features(w)).sum(-2)
        value = big_a * (big_a + 2 * big_b)
        extra = (1,) * (value.dim() - 2)
        return (value * mask.view(mask.shape[0], *extra, -1)).sum(-1) / count.view(-1, *extra)

    phi_hat.loss5 = loss5  # type: ignore[attr-defined]  # used by loss5_hat
    return phi_hat


def _replace_row(theta: torch.Tensor, node: torch.Tensor, row: torch.Tensor) -> torch.Tensor:
    """θ with row ``node`` of each configuration replaced by ``row`` (N, d) (differentiable in ``row``)."""
    hit = torch.nn.functional.one_hot(node, theta.shape[-2]).bool().unsqueeze(-1)
    return torch.where(hit, row.unsqueeze(-2), theta)


def _replace_entry(a: torch.Tensor, node: torch.Tensor, value: torch.Tensor) -> torch.Tensor:
    hit = torch.nn.functional.one_hot(node, a.shape[-1]).bool()
    while hit.dim() < a.dim():
        hit = hit.unsqueeze(-2)
    return torch.where(hit, value.unsqueeze(-1), a)


def row_of(theta: torch.Tensor, node: torch.Tensor) -> torch.Tensor:
    """θ_i (N, d) of each configuration."""
    return theta[torch.arange(theta.shape[0], device=theta.device), node]


def entry_of(a: torch.Tensor, node: torch.Tensor) -> torch.Tensor:
    return a[torch.arange(a.shape[0], device=a.device), node]


def c_hat_batched(node, a, theta, b, w, phi) -> torch.Tensor:
    """Ĉ(θ_i) of ``c_hat`` for N configurations: Σ_{j≠i} a_j Φ̂(θ_i, θ_j) + Σ_j b_j Φ̂(θ_i, w_j)."""
    ti = row_of(theta, node).unsqueeze(-2)
    others = 1 - torch.nn.functional.one_hot(node, theta.shape[-2]).to(a.dtype)
    return (b * phi(ti, w)).sum(-1) + (a * others * phi(ti, theta)).sum(-1)


def a_star_batched(node, a, theta, b, w, phi) -> torch.Tensor:
    """``a_star`` for N configurations: one autograd Newton step on the quadratic a_i ↦ L̂ from a_i."""
    with torch.enable_grad():
        ai = entry_of(a, node).detach().clone().requires_grad_()
        loss = loss5_hat(_replace_entry(a, node, ai), theta, b, w, phi)
        (g,) = torch.autograd.grad(loss.sum(), ai, create_graph=True)
        (h,) = torch.autograd.grad(g.sum(), ai)
    return ai.detach() - g.detach() / h


def a_star_vertex_batched(node, a, theta, b, w, phi) -> torch.Tensor:
    """``a_star_vertex`` for N configurations (three loss values at a_i ∈ {−1, 0, 1}, one batched call)."""
    trial = _replace_entry(a.unsqueeze(-2).expand(*a.shape[:-1], 3, a.shape[-1]), node,
                           torch.tensor([-1.0, 0.0, 1.0], dtype=a.dtype, device=a.device).expand(a.shape[0], 3))
    values = loss5_hat(trial, theta.unsqueeze(-3), b.unsqueeze(-2), w.unsqueeze(-3), phi)  # (N, 3)
    lm, l0, lp = values[..., 0], values[..., 1], values[..., 2]
    return -(lp - lm) / (2 * (lp + lm - 2 * l0))


def sphere_directional_batched(fn: Callable[[torch.Tensor], torch.Tensor], theta: torch.Tensor,
                               node: torch.Tensor, u: torch.Tensor) -> torch.Tensor:
    """u^T ∇_M of θ_i ↦ fn(θ with row i replaced) on S^{d−1}, for N configurations (fn returns (N,))."""
    with torch.enable_grad():
        ti = row_of(theta, node).detach().clone().requires_grad_()
        (grad,) = torch.autograd.grad(fn(_replace_row(theta, node, ti)).sum(), ti)
    return (tangent(ti.detach(), grad) * u).sum(-1)
