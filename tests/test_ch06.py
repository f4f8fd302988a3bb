"""Chapter 6 (自然梯度): every worked number and exercise answer, recomputed with gradbook and found in the prose."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from gradbook.adaptive import adam
from gradbook.calculus import numerical_gradient, numerical_hessian
from gradbook.engine.registry import find_figure
from gradbook.engine.render import data as figure_data
from gradbook.information import (
    angle_between,
    gaussian_empirical_fisher,
    gaussian_fisher,
    gaussian_scores,
    kl_bernoulli,
    kl_gaussian,
    kl_logistic,
    logistic_empirical_fisher,
    logistic_fisher,
    natural_direction,
)
from gradbook.landscapes import Quadratic
from gradbook.models import GaussianFit, sigmoid, standardize
from gradbook.optimizers import gradient_descent, natural_gradient_descent, newton
from tests.chapters import DOCS, ROOT, claim, front_matter, markdown

CH = "06"
F_CASE = np.diag([100.0, 1.0])
G_CASE = np.array([1.0, 0.01])


def scaled_logistic(**params):
    """(X, y, model) of figure 6.4 (figures/optimizer_paths_fisher.py)."""
    model = figure_data("optimizer_paths_fisher", **params)["model"]
    return model.X, model.y, model


def gap_steps(traj, best: float, tol: float) -> int:
    below = np.flatnonzero(traj.losses - best < tol)
    assert below.size, "the run never got there"
    return int(below[0])


# --- 参数空间与分布空间 -----------------------------------------------------------------------------


def test_same_step_in_mu_gives_a_hundredfold_kl():
    wide, narrow = kl_gaussian(0, 1, 0.1, 1), kl_gaussian(0, 0.1, 0.1, 0.1)
    claim(CH, wide, "= 0.005$")
    claim(CH, narrow, "= 0.5$")
    claim(CH, narrow / wide, "差了 100 倍")
    claim(CH, kl_gaussian(0, 1, 0, 1.1), "KL 约为 0.0085")
    claim(CH, narrow / wide, "KL 相差 100 倍")


def test_kl_formula_of_two_gaussians_matches_an_integral():
    x = np.linspace(-30.0, 30.0, 600_001)
    m1, s1, m2, s2 = 1 / 3, 0.5, -0.25, 1.5

    def logpdf(m, s):
        return -np.log(s) - 0.5 * np.log(2 * np.pi) - (x - m) ** 2 / (2 * s**2)

    integral = np.trapezoid(np.exp(logpdf(m1, s1)) * (logpdf(m1, s1) - logpdf(m2, s2)), x)
    assert kl_gaussian(m1, s1, m2, s2) == pytest.approx(integral, rel=1e-9)


# --- Fisher 信息矩阵 --------------------------------------------------------------------------------


def standard_normal_mean(expr, z):
    """E[expr] for z ~ N(0, 1), expr a polynomial in z: E[z^k] is 0 for odd k and (k − 1)!! for even k."""
    poly = sp.Poly(sp.expand(expr), z)
    return sp.simplify(sum(c * (0 if k % 2 else sp.factorial2(k - 1)) for (k,), c in poly.terms()))


def test_score_has_mean_zero_and_both_fisher_formulas_agree_symbolically():
    x, mu, z = sp.symbols("x mu z", real=True)
    s = sp.symbols("sigma", positive=True)
    logp = -sp.log(s) - sp.log(2 * sp.pi) / 2 - (x - mu) ** 2 / (2 * s**2)
    params = (mu, s)
    score = [sp.diff(logp, t) for t in params]

    def expect(expr):  # x = μ + σz
        return standard_normal_mean(expr.subs(x, mu + s * z), z)

    assert [expect(c) for c in score] == [0, 0]
    outer = sp.Matrix(2, 2, lambda i, j: expect(score[i] * score[j]))
    hess = sp.Matrix(2, 2, lambda i, j: expect(-sp.diff(logp, params[i], params[j])))
    assert sp.simplify(outer - sp.diag(1 / s**2, 2 / s**2)) == sp.zeros(2, 2)
    assert sp.simplify(hess - outer) == sp.zeros(2, 2)
    # the moments used in the prose
    assert [standard_normal_mean(z**k, z) for k in (2, 3, 4)] == [1, 0, 3]
    # the identity behind the second form: ∇² log p = ∇²p / p − s sᵀ
    p = sp.exp(logp)
    assert sp.simplify(sp.diff(logp, s, s) - (sp.diff(p, s, s) / p - score[1] ** 2)) == 0


def test_scores_in_the_prose_match_finite_differences():
    xs = np.array([-1.3, 0.2, 2.7])
    mu, sigma = 0.4, 1.7

    def logp(t, x):
        return -math.log(t[1]) - (x - t[0]) ** 2 / (2 * t[1] ** 2)

    z = (xs - mu) / sigma
    by_formula = np.stack([z / sigma, (z**2 - 1) / sigma], axis=1)
    numeric = np.array([numerical_gradient(lambda t, x=x: logp(t, x), np.array([mu, sigma])) for x in xs])
    assert by_formula == pytest.approx(numeric, rel=1e-6)
    assert gaussian_scores(xs, mu, sigma) == pytest.approx(by_formula)


def test_kl_hessian_at_zero_step_is_the_fisher():
    for sigma in (0.5, 1.0, 2.0):

        def kl(d, sigma=sigma):
            return kl_gaussian(0.3, sigma, 0.3 + d[0], sigma + d[1])

        assert numerical_hessian(kl, np.zeros(2)) == pytest.approx(gaussian_fisher(sigma), rel=1e-4, abs=1e-6)
        assert numerical_gradient(kl, np.zeros(2)) == pytest.approx(np.zeros(2), abs=1e-8)


def test_gaussian_fisher_entries_and_the_mean_only_kl():
    F = gaussian_fisher(2.0)
    claim(CH, F[0, 0], "= \\operatorname{diag}(0.25, 0.5)$", value=0.25)
    assert F[1, 1] == 0.5 and F[0, 1] == 0
    for sigma, text in [(1.0, "分别是 0.005"), (0.1, "与 0.5，")]:
        d = np.array([0.1, 0.0])
        quad = 0.5 * d @ gaussian_fisher(sigma) @ d
        claim(CH, quad, text)
        assert quad == pytest.approx(kl_gaussian(0, sigma, 0.1, sigma))


def test_quadratic_approximation_table():
    rows = [
        (0.1, "| 0.1 | 0.01267 | 0.015 | 0.844 |"),
        (0.01, "| 0.01 | 0.0001474 | 0.00015 | 0.982 |"),
        (0.001, "| 0.001 | 0.000001497 | 0.0000015 | 0.998 |"),
    ]
    md = markdown(CH)
    for h, row in rows:
        assert row in md
        exact = kl_gaussian(0, 1, h, 1 + h)
        d = np.array([h, h])
        quad = 0.5 * d @ gaussian_fisher(1.0) @ d
        assert quad == pytest.approx(1.5 * h**2)
        cells = [c.strip() for c in row.strip("|").split("|")]
        for computed, shown in [(exact, cells[1]), (quad, cells[2]), (exact / quad, cells[3])]:
            digits = len(shown.split(".")[1])
            assert computed == pytest.approx(float(shown), abs=0.5 * 10.0**-digits)


def test_reparametrised_fisher_is_jt_f_j():
    for sigma in (0.3, 1.0, 2.5):
        J = np.diag([1.0, sigma])  # ∂(μ, σ)/∂(μ, log σ)
        assert J.T @ gaussian_fisher(sigma) @ J == pytest.approx(gaussian_fisher(sigma, "log_sigma"))
        # and the scores transform by Jᵀ
        xs = np.linspace(-2, 2, 5)
        assert gaussian_scores(xs, 0.1, sigma, "log_sigma") == pytest.approx(gaussian_scores(xs, 0.1, sigma) @ J)


def test_analytic_and_empirical_fisher_agree():
    x = np.random.default_rng(0).normal(1.0, 2.0, size=10_000)
    emp = gaussian_empirical_fisher(x, mu=1.0, sigma=2.0)
    hess = GaussianFit(x).hessian(np.array([1.0, 2.0]))
    exact = gaussian_fisher(2.0)
    claim(CH, hess[0, 0], "得到对角元 0.250")
    claim(CH, hess[1, 1], "与 0.497")
    claim(CH, hess[0, 1], "非对角元 0.003")
    assert np.abs(emp - exact).max() / exact.max() < 0.03
    assert np.abs(hess - exact).max() / exact.max() < 0.03
    claim(CH, 100 * np.abs(emp - exact).max() / exact.max(), "相差不到百分之三", value=3, abs=3)


def test_empirical_and_true_fisher_of_logistic_regression_are_close_at_the_optimum():
    X, y, _ = scaled_logistic()
    w = figure_data("optimizer_paths_fisher")["star"]
    true, emp = logistic_fisher(X, w), logistic_empirical_fisher(X, y, w)
    assert np.abs(emp - true).max() / np.abs(true).max() < 0.15


# --- 拉格朗日乘子 ------------------------------------------------------------------------------------


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10_000))
def test_natural_direction_solves_the_constrained_problem(seed):
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(3, 3))
    F = A @ A.T + 0.1 * np.eye(3)
    g = rng.normal(size=3)
    eps = 0.01
    inv_lambda = math.sqrt(2 * eps / (g @ np.linalg.solve(F, g)))
    best = -inv_lambda * natural_direction(F, g)
    assert 0.5 * best @ F @ best == pytest.approx(eps)
    # no other direction with the same ½δᵀFδ decreases the linearised loss more
    for d in rng.normal(size=(200, 3)):
        d = d * math.sqrt(2 * eps / (d @ F @ d))
        assert g @ best <= g @ d + 1e-12
    # with F = I the answer is plain gradient descent
    assert natural_direction(np.eye(3), g) == pytest.approx(g)


# --- 手算例子 ---------------------------------------------------------------------------------------


def test_worked_case_directions_and_angle():
    d = figure_data("natural_vs_euclidean")  # figure 6.2 draws the worked case
    g, nat = d["g"], d["natural"]
    assert g == pytest.approx(G_CASE) and nat == pytest.approx(natural_direction(F_CASE, G_CASE))
    assert nat == pytest.approx([0.01, 0.01])
    claim(CH, angle_between(g, [1.0, 0.0]), "\\arctan 0.01 \\approx 0.57°", value=0.57, abs=0.005)
    claim(CH, angle_between(nat, [1.0, 0.0]), "与坐标轴成 45°")
    claim(CH, d["angle"], "45° - 0.57° \\approx 44.43°", value=44.43, abs=0.005)
    claim(CH, d["angle"], "[0.01 0.01] 44.43", value=44.43, abs=0.005)


def test_worked_case_overshoot():
    loss = Quadratic(F_CASE)
    start = np.array([0.01, 0.01])
    assert loss.grad(start) == pytest.approx(G_CASE)
    claim(CH, float(loss.value(start)), "损失从 0.00505")
    jumped = gradient_descent(loss, start, 1.0, 1).final
    assert jumped == pytest.approx([-0.99, 0.0], abs=1e-15)
    claim(CH, jumped[0], "冲到 $-0.99$", value=-0.99)
    claim(CH, float(loss.value(jumped)), "涨到 49.0")
    claim(CH, float(loss.value(jumped) / loss.value(start)), "涨了近万倍", value=9704, rel=0.05)
    claim(CH, loss.max_stable_lr, "2/100 = 0.02$", value=0.02)
    steps = math.ceil(math.log(0.01) / math.log(0.99))
    traj = gradient_descent(loss, start, 0.01, steps)
    assert abs(traj.iterates[steps, 1]) < 1e-4 <= abs(traj.iterates[steps - 1, 1])
    assert abs(traj.iterates[1, 0]) < 1e-15
    claim(CH, steps, "需要 459 步")
    one = natural_gradient_descent(loss, lambda t: F_CASE, start, 1.0, 1).final
    assert one == pytest.approx([0.0, 0.0], abs=1e-15)


def test_worked_case_figure_uses_point_nine_of_the_limit():
    d = figure_data("natural_vs_euclidean")
    lr, path = d["lr"], d["path"]
    assert lr == pytest.approx(0.9 * Quadratic(F_CASE).max_stable_lr)
    claim(CH, lr, "$\\eta = 0.018$ 的 30 步")
    assert len(path) == 31
    assert np.all(np.sign(path[1:, 0]) != np.sign(path[:-1, 0]))  # Δ₁ jumps across the centre every step
    assert path[-1, 1] > 0.005  # while Δ₂ has moved less than half way
    assert f"{d['angle']:.2f}°" in find_figure("natural_vs_euclidean", ROOT / "figures").alt


# --- 比较 -------------------------------------------------------------------------------------------
def test_gaussian_natural_gradient_in_closed_form():
    rng = np.random.default_rng(5)
    data = rng.normal(0.7, 1.9, size=50)
    fit = GaussianFit(data)
    for theta in (np.array([2.0, 0.5]), np.array([-1.0, 3.0]), np.array([0.7, 1.2])):
        mu, sigma = theta
        m = (mu - data.mean()) ** 2 + data.var()
        assert fit.grad(theta) == pytest.approx(numerical_gradient(lambda t: float(fit.value(t)), theta), rel=1e-6)
        assert fit.grad(theta) == pytest.approx([(mu - data.mean()) / sigma**2, 1 / sigma - m / sigma**3])
        nat = natural_direction(gaussian_fisher(sigma), fit.grad(theta))
        assert nat == pytest.approx([mu - data.mean(), (sigma**2 - m) / (2 * sigma)])
        assert sigma - nat[1] == pytest.approx(0.5 * (sigma + m / sigma))


def test_natural_gradient_on_standardised_data_is_herons_method():
    z, _, _ = standardize(np.random.default_rng(0).normal(size=200))
    fit = GaussianFit(z)
    run = natural_gradient_descent(fit, lambda t: gaussian_fisher(t[1]), np.array([0.0, 2.0]), 1.0, 3)
    sig = run.iterates[:, 1]
    claim(CH, sig[1], "$(2 + 1/2)/2 = 1.25$", value=1.25)
    claim(CH, sig[2], "第二步 $1.025$")
    claim(CH, sig[3], "第三步 $1.0003$")
    errors = np.abs(sig - 1.0)
    assert errors[2] < errors[1] ** 2 and errors[3] < errors[2] ** 2  # the error is squared each step


def test_scaled_logistic_fisher_and_condition_number():
    X, _, model = scaled_logistic()
    F0 = logistic_fisher(X, np.zeros(2))
    claim(CH, F0[0, 0], "50.6 & 2.89")
    claim(CH, F0[0, 1], "2.89 \\\\ 2.89 & 0.54", value=2.89, abs=0.005)
    claim(CH, F0[1, 1], "& 0.54 \\end{pmatrix}", value=0.54, abs=0.005)
    ev = np.linalg.eigvalsh(F0)
    claim(CH, ev[1] / ev[0], "条件数）约为 135", value=135, abs=0.5)
    # the formula in the prose, by hand
    p = sigmoid(X @ np.zeros(2))
    assert F0 == pytest.approx((X * (p * (1 - p))[:, None]).T @ X / len(X))


def test_scaled_logistic_paths():
    d = figure_data("optimizer_paths_fisher", steps=200)  # figure 6.4's runs, continued to 200 steps
    star, best, gd, ad, ng = d["star"], d["best"], d["gd"], d["adam"], d["natural"]
    claim(CH, gd.iterates[1, 0], "把 $w_1$ 推到 2.05", value=2.05, abs=0.005)
    claim(CH, star[0], "w_1^* \\approx 0.21", value=0.21, abs=0.005)
    claim(CH, gd.iterates[1, 0] / star[0], "是最优值 $w_1^* \\approx 0.21$ 的十倍", value=10, abs=0.5)
    claim(CH, gap_steps(ng, best, 1e-3), "自然梯度用 4 步")
    claim(CH, gap_steps(ad, best, 1e-3), "Adam 用 34 步")
    claim(CH, gap_steps(gd, best, 1e-3), "梯度下降用 104 步")


def test_logistic_fisher_is_the_hessian_and_the_gauss_newton_matrix():
    X, _, model = scaled_logistic()
    for w in (np.zeros(2), np.array([0.3, 1.5]), np.array([-0.2, 3.0])):
        F = logistic_fisher(X, w)
        assert F == pytest.approx(model.hessian(w), rel=1e-12)
        p = sigmoid(X @ w)
        gn = sum(np.outer(x, x) * (pi * (1 - pi)) for x, pi in zip(X, p)) / len(X)  # J_fᵀ H_f J_f, J_f = xᵀ
        assert F == pytest.approx(gn)
        assert numerical_hessian(lambda v, w=w: kl_logistic(X, w, v), w) == pytest.approx(F, rel=1e-4, abs=1e-6)
    ng = natural_gradient_descent(model, lambda w: logistic_fisher(X, w), np.zeros(2), 1.0, 6)
    nt = newton(model, np.zeros(2), 6)
    assert ng.iterates == pytest.approx(nt.iterates)


def test_natural_gradient_is_invariant_to_reparametrisation():
    rng = np.random.default_rng(3)
    F = np.array([[2.0, 0.3], [0.3, 0.5]])
    g = rng.normal(size=2)
    J = np.array([[1.5, 0.2], [-0.4, 0.8]])
    step_phi = natural_direction(J.T @ F @ J, J.T @ g)
    assert J @ step_phi == pytest.approx(natural_direction(F, g))
    assert J @ (J.T @ g) == pytest.approx(J @ J.T @ g)
    assert not np.allclose(J @ (J.T @ g), g)


def test_reparametrisation_figure_numbers():
    paths = figure_data("reparametrization_invariance")
    claim(CH, paths["gd_sigma"][1, 1], "从 0.5 抬到 1.24", value=1.24, abs=0.005)
    claim(CH, paths["gd_log_sigma"][1, 1], "只到 0.72")
    gd_gap = np.linalg.norm(paths["gd_sigma"] - paths["gd_log_sigma"], axis=1).max()
    ng_gap = np.linalg.norm(paths["natural_sigma"] - paths["natural_log_sigma"], axis=1).max()
    claim(CH, gd_gap, "最远相差 0.51")
    claim(CH, ng_gap, "最远只差 0.015")
    # the leftover difference is second order in η: halving η roughly quarters the per-step gap
    small = figure_data("reparametrization_invariance", lr_natural=0.01, steps=400)
    first = np.linalg.norm(paths["natural_sigma"][1] - paths["natural_log_sigma"][1])
    first_small = np.linalg.norm(small["natural_sigma"][1] - small["natural_log_sigma"][1])
    assert first_small / first == pytest.approx(0.25, abs=0.03)


# --- 与实践的联系 -----------------------------------------------------------------------------------


def test_hessian_and_fisher_differ_far_from_the_optimum():
    data = np.random.default_rng(0).normal(0.0, 1.0, size=200)
    H = GaussianFit(data).hessian(np.array([2.0, 0.5]))
    claim(CH, H[0, 0], "\\begin{pmatrix} 4 & -31.8", value=4)
    claim(CH, H[0, 1], "-31.8 \\\\ -31.8 & 229", value=-31.8, abs=0.05)
    claim(CH, H[1, 1], "& 229 \\end{pmatrix}", value=229, abs=0.5)
    F = gaussian_fisher(0.5)
    claim(CH, F[1, 1], "只是 $\\operatorname{diag}(4, 8)$", value=8)
    assert F[0, 0] == 4


def test_adam_as_a_square_root_preconditioner():
    adam_dir = G_CASE / np.sqrt(np.diag(F_CASE))
    assert adam_dir == pytest.approx([0.1, 0.01])
    claim(CH, angle_between(adam_dir, G_CASE), "离负梯度 5.14°")
    claim(CH, angle_between(adam_dir, natural_direction(F_CASE, G_CASE)), "离自然梯度 39.29°")
    # a deterministic gradient makes Adam's first step η·sign(g)
    first = adam(Quadratic(F_CASE), np.array([0.01, 0.01]), 1e-3, 1).iterates[1]
    assert (np.array([0.01, 0.01]) - first) / 1e-3 == pytest.approx([1.0, 1.0], rel=1e-4)


def test_adam_second_moment_is_only_roughly_the_empirical_fisher_diagonal():
    # squaring a minibatch mean keeps only 1/B of the per-example variance: E[ḡ²] = (E g)² + Var g / B
    G = scaled_logistic()[2].per_example_grads(np.array([0.05, -0.3]))
    mean, var, fisher_diag = G.mean(axis=0), G.var(axis=0), np.mean(G**2, axis=0)
    assert fisher_diag == pytest.approx(mean**2 + var)
    rng = np.random.default_rng(0)
    for B in (1, 8, 32):
        batches = G[rng.integers(0, len(G), size=(40_000, B))].mean(axis=1)
        assert np.mean(batches**2, axis=0) == pytest.approx(mean**2 + var / B, rel=0.04)
    assert np.all(var / 32 < 0.5 * var) and np.all(var > 0.1 * mean**2)  # the gap is not negligible here
    text = markdown(CH)
    assert "(\\mathbb{E}\\,g_i)^2 + \\operatorname{Var}(g_i)/B" in text and "正是经验 Fisher" not in text


def test_kl_is_called_a_divergence_not_a_distance():
    text = markdown(CH)
    assert "分布大约挪动" not in text and "KL 本身不是距离" in text
    assert "是欧氏距离平方的一半，对应的是 $F = I$ 的特殊情形" in text
    d = np.array([0.3, -0.4])
    assert 0.5 * d @ np.eye(2) @ d == pytest.approx(0.5 * np.linalg.norm(d) ** 2)
    # KL is not symmetric: the two directions differ for a finite step
    assert kl_gaussian(0, 1, 0, 2) != pytest.approx(kl_gaussian(0, 2, 0, 1), rel=0.1)


def test_kfac_uses_the_books_layer_notation():
    # a is a pre-activation everywhere in the book, h a layer's input; G alone is the K-FAC factor
    text = markdown(CH)
    assert "$\\boldsymbol{a} = W\\boldsymbol{h}$" in text
    assert "A = \\mathbb{E}[\\boldsymbol{h}\\boldsymbol{h}^\\top]" in text
    assert "W\\boldsymbol{a}$" not in text and "$G = \\mathbb{E}[J_f" not in text


def test_kfac_kronecker_facts():
    rng = np.random.default_rng(0)
    A = np.cov(rng.normal(size=(3, 50))) + 0.1 * np.eye(3)
    G = np.cov(rng.normal(size=(2, 50))) + 0.1 * np.eye(2)
    assert np.linalg.inv(np.kron(A, G)) == pytest.approx(np.kron(np.linalg.inv(A), np.linalg.inv(G)))
    # independent h and g: E[vec(g hᵀ) vec(g hᵀ)ᵀ] = A ⊗ G (vec stacks columns)
    a = rng.multivariate_normal(np.zeros(3), A, size=200_000)
    g = rng.multivariate_normal(np.zeros(2), G, size=200_000)
    grads = np.einsum("ni,nj->nij", a, g).reshape(len(a), -1)
    assert grads.T @ grads / len(a) == pytest.approx(np.kron(A, G), abs=0.03)
    claim(CH, 1000 * 1000, "有 $10^6$ 个权重", value=1e6)
    claim(CH, (1000 * 1000) ** 2, "有 $10^{12}$ 个元素", value=1e12)
    claim(CH, 2 * 1000**2, "共 $2 \\times 10^6$ 个数", value=2e6)


def test_front_matter_and_terms():
    fm = front_matter(CH)
    assert fm["chapter"] == 6 and fm["title"].startswith("第 6 章")
    body = markdown(CH).split("---", 2)[2]
    for term in fm["search_terms"]:
        assert term in body
    listed = {
        line.split()[0] for line in (DOCS / "search-terms.txt").read_text(encoding="utf-8").splitlines() if line.strip()
    }
    assert set(fm["search_terms"]) <= listed


# --- 习题 -------------------------------------------------------------------------------------------


def test_exercise_1():
    F = gaussian_fisher(0.5)
    assert np.diag(F) == pytest.approx([4, 8])
    d = np.array([0.02, 0.01])
    claim(CH, 0.5 * d @ F @ d, "= 0.0012$")
    claim(CH, kl_gaussian(0, 0.5, 0.02, 0.51), "约为 0.00116")


def test_exercise_2():
    nat = natural_direction(np.diag([4.0, 1.0]), np.array([2.0, 1.0]))
    assert nat == pytest.approx([0.5, 1.0])
    claim(CH, angle_between([2, 1], [1, 0]), "\\arctan 0.5 \\approx 26.57°", value=26.57, abs=0.005)
    claim(CH, angle_between([0.5, 1], [1, 0]), "\\arctan 2 \\approx 63.43°", value=63.43, abs=0.005)
    claim(CH, angle_between([2, 1], nat), "夹角约为 36.87°")


def test_exercise_3():
    for p in (0.5, 0.98):
        num = numerical_hessian(lambda q, p=p: float(kl_bernoulli(p, q[0])), np.array([p]))[0, 0]
        assert num == pytest.approx(1 / (p * (1 - p)), rel=1e-4)
    claim(CH, 1 / (0.98 * 0.02), "约 51.0")
    low, high = float(kl_bernoulli(0.5, 0.51)), float(kl_bernoulli(0.98, 0.99))
    claim(CH, low, "\\approx 0.00020$")
    claim(CH, high, "\\approx 0.0039$")
    claim(CH, high / low, "约为前者的 19.6 倍")
    claim(CH, 0.5 / (0.98 * 0.02) * 1e-4, "\\approx 0.0026$")


def test_exercise_4():
    J = np.diag([1.0, 0.5])
    Fphi = J.T @ gaussian_fisher(0.5) @ J
    assert Fphi == pytest.approx(gaussian_fisher(0.5, "log_sigma"))
    claim(CH, Fphi[1, 1], "时是 $\\operatorname{diag}(4, 2)$", value=2)
    assert Fphi[0, 0] == pytest.approx(4)


def test_exercise_5():
    lr = figure_data("natural_vs_euclidean")["lr"]
    claim(CH, lr, "学习率取[图](#fig:natural_vs_euclidean) 里的 0.018", value=0.018, abs=5e-4)
    factor = 1 - lr * 1.0
    claim(CH, factor, "= 0.982$")
    claim(CH, math.log(0.1) / math.log(factor), "\\approx 126.77$")
    k = math.ceil(math.log(0.1) / math.log(factor))
    claim(CH, k, "至少 127 步")
    path = figure_data("natural_vs_euclidean", steps=k)["path"]  # figure 6.2's run, continued to k steps
    assert path[k, 1] < 0.001 <= path[k - 1, 1]


def test_exercise_6():
    n = 512 * 256
    claim(CH, n, "= 131072$")
    claim(CH, n**2, "\\approx 1.72 \\times 10^{10}$", value=1.72e10, rel=0.005)
    claim(CH, 512**2 + 256**2, "= 327680$")


# --- 习题（证明、先猜再验、编程） ---------------------------------------------------------------------


def test_exercise_3_bernoulli_fisher_from_the_score():
    p, x = sp.symbols("p x", positive=True)
    score = sp.diff(x * sp.log(p) + (1 - x) * sp.log(1 - p), p)
    mean = p * score.subs(x, 1) + (1 - p) * score.subs(x, 0)
    fisher = p * score.subs(x, 1) ** 2 + (1 - p) * score.subs(x, 0) ** 2
    assert sp.simplify(mean) == 0
    assert sp.simplify(fisher - 1 / (p * (1 - p))) == 0
    assert r"\frac1p + \frac{1}{1 - p} = \frac{1}{p(1 - p)}" in markdown(CH)


def test_exercise_7_natural_step_kl_is_invariant():
    g = np.array([1.0, 1.0])
    F = gaussian_fisher(0.5)
    J = np.diag([1.0, 0.5])  # ∂(μ, σ)/∂(μ, log σ) at σ = 0.5
    g_phi, F_phi = J.T @ g, J.T @ F @ J
    np.testing.assert_allclose(F_phi, gaussian_fisher(0.5, "log_sigma"))
    nat, nat_phi = g @ np.linalg.solve(F, g), g_phi @ np.linalg.solve(F_phi, g_phi)
    assert nat == pytest.approx(nat_phi)
    claim(CH, nat, r"\tfrac14 + \tfrac18 = 0.375$", value=0.375)
    claim(CH, nat_phi, r"\tfrac{0.25}{2} = 0.375$", value=0.375)
    claim(CH, g @ F @ g, r"\boldsymbol{g}^\top F\boldsymbol{g} = 4 + 8 = 12$", value=12)
    claim(CH, g_phi @ F_phi @ g_phi, r"4 + 2 \times 0.25 = 4.5$", value=4.5)
    claim(CH, (g @ F @ g) / (g_phi @ F_phi @ g_phi), r"12/4.5 \approx 2.67", value=2.67, abs=0.005)
    # (a) for any invertible J, not just this one
    rng = np.random.default_rng(0)
    for _ in range(5):
        A = rng.normal(size=(3, 3))
        Fr, Jr, gr = A @ A.T + np.eye(3), rng.normal(size=(3, 3)) + 3 * np.eye(3), rng.normal(size=3)
        lhs = (Jr.T @ gr) @ np.linalg.solve(Jr.T @ Fr @ Jr, Jr.T @ gr)
        assert lhs == pytest.approx(gr @ np.linalg.solve(Fr, gr))


def test_exercise_8_sensitivity_ten_redrawn():
    assert "把[图](#fig:natural_vs_euclidean) 的敏感度从 100 降到 10" in markdown(CH)
    d = figure_data("natural_vs_euclidean", sensitive=10.0)  # the figure redrawn
    start, g, nat, lr, path = d["start"], d["g"], d["natural"], d["lr"], d["path"]
    np.testing.assert_allclose(nat, start)
    claim(CH, math.degrees(math.atan(g[1] / g[0])), r"\arctan 0.1 \approx 5.71°", value=5.71, abs=0.005)
    claim(CH, d["angle"], "两者相差约 39.29°")
    claim(CH, Quadratic(np.diag([10.0, 1.0])).max_stable_lr, "学习率上限是 $2/10 = 0.2$", value=0.2)
    claim(CH, lr, "图里取 0.18")
    claim(CH, 1 - lr, r"$\Delta_2$ 每步乘以 0.82", value=0.82)
    claim(CH, 100 * path[-1, 1] / start[1], "只剩原来的 0.26%")
    default = figure_data("natural_vs_euclidean")["path"]
    claim(CH, 100 * default[-1, 1] / start[1], "$\\Delta_2$ 还剩 58%", value=58, abs=0.5)
    adam_like = np.array([1.0, 0.01]) / np.sqrt(np.diag(F_CASE))
    np.testing.assert_allclose(adam_like, g)  # Adam's direction on diag(100, 1) is this figure's gradient


def test_exercise_9_damping_sweep():
    F, g = F_CASE, np.array([1.0, 0.01])
    for damping in (0.0, 0.1, 1.0, 10.0, 100.0, 10000.0):
        d = natural_direction(F, g, damping=damping)
        np.testing.assert_allclose(d, [1 / (100 + damping), 0.01 / (1 + damping)])
        to_nat, to_grad = angle_between(d, [1.0, 1.0]), angle_between(d, g)
        for a in (to_nat, to_grad):  # nothing sits on a rounding edge of the printed two decimals
            assert abs(a * 100 - math.floor(a * 100) - 0.5) > 1e-3
        assert f"{damping} {round(to_nat, 2)} {round(to_grad, 2)}\n" in markdown(CH)
    adam_dir = g / np.sqrt(np.diag(F))
    ten = natural_direction(F, g, damping=10.0)
    assert angle_between(ten, adam_dir) == pytest.approx(0, abs=1e-6)
    claim(CH, angle_between(adam_dir, g), "$\\lambda = 10$ 那一行的 5.14°", value=5.14, abs=0.005)
    claim(CH, angle_between(adam_dir, [1.0, 1.0]), "5.14° 与 39.29°", value=39.29, abs=0.005)
