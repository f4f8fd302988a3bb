"""Chapter 3: every worked number in the prose recomputed with gradbook and found in the Markdown,
the chapter's new formulas against sympy and finite differences, the figures' stated facts, and the
exercise answers."""

from __future__ import annotations

import importlib
import inspect
import re

import numpy as np
import pytest
import sympy as sp

from gradbook import adjoint as adj
from gradbook import autodiff as ad
from gradbook.calculus import numerical_gradient, numerical_jacobian
from gradbook.models import LogisticRegression, add_bias, sigmoid, two_blobs
from gradbook.networks import affine_backward, recurrent_matrix, rnn_bptt, rnn_forward
from gradbook.newton_cg import gradient_descent_path, narrow_valley, newton_cg
from gradbook.optimizers import gradient_descent
from tests.chapters import ROOT, claim, front_matter, markdown

CH = "3"


# --- 链式法则 --------------------------------------------------------------------------------------

def test_one_variable_chain_rule_numbers():
    x = 1.0
    u = 3 * x + 1
    claim(CH, u, "$u = 4$")
    claim(CH, 2 * u, r"\frac{dy}{du} = 2u = 8", value=8)
    claim(CH, ad.derivative(lambda t: (3 * t + 1) ** 2, x), "处同样是 $24$")
    X = sp.Symbol("x")
    assert sp.expand((3 * X + 1) ** 2) == 9 * X**2 + 6 * X + 1
    assert sp.diff(9 * X**2 + 6 * X + 1, X).subs(X, 1) == 24


def test_jacobians_compose_in_the_stated_shapes():
    rng = np.random.default_rng(0)
    A, B = rng.normal(size=(3, 4)), rng.normal(size=(2, 3))

    def g(x):  # R⁴ → R³
        return np.tanh(A @ x)

    def h(u):  # R³ → R²
        return B @ u**2

    x = rng.normal(size=4)
    composed = numerical_jacobian(lambda v: h(g(v)), x)
    product = numerical_jacobian(h, g(x)) @ numerical_jacobian(g, x)
    assert composed.shape == (2, 4)
    np.testing.assert_allclose(composed, product, atol=1e-7)


# --- 计算图 ----------------------------------------------------------------------------------------

def _graph(x, y):
    vx, vy = ad.Value(x), ad.Value(y)
    a = vx + vy
    b = vx * vy
    f = a * b
    f.backward()
    return vx, vy, a, b, f


def test_the_hand_worked_graph():
    x, y, a, b, f = _graph(2.0, 3.0)
    claim(CH, a.data, "$a = 5$")
    claim(CH, b.data, "$b = 6$")
    claim(CH, f.data, "$f = 30$")
    claim(CH, a.grad, r"\bar a = \bar f \cdot b = 6", value=6)
    claim(CH, b.grad, r"\bar b = \bar f \cdot a = 5", value=5)
    claim(CH, x.grad, r"\bar x = \bar a \cdot 1 + \bar b \cdot 3 = 6 + 15 = 21", value=21)
    claim(CH, y.grad, r"\bar y = \bar a \cdot 1 + \bar b \cdot x = 6 + 10 = 16", value=16)
    assert (a.grad * 1, b.grad * 3.0) == (6, 15) and (b.grad * 2.0) == 10
    X, Y = sp.symbols("x y")
    F = (X + Y) * X * Y
    assert sp.expand(F) == X**2 * Y + X * Y**2
    assert sp.diff(F, X).subs({X: 2, Y: 3}) == 21 and sp.diff(F, Y).subs({X: 2, Y: 3}) == 16
    claim(CH, 2 * 2 * 3 + 3**2, r"2xy + y^2 = 12 + 9 = 21", value=21)
    claim(CH, 2**2 + 2 * 2 * 3, r"x^2 + 2xy = 4 + 12 = 16", value=16)


def test_the_graph_as_a_vector_jacobian_product():
    vjp = np.array([6.0, 5.0]) @ np.array([[1.0, 1.0], [3.0, 2.0]])
    claim(CH, vjp[0], "= (21, 16).")
    assert vjp.tolist() == [21.0, 16.0]


