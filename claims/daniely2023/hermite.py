"""daniely2023, Sec. 2.2–2.3: the Hermite machinery — eqs. (1)–(4), orthonormality, Lemma 2.2 and the
growth bound used in its proof."""

from __future__ import annotations

import math

import sympy as sp
import torch

from checks.batching import grouped
from checks.domain import Domain, Float, Int
from checks.fast import gaussian as fast_gaussian
from checks.fast import hermite as fast_hermite
from checks.model import Claim, Erratum, Kind, Mutant, Verdict
from checks.specs import PointwiseSpec, SymbolicOutcome, SymbolicSpec
from reference import gaussian as ref_gaussian
from reference import hermite as ref_hermite

from ._common import PAPER

# --- eq. (1): the recursion defines the normalised probabilists' Hermite polynomials ----------------

EQ1_MAX_N = 30


def _sympy_recursion(n_max: int, shift):
    """Yield h_0..h_{n_max} from (1) exactly in sympy; `shift` perturbs the constant under the root (mutants)."""
    x = sp.Symbol("x")
    prev, cur = sp.Integer(1), x
    yield prev
    if n_max >= 1:
        yield cur
    for n in range(1, n_max):
        prev, cur = cur, sp.expand(x * cur / sp.sqrt(n + 1) - sp.sqrt(sp.Rational(n + shift, n + 1)) * prev)
        yield cur


def _exactly_zero(poly, x) -> bool:
    """Zero polynomial? Coefficients are algebraic numbers: a 60-digit evaluation separates non-zero ones
    quickly, and sympy's exact simplification decides the (rare) coefficients that evaluate to ~0."""
    for coeff in sp.Poly(poly, x).all_coeffs():
        if abs(sp.N(coeff, 60)) > sp.Float("1e-45"):
            return False
        if sp.simplify(coeff) != 0:
            return False
    return True


def _prove_eq1(constants) -> SymbolicOutcome:
    x = sp.Symbol("x")
    for n, h_n in enumerate(_sympy_recursion(EQ1_MAX_N, constants["shift"])):
        standard = sp.expand(sp.hermite_prob(n, x) / sp.sqrt(sp.factorial(n)))  # independent family
        if not _exactly_zero(sp.expand(h_n - standard), x):
            return SymbolicOutcome(Verdict.VIOLATED, f"h_{n} from (1) differs from He_{n}/sqrt({n}!)", n + 1,
                                   {"n": n}, {"recursion": str(h_n), "standard": str(standard)})
    return SymbolicOutcome(
        Verdict.HOLDS, f"h_n from (1) equals He_n/sqrt(n!) coefficient by coefficient for n <= {EQ1_MAX_N} "
        "(sympy exact; He_n from sympy.hermite_prob)", EQ1_MAX_N + 1)


equation_1 = Claim(
    id=f"{PAPER}/equation-1", label="Eq. (1)", section="2.2",
    statement="h_{n+1}(x) = (x/√(n+1)) h_n(x) − √(n/(n+1)) h_{n−1}(x),  h_0(x) = 1,  h_1(x) = x",
    kind=Kind.SYMBOLIC, spec=SymbolicSpec(_prove_eq1), constants={"shift": 0},
    mutants=(Mutant("root-shift", {"shift": 1}, "√(n/(n+1)) replaced by √((n+1)/(n+1))"),),
    establishes=f"Exact (sympy) equality of the recursion's polynomials with He_n/√(n!) for n ≤ {EQ1_MAX_N}; "
    "the general case is the classical theorem, not re-proved here.",
)


# --- eq. (3): h_n' = sqrt(n) h_{n-1}, proved for all n by the induction step in sympy ----------------

