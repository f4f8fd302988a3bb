"""Chapter 1: every worked number in the prose recomputed with gradbook and found in the Markdown,
the chapter's formulas (directional derivative, ‖x‖², ‖X‖_F², quadratic forms, the Gaussian log-density)
against sympy and finite differences, the figures' stated facts, and the exercise answers."""

from __future__ import annotations

import re

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from gradbook.autodiff import derivative
from gradbook.calculus import directional_derivative, numerical_gradient, numerical_hessian
from gradbook.engine.registry import find_figure
from gradbook.engine.render import data as figure_data
from gradbook.engine.render import figure as drawn
from gradbook.information import angle_between
from gradbook.landscapes import bowl, saddle
from gradbook.models import GaussianLogDensity
from tests.chapters import ROOT, claim, front_matter, markdown

CH = "1"


def square(x):
    return x**2


def unit(deg: float) -> np.ndarray:
    return np.array([np.cos(np.radians(deg)), np.sin(np.radians(deg))])


def spec(name: str):
    """The figure script's caption, description and ALT, as the build reads them."""
    return find_figure(name, ROOT / "figures")


# --- 从一元函数说起 --------------------------------------------------------------------------------


def test_derivative_of_x_squared_at_one():
    claim(CH, derivative(square, 1.0), "f'(1) = 2$ 这个**数**", value=2)
    # the derivative is a ratio of changes, not a factor that multiplies f
    assert "函数值大约会变多少倍" not in markdown(CH) and "函数值的变化大约是挪动量的多少倍" in markdown(CH)
    for h, text in [(0.1, "差商是 $2.1$"), (0.01, "时是 $2.01$"), (0.001, "时是 $2.001$")]:
        claim(CH, (square(1 + h) - square(1)) / h, text, rel=1e-12, abs=1e-9)
    claim(CH, square(1.01), "$f(1.01) = 1.0201$", value=1.0201, abs=1e-12)
    claim(CH, square(1.01) - square(1), "函数值涨了 $0.0201$", abs=1e-12)


def test_one_d_arrows_of_the_figure():
    d = figure_data("derivative_field_1d")
    slopes = dict(zip(d["points"].tolist(), d["slopes"]))
    for x, text in [(-1.5, "导数是 $-3$"), (0.5, "导数是 $1$")]:
        claim(CH, slopes[x], text)
    assert slopes[0.0] == 0 and all(s == derivative(square, x) for x, s in slopes.items())
    assert "箭头总是**背离**最低点" in markdown(CH)
    claim(CH, derivative(square, 1.0), r"\nabla f(1) = (2)", value=2)


# --- 两个变量：碗 ----------------------------------------------------------------------------------


def test_bowl_partials_gradient_and_length():
    f = bowl()
    p = np.array([1.0, 1.0])
    assert float(f.value(p)) == 2.0
    claim(CH, float(f.value(p)), "$f(1, 1) = 2$", value=2)
    np.testing.assert_allclose(f.grad(p), [2.0, 2.0])
    np.testing.assert_allclose(numerical_gradient(f.value, p), [2.0, 2.0], atol=1e-8)
    claim(CH, float(f.value([1.01, 1.0])), "$f(1.01, 1) = 2.0201$", value=2.0201, abs=1e-12)
    claim(CH, (float(f.value([1.01, 1.0])) - 2) / 0.01, "得 $2.01$", abs=1e-9)
    norm = float(np.linalg.norm(f.grad(p)))
    assert norm == pytest.approx(2 * np.sqrt(2))
    claim(CH, norm, r"2\sqrt{2} \approx 2.83", value=2.83, abs=0.005)
    claim(CH, norm, "大约是步长的 $2.83$ 倍")
    # 沿最陡方向走 0.01：到达约 (1.00707, 1.00707)，高度约 2.0283，涨了 0.0283
    q = p + 0.01 * f.grad(p) / norm
    claim(CH, q[0], "到达约 $(1.00707, 1.00707)$")
    claim(CH, float(f.value(q)), "高度变成约 $2.0284$")
    claim(CH, float(f.value(q)) - 2, "涨了 $0.0284$")
    g34 = f.grad([3.0, 4.0])
    np.testing.assert_allclose(g34, [6.0, 8.0])
    claim(CH, float(np.linalg.norm(g34)), "长度是 $10$")