def test_the_graph_figure_shows_the_same_numbers():
    alt = importlib.import_module("figures.computational_graph").ALT
    for text in ("x = 2", "y = 3", "a = x + y = 5", "b = xy = 6", "f = ab = 30", "a 为 6", "b 为 5", "y 为 16",
                 "x 为 21"):
        assert text in alt


# --- 逻辑回归 --------------------------------------------------------------------------------------

def test_logistic_local_derivatives_and_their_product():
    yhat, y, z = sp.symbols("yhat y z")
    loss = -(y * sp.log(yhat) + (1 - y) * sp.log(1 - yhat))
    dl = sp.diff(loss, yhat)
    assert sp.simplify(dl - (yhat - y) / (yhat * (1 - yhat))) == 0
    sig = 1 / (1 + sp.exp(-z))
    assert sp.simplify(sp.diff(sig, z) - sig * (1 - sig)) == 0
    assert sp.simplify(dl.subs(yhat, sig) * sp.diff(sig, z) - (sig - y)) == 0


def test_two_sample_logistic_example():
    model = LogisticRegression(np.array([[1.0, 2.0], [2.0, -1.0]]), np.array([1.0, 0.0]))
    per = model.per_example_grads(np.zeros(2))
    assert model.probabilities(np.zeros(2)).tolist() == [0.5, 0.5]
    claim(CH, per[0, 0], "贡献 $(-0.5, -1)$")
    assert per[0].tolist() == [-0.5, -1.0] and per[1].tolist() == [1.0, -0.5]
    claim(CH, per[1, 0], "贡献 $(1, -0.5)$")
    g = model.grad(np.zeros(2))
    claim(CH, g[0], "两者平均是 $(0.25, -0.75)$")
    assert g[1] == -0.75
    np.testing.assert_allclose(g, numerical_gradient(model.value, np.zeros(2)), atol=1e-9)


def test_only_confidently_wrong_samples_have_errors_near_one():
    # a wrongly classified sample has |ŷ − y| > 0.5; the error nears ±1 only as the wrong prediction grows confident
    z = np.linspace(-8, 8, 1601)
    y_hat = sigmoid(z)
    for label in (0.0, 1.0):
        wrong = (y_hat > 0.5) != (label == 1.0)
        wrong &= z != 0
        assert np.all(np.abs(y_hat[wrong] - label) > 0.5)
    assert abs(sigmoid(0.1) - 0.0) < 0.53 and abs(sigmoid(6.0) - 0.0) > 0.99
    claim(CH, 0.5, "分错的样本误差的绝对值超过 0.5")


def _imbalance(frac):
    X, y = two_blobs(100, 0, positive_fraction=frac)
    model = LogisticRegression(add_bias(X), y)
    w = gradient_descent(model, np.zeros(3), 1.0, 300).final
    negatives_right = float(np.mean(model.probabilities(w)[y == 0] < 0.5))
    return y, model, negatives_right


def test_class_imbalance_numbers():
    claim(CH, 100, "造了 100 个点")
    y, model, balanced_right = _imbalance(0.5)
    assert y.sum() == 50
    claim(CH, round(-model.grad(np.zeros(3))[2], 12) + 0.0, "为 0.00")
    y, model, imbalanced_right = _imbalance(0.9)
    claim(CH, 100 * y.mean(), "正类占 90%")
    claim(CH, -model.grad(np.zeros(3))[2], "不平衡时是 0.40")
    claim(CH, y.mean() - 0.5, r"-\partial L/\partial b = p - 0.5", value=0.4)
    claim(CH, 100 * balanced_right, "负类有 92% 被分对")
    claim(CH, 100 * imbalanced_right, "只有 80% 被分对")
    assert "偏置分量为 0.40" in importlib.import_module("figures.logistic_error_weighted").ALT


# --- 仿射层与多层网络 ------------------------------------------------------------------------------