def _prove_eq3(constants) -> SymbolicOutcome:
    c = constants["factor_power"]
    x, n = sp.Symbol("x"), sp.Symbol("n", positive=True)
    # base cases from (1)
    h = list(_sympy_recursion(3, 0))
    for k in (1, 2, 3):
        if sp.simplify(sp.diff(h[k], x) - sp.sqrt(k) ** (2 * c) * h[k - 1]) != 0:
            return SymbolicOutcome(Verdict.VIOLATED, f"h_{k}' != sqrt({k}) h_{k - 1}", k, {"n": k})
    # induction step, symbolic n >= 2: with A = h_{n-2}, B = h_{n-1}, h_n = (x B - sqrt(n-1) A)/sqrt(n),
    # hypothesis h_n' = sqrt(n) B, h_{n-1}' = sqrt(n-1) A; differentiate (1) for h_{n+1}.
    A, B = sp.symbols("A B")
    hn = (x * B - sp.sqrt(n - 1) * A) / sp.sqrt(n)
    dhn, dhn1 = sp.sqrt(n) ** (2 * c) * B, sp.sqrt(n - 1) ** (2 * c) * A
    d_next = hn / sp.sqrt(n + 1) + x * dhn / sp.sqrt(n + 1) - sp.sqrt(n / (n + 1)) * dhn1
    residual = sp.simplify(d_next - sp.sqrt(n + 1) ** (2 * c) * hn)
    if residual != 0:
        return SymbolicOutcome(Verdict.VIOLATED, f"induction step fails: residual {residual}", 3, None,
                               {"residual": str(residual)})
    return SymbolicOutcome(Verdict.PROVED, "base cases n = 1, 2, 3 exact; induction step h_n' = √n h_{n−1}, "
                           "h_{n−1}' = √(n−1) h_{n−2} ⇒ h_{n+1}' = √(n+1) h_n verified by sympy for symbolic n")


equation_3 = Claim(
    id=f"{PAPER}/equation-3", label="Eq. (3)", section="2.2", statement="h_n' = √n h_{n−1}",
    kind=Kind.SYMBOLIC, spec=SymbolicSpec(_prove_eq3), constants={"factor_power": sp.Rational(1, 2)},
    mutants=(Mutant("factor-n", {"factor_power": 1}, "√n replaced by n"),),
    establishes="A proof for every n ≥ 1: exact base cases and the induction step through (1) with n symbolic.",
    depends=(f"{PAPER}/equation-1",),
)


# --- eq. (4): E X^n = (n-1)!! for even n ------------------------------------------------------------

def _prove_eq4(constants) -> SymbolicOutcome:
    m = sp.Symbol("m", integer=True, nonnegative=True)
    x = sp.Symbol("x", real=True)
    shift = constants["shift"]
    moment = sp.integrate(x ** (2 * m) * sp.exp(-x**2 / 2), (x, -sp.oo, sp.oo)) / sp.sqrt(2 * sp.pi)
    moment = sp.piecewise_fold(moment)
    if isinstance(moment, sp.Piecewise):
        moment = moment.args[0][0]
    claimed = sp.factorial(2 * m + 2 * shift) / (2 ** (m + shift) * sp.factorial(m + shift))  # (2m-1)!! at 0
    residual = sp.simplify(sp.gammasimp(moment - claimed))
    # exact integer cross-check on a finite range (and the n = 0 convention (-1)!! = 1)
    for k in range(0, 21):
        exact = sp.integrate(x ** (2 * k) * sp.exp(-x**2 / 2), (x, -sp.oo, sp.oo)) / sp.sqrt(2 * sp.pi)
        want = ref_hermite.double_factorial(2 * k - 1 + 2 * shift)
        if sp.simplify(exact - want) != 0:
            return SymbolicOutcome(Verdict.VIOLATED, f"E X^{2 * k} = {exact} but (n-1)!! = {want}", k + 1,
                                   {"n": 2 * k}, {"lhs": str(exact), "rhs": str(want)})
    if residual == 0:
        return SymbolicOutcome(Verdict.PROVED, "sympy: ∫ x^{2m} φ(x) dx = 2^m Γ(m+1/2)/√π = (2m)!/(2^m m!) = "
                               "(2m−1)!! for symbolic m ≥ 0; exact integer check n ≤ 40", 21)
    return SymbolicOutcome(Verdict.HOLDS, f"exact for even n ≤ 40; symbolic residual {residual} not closed", 21)