def test_slice_of_the_bowl_is_the_one_d_parabola():
    f = bowl()
    # 平面 y = 1 上的切口 z = x² + 1，它在 x = 1 处的导数就是 ∂f/∂x(1, 1)
    assert derivative(lambda x: x * x + 1, 1.0) == pytest.approx(float(f.grad([1.0, 1.0])[0]))
    claim(CH, derivative(lambda x: x * x + 1, 1.0), "处的导数是 $2$，正是")


def test_bowl_figures_state_what_the_prose_says():
    assert len(drawn("bowl_contours_gradient").axes) == 1
    # 梯度在每个点都垂直于过该点的圆：∇f(p) ∥ p，每一支箭头都如此
    d = figure_data("bowl_contours_gradient")
    for x, y, u, v in zip(d["GX"], d["GY"], d["U"], d["V"]):
        assert abs(u * y - v * x) < 1e-12
        assert u * x + v * y > 0 or x == y == 0  # 背离碗底（碗底本身的箭头长度为 0）
    assert d["g"].tolist() == [2.0, 2.0]
    assert figure_data("bowl_surface")["z0"] == 2.0
    drawn("bowl_surface")
    drawn("derivative_field_1d")


# --- 方向导数 --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "deg, text",
    [
        (0, "（正东）得 $2$"),
        (45, "（东北）得 $2.83$"),
        (90, "（正北）又是 $2$"),
        (135, "（西北）得 $0$"),
        (180, "（正西）得 $-2$"),
        (225, "（西南）得 $-2.83$"),
    ],
)
def test_directional_derivatives_at_chosen_angles(deg, text):
    f = bowl()
    p = np.array([1.0, 1.0])
    on_the_figure = figure_data("directional_derivative_angle")["slopes"][deg // 45]  # its arrows, every 45°
    assert directional_derivative(f.value, p, unit(deg)) == pytest.approx(on_the_figure, abs=1e-7)
    claim(CH, on_the_figure, text, abs=0.005 if "." in text else 1e-9)


def test_directional_derivative_at_sixty_degrees():
    f = bowl()
    d = float(f.grad(np.array([1.0, 1.0])) @ unit(60))
    assert d == pytest.approx(1 + np.sqrt(3))
    claim(CH, d, r"1 + \sqrt{3} \approx 2.73", value=2.73, abs=0.005)


def test_directional_derivative_formula_symbolically():
    x, y, h, phi = sp.symbols("x y h phi", real=True)
    f = x**2 + y**2
    u1, u2 = sp.cos(phi), sp.sin(phi)
    limit = sp.limit((f.subs({x: x + h * u1, y: y + h * u2}) - f) / h, h, 0)
    assert sp.simplify(limit - (sp.diff(f, x) * u1 + sp.diff(f, y) * u2)) == 0
    at_11 = sp.simplify(limit.subs({x: 1, y: 1}))
    assert sp.simplify(at_11 - (2 * sp.cos(phi) + 2 * sp.sin(phi))) == 0
    # 最大值 2√2 在 45°，最小值 −2√2 在 225°
    assert sp.simplify(at_11.subs(phi, sp.pi / 4) - 2 * sp.sqrt(2)) == 0
    assert sp.simplify(at_11.subs(phi, 5 * sp.pi / 4) + 2 * sp.sqrt(2)) == 0


def test_partial_derivatives_alone_do_not_give_the_directional_derivative():
    # f = x²y/(x²+y²), f(0,0) = 0: both partials 0 at the origin, yet D_u f = u₁²u₂ ≠ ∇f·u = 0 (not differentiable)
    x, y, h = sp.symbols("x y h", real=True)
    f = x**2 * y / (x**2 + y**2)
    partials = [sp.limit(f.subs({x: h, y: 0}) / h, h, 0), sp.limit(f.subs({x: 0, y: h}) / h, h, 0)]
    assert partials == [0, 0]
    r = 1 / sp.sqrt(2)
    along = sp.limit(f.subs({x: h * r, y: h * r}) / h, h, 0)
    assert sp.simplify(along - 1 / (2 * sp.sqrt(2))) == 0
    claim(CH, float(along), "沿 $(1, 1)/\\sqrt{2}$ 的方向导数却约是 $0.354$", value=0.354, abs=5e-4)
    text = markdown(CH)
    assert "一阶近似**（first-order approximation），也叫**线性近似**" in text and "**可微**（differentiable）" in text
    # exercise 7's function is the other, discontinuous, counterexample the prose points to
    g = x * y / (x**2 + y**2)
    assert sp.limit(g.subs({x: h, y: h}), h, 0) == sp.Rational(1, 2)
    assert "章末习题 7 还有一个更极端的例子" in text
    assert "**习题 7**（证明）设 $f(x, y) = \\dfrac{xy}{x^2 + y^2}$" in text


@settings(max_examples=40, deadline=None)
@given(arrays(np.float64, 2, elements=st.floats(-3, 3)), st.floats(0, 2 * np.pi))
def test_steepest_ascent_is_the_gradient_and_contours_are_perpendicular(p, angle):
    f = bowl()
    g = f.grad(p)
    u = np.array([np.cos(angle), np.sin(angle)])
    d = directional_derivative(f.value, p, u)
    norm = float(np.linalg.norm(g))
    assert -norm - 1e-6 <= d <= norm + 1e-6
    if norm > 1e-3:
        assert directional_derivative(f.value, p, g) == pytest.approx(norm, abs=1e-6)
        assert directional_derivative(f.value, p, -g) == pytest.approx(-norm, abs=1e-6)
        tangent = np.array([-g[1], g[0]])
        assert directional_derivative(f.value, p, tangent) == pytest.approx(0.0, abs=1e-6)


def test_tangent_of_the_contour_at_one_one():
    g = bowl().grad([1.0, 1.0])
    tangent = np.array([-1.0, 1.0]) / np.sqrt(2)
    assert g @ tangent == pytest.approx(0.0, abs=1e-15)
    assert "点积为 $-2 + 2 = 0$" in markdown(CH)


def test_directional_derivative_figure():
    assert len(drawn("directional_derivative_angle").axes) == 2
    d = figure_data("directional_derivative_angle")
    assert d["norm"] == pytest.approx(2 * np.sqrt(2)) and d["best"] == pytest.approx(45)
    assert max(d["curve"]) == pytest.approx(d["norm"], rel=1e-4)


# --- 几个要背下来的结果 -----------------------------------------------------------------------------


def test_norm_squared_gradient_example():
    x = np.array([1.0, -2.0, 3.0])
    claim(CH, float(x @ x), r"$\lVert \boldsymbol{x} \rVert^2 = 14$", value=14)
    np.testing.assert_allclose(numerical_gradient(lambda v: v @ v, x), 2 * x, atol=1e-8)
    assert "梯度是 $(2, -4, 6)$" in markdown(CH)


@settings(max_examples=30, deadline=None)
@given(arrays(np.float64, st.integers(1, 6), elements=st.floats(-5, 5)))
def test_gradient_of_norm_squared_is_2x(x):
    np.testing.assert_allclose(numerical_gradient(lambda v: float(v @ v), x), 2 * x, atol=1e-6)


def test_gradient_of_frobenius_norm_squared_is_2X():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(3, 4))
    G = numerical_gradient(lambda M: float(np.sum(M**2)), X)
    assert G.shape == X.shape  # 分母布局：与 X 同形状
    np.testing.assert_allclose(G, 2 * X, atol=1e-7)
    # 符号证明：逐元素
    xs = sp.Matrix(2, 3, sp.symbols("x0:6"))
    fro = sum(v**2 for v in xs)
    assert sp.Matrix(2, 3, [sp.diff(fro, v) for v in xs]) == 2 * xs


