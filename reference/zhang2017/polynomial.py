"""zhang2017 reference (sympy / mpmath) for Sec. 4 and Apps. C–E: the Gaussian-potential Laplacian, the
Laplace–Beltrami operator on S^{d−1} for zonal functions, the App.-D recurrence and its truncation, the
App.-E Gaussian moment step, the exponential activation of Cor. 4.3 and the Theorem-4.4 landscape.

Nothing here imports torch. Functions taking ``ctx`` work in that local mpmath context; sympy helpers
return exact expressions. Printed constants are passed in explicitly (the claims' ``constants``), so a
mutant changes what is compared, never how the independent side is computed.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from functools import lru_cache

import sympy as sp

# --- symbols -------------------------------------------------------------------------------------------

X = sp.Symbol("x", real=True)
D = sp.Symbol("d", positive=True, integer=True)
N_SYM = sp.Symbol("n", nonnegative=True, integer=True)
F = sp.Function("f")


# --- Sec. 4.1: the Laplacian of the Gaussian potential in R^d --------------------------------------

def gaussian_laplacian_one_coordinate() -> tuple[sp.Expr, sp.Symbol, sp.Symbol]:
    """∂²/∂t² exp(−(t² + R)/2) with R the squared norm of the other coordinates (t = θ_i − w_i)."""
    t, rest = sp.symbols("t R", real=True)
    return sp.expand(sp.powsimp(sp.diff(sp.exp(-(t**2 + rest) / 2), t, 2) * sp.exp((t**2 + rest) / 2))), t, rest


def gaussian_laplacian_explicit(d: int) -> tuple[sp.Expr, sp.Expr]:
    """(ΔΦ, r²) for Φ = exp(−‖y‖²/2) in explicit coordinates y ∈ R^d (y = θ − w)."""
    ys = sp.symbols(f"y1:{d + 1}", real=True)
    r2 = sum(y**2 for y in ys)
    phi = sp.exp(-r2 / 2)
    # divide by Φ before simplifying: the quotient is a polynomial, which sympy expands quickly
    ratio = sp.expand(sp.powsimp(sum(sp.diff(phi, y, 2) for y in ys) * sp.exp(r2 / 2)))
    return ratio * phi, r2


def laplacian_mpmath(ctx, theta: Sequence, w: Sequence):
    """Σ_i ∂²Φ/∂θ_i² for Φ = exp(−‖θ − w‖²/2) by mpmath numerical differentiation (independent of the
    printed formula; accurate to ~dps−5 digits for this entire function)."""
    theta = [ctx.mpf(v) for v in theta]
    w = [ctx.mpf(v) for v in w]
    total = ctx.mpf(0)
    for i in range(len(theta)):
        def along(t, i=i):
            return ctx.exp(-ctx.fsum((t - w[j]) ** 2 if j == i else (theta[j] - w[j]) ** 2
                                     for j in range(len(theta))) / 2)
        total += ctx.diff(along, theta[i], 2)
    return total


# --- App. D: the Laplace–Beltrami operator on S^{d−1} for f(u^T v) ------------------------------------

def printed_zonal_laplacian(f_expr: sp.Expr, x: sp.Symbol, d, dim_shift=1) -> sp.Expr:
    """The printed right side f''(x)(1 − x²) − (d − dim_shift) x f'(x) (x = cos θ); dim_shift = 1 as printed."""
    return sp.diff(f_expr, x, 2) * (1 - x**2) - (d - dim_shift) * x * sp.diff(f_expr, x)


T_SYM = sp.Symbol("t", positive=True)


def polar_form_difference(dim_shift=1, f=None) -> sp.Expr:
    """(sin t)^{2−d} d/dt[(sin t)^{d−2} d/dt f(cos t)] minus the printed right side, symbolic d; f generic
    (an undefined function) unless a concrete ``f`` (a sympy Lambda) is given. Unsimplified."""
    t = T_SYM
    fun = F if f is None else f
    lhs = sp.sin(t) ** (2 - D) * sp.diff(sp.sin(t) ** (D - 2) * sp.diff(fun(sp.cos(t)), t), t)
    u = sp.Symbol("u")
    rhs = (sp.diff(fun(u), u, 2) * (1 - u**2) - (D - dim_shift) * u * sp.diff(fun(u), u)).subs(u, sp.cos(t))
    return lhs - rhs.doit()


