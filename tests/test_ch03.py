"""Chapter 3: every worked number in the prose recomputed with gradbook and found in the Markdown,
the chapter's new formulas against sympy and finite differences, the figures' stated facts, and the
exercise answers."""

from __future__ import annotations

import inspect
import re

import numpy as np
import pytest
import sympy as sp

from gradbook import adjoint as adj
from gradbook import autodiff as ad
from gradbook.calculus import numerical_gradient, numerical_jacobian
from gradbook.engine.registry import find_figure
from gradbook.engine.render import data as figure_data
from gradbook.models import LogisticRegression, add_bias, sigmoid, two_blobs
from gradbook.networks import affine_backward
from gradbook.newton_cg import narrow_valley, newton_cg
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


def _graph(**params):
    """Figure 3.1's forward values and backward sensitivities, as the figure labels its nodes."""
    d = figure_data("computational_graph", **params)
    return d["value"], d["grad"]


def test_the_hand_worked_graph():
    value, grad = _graph()
    claim(CH, value["a"], "$a = 5$")
    claim(CH, value["b"], "$b = 6$")
    claim(CH, value["f"], "$f = 30$")
    claim(CH, grad["a"], r"\bar a = \bar f \cdot b = 6", value=6)
    claim(CH, grad["b"], r"\bar b = \bar f \cdot a = 5", value=5)
    claim(CH, grad["x"], r"\bar x = \bar a \cdot 1 + \bar b \cdot 3 = 6 + 15 = 21", value=21)
    claim(CH, grad["y"], r"\bar y = \bar a \cdot 1 + \bar b \cdot x = 6 + 10 = 16", value=16)
    assert (grad["a"] * 1, grad["b"] * 3.0) == (6, 15) and (grad["b"] * 2.0) == 10
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
    alt = find_figure("computational_graph", ROOT / "figures").alt
    value, grad = _graph()
    for text in (
        f"x = {value['x']:g}",
        f"y = {value['y']:g}",
        f"a = x + y = {value['a']:g}",
        f"b = xy = {value['b']:g}",
        f"f = ab = {value['f']:g}",
        f"a 为 {grad['a']:g}",
        f"b 为 {grad['b']:g}",
        f"y 为 {grad['y']:g}",
        f"x 为 {grad['x']:g}",
    ):
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


def negatives_right(panel) -> tuple[int, int]:
    """(negatives the trained model classifies right, negatives) in one panel of figure 3.2."""
    negative = panel["y"] == 0
    return int(np.sum(panel["p"][negative] < 0.5)), int(negative.sum())