def test_affine_layer_worked_example():
    W = np.array([[1.0, 0.0], [2.0, 1.0]])
    X = np.array([[1.0, 0.0], [2.0, 1.0]])
    G = np.array([[3.0, 1.0], [-1.0, 2.0]])
    dW, db, _ = affine_backward(W, X, G)
    claim(CH, db[0], "(3 + 1, -1 + 2) = (4, 1)", value=4)
    assert db.tolist() == [4.0, 1.0]
    outer1, outer2 = np.outer(G[:, 0], X[:, 0]), np.outer(G[:, 1], X[:, 1])
    assert outer1.tolist() == [[3, 6], [-1, -2]] and outer2.tolist() == [[0, 1], [0, 2]]
    assert dW.tolist() == [[3.0, 7.0], [-1.0, 0.0]]
    md = markdown(CH)
    for text in (r"3 & 6 \\ -1 & -2", r"0 & 1 \\ 0 & 2", r"3 & 7 \\ -1 & 0"):
        assert text in md


# --- 沿时间反向传播 --------------------------------------------------------------------------------

def test_bptt_figure_decay_ratio():
    # the same computation as figures/rnn_unrolled_bptt.py with its defaults
    steps, rho, hidden, seed = 8, 0.8, 4, 0
    rng = np.random.default_rng(seed)
    W = recurrent_matrix(hidden, rho, seed)
    np.testing.assert_allclose(np.linalg.svd(W, compute_uv=False), rho)
    U = rng.normal(0.0, 0.5, (hidden, 2))
    xs = rng.normal(size=(steps, 2))
    hs = rnn_forward(W, U, np.zeros(hidden), xs, np.zeros(hidden))
    targets = hs[1:].copy()
    targets[-1] = hs[-1] - 1.0
    norms = np.linalg.norm(rnn_bptt(W, U, np.zeros(hidden), xs, np.zeros(hidden), targets).grad_a, axis=1)
    claim(CH, rho, r"$\rho = 0.8$")
    claim(CH, np.exp(np.mean(np.log(norms[:-1] / norms[1:]))), "平均只剩约 0.65 倍")
    assert np.all(np.diff(norms) > 0), "each step back the gradient shrinks"


# --- 自动微分 --------------------------------------------------------------------------------------

def test_dual_number_product_rule():
    a, b, c, d = sp.symbols("a b c d")
    eps = sp.Symbol("epsilon")
    prod = sp.expand((a + b * eps) * (c + d * eps)).subs(eps**2, 0)
    assert sp.simplify(prod - (a * c + (a * d + b * c) * eps)) == 0
    z = ad.Dual(2.0, 1.0) * ad.Dual(3.0, 5.0)
    assert (z.value, z.tangent) == (6.0, 2.0 * 5.0 + 1.0 * 3.0)


def test_product_operation_counts():
    cost = ad.product_gradient_cost(50)
    claim(CH, cost.forward, "前向模式用了 2500 次运算")
    claim(CH, cost.reverse, "反向模式只用 100 次")
    far = ad.predicted_product_gradient_cost(2500)
    claim(CH, far.forward, "前向模式要 6,250,000 次运算")
    claim(CH, far.reverse, "反向模式只要 5,000 次")
    claim(CH, far.forward / far.reverse, "差了 1250 倍")
    for n in (1, 7, 30):
        assert ad.product_gradient_cost(n) == ad.predicted_product_gradient_cost(n)


# --- 伴随方法 --------------------------------------------------------------------------------------

def test_adjoint_snippet_numbers():
    field = adj.TanhField(np.array([[0.5, -1.0], [1.0, 0.2]]), np.array([0.1, -0.3]))
    h0 = np.array([1.0, 0.0])
    claim(CH, len(adj.solve(field, h0, 2.0, 100)), "从 101 个状态")
    claim(CH, len(adj.solve(field, h0, 2.0, 1000)), "涨到 1001 个")
    claim(CH, adj.adjoint_gradient(field, h0, np.array([0.0, 1.0]), 2.0, 1000).states_kept, "始终只交出 1 个")