def test_frobenius_worked_example():
    X = np.array([[1.0, 2.0], [3.0, 4.0]])
    claim(CH, float(np.sum(X**2)), "1 + 4 + 9 + 16 = 30", value=30)
    np.testing.assert_allclose(numerical_gradient(lambda M: float(np.sum(M**2)), X), [[2, 4], [6, 8]], atol=1e-8)
    assert r"\begin{pmatrix} 2 & 4 \\ 6 & 8 \end{pmatrix}" in markdown(CH)


def test_layout_shapes_in_the_table():
    rng = np.random.default_rng(3)
    n, m = 4, 3
    x = rng.normal(size=n)
    A = rng.normal(size=(m, n))
    # 本书：梯度与自变量同形状（分母布局）；雅可比矩阵 m×n（分子布局）
    assert numerical_gradient(lambda v: float(v @ v), x).shape == (n,)
    from gradbook.calculus import numerical_jacobian

    J = numerical_jacobian(lambda v: A @ v, x)
    assert J.shape == (m, n)
    np.testing.assert_allclose(J, A, atol=1e-8)
    md = markdown(CH)
    rows = [
        "$1 \\times n$（行） | $n \\times 1$（列）",
        "$m \\times n$ | $n \\times m$",
        "$n \\times m$ | $m \\times n$",
    ]
    for row in rows:
        assert row in md