equation_4 = Claim(
    id=f"{PAPER}/equation-4", label="Eq. (4)", section="2.2", statement="for even n:  E_X X^n = (n − 1)!!",
    kind=Kind.SYMBOLIC, spec=SymbolicSpec(_prove_eq4), constants={"shift": 0},
    mutants=(Mutant("next-double-factorial", {"shift": 1}, "(n − 1)!! replaced by (n + 1)!!"),),
    establishes="A proof for every even n (sympy closes the Gamma-function identity for symbolic m), with "
    "the convention (−1)!! = 1 at n = 0, plus exact integrals for n ≤ 40.",
)


# --- orthonormality and eq. (2) ---------------------------------------------------------------------

GH_NODES = 48  # exact for polynomial integrands of degree <= 95, i.e. i + j <= 95


def _prove_orthonormality(constants) -> SymbolicOutcome:
    n_max = 12
    for i in range(n_max + 1):
        for j in range(n_max + 1):
            ci, cj = ref_hermite.hermite_e_coefficients(i), ref_hermite.hermite_e_coefficients(j)
            num = sum(a * b * ref_hermite.gaussian_moment(p + q)
                      for p, a in enumerate(ci) for q, b in enumerate(cj))
            value = sp.Integer(num) / sp.sqrt(sp.factorial(i) * sp.factorial(j))
            want = constants["diag"] if i == j else 0
            if sp.simplify(value - want) != 0:
                return SymbolicOutcome(Verdict.VIOLATED, f"E h_{i} h_{j} = {value}, claimed {want}", 0,
                                       {"i": i, "j": j}, {"lhs": str(value), "rhs": str(want)})
    return SymbolicOutcome(Verdict.HOLDS, f"exact Gaussian moments: E h_i h_j = δ_ij for all i, j ≤ {n_max}",
                           (n_max + 1) ** 2)


def _ortho_reference(p, constants, ctx):
    z, w = ref_gaussian.gauss_hermite(GH_NODES, ctx)
    terms = [wk * ref_hermite.hermite(p["i"], zk, ctx) * ref_hermite.hermite(p["j"], zk, ctx)
             for zk, wk in zip(z, w, strict=True)]
    rhs = constants["diag"] if p["i"] == p["j"] else 0
    return ctx.fsum(terms), ctx.mpf(rhs), ctx.fsum(abs(t) for t in terms)


def _ortho_fast(batch, constants, *, device, dtype):
    z, w = fast_gaussian.gauss_hermite(GH_NODES, device=device, dtype=dtype)
    i, j = batch.tensor("i", device=device, dtype=torch.long), batch.tensor("j", device=device, dtype=torch.long)
    table = fast_hermite.hermite_values(int(max(i.max(), j.max())), z)  # (n, nodes)
    terms = w * table[i] * table[j]
    rhs = torch.where(i == j, float(constants["diag"]), 0.0).to(dtype)
    return terms.sum(-1), rhs, terms.abs().sum(-1)


_ij = Domain((Int("i", 0, 40, examples=(0, 1, 2, 40)), Int("j", 0, 40, examples=(0, 1, 2, 39))))

orthonormality = Claim(
    id=f"{PAPER}/section-2.2-hermite-orthonormality", label="Sec. 2.2 (orthonormality)", section="2.2",
    statement="E_X h_i(X) h_j(X) = δ_ij", kind=Kind.SYMBOLIC, constants={"diag": 1},
    spec=SymbolicSpec(_prove_orthonormality, numeric=PointwiseSpec(
        _ij, "==", _ortho_reference, _ortho_fast, terms=GH_NODES,
        terms_reason=f"a {GH_NODES}-node Gauss–Hermite sum; margins are relative to Σ|terms|")),
    mutants=(Mutant("diag-2", {"diag": 2}, "δ_ij replaced by 2δ_ij"),),
    establishes=f"Exact for i, j ≤ 12 (rational Gaussian moments); Gauss–Hermite ({GH_NODES} nodes, exact "
    "for these degrees) in torch and mpmath for i, j ≤ 40.",
    depends=(f"{PAPER}/equation-1", f"{PAPER}/equation-4"),
)