def test_the_adjoint_equation_is_the_limit_of_the_bptt_recursion():
    # Euler steps h ← h + Δt f(h): the discrete chain rule a ← (I + Δt ∂f/∂h)ᵀ a tends to the adjoint ODE
    rng = np.random.default_rng(4)
    field = adj.TanhField(rng.normal(size=(2, 2)), rng.normal(size=2))
    h0, target, steps, T = rng.normal(size=2), rng.normal(size=2), 4000, 1.0
    dt = T / steps
    hs = [h0]
    for _ in range(steps):
        hs.append(hs[-1] + dt * field(hs[-1]))
    a = hs[-1] - target
    for h in reversed(hs[:-1]):
        a = a + dt * field.vjp(h, a)[0]
    np.testing.assert_allclose(a, adj.adjoint_gradient(field, h0, target, T, 200).grad_h0, atol=2e-3)


# --- 二阶方法 --------------------------------------------------------------------------------------

def _L(v):
    return v[0] ** 2 * v[1] + v[1] ** 3


def test_hessian_vector_product_example():
    p = np.array([1.0, 2.0])
    H = ad.hessian(_L, p)
    X, Y = sp.symbols("x y")
    assert sp.hessian(X**2 * Y + Y**3, (X, Y)) == sp.Matrix([[2 * Y, 2 * X], [2 * X, 6 * Y]])
    assert H.tolist() == [[4.0, 2.0], [2.0, 12.0]]
    assert r"\begin{pmatrix} 4 & 2 \\ 2 & 12 \end{pmatrix}" in markdown(CH)
    hv = ad.hessian_vector_product(_L, p, np.array([1.0, 1.0]))
    claim(CH, hv[0], "得 $(6, 14)$")
    assert hv.tolist() == [6.0, 14.0]


def test_hvp_is_the_directional_derivative_of_the_gradient():
    p, v, eps = np.array([0.7, -1.3]), np.array([0.4, 2.0]), 1e-6
    fd = (ad.gradient_reverse(_L, p + eps * v) - ad.gradient_reverse(_L, p - eps * v)) / (2 * eps)
    np.testing.assert_allclose(ad.hessian_vector_product(_L, p, v), fd, atol=1e-7)


def test_hvp_costs_a_constant_multiple_of_a_gradient():
    ratios = set()
    for n in (10, 50, 200):
        x = np.linspace(0.5, 1.5, n)
        with ad.counting() as grad_ops:
            ad.gradient_reverse(ad.product, x)
        with ad.counting() as hvp_ops:
            ad.hessian_vector_product(ad.product, x, np.ones(n))
        ratios.add((hvp_ops.reverse + hvp_ops.dual) / grad_ops.reverse)
    assert len(ratios) == 1
    claim(CH, ratios.pop(), "是一次梯度的 3.5 倍")


def test_newton_cg_against_gradient_descent():
    valley = narrow_valley(condition=50.0)
    assert np.linalg.cond(ad.hessian(valley, np.zeros(2))) == pytest.approx(50.0)
    claim(CH, 50, "条件数为 50")
    start = np.array([-2.2, 0.2])
    newton = newton_cg(valley, start, steps=6)
    gd = gradient_descent_path(valley, start, lr=0.03, steps=100)
    claim(CH, gd.losses[-1] * 1e4, r"仍有 $7\times 10^{-4}$")
    claim(CH, newton.hvp_calls, "一共只做了 9 次 HVP")
    claim(CH, len(newton.iterates) - 1, "牛顿-CG 6 步之内")
    assert newton.losses[-1] < 1e-20
    # the tolerances the prose explains are the ones the call uses, and step 6 spends nothing
    claim(CH, 1e-4, "残差降到梯度长度的 $10^{-4}$ 倍（默认的 `tol=1e-4`）", value=1e-4)
    claim(CH, 1e-8, "梯度长度一旦不超过 $10^{-8}$（默认的 `gtol=1e-8`）", value=1e-8)
    defaults = inspect.signature(newton_cg).parameters
    assert defaults["tol"].default == 1e-4 and defaults["gtol"].default == 1e-8
    claim(CH, 6, "图中第 6 步正是如此")
    assert np.array_equal(newton.iterates[6], newton.iterates[5]) and newton_cg(valley, start, steps=5).hvp_calls == 9
    assert np.linalg.norm(ad.gradient_reverse(valley, newton.iterates[5])) < 1e-8 * 1e-3
    # a step of 0.03 is near the edge: the steepest curvature at the start is close to 2/0.03
    steep = np.linalg.eigvalsh(ad.hessian(valley, start))[-1]
    assert 0.03 * steep < 2 < 0.045 * steep