F_DERIVS = sp.symbols("f0 f1 f2")


def _derivatives_as_symbols(expr: sp.Expr) -> sp.Expr:
    """Replace f(·), f'(·), f''(·) (as Derivative or Subs objects) by the symbols f0, f1, f2: every occurrence is
    evaluated at the same argument (cos t, or x), so this is exact and lets sympy simplify a rational expression."""
    expr = expr.doit()
    reps = {}
    for atom in expr.atoms(sp.Subs, sp.Derivative):
        inner = atom.expr if isinstance(atom, sp.Subs) else atom
        if isinstance(inner, sp.Derivative) and inner.expr.func == F:
            reps[atom] = F_DERIVS[inner.derivative_count]
    expr = expr.xreplace(reps)
    return expr.replace(lambda e: getattr(e, "func", None) == F, lambda e: F_DERIVS[0])


def polar_form_residual(dim_shift=1) -> sp.Expr:
    """polar_form_difference for generic f, simplified (0 iff the two printed forms agree for every f)."""
    expr = _derivatives_as_symbols(polar_form_difference(dim_shift))
    return sp.simplify(sp.expand(sp.powsimp(sp.expand(expr), force=True)))


def ambient_laplacian_symbolic_d(dim_shift=1) -> sp.Expr:
    """Euclidean Laplacian of the 0-homogeneous extension F(y) = f(y_d/|y|) at |y| = 1, y_d = x, minus the
    printed right side; symbolic d.

    Coordinates y_i (i < d) enter the Laplacian as A + B y_i² once |y| is frozen to a symbol ρ after
    differentiation; summing over the d − 1 of them gives (d − 1)A + B(ρ² − y_d²)."""
    yi, yd, rest, rho = sp.symbols("y_i y_d R rho", positive=True)
    # a coordinate other than y_d
    r_i = sp.sqrt(yi**2 + yd**2 + rest)
    term_i = sp.diff(F(yd / r_i), yi, 2).subs(r_i, rho).subs(rest, rho**2 - yi**2 - yd**2)
    term_i = sp.expand(sp.simplify(term_i.doit()))
    poly = sp.Poly(term_i, yi)
    if poly.degree() > 2 or poly.coeff_monomial(yi) != 0:
        raise ArithmeticError("the per-coordinate term is not of the form A + B y_i²")
    a_part, b_part = poly.coeff_monomial(1), poly.coeff_monomial(yi**2)
    others = (D - 1) * a_part + b_part * (rho**2 - yd**2)
    # the coordinate y_d itself
    r_d = sp.sqrt(yd**2 + rest)
    term_d = sp.diff(F(yd / r_d), yd, 2).subs(r_d, rho).subs(rest, rho**2 - yd**2).doit()
    total = (others + term_d).subs(rho, 1).subs(yd, X)
    difference = _derivatives_as_symbols(total - printed_zonal_laplacian(F(X), X, D, dim_shift).doit())
    return sp.simplify(sp.expand(difference))


def gegenbauer_residual(n: int, d: int, dim_shift=1) -> sp.Expr:
    """printed operator applied to the degree-n zonal harmonic of S^{d−1} plus n(n + d − 2) times it (0 if it
    is an eigenfunction with the classical eigenvalue −n(n + d − 2)). d = 2: Chebyshev T_n."""
    p = sp.chebyshevt(n, X) if d == 2 else sp.gegenbauer(n, sp.Rational(d - 2, 2), X)
    return sp.expand(printed_zonal_laplacian(p, X, d, dim_shift) + n * (n + d - 2) * p)


# --- App. D: the recurrence, the truncated potential and its residual ---------------------------------

def operator_on_monomial(m: sp.Expr) -> sp.Expr:
    """(1 − x²)(x^m)'' − (d − 1) x (x^m)' − x^m divided by x^m (the operator of the 1-harmonic equation)."""
    mono = X**m
    return sp.expand(sp.simplify((sp.diff(mono, X, 2) * (1 - X**2) - (D - 1) * X * sp.diff(mono, X) - mono)
                                 / mono))


def printed_recurrence_factor(n, d, one=1) -> sp.Expr:
    """The printed factor n(n − 1) + (d − 1) n + 1 multiplying c_n (``one`` = the printed trailing 1)."""
    return n * (n - 1) + (d - 1) * n + one