def test_quadratic_form_gradient():
    rng = np.random.default_rng(4)
    for _ in range(5):
        B = rng.normal(size=(3, 3))
        x = rng.normal(size=3)
        A = B + B.T
        np.testing.assert_allclose(numerical_gradient(lambda v, B=B: float(v @ B @ v), x), (B + B.T) @ x, atol=1e-6)
        np.testing.assert_allclose(numerical_gradient(lambda v, A=A: float(v @ A @ v), x), 2 * A @ x, atol=1e-6)
    xs = sp.Matrix(sp.symbols("x0:3"))
    S = sp.Matrix(3, 3, lambda i, j: sp.Symbol(f"a{min(i, j)}{max(i, j)}"))  # 对称
    q = (xs.T * S * xs)[0]
    assert sp.simplify(sp.Matrix([sp.diff(q, v) for v in xs]) - 2 * S * xs) == sp.zeros(3, 1)


def test_one_d_gaussian_log_density():
    x, mu, sigma = sp.symbols("x mu sigma", real=True)
    logp = -((x - mu) ** 2) / (2 * sigma**2) - sp.log(sigma * sp.sqrt(2 * sp.pi))
    density = sp.exp(-((x - mu) ** 2) / (2 * sigma**2)) / (sigma * sp.sqrt(2 * sp.pi))
    assert sp.simplify(sp.expand_log(sp.log(density), force=True) - logp) == 0
    assert sp.simplify(sp.diff(logp, x) + (x - mu) / sigma**2) == 0
    for s, text in [(2.0, "导数是 $-0.75$"), (1.0, "时是 $-3$")]:
        g = GaussianLogDensity(mean=np.zeros(1), cov=np.array([[s * s]])).grad(np.array([3.0]))[0]
        claim(CH, g, text)