# --- PyTorch autograd ------------------------------------------------------------------------------

def test_autograd_numbers():
    claim(CH, ad.derivative(lambda x: x**2 + 3 * x, 2.0), "2x + 3 = 7", value=7)
    claim(CH, 2 * ad.derivative(lambda x: x**2 + 3 * x, 2.0), "**累加**成 $7 + 7 = 14$", value=14)

    def doubled(x):
        y = x
        while (y.value if isinstance(y, ad.Dual) else y) < 10:
            y = y * 2
        return y

    claim(CH, ad.derivative(doubled, 3.0), "导数是 4")
    claim(CH, ad.derivative(doubled, 0.5), "导数是 32")


def test_front_matter_and_terms():
    fm = front_matter(CH)
    assert fm["chapter"] == 3 and fm["title"].startswith("第 3 章")
    md = markdown(CH)
    for term in fm["search_terms"]:
        assert term in md.split("---", 2)[2]


# --- 习题 ------------------------------------------------------------------------------------------

def test_exercise_1():
    g = ad.gradient_reverse(lambda v: (v[0] * v[1] + v[1]) ** 2, np.array([2.0, 1.0]))
    claim(CH, g[0], r"\partial f/\partial x = 6 \times 1 = 6", value=6)
    claim(CH, g[1], r"\partial f/\partial y = 6 \times 3 = 18", value=18)


def test_exercise_2():
    x, y, a, b, f = _graph(1.0, 2.0)
    claim(CH, a.data, "前向：$a = 3$")
    claim(CH, b.data, "$b = 2$，$f = 6$")
    claim(CH, f.data, "$f = 6$。")
    claim(CH, x.grad, r"\bar x = \bar a + \bar b\, y = 2 + 6 = 8", value=8)
    claim(CH, y.grad, r"\bar y = \bar a + \bar b\, x = 2 + 3 = 5", value=5)


def test_exercise_3():
    X, y = two_blobs(100, 0, positive_fraction=0.7)
    g = LogisticRegression(add_bias(X), y).grad(np.zeros(3))
    claim(CH, g[2], "0.5 - 0.7 = -0.2", value=-0.2)


def test_exercise_4():
    dW, db, _ = affine_backward(np.zeros((3, 2)), np.array([[1.0], [-1.0]]), np.array([[2.0], [0.0], [1.0]]))
    assert dW.tolist() == [[2.0, -2.0], [0.0, 0.0], [1.0, -1.0]] and db.tolist() == [2.0, 0.0, 1.0]
    assert r"2 & -2 \\ 0 & 0 \\ 1 & -1" in markdown(CH)
    claim(CH, db[0], r"\partial L/\partial \boldsymbol{b} = \boldsymbol{g} = (2, 0, 1)", value=2)


def test_exercise_5():
    cost = ad.predicted_product_gradient_cost(1000)
    claim(CH, cost.forward, "n^2 = 1{,}000{,}000", value=1_000_000)
    claim(CH, cost.reverse, "2n = 2{,}000", value=2000)
    claim(CH, cost.forward / cost.reverse, "n/2 = 500", value=500)
    assert ad.product_gradient_cost(40).forward / ad.product_gradient_cost(40).reverse == 40 / 2