def test_class_imbalance_numbers():
    d = figure_data("logistic_error_weighted")
    balanced, imbalanced = d["balanced"], d["imbalanced"]
    claim(CH, len(balanced["y"]), "造了 100 个点")
    assert balanced["counts"][1] == 50
    claim(CH, round(balanced["total"][1], 12) + 0.0, "为 0.00")
    claim(CH, 100 * imbalanced["y"].mean(), "正类占 90%")
    claim(CH, imbalanced["total"][1], "不平衡时是 0.40")
    claim(CH, imbalanced["y"].mean() - 0.5, r"-\partial L/\partial b = p - 0.5", value=0.4)
    model = LogisticRegression(add_bias(imbalanced["X"]), imbalanced["y"])
    assert imbalanced["total"][1] == pytest.approx(-model.grad(np.zeros(3))[2])  # the push's bias part is −∂L/∂b
    right, negatives = negatives_right(balanced)
    claim(CH, 100 * right / negatives, "负类有 92% 被分对")
    right, negatives = negatives_right(imbalanced)
    claim(CH, 100 * right / negatives, "只有 80% 被分对")


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
    d = figure_data("rnn_unrolled_bptt")
    rho = find_figure("rnn_unrolled_bptt", ROOT / "figures").defaults()["rho"]
    np.testing.assert_allclose(np.linalg.svd(d["W"], compute_uv=False), rho)
    claim(CH, rho, r"$\rho = 0.8$")
    claim(CH, d["back_ratio"], "平均只剩约 0.65 倍")
    assert np.all(np.diff(d["norms"]) > 0), "each step back the gradient shrinks"


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
    far = figure_data("autodiff_op_counts")["far"]  # the stars of figure 3.4
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
    params = find_figure("hvp_newton_cg", ROOT / "figures").defaults()
    valley = narrow_valley(condition=params["condition"])
    assert np.linalg.cond(ad.hessian(valley, np.zeros(2))) == pytest.approx(50.0)
    claim(CH, params["condition"], "条件数为 50")
    d = figure_data("hvp_newton_cg")  # figure 3.5: Newton-CG's 6 steps and gradient descent's 100 at η = 0.03
    start, newton, gd = d["gd"].iterates[0], d["newton"], d["gd"].losses
    claim(CH, gd[-1] * 1e4, r"仍有 $7\times 10^{-4}$")
    claim(CH, newton.hvp_calls, "一共只做了 9 次 HVP")
    claim(CH, len(newton.iterates) - 1, "牛顿-CG 6 步之内")
    assert newton.losses[-1] < 1e-20
    # the tolerances the prose explains are the ones the figure's call uses, and step 6 spends nothing
    claim(CH, 1e-4, "残差降到梯度长度的 $10^{-4}$ 倍（默认的 `tol=1e-4`）", value=1e-4)
    claim(CH, 1e-8, "梯度长度一旦不超过 $10^{-8}$（默认的 `gtol=1e-8`）", value=1e-8)
    defaults = inspect.signature(newton_cg).parameters
    assert defaults["tol"].default == 1e-4 and defaults["gtol"].default == 1e-8
    claim(CH, 6, "图中第 6 步正是如此")
    assert np.array_equal(newton.iterates[6], newton.iterates[5]) and newton_cg(valley, start, steps=5).hvp_calls == 9
    assert np.linalg.norm(ad.gradient_reverse(valley, newton.iterates[5])) < 1e-8 * 1e-3
    # a step of 0.03 is near the edge: the steepest curvature at the start is close to 2/0.03
    steep = np.linalg.eigvalsh(ad.hessian(valley, start))[-1]
    assert params["lr"] * steep < 2 < 1.5 * params["lr"] * steep


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
    value, grad = _graph(x=1.0, y=2.0)
    claim(CH, value["a"], "前向：$a = 3$")
    claim(CH, value["b"], "$b = 2$，$f = 6$")
    claim(CH, value["f"], "$f = 6$。")
    claim(CH, grad["x"], r"\bar x = \bar a + \bar b\, y = 2 + 6 = 8", value=8)
    claim(CH, grad["y"], r"\bar y = \bar a + \bar b\, x = 2 + 3 = 5", value=5)


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
    chapters = sorted(p.name for p in (ROOT / "docs" / "chapters").glob("[0-9][0-9]-*.md"))
    assert [page for _, page in nav] == chapters  # every chapter in the nav, in file order
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


def test_exercise_2_redrawn_graph_edge_labels():
    assert "再重画[图](#fig:computational_graph) 核对" in markdown(CH)
    d = figure_data("computational_graph", x=1.0, y=2.0)
    for edge, node, text, shown in (
        (("x", "b"), "y", r"$x \to b$ 那条的局部导数是 $y = 2$", 2),
        (("y", "b"), "x", r"$y \to b$ 那条是 $x = 1$", 1),
        (("a", "f"), "b", r"$a \to f$ 是 $b = 2$", 2),
        (("b", "f"), "a", r"$b \to f$ 是 $a = 3$", 3),
    ):
        assert d["local"][edge] == d["value"][node]  # the redrawn figure's edge label ∂to/∂from is that node's value
        claim(CH, d["local"][edge], text, value=shown)