#: eq. (2) has i, j <= 20: the product integrand is a polynomial of degree <= 40 in each variable, so a
#: 24-node rule (exact to degree 47) is exact; fewer nodes keep the 60-digit confirmations cheap.
EQ2_NODES = 24


def _eq2_reference(p, constants, ctx, *, second="i"):
    z, w = ref_gaussian.gauss_hermite(EQ2_NODES, ctx)
    rho = ctx.mpf(p["rho"])
    c = ctx.sqrt(max(ctx.mpf(0), 1 - rho * rho))
    i, k = p["i"], p[second]
    terms = []
    for a, wa in zip(z, w, strict=True):
        hx = ref_hermite.hermite(i, a, ctx)
        for b, wb in zip(z, w, strict=True):
            terms.append(wa * wb * hx * ref_hermite.hermite(k, rho * a + c * b, ctx))
    rhs = rho ** (i + constants["power_shift"]) if i == p["j"] else ctx.mpf(0)
    return ctx.fsum(terms), rhs, ctx.fsum(abs(t) for t in terms)


def _eq2_fast(batch, constants, *, device, dtype, second="i"):
    z, w = fast_gaussian.gauss_hermite(EQ2_NODES, device=device, dtype=dtype)
    ww = w[:, None] * w[None, :]
    table_z = fast_hermite.hermite_values(int(batch.array("i").max()), z)  # h_n at the nodes, n ≤ max i

    def per_degree(sub):  # all points whose Y-side degree is k: one recursion to degree k on (B, nx, ny)
        k = int(sub.point(0)[second])
        i = sub.tensor("i", device=device, dtype=torch.long)
        rho = sub.tensor("rho", device=device, dtype=dtype)
        c = torch.sqrt(torch.clamp(1 - rho * rho, min=0))
        hx = table_z.index_select(0, i)  # (B, nodes)
        y = rho[:, None, None] * z[None, :, None] + c[:, None, None] * z[None, None, :]  # (B, nx, ny)
        hy = fast_hermite.hermite_values(k, y)[k] if k < 2 else _hermite_last(k, y)
        terms = ww[None] * hx[:, :, None] * hy
        return terms.sum((1, 2)), terms.abs().sum((1, 2))

    lhs, scale = grouped(batch, (second,), per_degree, device=device, dtype=dtype)
    i = batch.tensor("i", device=device, dtype=torch.long)
    j = batch.tensor("j", device=device, dtype=torch.long)
    rho = batch.tensor("rho", device=device, dtype=dtype)
    rhs = torch.where(i == j, rho ** (i + constants["power_shift"]), torch.zeros_like(rho))
    return lhs, rhs, scale


def _hermite_last(n: int, x: torch.Tensor) -> torch.Tensor:
    """h_n(x) by the recursion (1) (the same steps as ``hermite_values``), keeping only two terms."""
    prev, cur = torch.ones_like(x), x
    for k in range(1, n):
        prev, cur = cur, x * cur / math.sqrt(k + 1) - math.sqrt(k / (k + 1)) * prev
    return cur


_eq2_domain = Domain((Int("i", 0, 20, examples=(0, 1, 2)), Int("j", 0, 20, examples=(0, 1, 3)),
                      Float("rho", -1.0, 1.0, examples=(-1.0, 0.0, 1.0, 0.3, -0.8))))
_EQ2_TERMS = EQ2_NODES**2
_EQ2_REASON = f"a {EQ2_NODES}×{EQ2_NODES} product Gauss–Hermite sum; margins relative to Σ|terms|"