def test_each_symbol_has_one_meaning_across_the_book():
    # J is a Jacobian, a (a_t, a_l) a pre-activation; the loss is L and the adjoint state is h̄(t)
    loss_as_J = re.compile(r"\\nabla J\b|\bJ\(|\\partial\^2 J|损失 \$J\$")
    adjoint_as_a = re.compile(r"\\boldsymbol\{a\}\(t\)|\\boldsymbol\{a\}\(T\)|d\\boldsymbol\{a\}\}\{dt\}")
    for chapter in ("1", "2", "3", "4", "5"):
        text = markdown(chapter)
        assert not loss_as_J.search(text), chapter
        assert not adjoint_as_a.search(text), chapter
    ch3 = markdown(CH)
    assert r"\bar{\boldsymbol{h}}(t) = \partial L / \partial \boldsymbol{h}(t)" in ch3
    assert "J_t = \\partial \\boldsymbol{h}_t / \\partial \\boldsymbol{h}_{t-1}" in ch3
    assert "a(t)" not in inspect.getdoc(adj) and "h̄(t) = ∂L/∂h(t)" in inspect.getdoc(adj)


def test_reverse_mode_costs_a_fixed_multiple_of_one_evaluation():
    # the multiple (here 2) does not grow with the number of inputs; the evaluation itself does
    for n in (10, 50, 200):
        x = np.linspace(0.5, 1.5, n)
        with ad.counting() as rev:
            ad.gradient_reverse(ad.product, x)
        assert rev.reverse == 2 * n
    assert "这个倍数与参数个数无关" in markdown(CH) and "与参数个数无关；" not in markdown(CH)


def test_nav_titles_match_the_chapter_headings():
    # the sidebar, the front matter and the H1 give each chapter one title
    yml = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    nav = re.findall(r"^  - (第 \d 章 [^:\n]+): chapters/(\S+\.md)$", yml, re.M)
    assert len(nav) == 5
    for title, page in nav:
        assert front_matter(f"chapters/{page}")["title"] == title
        assert f"\n# {title}\n" in markdown(f"chapters/{page}")


def test_the_affine_backward_hands_the_gradient_towards_the_input():
    text = markdown(CH)
    assert "交给下一层" not in text and text.count("交给前一层") == 2


def test_exercise_6():
    hv = ad.hessian_vector_product(_L, np.array([1.0, 2.0]), np.array([0.0, 1.0]))
    claim(CH, hv[1], "(2x, 6y) = (2, 12)", value=12)
    assert hv.tolist() == [2.0, 12.0]
    claim(CH, 1000, "即 1000 次 HVP")
    claim(CH, 1000**2, "1000^2 = 1{,}000{,}000", value=1_000_000)


# --- 习题（先猜再验、证明、编程） ---------------------------------------------------------------------

def _figure_numbers() -> list[str]:
    return re.findall(r"!\[\]\(\.\./figures/([a-z0-9_]+)\.svg", markdown(CH))


def test_exercise_2_redrawn_graph_edge_labels():
    assert _figure_numbers()[0] == "computational_graph" and "再重画图 3.1 核对" in markdown(CH)
    x, y, a, b, f = _graph(1.0, 2.0)
    # the figure's edge labels are ∂b/∂x = y, ∂b/∂y = x, ∂f/∂a = b, ∂f/∂b = a (figures/computational_graph.py)
    claim(CH, y.data, r"$x \to b$ 那条的局部导数是 $y = 2$", value=2)
    claim(CH, x.data, r"$y \to b$ 那条是 $x = 1$", value=1)
    claim(CH, b.data, r"$a \to f$ 是 $b = 2$", value=2)
    claim(CH, a.data, r"$b \to f$ 是 $a = 3$", value=3)
    src = (ROOT / "figures" / "computational_graph.py").read_text(encoding="utf-8")
    assert '("x", "b", vy.data' in src and '("a", "f", b.data' in src