def test_exercise_5_redrawn_op_counts_and_the_crossing():
    assert "把[图](#fig:autodiff_op_counts) 外推到 $n = 1000$" in markdown(CH)
    far = figure_data("autodiff_op_counts", n_far=1000)["far"]
    assert f"{far.forward:,}" == "1,000,000" and f"{far.reverse:,}" == "2,000"
    claim(CH, far.forward, "正标着 1,000,000 和 2,000", value=1_000_000)
    one, two = ad.product_gradient_cost(1), ad.product_gradient_cost(2)
    assert two.forward == two.reverse == 4
    costs = {n: ad.product_gradient_cost(n) for n in range(1, 10)}
    crossing = next(n for n, c in costs.items() if c.forward == c.reverse)
    claim(CH, crossing, "两条线在 $n = 2$ 相交")
    claim(CH, two.forward, "相交（都是 4 次）")
    claim(CH, one.forward, "1 次对 2 次")
    assert one.reverse == 2 and all(
        ad.product_gradient_cost(n).forward > ad.product_gradient_cost(n).reverse for n in (3, 5, 10)
    )


def test_exercise_7_thirty_percent_minority():
    assert "[图](#fig:logistic_error_weighted) 的不平衡数据里" in markdown(CH)
    default, redrawn = figure_data("logistic_error_weighted"), figure_data("logistic_error_weighted", minority=0.3)
    claim(CH, redrawn["imbalanced"]["total"][1], "偏置分量是 $p - 0.5 = 0.7 - 0.5 = 0.20$", value=0.20)
    panels = {0.5: default["balanced"], 0.7: redrawn["imbalanced"], 0.9: default["imbalanced"]}
    rates = {}
    for frac, panel in panels.items():
        assert panel["y"].mean() == pytest.approx(frac)
        assert np.min(np.abs(panel["p"] - 0.5)) > 1e-3  # no point sits on the boundary: the counts are stable
        rates[frac] = negatives_right(panel)
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


# --- 同一张小图，两种走法 ---------------------------------------------------------------------------


def _dual_pass(seed_x: float, seed_y: float) -> dict[str, ad.Dual]:
    x, y = ad.Dual(2.0, seed_x), ad.Dual(3.0, seed_y)
    a, b = x + y, x * y
    return {"x": x, "y": y, "a": a, "b": b, "f": a * b}


def test_the_dual_number_walk_of_the_small_graph():
    by_x, by_y = _dual_pass(1.0, 0.0), _dual_pass(0.0, 1.0)
    claim(CH, by_x["a"].value, r"5 + (1 + 0)\,\varepsilon = 5 + 1\varepsilon")
    claim(CH, by_x["b"].tangent, r"= 6 + 3\varepsilon", value=3)
    claim(CH, by_x["f"].tangent, r"(1 \cdot 6 + 5 \cdot 3)\,\varepsilon = 30 + 21\varepsilon", value=21)
    claim(CH, by_y["b"].tangent, r"$b = 6 + 2\varepsilon$", value=2)
    claim(CH, by_y["f"].tangent, r"$f = 30 + 16\varepsilon$", value=16)
    value, grad = _graph()
    assert (by_x["f"].tangent, by_y["f"].tangent) == (grad["x"], grad["y"])  # forward meets reverse
    md = markdown(CH)
    for node in "xyabf":  # the table: value, two forward columns, the reverse sensitivity
        row = [value[node], by_x[node].tangent, by_y[node].tangent, 1.0 if node == "f" else grad[node]]
        assert f"| ${node}$ | " + " | ".join(f"{v:g}" for v in row) + " |" in md, node
    # any cut between inputs and output: Σ sensitivity × tangent is the same derivative
    for seed, pass_ in ((0, by_x), (1, by_y)):
        cuts = [("x", "y"), ("a", "b"), ("f",)]
        sums = {sum((1.0 if n == "f" else grad[n]) * pass_[n].tangent for n in cut) for cut in cuts}
        assert sums == {pass_["f"].tangent}, seed
    claim(CH, 21, r"21 \times 1 + 16 \times 0 = 21")
    claim(CH, grad["a"] * 1 + grad["b"] * 3, r"6 \times 1 + 5 \times 3 = 21", value=21)
    claim(CH, by_x["f"].tangent, r"1 \times 21 = 21", value=21)