equation_2 = Claim(
    id=f"{PAPER}/equation-2", label="Eq. (2)", section="2.2",
    statement="if (X, Y) is a Gaussian vector with covariance [[1, ρ], [ρ, 1]] then "
    "E_{X,Y} h_i(X) h_i(Y) = δ_ij ρ^i   (2)",
    kind=Kind.IDENTITY, constants={"power_shift": 0},
    spec=PointwiseSpec(_eq2_domain, "==", _eq2_reference, _eq2_fast, terms=_EQ2_TERMS, terms_reason=_EQ2_REASON),
    mutants=(Mutant("power-plus-one", {"power_shift": 1}, "ρ^i replaced by ρ^{i+1}"),),
    reading="literal: the left side is E h_i(X) h_i(Y) as printed; j is free on the right only",
    establishes="Product Gauss–Hermite (exact for these degrees) at hypothesis-drawn (i, j, ρ). As printed the "
    "left side does not depend on j, so for i ≠ j it equals ρ^i, not 0.",
    errata=(Erratum("As printed, the left side is E h_i(X) h_i(Y) (index i twice) while the right side is δ_ij ρ^i; "
                    "for i ≠ j the left side is ρ^i, not 0.",
                    "minimal counterexample i = 0, j = 1, ρ = 0: E h_0(X) h_0(Y) = 1 while δ_01 ρ^0 = 0; "
                    "also i = 1, j = 0, ρ = 0.5: 0.5 vs 0",
                    "E_{X,Y} h_i(X) h_j(Y) = δ_ij ρ^i (reading [cross-moment])"),),
    depends=(f"{PAPER}/equation-1",),
)

equation_2_cross = Claim(
    id=f"{PAPER}/equation-2[cross-moment]", label="Eq. (2)", section="2.2",
    statement="E_{X,Y} h_i(X) h_j(Y) = δ_ij ρ^i   (reading: the second index is j)",
    kind=Kind.IDENTITY, constants={"power_shift": 0},
    spec=PointwiseSpec(_eq2_domain, "==", lambda p, c, ctx: _eq2_reference(p, c, ctx, second="j"),
                       lambda b, c, **kw: _eq2_fast(b, c, second="j", **kw), terms=_EQ2_TERMS,
                       terms_reason=_EQ2_REASON),
    mutants=(Mutant("power-plus-one", {"power_shift": 1}, "ρ^i replaced by ρ^{i+1}"),),
    reading="the evident intent: the cross moment of h_i(X) and h_j(Y)",
    establishes="Mehler's identity checked exactly (product Gauss–Hermite is exact for these degrees) at "
    "hypothesis-drawn (i, j, ρ) including ρ = ±1.",
    depends=(f"{PAPER}/equation-1",),
)


# --- growth bound and Lemma 2.2 ---------------------------------------------------------------------

def _scaled_hermite(n: torch.Tensor, x: torch.Tensor, m: torch.Tensor) -> torch.Tensor:
    """h_n(x)/m^n by a rescaled recursion, so float32 cannot overflow:
    r_{k+1} = (x/m) r_k/√(k+1) − √(k/(k+1)) r_{k−1}/m²."""
    n_max = int(n.max())
    t = x / m
    prev, cur = torch.ones_like(x), t
    out = [prev, cur]
    for k in range(1, n_max):
        nxt = t * cur / math.sqrt(k + 1) - math.sqrt(k / (k + 1)) * prev / (m * m)
        prev, cur = cur, nxt
        out.append(cur)
    table = torch.stack(out)
    return table.gather(0, n.long().view(1, -1))[0]


def _growth_reference(p, constants, ctx):
    n, x = p["n"], ctx.mpf(p["x"])
    lhs = abs(ref_hermite.hermite(n, x, ctx))
    rhs = ctx.mpf(constants["base"]) ** (ctx.mpf(n) / 2) * max(1, abs(x)) ** (n + constants["x_power_shift"])
    return lhs, rhs


def _growth_fast(batch, constants, *, device, dtype):
    n = batch.tensor("n", device=device, dtype=torch.long)
    x = batch.tensor("x", device=device, dtype=dtype)
    m = torch.clamp(x.abs(), min=1.0)
    lhs = _scaled_hermite(n, x, m).abs()  # |h_n(x)| / max(1,|x|)^n
    shift = constants["x_power_shift"]
    rhs = float(constants["base"]) ** (n.to(dtype) / 2) * m ** shift
    return lhs, rhs