def test_gaussian_gradient_and_hessian_worked_example():
    logp = GaussianLogDensity(mean=np.zeros(2), cov=np.diag([4.0, 1.0]))
    x = np.array([2.0, 1.0])
    g = logp.grad(x)
    np.testing.assert_allclose(g, [-0.5, -1.0])
    np.testing.assert_allclose(numerical_gradient(logp.value, x), g, atol=1e-8)
    md = markdown(CH)
    assert r"\begin{pmatrix} -0.5 \\ -1 \end{pmatrix}" in md
    assert "而梯度是 $(-0.5, -1)$" in md
    angle = angle_between(g, logp.mean - x)
    claim(CH, angle, "两者的夹角约为 $36.87°$")
    claim(CH, angle, "它们已经差了 $36.87°$")
    # 夹角总小于 90°：点积 (x−μ)ᵀΣ⁻¹(x−μ) > 0
    rng = np.random.default_rng(5)
    for p in rng.normal(size=(50, 2)) * 3:
        assert logp.grad(p) @ (logp.mean - p) > 0
    H = logp.hessian(x)
    np.testing.assert_allclose(H, np.diag([-0.25, -1.0]))
    np.testing.assert_allclose(numerical_hessian(logp.value, x), H, atol=1e-5)
    claim(CH, H[1, 1] / H[0, 0], "沿 $x_2$ 方向对数密度往下弯的速度是沿 $x_1$ 方向的 $4$ 倍", value=4)
    assert r"H = \mathrm{diag}(-0.25, -1)" in md
    np.testing.assert_allclose(numerical_hessian(bowl().value, np.array([0.3, -0.7])), 2 * np.eye(2), atol=1e-5)


@settings(max_examples=25, deadline=None)
@given(
    st.floats(0.3, 3),
    st.floats(0.3, 3),
    st.floats(-0.8, 0.8),
    arrays(np.float64, 2, elements=st.floats(-3, 3)),
    arrays(np.float64, 2, elements=st.floats(-3, 3)),
)
def test_gaussian_log_density_gradient_matches_finite_differences(sx, sy, rho, mu, x):
    cov = np.array([[sx * sx, rho * sx * sy], [rho * sx * sy, sy * sy]])
    logp = GaussianLogDensity(mean=mu, cov=cov)
    np.testing.assert_allclose(logp.grad(x), -np.linalg.solve(cov, x - mu), atol=1e-10)
    np.testing.assert_allclose(numerical_gradient(logp.value, x), logp.grad(x), atol=1e-5)


def test_gaussian_figure_angle_matches_prose():
    assert f"两者夹角约 {figure_data('gaussian_score_field')['angle']:.1f}°" in spec("gaussian_score_field").description
    assert len(drawn("gaussian_score_field").axes) == 1


def test_saddle_has_zero_gradient_but_is_not_a_minimum():
    s = saddle()
    np.testing.assert_allclose(s.grad(np.zeros(2)), 0.0)
    assert float(s.value([0.0, 0.5])) < 0 < float(s.value([0.5, 0.0]))
    assert "$x^2 - y^2$ 的原点" in markdown(CH)


# --- 代码与页面 ------------------------------------------------------------------------------------


def test_snippet_outputs_are_the_computed_numbers():
    f = bowl()
    g = f.grad(np.array([1.0, 1.0]))
    assert f"{np.linalg.norm(g):.4f}" in markdown(CH)
    assert f"{1 + np.sqrt(3):.4f}" in markdown(CH)


def test_search_terms_occur_in_the_chapter():
    md = markdown(CH)
    terms = front_matter(CH)["search_terms"]
    assert len(terms) >= 2
    for term in terms:
        assert term in md


def test_every_figure_is_embedded_and_exists():
    md = markdown(CH)
    names = re.findall(r"!\[\]\(\.\./figures/([a-z0-9_]+)\.svg", md)
    assert len(names) >= 5
    for name in names:
        assert spec(name).alt


# --- 习题 -----------------------------------------------------------------------------------------


def test_exercise_1_elliptic_bowl():
    def g(v):
        return v[0] ** 2 + 3 * v[1] ** 2

    p = np.array([1.0, 1.0])
    grad = numerical_gradient(g, p)
    np.testing.assert_allclose(grad, [2.0, 6.0], atol=1e-8)
    claim(CH, np.linalg.norm(grad), r"2\sqrt{10} \approx 6.32", value=6.32, abs=0.005)
    claim(
        CH, directional_derivative(g, p, np.array([1.0, 0.0])), r"就是 $\partial g/\partial x = 2$", value=2, abs=1e-6
    )
    d = -grad / np.linalg.norm(grad)
    claim(CH, d[0], "约为 $(-0.316, -0.949)$")
    claim(CH, d[1], "-0.949)$")


