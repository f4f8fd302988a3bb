"""Appendix A (数学准备): each worked number and exercise answer recomputed and found in the page,
the figures' numbers read from their ``data()``, and the chapters' links into the appendix."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from gradbook.engine.registry import find_figure
from gradbook.engine.render import data as figure_data
from gradbook.landscapes import bowl
from tests.chapters import DOCS, ROOT, claim, front_matter, markdown

PAGE = "appendix/math-prep.md"


def shown(computed: float, text: str, number: str, **kw) -> None:
    """``claim`` for a number that is not the first one in ``text``: ``number`` is how the page prints it."""
    decimals = len(number.split(".")[1]) if "." in number else 0
    kw.setdefault("abs", 0.5 * 10.0**-decimals)
    claim(PAGE, computed, text, value=float(number.replace("−", "-")), **kw)


def alt(name: str) -> str:
    return find_figure(name, ROOT / "figures").alt


def exercise(n: int) -> str:
    """The text of exercise ``n``, question and folded answer."""
    part = markdown(PAGE).split("## 习题", 1)[1]
    return re.split(r"\n\*\*习题 \d+\*\*", "\n" + part.split(f"**习题 {n}**", 1)[1])[0]


# --- 向量、点积与范数 -----------------------------------------------------------------------------


def test_dot_product_angle_and_projection():
    d = figure_data("dot_product_norms")
    a, b = d["a"], d["b"]
    assert a.tolist() == [3, 4] and b.tolist() == [2, 1]
    shown(d["dot"], r"点积是 $3 \times 2 + 4 \times 1 = 10$", "10")
    shown(d["norm_a"], r"$\lVert \boldsymbol{a} \rVert = 5$", "5")
    shown(d["norm_b"], r"$\lVert \boldsymbol{b} \rVert = \sqrt{5} \approx 2.236$", "2.236")
    claim(PAGE, d["dot"] / (d["norm_a"] * d["norm_b"]), r"\approx 0.894$，夹角约为")
    claim(PAGE, d["angle"], "夹角约为 $26.57°$")
    shown(d["projection"], r"= 10/\sqrt{5} \approx 4.47$", "4.47")
    shown(float(np.dot([3, 4], [4, -3])), r"(3, 4) \cdot (4, -3) = 12 - 12 = 0", "0")


def test_dot_product_figure_alt_states_the_data():
    d, text = figure_data("dot_product_norms"), alt("dot_product_norms")
    assert f"约 {d['angle']:.2f} 度" in text and f"约 {d['projection']:.2f}" in text
    assert f"点积为 {d['dot']:g}" in text
    lengths = [d["norms_x"][p] for p in (1, 2, np.inf)]
    assert "三种长度 {:g}、{:g} 和 {:g}".format(*lengths) in text
    assert np.linalg.norm(d["x"]) == pytest.approx(1.0)  # x lies on the L2 unit circle


def test_three_norms_of_three_minus_four():
    x = np.array([3.0, -4.0])
    for p, text, number in [(2, "$L_2$ 的 $5$", "5"), (1, "$L_1$ 的 $7$", "7"), (np.inf, r"$L_\infty$ 的 $4$", "4")]:
        shown(np.linalg.norm(x, p), text, number)
    u = x / np.linalg.norm(x)
    assert u.tolist() == pytest.approx([0.6, -0.8])
    assert "(3, -4)/5 = (0.6, -0.8)" in markdown(PAGE)


# --- 矩阵、转置与逆 -------------------------------------------------------------------------------

A = np.array([[2.0, 1.0], [1.0, 3.0]])


def test_matrix_vector_inverse_and_solve():
    assert (A @ [1.0, 2.0]).tolist() == [4.0, 7.0]
    assert r"\begin{pmatrix} 2 + 2 \\ 1 + 6 \end{pmatrix} = \begin{pmatrix} 4 \\ 7 \end{pmatrix}" in markdown(PAGE)
    shown(np.linalg.det(A), r"\det A = 2 \times 3 - 1 \times 1 = 5", "5", rel=1e-12)
    inv = np.linalg.inv(A)
    assert inv == pytest.approx(np.array([[3, -1], [-1, 2]]) / 5)
    assert r"\begin{pmatrix} 0.6 & -0.2 \\ -0.2 & 0.4 \end{pmatrix}" in markdown(PAGE)
    x = np.linalg.solve(A, [3.0, 5.0])
    assert x == pytest.approx([0.8, 1.4])
    assert r"$\boldsymbol{x} = A^{-1}(3, 5) = (0.8, 1.4)$" in markdown(PAGE)
    assert A @ x == pytest.approx([3.0, 5.0])
    assert r"$2 \times 0.8 + 1.4 = 3$，$0.8 + 3 \times 1.4 = 5$" in markdown(PAGE)


def test_singular_and_diagonal_examples():
    assert np.linalg.det(np.array([[1.0, 2.0], [2.0, 4.0]])) == pytest.approx(0.0, abs=1e-12)
    assert np.linalg.inv(np.diag([4.0, 1.0])) == pytest.approx(np.diag([0.25, 1.0]))
    assert r"\mathrm{diag}(4, 1)^{-1} = \mathrm{diag}(1/4, 1)" in markdown(PAGE)


# --- 特征值与梯度下降 ------------------------------------------------------------------------------


def test_eigenvalues_of_H_trace_and_determinant():
    d = figure_data("eigen_gradient_descent")
    H, lam, Q = d["H"], d["eigenvalues"], d["eigenvectors"]
    assert lam == pytest.approx([1.0, 9.0])
    assert H @ Q == pytest.approx(Q * lam)
    assert Q[:, 1] == pytest.approx(np.array([1, 1]) / np.sqrt(2))
    assert Q[:, 0] == pytest.approx(np.array([1, -1]) / np.sqrt(2))
    assert lam.sum() == pytest.approx(np.trace(H)) and "$9 + 1 = 5 + 5$" in markdown(PAGE)
    assert lam.prod() == pytest.approx(np.linalg.det(H)) and r"$9 \times 1 = 25 - 16$" in markdown(PAGE)
    roots = sorted(np.roots([1, -np.trace(H), np.linalg.det(H)]))
    assert roots == pytest.approx([1, 9]) and r"\lambda = (10 \pm \sqrt{100 - 36})/2" in markdown(PAGE)
    shown(lam.max() / lam.min(), "$H$ 的条件数是 $9$", "9")


def test_gradient_descent_along_the_eigen_axes():
    d = figure_data("eigen_gradient_descent")
    flat, steep = d["coords"][0]
    shown(steep, r"$4/\sqrt{2} \approx 2.83$", "2.83")
    shown(flat, r"$2/\sqrt{2} \approx 1.41$", "1.41")
    shown(d["factors"][1], r"$1 - 0.2 \times 9 = -0.8$", "-0.8")
    shown(d["factors"][0], r"$1 - 0.2 \times 1 = 0.8$", "0.8")
    # every step multiplies each coordinate by its own factor
    ratios = d["coords"][1:] / d["coords"][:-1]
    assert ratios == pytest.approx(np.tile(d["factors"], (len(ratios), 1)))
    shown(d["bound"], r"$2/9 \approx 0.222$，超过它", "0.222")
    lam = d["eigenvalues"]
    shown(2 / (lam.max() + lam.min()), r"\eta = 2/(\lambda_{\max} + \lambda_{\min}) = 0.2", "0.2")
    kappa = lam.max() / lam.min()
    shown((kappa - 1) / (kappa + 1), r"(\kappa - 1)/(\kappa + 1) = 0.8$", "0.8")
    shown(np.linalg.norm([3.0, 1.0]), r"\sqrt{10} \approx 3.16$", "3.16")


def test_twenty_six_steps_to_one_hundredth():
    path = figure_data("eigen_gradient_descent", steps=60)["path"]  # figure A.2's run, continued to 60 steps
    dist = np.linalg.norm(path, axis=1)
    steps = int(np.flatnonzero(dist <= 0.01)[0])
    claim(PAGE, steps, "要 26 步才能走到 $0.01$ 以内")
    # off the rounding edge: the step before is clearly outside, this one clearly inside
    assert dist[steps - 1] > 0.011 and dist[steps] < 0.0096
    assert dist[1:] / dist[:-1] == pytest.approx(0.8)  # both factors have size 0.8


def test_eigen_figure_alt_states_the_data():
    d = figure_data("eigen_gradient_descent")
    flat, steep = d["coords"][0]
    assert f"陡轴坐标从 {steep:.2f} 出发每步乘以 −{abs(d['factors'][1]):g}" in alt("eigen_gradient_descent")
    assert f"平轴坐标从 {flat:.2f} 出发每步乘以 {d['factors'][0]:g}" in alt("eigen_gradient_descent")


# --- 正定性 --------------------------------------------------------------------------------------


def test_definiteness_examples():
    d = figure_data("quadratic_definiteness")
    assert d["正定"]["eigenvalues"].tolist() == pytest.approx([1, 9])
    assert d["不定"]["eigenvalues"].tolist() == pytest.approx([-1, 3])
    assert d["半正定"]["eigenvalues"].tolist() == [0, 2]
    md = markdown(PAGE)
    for text in ["的特征值是 $9$ 和 $1$，正定", "的特征值是 $3$ 和 $-1$，不定", "的特征值是 $2$ 和 $0$，半正定"]:
        assert text in md, text
    x = np.array([1.0, -1.0])
    shown(x @ d["不定"]["matrix"] @ x, r"= 1 - 4 + 1 = -2 < 0$", "-2")
    assert x @ d["半正定"]["matrix"] @ x == 0
    text = alt("quadratic_definiteness")
    for name, m in d.items():
        lo, hi = m["eigenvalues"]
        assert f"特征值 {hi:g} 和 {lo:g}".replace("-", "−") in text, name


def test_damping_makes_a_semidefinite_matrix_definite():
    psd = np.array([[1.0, 1.0], [1.0, 1.0]])
    assert np.linalg.eigvalsh(psd + 0.1 * np.eye(2)) == pytest.approx([0.1, 2.1])


# --- 泰勒展开 ------------------------------------------------------------------------------------


def test_one_d_taylor_of_x_cubed():
    d = figure_data("taylor_first_order")
    f, first, second = d["f"], d["first"], d["second"]
    shown(f(1.1), r"真值 $1.1^3 = 1.331$", "1.331", rel=1e-12)
    shown(first(0.1), r"一阶近似 $1 + 3 \times 0.1 = 1.3$", "1.3")
    claim(PAGE, f(1.1) - first(0.1), "差 $0.031$；二阶近似", rel=1e-9, abs=1e-12)
    shown(0.5 * 6 * 0.01, r"\tfrac12 \times 6 \times 0.01 = 0.03$", "0.03")
    claim(PAGE, second(0.1), "得 $1.33$，只差", abs=1e-12)
    claim(PAGE, f(1.1) - second(0.1), "只差 $0.001$", abs=1e-12)
    claim(PAGE, f(1.01), "真值 $1.030301$", abs=1e-12)
    claim(PAGE, first(0.01), "一阶近似 $1.03$，差", abs=1e-12)
    claim(PAGE, f(1.01) - first(0.01), "差 $0.000301$", abs=1e-12)
    assert 95 < (f(1.1) - first(0.1)) / (f(1.01) - first(0.01)) < 105 and "小了约 100 倍" in markdown(PAGE)


def test_taylor_figure_errors_and_slopes():
    d = figure_data("taylor_first_order")
    i = int(np.argmin(abs(d["deltas"] - 0.1)))
    assert d["deltas"][i] == pytest.approx(0.1)
    assert f"误差分别约为 {d['err1'][i]:.3f} 和 {d['err2'][i]:.3f}" in alt("taylor_first_order")
    small = d["deltas"] < 1e-2  # the slopes on log-log axes: 2 and 3
    for err, slope in ((d["err1"], 2), (d["err2"], 3)):
        fit = np.polyfit(np.log(d["deltas"][small]), np.log(err[small]), 1)[0]
        assert fit == pytest.approx(slope, abs=0.02)
    assert d["gap"] == pytest.approx(1.5**3 - 2.5)


def test_two_d_taylor_on_the_bowl():
    f, p, step = bowl(), np.array([1.0, 1.0]), np.array([0.01, 0.02])
    g, H = f.grad(p), f.hessian(p)
    shown(float(g @ step), r"2 \times 0.01 + 2 \times 0.02 = 0.06", "0.06", abs=1e-12)
    exact = float(f.value(p + step))  # bowl() is ½θᵀ(2I)θ = x² + y²
    shown(exact, "真值 $f(1.01, 1.02) = 2.0605$", "2.0605", abs=1e-12)
    claim(PAGE, exact - 2, "实际增加 $0.0605$", abs=1e-12)
    claim(PAGE, exact - 2 - g @ step, "差出来的 $0.0005$ 恰好是二阶项", abs=1e-12)
    assert 0.5 * step @ H @ step == pytest.approx(0.0005)


def test_a_gradient_step_on_the_bowl_decreases_as_predicted():
    f, p, lr = bowl(), np.array([1.0, 1.0]), 0.1
    g = f.grad(p)
    shown(lr * g @ g, r"预测下降 $0.1 \times 8 = 0.8$", "0.8")
    new = p - lr * g
    assert new.tolist() == pytest.approx([0.8, 0.8]) and "实际走到 $(0.8, 0.8)$" in markdown(PAGE)
    value = float(f.value(new))
    claim(PAGE, value, "$1.28$，下降", abs=1e-12)
    claim(PAGE, 2 - value, "下降 $0.72$", abs=1e-12)
    claim(PAGE, lr * g @ g - (2 - value), "差出来的 $0.08$ 又是二阶项", abs=1e-12)


# --- 期望、方差与协方差 ---------------------------------------------------------------------------


def test_die_expectation_and_variance():
    faces = np.arange(1, 7)
    shown(faces.mean(), r"$\mathbb{E}[X] = (1 + 2 + \cdots + 6)/6 = 3.5$", "3.5")
    assert np.mean(faces**2) == pytest.approx(91 / 6) and r"$\mathbb{E}[X^2] = 91/6$" in markdown(PAGE)
    var = faces.var()
    assert var == pytest.approx(35 / 12)
    shown(var, r"= 35/12 \approx 2.92$", "2.92")
    claim(PAGE, math.sqrt(var), "标准差约 $1.71$")


def test_covariance_of_four_points():
    pts = np.array([[1.0, 2.0], [2.0, 3.0], [3.0, 5.0], [4.0, 6.0]])
    assert pts.mean(axis=0).tolist() == [2.5, 4.0] and "均值是 $(2.5, 4)$" in markdown(PAGE)
    C = np.cov(pts.T, bias=True)
    shown(C[0, 0], "(2.25 + 0.25 + 0.25 + 2.25)/4 = 1.25", "1.25")
    shown(C[1, 1], "(4 + 1 + 1 + 4)/4 = 2.5", "2.5")
    shown(C[0, 1], "(3 + 0.5 + 0.5 + 3)/4 = 1.75", "1.75")
    shown(C[0, 1] / math.sqrt(C[0, 0] * C[1, 1]), r"1.75/\sqrt{1.25 \times 2.5} \approx 0.99", "0.99")
    assert np.linalg.eigvalsh(C).min() > 0  # PSD, here even definite


# --- 大 O 记号 -----------------------------------------------------------------------------------


def test_big_o_numbers():
    n = 1000
    assert n**2 == 10**6 and n**3 == 10**9
    assert "$n = 1000$ 时 $n^2 = 10^6$，$n^3 = 10^9$" in markdown(PAGE)
    assert (2 * n) ** 2 / n**2 == 4 and (2 * n) ** 3 / n**3 == 8
    assert "$O(n^2)$ 的代价变成 4 倍，$O(n^3)$ 的变成 8 倍" in markdown(PAGE)


# --- 习题 ----------------------------------------------------------------------------------------


def test_exercise_1_dot_product_in_three_d():
    a, b = np.array([1.0, 2.0, 2.0]), np.array([2.0, -1.0, 2.0])
    text = exercise(1)
    assert a @ b == 4 and r"\boldsymbol{b} = 2 - 2 + 4 = 4" in text
    assert np.linalg.norm(a) == np.linalg.norm(b) == 3
    angle = math.degrees(math.acos(a @ b / 9))
    claim(PAGE, angle, "夹角约 $63.61°$")
    assert np.linalg.norm(a, 1) == 5 and np.linalg.norm(a, np.inf) == 2
    assert r"\lVert \boldsymbol{a} \rVert_1 = 5$，$\lVert \boldsymbol{a} \rVert_\infty = 2$" in text


def test_exercise_2_inverse_eigen_definite():
    M = np.array([[3.0, 1.0], [1.0, 3.0]])
    text = exercise(2)
    assert np.linalg.det(M) == pytest.approx(8) and r"$\det A = 9 - 1 = 8$" in text
    assert np.linalg.inv(M) == pytest.approx(np.array([[0.375, -0.125], [-0.125, 0.375]]))
    assert r"\begin{pmatrix} 0.375 & -0.125 \\ -0.125 & 0.375 \end{pmatrix}" in text
    assert np.linalg.eigvalsh(M) == pytest.approx([2, 4]) and "的根 $4$ 和 $2$" in text
    assert M @ [1, 1] == pytest.approx([4, 4]) and M @ [1, -1] == pytest.approx([2, -2])


def test_exercise_3_two_learning_rates():
    slow, fast = figure_data("eigen_gradient_descent", lr=0.1), figure_data("eigen_gradient_descent", lr=0.25)
    text = exercise(3)
    assert slow["factors"] == pytest.approx([0.9, 0.1])
    assert "陡轴因子 $1 - 0.9 = 0.1$，平轴因子 $0.9$" in text
    assert np.all(slow["coords"] > 0)  # no sign flip: no zigzag
    assert fast["factors"] == pytest.approx([0.75, -1.25]) and fast["bound"] < 0.25
    assert "陡轴因子 $1 - 2.25 = -1.25$" in text and "平轴因子 $0.75$" in text
    steep = np.abs(fast["coords"][:, 1])
    assert np.all(steep[1:] > steep[:-1])  # diverges
    for lr in ("0.1", "0.25"):
        assert "gradbook render eigen_gradient_descent -o" in text and f"--set lr={lr}" in text


def test_exercise_4_first_order_and_the_third_order_rest():
    def f(x, y):
        return x**2 * y

    text = exercise(4)
    grad = np.array([2 * 1 * 2, 1**2])
    assert grad.tolist() == [4, 1] and r"\nabla f = (2xy, x^2) = (4, 1)" in text
    step = np.array([0.1, -0.1])
    estimate = f(1, 2) + grad @ step
    assert estimate == pytest.approx(2.3) and r"= 2.3$" in text
    assert f(1.1, 1.9) == pytest.approx(2.299) and r"1.1^2 \times 1.9 = 2.299" in text
    H = np.array([[2 * 2, 2 * 1], [2 * 1, 0]])
    assert 0.5 * step @ H @ step == pytest.approx(0.0, abs=1e-15)
    assert f(1.1, 1.9) - estimate == pytest.approx(step[0] ** 2 * step[1]) == pytest.approx(-0.001)
    assert r"\delta_x^2 \delta_y = 0.01 \times (-0.1) = -0.001" in text


def test_exercise_5_covariance_is_semidefinite_and_singular_on_a_line():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3)) @ rng.normal(size=(3, 3))
    assert np.linalg.eigvalsh(np.cov(X.T)).min() > 0
    line = np.outer(rng.normal(size=50), [1.0, 2.0])  # data on a line through the origin
    C = np.cov(line.T)
    v = np.array([2.0, -1.0])
    assert v @ C @ v == pytest.approx(0.0, abs=1e-12) and abs(np.linalg.det(C)) < 1e-10
    assert r"\operatorname{Var}(\boldsymbol{v}^\top \boldsymbol{x}) \ge 0" in exercise(5)


def test_exercise_6_bernoulli_average():
    p = 0.3
    text = exercise(6)
    var = p - p**2
    assert var == pytest.approx(0.21) and r"\operatorname{Var}(X) = 0.3 - 0.09 = 0.21" in text
    assert var / 100 == pytest.approx(0.0021) and "$0.21/100 = 0.0021$" in text
    claim(PAGE, math.sqrt(var / 100), "标准差约 $0.0458$")
    assert math.ceil(var / 0.01**2 - 1e-9) == 2100 and r"即 $B \ge 2100$" in text


def test_exercise_7_power_iteration():
    H = np.array([[5.0, 4.0], [4.0, 5.0]])
    v = np.array([1.0, 0.0])
    for _ in range(50):
        v = H @ v / np.linalg.norm(H @ v)
    assert v @ H @ v == pytest.approx(9.0)
    assert "9.0 0.2222" in exercise(7)  # the snippet's printed output; tests/test_snippets.py runs it


def test_exercise_8_hessian_storage():
    n = 10**6
    text = exercise(8)
    assert n**2 == 10**12 and "$(10^6)^2 = 10^{12}$" in text
    assert 4 * n**2 == 4 * 10**12 and r"$4 \times 10^{12}$ 字节，约 4 TB" in text
    assert 4 * n == 4 * 10**6 and "4 MB" in text


def test_at_least_four_exercises_with_folded_answers():
    part = markdown(PAGE).split("## 习题", 1)[1]
    count = len(re.findall(r"^\*\*习题 \d+\*\*（[^）]+）", part, re.M))
    assert count >= 4
    assert part.count('??? success "答案"') == count


# --- the page in the book ------------------------------------------------------------------------


def test_every_figure_is_embedded_referred_to_and_exists():
    md = markdown(PAGE)
    names = re.findall(r"^!\[\]\(\.\./figures/(\w+)\.svg\)$", md, re.M)
    assert names == ["dot_product_norms", "eigen_gradient_descent", "quadratic_definiteness", "taylor_first_order"]
    for name in names:
        assert (ROOT / "figures" / f"{name}.py").exists()
        # Numbers are generated: the prose refers to each figure by name (the build writes 图 A.k).
        assert f"[图](#fig:{name})" in md, f"the prose never refers to {name}"
    assert front_matter(PAGE)["chapter"] == "A"


def test_search_terms_occur_in_the_page():
    words = {ln.split()[0] for ln in (DOCS / "search-terms.txt").read_text(encoding="utf-8").splitlines() if ln.strip()}
    for term in front_matter(PAGE)["search_terms"]:
        assert term in markdown(PAGE).split("---", 2)[2] and term in words, term


@pytest.mark.parametrize(
    "chapter, target",
    [
        ("chapters/01-gradient.md", "math-prep.md#向量点积与范数"),
        ("chapters/01-gradient.md", "math-prep.md#逆矩阵与行列式"),
        ("chapters/01-gradient.md", "math-prep.md#协方差与协方差矩阵"),
        ("chapters/02-linear-model.md", "math-prep.md#对称矩阵的特征值与特征向量"),
        ("chapters/03-chain-rule.md", "math-prep.md#大-o-记号"),
        ("chapters/04-pitfalls.md", "math-prep.md#期望方差与协方差"),
        ("chapters/06-natural-gradient.md", "math-prep.md#泰勒展开与一阶近似"),
    ],
)
def test_chapters_link_to_the_appendix_where_they_first_rely_on_it(chapter, target):
    assert f"(../appendix/{target})" in markdown(chapter)


def test_home_page_states_the_prerequisites_and_links_the_appendix():
    home = markdown("index.md")
    assert "(appendix/math-prep.md)" in home and "(appendix/symbols.md)" in home
    assert "需要的预备知识只有两样" not in home