def test_jvp_and_vjp_on_the_graphs_middle_step():
    J = np.array([[1.0, 1.0], [3.0, 2.0]])  # ∂(a, b)/∂(x, y) at (2, 3)
    np.testing.assert_allclose(J, numerical_jacobian(lambda v: np.array([v[0] + v[1], v[0] * v[1]]), [2.0, 3.0]))
    assert r"\begin{pmatrix} 1 & 1 \\ 3 & 2 \end{pmatrix}$：" in markdown(CH)
    jv = J @ [1.0, 0.0]
    claim(CH, jv[1], r"得 $(1, 3)^\top$", value=3)
    assert jv.tolist() == [1.0, 3.0]
    claim(CH, (np.array([6.0, 5.0]) @ J)[0], "左乘 $(6, 5)$ 得 $(21, 16)$", value=21)


def test_a_vjp_replays_as_many_steps_as_the_forward_recorded():
    def wavy(x):
        return sum(ad.sin(a) * b for a, b in zip(x[:-1], x[1:]))

    for n in (10, 100, 1000):
        x = np.linspace(-1.0, 1.0, n)
        with ad.counting() as ops:
            g = ad.gradient_reverse(wavy, x)
        assert ops.recorded == ops.backward == 3 * (n - 1) and len(g) == n
    assert "输入从 10 个加到 1000 个，倒放的步数始终和前向记下的步数相等" in markdown(CH)


# --- softmax 交叉熵 --------------------------------------------------------------------------------


def test_softmax_cross_entropy_worked_example():
    z = np.array([2.0, 1.0, 0.0])
    p = ad.softmax(z)
    claim(CH, p[0], r"(0.665, 0.245, 0.090)")
    claim(CH, p[1], r"0.245, 0.090)$", value=0.245, abs=5e-4)
    claim(CH, p[2], r"0.090)$，", value=0.090, abs=5e-4)
    claim(CH, -np.log(p[0]), r"-\log 0.665 \approx 0.408", value=0.408, abs=5e-4)
    g = ad.softmax_cross_entropy_grad(z, 0)
    claim(CH, g[0], r"\approx (-0.335, 0.245, 0.090)$", value=-0.335, abs=5e-4)
    zs = [ad.Value(float(v)) for v in z]
    ad.softmax_cross_entropy(zs, 0).backward()
    np.testing.assert_allclose([v.grad for v in zs], g, rtol=1e-12)
    np.testing.assert_allclose(g, numerical_gradient(lambda v: ad.softmax_cross_entropy(list(v), 0), z), atol=1e-8)
    claim(CH, g.sum() + 0.0, r"= 1 - 1 = 0", value=0, abs=1e-12)
    # the derivation's two forms of the loss agree, and sympy differentiates the first to ŷ − y
    Z = sp.symbols("z1:4")
    loss = -sp.log(sp.exp(Z[0]) / sum(sp.exp(v) for v in Z))
    expanded = sp.log(sum(sp.exp(v) for v in Z)) - Z[0]
    assert (
        all(sp.simplify(sp.diff(loss - expanded, v)) == 0 for v in Z)
        and (loss - expanded).subs(dict(zip(Z, z))).evalf() == 0
    )
    grad = [float(sp.diff(loss, v).subs(dict(zip(Z, z)))) for v in Z]
    np.testing.assert_allclose(grad, g, rtol=1e-12)


# --- 梯度检查点 ------------------------------------------------------------------------------------


def test_checkpointing_numbers_from_the_figure():
    d = figure_data("gradient_checkpointing")
    stored, evals, ks = d["stored"], d["evals"], d["ks"]
    plain, ckpt = ad.chain_gradient(0.5, 100), ad.chain_gradient(0.5, 100, 10)
    assert (plain.peak_stored, plain.layer_evals) == (stored[0], evals[0]) == (100, 100)
    assert (ckpt.peak_stored, ckpt.layer_evals) == (stored[9], evals[9]) == (20, 200)
    claim(CH, stored[0], "反向时要同时存着 100 个值")
    claim(CH, stored[9], "切成 10 段只存 20 个", value=20)
    claim(CH, evals[9], "从算 100 层变成算 200 层", value=200)
    assert d["grads_agree"] and ckpt.grad == plain.grad
    claim(CH, d["root_k"], r"$k = \sqrt{100} = 10$ 附近最少", value=10)
    assert stored.min() == stored[d["root_k"] - 1] and set(evals[1:]) == {200}
    assert ks[0] == 1 and ks[-1] == 50
    claim(CH, ks[-1], "从 1 扫到 50", value=50)
    claim(CH, d["plain"][-1], "不设检查点要存 4096 个值")
    claim(CH, d["root"][-1], r"取 $\sqrt{n}$ 段只存 128 个", value=128)
    claim(CH, d["plain"][-1] / d["root"][-1], "省了 32 倍", value=32)
    assert d["depths"][-1] == 4096 and np.array_equal(d["root"], 2 * np.sqrt(d["depths"]).astype(int))