def test_exercise_2_directions_at_three_four():
    f = bowl()
    p = np.array([3.0, 4.0])
    claim(CH, directional_derivative(f.value, p, np.array([1.0, 0.0])), "(a) $6$", abs=1e-6)
    claim(
        CH,
        directional_derivative(f.value, p, np.array([-0.6, -0.8])),
        r"6 \times (-0.6) + 8 \times (-0.8) = -10",
        value=-10,
        abs=1e-6,
    )
    assert directional_derivative(f.value, p, np.array([-0.6, -0.8])) == pytest.approx(-10, abs=1e-6)
    assert directional_derivative(f.value, p, np.array([-0.8, 0.6])) == pytest.approx(0, abs=1e-6)
    claim(CH, np.sqrt(float(f.value(p))), "半径 $5$ 的圆")


def test_exercise_3_arrow_to_the_left():
    def f(x):
        return (x - 2) ** 2

    claim(CH, derivative(f, 0.5), "$f'(0.5) = -3$", value=-3)
    claim(CH, -derivative(f, 0.5), "朝**左**、长度为 $3$ 的箭头")


def test_exercise_4_frobenius_and_shapes():
    X = np.array([[1.0, 0.0, -1.0], [2.0, 1.0, 0.0]])
    claim(CH, float(np.sum(X**2)), "1 + 0 + 1 + 4 + 1 + 0 = 7", value=7)
    G = numerical_gradient(lambda M: float(np.sum(M**2)), X)
    np.testing.assert_allclose(G, 2 * X, atol=1e-8)
    assert G.shape == (2, 3) and G.T.shape == (3, 2)
    assert r"2X = \begin{pmatrix} 2 & 0 & -2 \\ 4 & 2 & 0 \end{pmatrix}" in markdown(CH)


def test_exercise_5_one_d_gaussian():
    logp = GaussianLogDensity(mean=np.array([1.0]), cov=np.array([[0.25]]))
    x = np.array([2.0])
    claim(CH, logp.grad(x)[0], "-1/0.25 = -4$", value=-4)
    claim(CH, logp.hessian(x)[0, 0], r"二阶导数是 $-1/\sigma^2 = -4$", value=-4)
    wide = GaussianLogDensity(mean=np.array([1.0]), cov=np.array([[4.0]]))
    claim(CH, wide.grad(x)[0], "-1/4 = -0.25$", value=-0.25)
    assert logp.grad(x)[0] / wide.grad(x)[0] == pytest.approx(16)


def test_exercise_6_correlated_gaussian():
    logp = GaussianLogDensity(mean=np.zeros(2), cov=np.array([[2.0, 1.0], [1.0, 2.0]]))
    x = np.array([1.0, 0.0])
    g = logp.grad(x)
    np.testing.assert_allclose(g, [-2 / 3, 1 / 3])
    claim(CH, g[0], r"\approx (-0.667, 0.333)")
    claim(CH, g[1], "0.333)$。")
    claim(CH, angle_between(g, np.array([-1.0, 0.0])), "夹角约 $26.57°$")
    np.testing.assert_allclose(logp.precision, np.array([[2, -1], [-1, 2]]) / 3)


def test_at_least_four_exercises_with_folded_answers():
    md = markdown(CH)
    exercises = md.split("## 习题", 1)[1]
    assert exercises.count("**习题") >= 4
    assert exercises.count('??? success "答案"') == exercises.count("**习题")


# --- 习题（第 6 节：更好的习题） -----------------------------------------------------------------------


def test_exercise_5_where_the_wide_arrow_catches_up():
    narrow = GaussianLogDensity(mean=np.array([1.0]), cov=np.array([[0.25]]))
    wide = GaussianLogDensity(mean=np.array([1.0]), cov=np.array([[4.0]]))
    target = narrow.grad(np.array([2.0]))[0]
    claim(CH, 4 * 4, r"|x - 1| = 4 \times 4 = 16$", value=16)
    claim(CH, 17, "即 $x = 17$")
    for x in (17.0, -15.0):
        assert abs(wide.grad(np.array([x]))[0]) == pytest.approx(abs(target))
    assert "（或 $x = -15$）" in markdown(CH)