def recurrence_coefficients(d, N: int, one=1) -> list:
    """c_0..c_N from the printed recurrence c_{n+2}(n+2)(n+1) = c_n(n(n−1)+(d−1)n+1), c_0 = 1, c_1 = 0, run for
    n = 0..N−2 (N even); exact (sympy Rational, or polynomials in a symbolic d)."""
    c = [sp.Integer(0)] * (N + 1)
    c[0] = sp.Integer(1)
    for n in range(0, N - 1):
        c[n + 2] = sp.expand(c[n] * printed_recurrence_factor(n, d, one) / ((n + 2) * (n + 1)))
    return c


@lru_cache(maxsize=256)
def recurrence_fractions(d: int, N: int) -> tuple[Fraction, ...]:
    """The same coefficients as exact Python Fractions (fast, for large N)."""
    c = [Fraction(0)] * (N + 1)
    c[0] = Fraction(1)
    for n in range(0, N - 1):
        c[n + 2] = c[n] * Fraction(n * (n - 1) + (d - 1) * n + 1, (n + 2) * (n + 1))
    return tuple(c)


def truncated_potential(d, N: int) -> sp.Expr:
    return sum(cn * X**n for n, cn in enumerate(recurrence_coefficients(d, N)))


def exact_residual(d, N: int) -> sp.Expr:
    """(1 − x²) f'' − (d − 1) x f' − f for the truncated f (the true Δf − f on S^{d−1})."""
    f = truncated_potential(d, N)
    return sp.expand(printed_zonal_laplacian(f, X, d) - f)


def printed_k(N, d, one=1, d_shift=-2):
    """k_N = N² + (d − 2) N + 1 as printed."""
    return N**2 + (d + d_shift) * N + one


# --- App. E: Gaussian moment step -------------------------------------------------------------------

def gaussian_moment(p: int) -> int:
    """E Z^p for Z ~ N(0, 1): (p − 1)!! for even p (with (−1)!! = 1), 0 for odd p (exact integers)."""
    if p % 2:
        return 0
    out = 1
    for j in range(p - 1, 0, -2):
        out *= j
    return out


def gaussian_expectation_of_polynomial(expr: sp.Expr, variables: Sequence[sp.Symbol]) -> sp.Expr:
    """E expr(Z_1..Z_k) for independent standard normals, by replacing each monomial by its moments."""
    poly = sp.Poly(sp.expand(expr), *variables)
    total = sp.Integer(0)
    for powers, coeff in poly.terms():
        moment = 1
        for p in powers:
            moment *= gaussian_moment(p)
        total += coeff * moment
    return sp.expand(total)