# --- 伴随方程的推导 --------------------------------------------------------------------------------


def test_the_adjoint_derivation_sensitivity_times_tangent_is_conserved():
    # Euler steps: the tangent δh_{k+1} = (I + Δt A_k)δh_k + Δt B_k δθ, the adjoint a_k = (I + Δt A_k)ᵀ a_{k+1};
    # a_kᵀδh_k then changes only by the Δt a_{k+1}ᵀ B_k δθ the derivation integrates
    rng = np.random.default_rng(7)
    field = adj.TanhField(rng.normal(size=(2, 2)), rng.normal(size=2))
    h0, target, steps, T = rng.normal(size=2), rng.normal(size=2), 400, 1.0
    dt, dtheta = T / steps, rng.normal(size=field.theta.size)
    hs = [h0]
    for _ in range(steps):
        hs.append(hs[-1] + dt * field(hs[-1]))
    A = [numerical_jacobian(field, h) for h in hs[:-1]]
    B = [numerical_jacobian(lambda th, h=h: adj.TanhField.from_theta(th, 2)(h), field.theta) for h in hs[:-1]]
    dh = [np.zeros(2)]
    for k in range(steps):
        dh.append(dh[-1] + dt * (A[k] @ dh[-1] + B[k] @ dtheta))
    a = [hs[-1] - target]  # ∂L/∂h(T) for L = ½‖h(T) − target‖²
    for k in reversed(range(steps)):
        a.insert(0, a[0] + dt * A[k].T @ a[0])
    integral = sum(dt * a[k + 1] @ B[k] @ dtheta for k in range(steps))
    assert a[-1] @ dh[-1] == pytest.approx(integral, rel=1e-9)  # left side = ∫ h̄ᵀ ∂f/∂θ dt δθ
    for k in range(steps):  # the (∂f/∂h) terms cancel step by step
        assert a[k + 1] @ dh[k + 1] - a[k] @ dh[k] == pytest.approx(dt * a[k + 1] @ B[k] @ dtheta, abs=1e-12)
    md = markdown(CH)
    assert r"\delta\boldsymbol{h}(0) = \boldsymbol{0}" in md and "伴随方程正是为了让右边第一项整个为零而选的" in md


# --- PyTorch 的四个坑 ------------------------------------------------------------------------------


def test_the_four_pytorch_pitfalls_numbers():
    import torch

    x = torch.tensor(3.0, requires_grad=True)
    (x * x.detach()).backward()
    v = ad.Value(3.0)
    (v * v).backward()
    claim(CH, v.grad, "导数是 $2x = 6$", value=6)
    claim(CH, float(x.grad), "导数只剩 $x = 3$", value=3)
    w = ad.Value(1.0)
    loss = (w - 3) ** 2
    loss.backward()
    claim(CH, w.grad, "求得梯度 $-4$")
    w.data -= 0.1 * w.grad
    claim(CH, 0.1, "以学习率 0.1 走一步")
    claim(CH, w.data, "$w$ 变成 1.4")
    t = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    u = torch.tensor([1.0, 0.0, 0.5])
    (t**2).backward(gradient=u)
    vjp = u.numpy() @ np.diag(2 * np.array([1.0, 2.0, 3.0]))
    assert t.grad.tolist() == vjp.tolist() == [2.0, 0.0, 3.0]
    claim(CH, vjp[2], r"取 $\boldsymbol{u} = (1, 0, 0.5)$，得 $(2, 0, 3)$", value=3)
    y = ad.Value(3.0) ** 2
    y.backward(retain_graph=True)
    claim(CH, 2 * 6, "照例累加，$6 + 6 = 12$", value=12)