def _xy_over_r2(v):
    r2 = v[0] ** 2 + v[1] ** 2
    return 0.0 if r2 == 0 else v[0] * v[1] / r2


def test_exercise_7_partials_exist_but_not_differentiable():
    x, y, h = sp.symbols("x y h", real=True)
    f = x * y / (x**2 + y**2)
    assert sp.limit((f.subs({x: h, y: 0}) - 0) / h, h, 0) == 0  # ∂f/∂x at the origin
    assert sp.limit((f.subs({x: 0, y: h}) - 0) / h, h, 0) == 0
    t = sp.symbols("t", positive=True)
    assert sp.simplify(f.subs({x: t, y: t})) == sp.Rational(1, 2)
    claim(CH, float(f.subs({x: t, y: t}).subs(t, 1e-9)), r"即 $f(t, t) = \tfrac12$", value=0.5)
    u = np.array([1.0, 1.0]) / np.sqrt(2)
    for step in (1e-2, 1e-4, 1e-6):  # the one-sided quotient is 1/(2h): no limit
        assert (_xy_over_r2(step * u) - 0.0) / step == pytest.approx(1 / (2 * step))
    assert "= 1/(2h)$" in markdown(CH)
    # …and the numerical referees are fooled, as the answer says
    np.testing.assert_array_equal(numerical_gradient(_xy_over_r2, np.zeros(2)), [0.0, 0.0])
    assert directional_derivative(_xy_over_r2, np.zeros(2), u) == 0.0


def _score_figure_angle(**params):
    """The gradient at (x0, y0) and the angle the figure labels, as figures/gaussian_score_field.py draws them."""
    d = figure_data("gaussian_score_field", **params)
    return d["g"], d["angle"]


def test_exercise_8_score_field_predictions():
    assert "[图](#fig:gaussian_score_field) 取" in markdown(CH), "the exercise refers to it by name"
    claim(CH, _score_figure_angle()[1], "相差 $36.87°$。")
    g, angle = _score_figure_angle(var_x=1.0)
    np.testing.assert_allclose(g, [-2.0, -1.0])
    claim(CH, angle, "图上标的夹角是 $0.0°$", abs=0.05)
    g, angle = _score_figure_angle(var_x=1.0, rho=0.5)
    np.testing.assert_allclose(g, [-2.0, 0.0], atol=1e-12)
    claim(CH, g[0], r"= (-2, 0)$：箭头**水平**朝左", value=-2)
    claim(CH, angle, r"\arctan(1/2) \approx 26.57°", value=26.57, abs=0.005)
    claim(CH, float(f"{angle:.1f}"), "图上标 $26.6°$")
    claim(CH, 0.5 * 2, r"最可能的取值是 $0.5 \times 2 = 1$", value=1)


def test_exercise_9_scan_for_the_steepest_direction():
    def g(v):
        return v[0] ** 2 + 3 * v[1] ** 2

    p = np.array([1.0, 1.0])
    slopes = np.array([directional_derivative(g, p, unit(d)) for d in range(360)])
    best = int(np.argmax(slopes))
    claim(CH, best, "整数角度里 $72°$ 最陡")
    claim(CH, slopes[best], "坡度 $6.3244$")
    grad = np.array([2.0, 6.0])
    claim(CH, np.linalg.norm(grad), "梯度的长度 $6.3246$")
    direction = np.degrees(np.arctan2(grad[1], grad[0]))
    claim(CH, direction, "梯度指向 $71.57°$")
    claim(CH, best - direction, "偏开的约 $0.43°$")
    loss = np.linalg.norm(grad) * (1 - np.cos(np.radians(best - direction)))
    claim(CH, loss, r"\approx 0.0002$")
    assert loss == pytest.approx(np.linalg.norm(grad) - slopes[best], rel=1e-3)