def sphere_moment(powers: Sequence[int], d: int) -> sp.Rational:
    """E ∏ θ_i^{p_i} for θ uniform on S^{d−1} (exact): 0 if some p_i is odd, else
    ∏ (p_i − 1)!! / (d (d + 2) ··· (d + Σp_i − 2))."""
    if any(p % 2 for p in powers):
        return sp.Integer(0)
    num = 1
    for p in powers:
        num *= gaussian_moment(p)
    den = 1
    for j in range(sum(powers) // 2):
        den *= d + 2 * j
    return sp.Rational(num, den)


# --- Cor. 4.3: the exponential potential and its realising activation ------------------------------------

def gaussian_mgf_by_moments(ctx, slope):
    """E e^{slope·X}, X ~ N(0, 1), summed from the Gaussian moments E X^{2m} = (2m − 1)!! (odd moments vanish):
    Σ_m slope^{2m} (2m − 1)!!/(2m)!, to the working precision."""
    slope = ctx.mpf(slope)
    term, total, m = ctx.mpf(1), ctx.mpf(1), 0
    while abs(term) > ctx.eps * abs(total):
        m += 1
        term = term * slope * slope * (2 * m - 1) / ((2 * m) * (2 * m - 1))  # ratio of consecutive terms
        total += term
    return total


def exponential_dual(ctx, c, rho):
    """E[σ(X)σ(Y)] for σ(x) = exp(√c x − c), (X, Y) standard bivariate normal with correlation rho: Y = ρX + sZ
    with Z independent, so the expectation factors into E e^{√c(1+ρ)X} · E e^{√c s Z}, each summed from the
    Gaussian moments (the activation is the Theorem-2.5 recipe: Hermite coefficients √(e^{−c} c^n / n!), summed in
    closed form). The torch side uses a 2-D Gauss–Hermite product rule instead."""
    c, rho = ctx.mpf(c), ctx.mpf(rho)
    s = ctx.sqrt(max(ctx.mpf(0), 1 - rho * rho))
    sc = ctx.sqrt(c)
    return ctx.exp(-2 * c) * gaussian_mgf_by_moments(ctx, sc * (1 + rho)) * gaussian_mgf_by_moments(ctx, sc * s)


# --- Theorem 4.4: the landscape at points violating (i)-(iii) ------------------------------------------

def _mp(ctx, value):
    """mpf from an int, float, Fraction or sympy Rational."""
    if isinstance(value, Fraction):
        return ctx.mpf(value.numerator) / value.denominator
    if isinstance(value, sp.Rational):
        return ctx.mpf(int(value.p)) / int(value.q)
    return ctx.mpf(value)


def poly_eval(ctx, coeffs: Sequence, x, deriv: int = 0):
    """Σ c_n x^n (or its deriv-th derivative) in ctx, by Horner's rule on the differentiated coefficients."""
    total = ctx.mpf(0)
    for n in range(len(coeffs) - 1, deriv - 1, -1):
        fall = 1
        for j in range(deriv):
            fall *= n - j
        total = total * x + _mp(ctx, coeffs[n]) * fall
    return total


def node_hessian_on_sphere(ctx, coeffs: Sequence, theta: Sequence, us: Sequence[Sequence], betas: Sequence):
    """Riemannian Hessian on S^{d−1}, in an orthonormal tangent basis, of g(θ) = Σ_j β_j f(θ^T u_j) at θ, and
    its Laplacian (trace). Returns (tangent matrix, laplacian)."""
    d = len(theta)
    theta = ctx.matrix([ctx.mpf(v) for v in theta])
    grad = ctx.matrix(d, 1)
    hess = ctx.matrix(d, d)
    for u, beta in zip(us, betas, strict=True):
        u = ctx.matrix([ctx.mpf(v) for v in u])
        x = (theta.T * u)[0]
        grad += ctx.mpf(beta) * poly_eval(ctx, coeffs, x, 1) * u
        hess += ctx.mpf(beta) * poly_eval(ctx, coeffs, x, 2) * (u * u.T)
    radial = (theta.T * grad)[0]
    # orthonormal tangent basis by Gram–Schmidt of the coordinate vectors against θ
    basis = []
    for i in range(d):
        v = ctx.matrix(d, 1)
        v[i] = 1
        v -= (theta.T * v)[0] * theta
        for b in basis:
            v -= (b.T * v)[0] * b
        norm = ctx.norm(v)
        if norm > ctx.mpf(10) ** (-ctx.dps // 3) and len(basis) < d - 1:
            basis.append(v / norm)
    m = ctx.matrix(d - 1, d - 1)
    for i, bi in enumerate(basis):
        for j, bj in enumerate(basis):
            m[i, j] = (bi.T * hess * bj)[0] - (radial if i == j else 0)
    lap = ctx.fsum(m[i, i] for i in range(d - 1))
    return m, lap


def min_eigenvalue(ctx, m) -> object:
    evals = ctx.eigsy(m, eigvals_only=True)
    return min(evals[i] for i in range(m.rows))


# --- Def. 4.1: ε-strict points and M_ε (exact, sympy matrices) ---------------------------------------

def min_eigenvalue_exact(hessian: sp.Matrix) -> sp.Expr:
    """λ_min of a symmetric matrix with exact entries."""
    return min(hessian.eigenvals(multiple=True), key=lambda v: sp.N(v, 50))


def is_eps_strict(hessian: sp.Matrix, eps) -> bool:
    """Def. 4.1: λ_min(∇²f(x*)) < −ε (f twice differentiable at x*: the caller passes the Hessian)."""
    return bool(min_eigenvalue_exact(hessian) < -sp.nsimplify(eps))


def in_M_eps(gradient: sp.Matrix, hessian: sp.Matrix, eps) -> bool:
    """M_ε: ‖∇L(x)‖ ≤ ε and λ_min(∇²L(x)) ≥ −ε."""
    eps = sp.nsimplify(eps)
    return bool(sp.sqrt(sum(g**2 for g in gradient)) <= eps and min_eigenvalue_exact(hessian) >= -eps)


def is_local_minimum_def_3_2(hessian: sp.Matrix) -> bool:
    """Def. 3.2 (as printed): a critical point is a local minimum iff λ_min(∇²f) ≥ 0."""
    return bool(min_eigenvalue_exact(hessian) >= 0)


def sphere_quadratic_hessian(ctx, diag: Sequence, q: Sequence[Sequence], i: int):
    """Riemannian Hessian on S^{d−1} of f(θ) = θ^T A θ, A = Q diag(a) Q^T, at the critical point θ = Q e_i,
    as a (d−1)×(d−1) matrix in the tangent basis {Q e_j, j ≠ i}: diag(2(a_j − a_i)). Returns its λ_min."""
    a = [ctx.mpf(v) for v in diag]
    return min(2 * (a[j] - a[i]) for j in range(len(a)) if j != i)


# --- Theorem 4.2: the Hessian of the simplified loss (9) for the Gaussian potential ------------------------

def loss9_gaussian_hessian(ctx, theta: Sequence[Sequence], w: Sequence[Sequence]):
    """(k·d)×(k·d) Hessian of (9), L = 2Σ_{i<j}Φ(θ_i,θ_j) − 2Σ_{i,j}Φ(θ_i,w_j), Φ = e^{−‖θ−w‖²/2}, as an mpmath
    matrix, from ∂_a∂_b e^{−‖y‖²/2} = (y_a y_b − δ_ab) e^{−‖y‖²/2} (the torch side differentiates by autograd
    in the tests)."""
    k, d = len(theta), len(theta[0])
    th = [[ctx.mpf(v) for v in row] for row in theta]
    ws = [[ctx.mpf(v) for v in row] for row in w]
    hess = ctx.matrix(k * d, k * d)

    def block(y, sign):
        phi = ctx.exp(-ctx.fsum(v * v for v in y) / 2)
        return [[sign * (y[a] * y[b] - (1 if a == b else 0)) * phi for b in range(d)] for a in range(d)]

    for i in range(k):
        for wj in ws:
            h = block([th[i][t] - wj[t] for t in range(d)], -2)
            for a in range(d):
                for b in range(d):
                    hess[i * d + a, i * d + b] += h[a][b]
        for j in range(i + 1, k):
            h = block([th[i][t] - th[j][t] for t in range(d)], 2)
            for a in range(d):
                for b in range(d):
                    hess[i * d + a, i * d + b] += h[a][b]
                    hess[j * d + a, j * d + b] += h[a][b]
                    hess[i * d + a, j * d + b] -= h[a][b]
                    hess[j * d + a, i * d + b] -= h[a][b]
    return hess


def gaussian_correlated_trace_bound(ctx, theta: Sequence[Sequence], w: Sequence[Sequence]):
    """The proof's bound −(2/(k d)) Σ_{i,j} (‖θ_i − w_j‖² − d) Φ(θ_i, w_j) on λ_min(∇²L) (the trace of the Hessian
    restricted to correlated moves (v, …, v)/√k, divided by d)."""
    k, d = len(theta), len(theta[0])
    total = ctx.mpf(0)
    for th in theta:
        for wj in w:
            r2 = ctx.fsum((ctx.mpf(a) - ctx.mpf(b)) ** 2 for a, b in zip(th, wj, strict=True))
            total += (r2 - d) * ctx.exp(-r2 / 2)
    return -2 * total / (k * d)


# --- Theorem 4.4: the truncation degree ------------------------------------------------------------------

def truncation_degree(ctx, d: int, eps, total_weight, *, with_c_n: bool, max_n: int = 20000) -> int:
    """Smallest even N with 2 k_N [c_N] S (1 − ε)^N ≤ ε/2 (k_N = N² + (d − 2)N + 1; c_N from the recurrence,
    accumulated as an exact product in ctx)."""
    eps, total_weight = ctx.mpf(eps), ctx.mpf(total_weight)
    c_n = ctx.mpf(1)
    for N in range(2, max_n + 1, 2):
        n = N - 2
        c_n = c_n * (n * (n - 1) + (d - 1) * n + 1) / ((n + 2) * (n + 1))
        k_n = N * N + (d - 2) * N + 1
        term = 2 * k_n * total_weight * (1 - eps) ** N * (c_n if with_c_n else 1)
        if term <= eps / 2:
            return N
    raise ArithmeticError(f"no truncation degree ≤ {max_n} for d = {d}, ε = {eps}")