hermite_growth = Claim(
    id=f"{PAPER}/lemma-2.2-hermite-growth", label="Lemma 2.2 (proof: growth bound)", section="2.3",
    statement="It is not hard to verify by induction on Eq. (1) that |h_n(x)| ≤ 2^{n/2} max(1, |x|^n)",
    kind=Kind.INEQUALITY, constants={"base": 2, "x_power_shift": 0},
    spec=PointwiseSpec(
        Domain((Int("n", 0, 80, examples=(0, 1, 2, 3, 80)), Float("x", -50.0, 50.0, examples=(0.0, 1.0, 2.5)))),
        "<=", _growth_reference, _growth_fast, terms=160,
        terms_reason="an 80-step three-term recursion, each step two roundings"),
    mutants=(Mutant("power-n-minus-1", {"x_power_shift": -1}, "max(1, |x|^n) replaced by max(1, |x|^{n−1})"),),
    establishes="Both sides at hypothesis-drawn (n, x), n ≤ 80, |x| ≤ 50, steered to the largest ratio; the "
    "fast path works with h_n(x)/max(1,|x|)^n so float32 cannot overflow. Not a proof for all n.",
    depends=(f"{PAPER}/equation-1",),
)


def _lemma22_reference(p, constants, ctx):
    n, x, y = p["n"], ctx.mpf(p["x"]), ctx.mpf(p["y"])
    a, b = ref_hermite.hermite(n, x, ctx), ref_hermite.hermite(n, x + y, ctx)
    m = max(abs(x), abs(x + y), 1)
    rhs = ctx.mpf(constants["base"]) ** n * m ** n * abs(y) ** constants["y_power"]
    return abs(a - b), rhs, max(abs(a), abs(b), rhs)


def _lemma22_fast(batch, constants, *, device, dtype):
    n = batch.tensor("n", device=device, dtype=torch.long)
    x, y = batch.tensor("x", device=device, dtype=dtype), batch.tensor("y", device=device, dtype=dtype)
    m = torch.clamp(torch.maximum(x.abs(), (x + y).abs()), min=1.0)
    a, b = _scaled_hermite(n, x, m), _scaled_hermite(n, x + y, m)  # both divided by m^n
    rhs = float(constants["base"]) ** n.to(dtype) * y.abs() ** constants["y_power"]
    return (a - b).abs(), rhs, torch.maximum(torch.maximum(a.abs(), b.abs()), rhs)


lemma_2_2 = Claim(
    id=f"{PAPER}/lemma-2.2", label="Lemma 2.2", section="2.3",
    statement="|h_n(x) − h_n(x + y)| ≤ 2^n max(|x|, |x + y|, 1)^n |y|",
    kind=Kind.INEQUALITY, constants={"base": 2, "y_power": 1},
    spec=PointwiseSpec(
        Domain((Int("n", 0, 40, examples=(0, 1, 2, 40)), Float("x", -30.0, 30.0, examples=(0.0, 1.0)),
                Float("y", -10.0, 10.0, examples=(1e-6, 0.5, -2.0)))),
        "<=", _lemma22_reference, _lemma22_fast, terms=80,
        terms_reason="two 40-step recursions; margins relative to the larger term (cancellation for small y)"),
    mutants=(Mutant("y-squared", {"y_power": 2}, "|y| replaced by |y|²"),
             Mutant("base-1", {"base": 1}, "2^n replaced by 1")),
    establishes="Both sides at hypothesis-drawn (n, x, y), n ≤ 40, |x| ≤ 30, |y| ≤ 10, steered to the largest "
    "ratio, confirmed in mpmath. Evidence on a box, not a proof.",
    depends=(f"{PAPER}/lemma-2.2-hermite-growth", f"{PAPER}/equation-3"),
)

CLAIMS = (equation_1, orthonormality, equation_2, equation_2_cross, equation_3, equation_4, lemma_2_2,
          hermite_growth)