def test_exercise_5_redrawn_op_counts_and_the_crossing():
    assert _figure_numbers()[3] == "autodiff_op_counts" and "把图 3.4 外推到 $n = 1000$" in markdown(CH)
    far = ad.predicted_product_gradient_cost(1000)
    assert f"{far.forward:,}" == "1,000,000" and f"{far.reverse:,}" == "2,000"
    claim(CH, far.forward, "正标着 1,000,000 和 2,000", value=1_000_000)
    one, two = ad.product_gradient_cost(1), ad.product_gradient_cost(2)
    assert two.forward == two.reverse == 4
    costs = {n: ad.product_gradient_cost(n) for n in range(1, 10)}
    crossing = next(n for n, c in costs.items() if c.forward == c.reverse)
    claim(CH, crossing, "两条线在 $n = 2$ 相交")
    claim(CH, two.forward, "相交（都是 4 次）")
    claim(CH, one.forward, "1 次对 2 次")
    assert one.reverse == 2 and all(ad.product_gradient_cost(n).forward > ad.product_gradient_cost(n).reverse
                                    for n in (3, 5, 10))


def test_exercise_7_thirty_percent_minority():
    assert _figure_numbers()[1] == "logistic_error_weighted"
    rates = {}
    for frac in (0.5, 0.7, 0.9):
        X, y = two_blobs(100, 0, positive_fraction=frac)
        model = LogisticRegression(add_bias(X), y)
        if frac == 0.7:
            claim(CH, -model.grad(np.zeros(3))[2], "偏置分量是 $p - 0.5 = 0.7 - 0.5 = 0.20$", value=0.20)
        w = gradient_descent(model, np.zeros(3), 1.0, 300).final
        p = model.probabilities(w)
        neg = y == 0
        assert np.min(np.abs(p - 0.5)) > 1e-3  # no point sits on the boundary: the counts are stable
        rates[frac] = (int(np.sum(p[neg] < 0.5)), int(neg.sum()))
    assert rates[0.7] == (28, 30)
    claim(CH, rates[0.7][0], "分对了 28 个")
    claim(CH, rates[0.7][0] / rates[0.7][1] * 100, "28 个（93%）", value=93, abs=0.5)
    claim(CH, rates[0.5][0] / rates[0.5][1] * 100, "与平衡数据的 92% 相当")
    claim(CH, rates[0.9][0] / rates[0.9][1] * 100, "只有 80%")


def test_exercise_8_prefix_and_suffix_products():
    rng = np.random.default_rng(0)
    for x in (rng.normal(size=7), np.array([2.0, 0.0, 3.0]), np.array([0.0, 0.0, 5.0, 1.5])):
        prefix = np.cumprod(np.r_[1.0, x[:-1]])
        suffix = np.cumprod(np.r_[1.0, x[::-1][:-1]])[::-1]
        np.testing.assert_allclose(prefix * suffix, ad.gradient_reverse(ad.product, x))
    g = ad.gradient_reverse(ad.product, np.array([2.0, 0.0, 3.0]))
    assert g.tolist() == [0.0, 6.0, 0.0]
    claim(CH, g[1], r"= (0, 6, 0)$", value=6)
    assert r"(0 \cdot 3,\ 2 \cdot 3,\ 2 \cdot 0)" in markdown(CH)
    with np.errstate(invalid="ignore", divide="ignore"):
        assert np.isnan(0.0 / np.array([2.0, 0.0, 3.0]))[1]  # f/x_i at x₂ = 0


def test_exercise_9_cross_entropy_cancels_the_sigmoid_slope():
    for z, y, shown in ((2.0, 1.0, "-0.1192"), (-3.0, 1.0, "-0.9526"), (0.0, 0.0, "0.5")):
        v = ad.Value(z)
        p = v.sigmoid()
        (-(y * p.log() + (1 - y) * (1 - p).log())).backward()
        assert v.grad == pytest.approx(sigmoid(z) - y)
        assert f"{z} {y} {shown} {shown}" in markdown(CH)
    s = float(sigmoid(-3.0))
    square_slope = 2 * (s - 1) * s * (1 - s)
    claim(CH, square_slope, "推力只剩 $-0.0861$")
    claim(CH, (s - 1) / square_slope, "约为交叉熵的十一分之一", value=11, abs=0.5)
