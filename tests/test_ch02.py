"""Chapter 2 (线性模型的直觉): each worked number and exercise answer, recomputed and found in the prose."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp

from gradbook.calculus import numerical_gradient, numerical_hessian
from gradbook.engine.registry import find_figure
from gradbook.engine.render import data as figure_data
from gradbook.landscapes import Quadratic
from gradbook.models import LinearMSE, OnePointLinear, house_data, standardize, unstandardize
from gradbook.optimizers import gradient_descent
from tests.chapters import DOCS, ROOT, claim, front_matter, markdown

CH = "02"
ORIGIN = np.zeros(2)


def claim_shown(computed: float, text: str, shown: str) -> None:
    """``claim`` for a number that is not the first one in ``text``: ``shown`` is how the page prints it."""
    decimals = len(shown.split(".")[1]) if "." in shown else 0
    claim(CH, computed, text, value=float(shown), abs=0.5 * 10.0**-decimals)


def house(unit: float = 1.0) -> LinearMSE:
    x, y = house_data()
    return LinearMSE(x / unit, y)


def bowl(model: LinearMSE) -> Quadratic:
    """The loss as ½ (θ − θ*)ᵀ H (θ − θ*): exact for a linear model (plus the constant L*)."""
    return Quadratic(model.hessian(ORIGIN), model.minimizer())


def steps_to_tol(hessian: np.ndarray, error0: np.ndarray, lr: float, tol: float) -> int:
    """First k with ‖(I − ηH)^k e₀‖ ≤ tol, from the eigen-decomposition (GD on a quadratic, in closed form)."""
    lam, vecs = np.linalg.eigh(hessian)
    coeff, factor = vecs.T @ error0, np.abs(1 - lr * lam)
    assert factor.max() < 1
    lo, hi = 0, 1
    while np.linalg.norm(coeff * factor**hi) > tol:
        hi *= 2
    while lo < hi:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if np.linalg.norm(coeff * factor**mid) <= tol else (mid + 1, hi)
    return lo


# ---------------------------------------------------------------- 数据不动，参数在动


def test_data_and_the_three_lines():
    x, y = house_data()
    assert x.size == 50
    claim(CH, x.mean(), "约为 102.6 平方米")
    blue, purple, best = figure_data("lines_and_params")["losses"]
    assert blue < purple < 1.2 * blue  # the purple line: "只比蓝色的略高一点"
    assert best == pytest.approx(house().value(house().minimizer()))


# ---------------------------------------------------------------- 损失曲面


def test_expansion_coefficients_and_the_10000_to_1():
    x, y = house_data()
    model = house()
    claim_shown(np.mean(x**2), "系数 $\\overline{x^2}$ 是 10854", "10854")
    w, b = sp.symbols("w b")
    loss = sum((w * sp.Float(xi) + b - sp.Float(yi)) ** 2 for xi, yi in zip(x, y)) / len(x)
    poly = sp.Poly(sp.expand(loss), w, b)
    assert poly.coeff_monomial(b**2) == pytest.approx(1.0)
    assert float(poly.coeff_monomial(w * b)) == pytest.approx(2 * x.mean())
    assert float(poly.coeff_monomial(w)) == pytest.approx(-2 * np.mean(x * y))
    assert float(poly.coeff_monomial(w**2)) == pytest.approx(np.mean(x**2))
    assert np.mean(x**2) == pytest.approx(x.mean() ** 2 + x.var())
    assert model.value(ORIGIN) == pytest.approx(np.mean(y**2))


def test_sensitivity_of_w_and_b_at_the_minimum():
    model = house()
    w_star, b_star = model.minimizer()
    best = float(model.value([w_star, b_star]))
    claim(CH, w_star, "(w^*, b^*) = (2.82,\\ 69.3)")
    claim_shown(b_star, "69.3)$，要走的路", "69.3")
    claim(CH, model.value([w_star + 0.01, b_star]) - best, "损失增加 1.09")
    claim(CH, model.value([w_star, b_star + 1]) - best, "损失才增加 1.0")
    claim(CH, model.value([w_star + 0.1, b_star]) - best, "损失涨 108.5")
    claim_shown(model.value([w_star, b_star + 10]) - best, "偏 10 损失只涨 100", "100")
    claim(CH, best, "本章数据为 904.2")


def test_hessian_eigenvalues_and_condition_number():
    model = house()
    h = model.hessian(ORIGIN)
    assert h == pytest.approx(
        numerical_hessian(lambda t: float(model.value(t)), np.array([1.0, 2.0]), h=1e-2), rel=1e-6
    )
    claim(CH, h[0, 0], "\\begin{pmatrix} 21708 & 205.2")
    claim_shown(h[0, 1], "21708 & 205.2", "205.2")
    lam_min, lam_max = bowl(model).eigenvalues
    claim(CH, lam_max, "\\lambda_{\\max} \\approx 21710", value=21710, abs=5)
    claim(CH, lam_min, "\\lambda_{\\min} \\approx 0.0612")
    claim(CH, lam_max / lam_min, "\\approx 354775")
    claim(CH, lam_max / lam_min / 1e4, "约 35 万", abs=0.5)


# ---------------------------------------------------------------- 等高线


def test_the_quadratic_form_is_exact_and_its_gradient_is_h_times_the_offset():
    model = house()
    q = bowl(model)
    best = float(model.value(model.minimizer()))
    for theta in ([0.0, 0.0], [1.0, 300.0], [5.0, -100.0]):
        assert model.value(theta) == pytest.approx(best + q.value(theta), rel=1e-9)
        assert model.grad(theta) == pytest.approx(q.grad(theta), rel=1e-6, abs=1e-6)
        assert model.grad(theta) == pytest.approx(numerical_gradient(model.value, np.array(theta), h=1e-4), rel=1e-6)


def test_axis_ratio_of_the_ellipses_in_both_units():
    lo, hi = bowl(house()).eigenvalues
    claim(CH, math.sqrt(hi / lo), "\\sqrt{\\kappa} \\approx 596")
    lo, hi = bowl(house(100)).eigenvalues
    claim(CH, hi / lo, "条件数降到约 129")
    claim(CH, math.sqrt(hi / lo), "长短轴之比约 11.4")
    # the points the contour figure marks, on its axes' ellipse L − L* = c, really lie on that contour
    model, c = house(100), find_figure("loss_contours_wb", ROOT / "figures").defaults()["level"]
    for p in figure_data("loss_contours_wb")["points"]:
        assert model.value(p) - model.value(model.minimizer()) == pytest.approx(c)


def test_negative_gradient_is_perpendicular_to_the_contour_but_misses_the_minimum():
    model = house()
    g = model.grad(ORIGIN)
    claim(CH, g[0], "(-75468,\\ -717.5)", value=-75468, abs=0.5)
    claim(CH, g[1], "-75468,\\ -717.5)", value=-717.5, abs=0.05)
    to_min = model.minimizer() - ORIGIN
    cos = float(-g @ to_min / np.linalg.norm(g) / np.linalg.norm(to_min))
    claim(CH, math.degrees(math.acos(cos)), "夹角约 87.1°")
    # perpendicular: the loss does not change along the contour's tangent (⊥ to ∇L)
    tangent = np.array([-g[1], g[0]]) / np.linalg.norm(g)
    assert abs(float(model.value(ORIGIN + 1e-4 * tangent) - model.value(ORIGIN - 1e-4 * tangent))) < 1e-6
    # in round bowls (and only along principal axes otherwise) −∇L points straight at the minimum
    lams, vecs = np.linalg.eigh(model.hessian(ORIGIN))
    on_axis = model.minimizer() + 3.0 * vecs[:, 0]
    d = -model.grad(on_axis)
    assert abs(d @ (model.minimizer() - on_axis)) == pytest.approx(
        np.linalg.norm(d) * np.linalg.norm(model.minimizer() - on_axis), rel=1e-6
    )


def test_h_shrinks_the_flat_component_and_stretches_the_steep_one():
    model = house()
    lams, vecs = np.linalg.eigh(model.hessian(ORIGIN))
    assert lams[0] < 1 < lams[1]  # λ_min shortens, λ_max lengthens
    offset = vecs[:, 0] + vecs[:, 1]
    out = model.hessian(ORIGIN) @ offset
    assert vecs[:, 0] @ out == pytest.approx(lams[0]) and vecs[:, 1] @ out == pytest.approx(lams[1])
    ratio_before = abs((vecs[:, 1] @ offset) / (vecs[:, 0] @ offset))
    ratio_after = abs((vecs[:, 1] @ out) / (vecs[:, 0] @ out))
    assert ratio_after / ratio_before == pytest.approx(lams[1] / lams[0])  # "比例因此变了 κ 倍"
    text = markdown(CH)
    assert "只拉长 $\\lambda_{\\min}$ 倍" not in text and "后一个分量其实被缩短了" in text


def test_zigzag_alt_names_the_start_the_script_uses():
    zigzag = find_figure("gd_zigzag_raw", ROOT / "figures")
    w0, b0 = figure_data("gd_zigzag_raw")["run"].iterates[0]
    start = f"({w0:g}, {b0:g})"
    assert f"从 (w, b) = {start} 出发" in zigzag.alt and "原点" not in zigzag.alt
    assert f"(w, b) = {start}" in zigzag.description


# ---------------------------------------------------------------- 链式法则


def test_one_house_information_flow():
    model = LinearMSE(np.array([100.0]), np.array([300.0]))
    theta = np.array([2.5, 10.0])
    y_hat = float(theta[0] * 100 + theta[1])
    claim(CH, y_hat, "预测 $\\hat{y} = 260$")
    dl_dyhat = 2 * (y_hat - 300)
    claim_shown(dl_dyhat, "2 \\times (260 - 300) = -80", "-80")
    g = model.grad(theta)
    claim_shown(g[0], "2(\\hat{y} - y)\\cdot x = -8000", "-8000")
    claim_shown(g[1], "2(\\hat{y} - y)\\cdot 1 = -80", "-80")
    assert g == pytest.approx([dl_dyhat * 100, dl_dyhat])
    assert g == pytest.approx(numerical_gradient(model.value, theta), rel=1e-7)


def test_averaged_gradient_formula():
    x, y = house_data()
    model = house()
    theta = np.array([1.3, 40.0])
    r = theta[0] * x + theta[1] - y
    assert model.grad(theta) == pytest.approx([2 * np.mean(r * x), 2 * np.mean(r)])


def test_worked_point_of_note_000():
    model = OnePointLinear(x=(3.0, 1.0), y=8.0)
    theta = np.array([1.0, 1.0])
    claim_shown(model.prediction(theta), "1 \\times 1 = 4", "4")
    claim(CH, model.prediction(theta) - 8.0, "误差 $f - y = -4$")
    claim(CH, model.value(theta), "损失 $L = 8$")
    g = model.grad(theta)
    claim(CH, g[0], "(-12,\\ -4)", value=-12)
    claim(CH, g[1], "-12,\\ -4)", value=-4)
    claim_shown(g[0] / g[1], "是 $\\theta_2$ 的 3 倍", "3")
    assert g == pytest.approx(numerical_gradient(model.value, theta), abs=1e-7)
    claim(CH, model.value(np.array([1.01, 1.0])), "损失从 8 降到 7.88045", value=7.88045, abs=5e-6)
    claim(CH, model.value(np.array([1.0, 1.01])), "损失变成 7.96005")
    assert 8 - model.value(np.array([1.01, 1.0])) == pytest.approx(0.12, abs=0.001)
    t1, t2 = sp.symbols("t1 t2")
    loss = sp.Rational(1, 2) * (3 * t1 + t2 - 8) ** 2
    assert [sp.diff(loss, t).subs({t1: 1, t2: 1}) for t in (t1, t2)] == [-12, -4]


# ---------------------------------------------------------------- 学习率


def test_the_minus_100_example_and_subtracting_the_raw_gradient():
    claim_shown(5 - (-100), "= 5 - (-100) = 105", "105")
    claim_shown(5 - 0.01 * (-100), "5 - 0.01 \\times (-100) = 6", "6")
    model = house()
    jumped = ORIGIN - model.grad(ORIGIN)
    assert np.allclose(gradient_descent(model, ORIGIN, 1.0, 1).final, jumped)
    claim(CH, jumped[0], "参数跳到 $(75468,\\ 717.5)$", value=75468, abs=0.5)
    claim(CH, model.value(ORIGIN), "损失从 132235")
    claim(CH, model.value(jumped) / 1e13, "约 $6.2 \\times 10^{13}$")


def test_one_dimensional_rates_and_the_two_over_lambda_bound():
    x, _ = house_data()
    lam = 2 * np.mean(x**2)
    d = figure_data("lr_paths", steps=5)  # the figure's three rates, five steps each
    objective, w_star = d["objective"], d["w_star"]
    assert numerical_hessian(lambda t: float(objective.value(t)), np.array([1.0]), h=1e-2)[0, 0] == pytest.approx(
        lam, rel=1e-6
    )
    claim_shown(lam, "\\lambda = 2\\,\\overline{x^2} = 21708", "21708")
    claim_shown(1 / lam * 1e5, "\\eta = 1/\\lambda = 4.61 \\times 10^{-5}", "4.61")
    claim_shown(2 / lam * 1e5, "\\frac{2}{\\lambda} = 9.21 \\times 10^{-5}", "9.21")
    rates = find_figure("lr_paths", ROOT / "figures").defaults()
    for rate, text, traj in zip(
        ("lr_small", "lr_good", "lr_big"), ("因子是 0.957", "因子是 0.132", "因子是 −1.17"), d["runs"]
    ):
        factor = 1 - rates[rate] * lam
        claim(CH, factor, text)
        errors = traj.iterates[:, 0] - w_star
        assert errors[1:] == pytest.approx(factor * errors[:-1], rel=1e-6)  # w_{k+1} − w* = (1 − ηλ)(w_k − w*)
    one_step = figure_data("lr_paths", lr_good=1 / lam, steps=1)["runs"][1].final[0]
    assert one_step == pytest.approx(w_star)
    assert figure_data("lr_paths", steps=40)["runs"][2].losses[-1] > 1e9  # 发散


def test_learning_rate_bound_in_two_dimensions():
    model = house()
    q = bowl(model)
    claim_shown(q.max_stable_lr * 1e5, "2/\\lambda_{\\max} = 9.21 \\times 10^{-5}", "9.21")
    assert gradient_descent(model, ORIGIN, 1.02 * q.max_stable_lr, 300).losses[-1] > 1e6 * model.value(ORIGIN)
    lam_min, lam_max = q.eigenvalues
    assert 2 / (lam_max / lam_min) == pytest.approx(5.6e-6, rel=0.02)  # "百万分之五六"
    assert 1e5 < (lam_max / lam_min) / 2 < 2e5  # steps per e-fold: "十几万步"


def test_the_plateau_after_1000_steps_and_the_closed_form_step_count():
    model = house()
    traj = gradient_descent(model, ORIGIN, 9e-5, 1000)
    w, b = traj.final
    claim(CH, w, "$w = 3.47$、$b = 0.41$")
    claim(CH, b, "$b = 0.41$，损失 1049.6")
    claim(CH, traj.losses[-1], "损失 1049.6")
    assert traj.losses[100] < 1.02 * traj.losses[-1] and traj.losses[0] > 100 * traj.losses[-1]
    n = steps_to_tol(model.hessian(ORIGIN), ORIGIN - model.minimizer(), 9e-5, 0.01)
    claim(CH, n / 1e4, "得走约 161 万步")
    claim(CH, n / 1e4, "约 161 万（$\\eta = 9 \\times 10^{-5}$）")


def test_closed_form_step_count_agrees_with_running_gd():
    d = figure_data("gd_zigzag_raw", steps=1000)
    ran = d["run"].steps_to_reach(d["star"], 0.01)
    assert ran == steps_to_tol(d["model"].hessian(ORIGIN), d["run"].iterates[0] - d["star"], d["lr"], 0.01)


def test_zigzag_numbers_in_hundreds_of_square_metres():
    q = bowl(house(100))
    lam_min, lam_max = q.eigenvalues
    claim(CH, lam_max, "\\lambda_{\\max} = 4.14")
    claim(CH, lam_min, "\\lambda_{\\min} = 0.0321")
    claim_shown(q.max_stable_lr, "上限 $2/\\lambda_{\\max} = 0.483$", "0.483")
    d = figure_data("gd_zigzag_raw")  # figure 2.7: 40 steps at 0.95 × 2/λ_max from (130, 215)
    lr, traj = d["lr"], d["run"]
    assert d["lam_max"] == pytest.approx(lam_max, rel=1e-12)
    claim_shown(lr, "0.95 倍 $\\eta = 0.459$", "0.459")
    claim_shown(1 - lr * lam_max, "4.14 = -0.9", "-0.9")
    claim(CH, 1 - lr * lam_min, "平方向的因子是 0.985")
    dist = np.linalg.norm(traj.iterates - d["star"], axis=1)
    claim(CH, dist[0], "只从 211 缩到 116")
    claim(CH, dist[-1], "缩到 116")
    assert np.all(np.diff(np.sign(np.diff(traj.iterates[:8, 0]))) != 0)  # w goes back and forth: a zigzag
    steps = figure_data("gd_zigzag_raw", steps=1000)["run"].steps_to_reach(d["star"], 0.01)
    claim(CH, steps, "一共需要 671 步")
    claim(CH, steps, "671（$\\eta = 0.459$）")
    claim(CH, lam_max / lam_min, "| 百平方米 | 约 129")
    claim_shown(q.max_stable_lr, "约 129 | 0.483", "0.483")


# ---------------------------------------------------------------- 特征缩放


def test_standardisation_makes_the_bowl_round():
    x, y = house_data()
    z, mean, std = standardize(x)
    claim(CH, mean, "$\\bar{x} = 102.6$")
    claim(CH, std, "$s = 18.2$")
    model = LinearMSE(z, y)
    h = model.hessian(ORIGIN)
    assert h == pytest.approx(2 * np.eye(2), abs=1e-12)
    q = bowl(model)
    claim_shown(q.max_stable_lr, "上限变成 $2/\\lambda = 1$", "1")
    star = model.minimizer()
    claim(CH, star[0], "(w_z, b_z) = (51.41,\\ 358.73)")
    claim_shown(star[1], "51.41,\\ 358.73)", "358.73")
    w, b = unstandardize(star, mean, std)
    claim(CH, w, "w = w_z / s = 2.82")
    claim(CH, b, "b = b_z - w\\,\\bar{x} = 69.3")
    assert [w, b] == pytest.approx(LinearMSE(x, y).minimizer())
    one = gradient_descent(model, ORIGIN, 0.5, 1)
    assert one.final == pytest.approx(star)
    traj = figure_data("gd_standardized", steps=40)["run"]  # figure 2.9, run on to 40 steps
    assert traj.iterates[0] == pytest.approx([130.0 * std / 100, 215.0 + 130.0 * mean / 100])
    assert LinearMSE(x / 100, y).value([130.0, 215.0]) == pytest.approx(model.value(traj.iterates[0]))  # the same line
    d = np.linalg.norm(traj.iterates - star, axis=1)
    assert d[1:6] == pytest.approx(0.5 * d[:5])  # "每步把距离减半"
    claim(CH, traj.steps_to_reach(star, 0.01), "12 步就进入 0.01 以内")


# ---------------------------------------------------------------- 习题


def test_exercise_1_one_point_gradient():
    model = OnePointLinear(x=(2.0, -1.0), y=3.0)
    g = model.grad(np.array([1.0, 1.0]))
    claim(CH, g[0], "-2 \\times (2, -1) = (-4,\\ 2)", value=-4)
    claim(CH, g[1], "(-4,\\ 2)", value=2)


def test_exercise_2_one_step_on_one_house():
    model = LinearMSE(np.array([100.0]), np.array([300.0]))
    theta = gradient_descent(model, np.array([2.5, 10.0]), 1e-5, 1).final
    claim(CH, theta[0], "= 2.58$")
    claim_shown(theta[1], "b = 10 + 10^{-5} \\times 80 = 10.0008", "10.0008")
    claim(CH, model.value(np.array([2.5, 10.0])), "损失从 1600 降到")
    claim(CH, model.value(theta), "降到约 1023.95")


def test_exercise_3_bound_in_hundreds_of_square_metres():
    lam = 2 * np.mean((house_data()[0] / 100) ** 2)
    claim(CH, lam, "变成 2.1708")
    claim(CH, 2 / lam, "约为 0.921")


def test_exercise_4_standardised_rates_one_and_three_quarters():
    z, _, _ = standardize(house_data()[0])
    model = LinearMSE(z, house_data()[1])
    star = model.minimizer()
    bounce = gradient_descent(model, ORIGIN, 1.0, 4)
    assert bounce.iterates[2] == pytest.approx(ORIGIN, abs=1e-9) and bounce.iterates[1] == pytest.approx(2 * star)
    assert np.ptp(bounce.losses) == pytest.approx(0, abs=1e-6)  # 损失保持不变
    half = gradient_descent(model, ORIGIN, 0.75, 6)
    d = half.iterates - star
    assert d[1:] == pytest.approx(-0.5 * d[:-1])


def test_exercise_5_best_fixed_learning_rate():
    model = house(100)
    lam_min, lam_max = bowl(model).eigenvalues
    best = 2 / (lam_max + lam_min)
    claim(CH, best, "单位下 $\\eta = 0.480$")
    kappa = lam_max / lam_min
    claim(CH, (kappa - 1) / (kappa + 1), "因子约 0.9846")
    etas = np.linspace(0.3, 0.48, 2001)
    worst = np.maximum(abs(1 - etas * lam_min), abs(1 - etas * lam_max))
    assert etas[np.argmin(worst)] == pytest.approx(best, abs=2e-4)
    steps = gradient_descent(model, ORIGIN, best, 1000).steps_to_reach(model.minimizer(), 0.01)
    claim(CH, steps, "仍要 663 步")


# ---------------------------------------------------------------- 页面


def test_front_matter_and_figures():
    fm = front_matter(CH)
    md = markdown(CH)
    assert fm["chapter"] == 2
    for term in fm["search_terms"]:
        assert term in md.split("---", 2)[2]
    terms = (DOCS / "search-terms.txt").read_text(encoding="utf-8")
    assert all(t in terms.split() for t in fm["search_terms"])
    figures = [
        "lines_and_params",
        "loss_surface_wb",
        "loss_contours_wb",
        "lr_paths",
        "lr_loss_curves",
        "gd_zigzag_raw",
        "lr_bound",
        "gd_standardized",
    ]
    for name in figures:
        assert f"](../figures/{name}.svg" in md
    assert md.count('??? success "答案"') >= 4


# ---------------------------------------------------------------- 习题（先猜再验、证明、编程）


def test_exercise_4_rates_one_and_three_quarters_redrawn():
    assert "重画[图](#fig:gd_standardized)" in markdown(CH)  # the build numbers it
    d = figure_data("gd_standardized", lr=1.0)  # the figure's 12 steps
    bounce, star = d["run"].iterates, d["star"]
    start = bounce[0]
    mirror = 2 * star - start
    assert np.allclose(bounce[1::2], mirror) and np.allclose(bounce[::2], start)
    claim_shown(mirror[0], "约 $(79, 369)$", "79")
    claim_shown(mirror[1], "(79, 369)$，", "369")
    quarter = figure_data("gd_standardized", lr=0.25, steps=40)["run"].steps_to_reach(star, 0.01)
    three_quarters = figure_data("gd_standardized", lr=0.75, steps=40)["run"]
    assert three_quarters.steps_to_reach(star, 0.01) == quarter
    claim(CH, quarter, "在第 12 步进入 0.01 以内")
    d = three_quarters.iterates - star
    assert np.all(np.sum(d[1:] * d[:-1], axis=1) < 0)  # alternate sides of the star


def test_exercise_6_half_the_bound_removes_the_zigzag_but_is_slower():
    assert "[图](#fig:gd_zigzag_raw) 的学习率是上限的 0.95 倍" in markdown(CH)
    zig, half = (figure_data("gd_zigzag_raw", lr_fraction=f, steps=2000) for f in (0.95, 0.5))  # the zigzag, redrawn
    star, lam_max = zig["star"], zig["lam_max"]
    lam_min = np.linalg.eigvalsh(zig["model"].hessian(star))[0]
    half, zig = half["run"], zig["run"]
    claim(CH, 1 - lam_min / lam_max, r"1 - \lambda_{\min}/\lambda_{\max} \approx 0.9922$")
    claim(CH, 100 * lam_min / lam_max, "每步只推进约 0.78%")
    claim(CH, 1 - 0.95 * 2 / lam_max * lam_min, "平方向的因子从 0.985 变成")
    # after the first step the path runs straight: every later step has the same direction
    steps = np.diff(half.iterates[1:41], axis=0)
    cosines = np.sum(steps[1:] * steps[:-1], axis=1) / np.prod(np.linalg.norm([steps[1:], steps[:-1]], axis=2), axis=0)
    assert cosines.min() > 0.9999
    claim_shown(half.iterates[40][0], "走到 $(175, 181)$ 附近", "175")
    claim_shown(half.iterates[40][1], "(175, 181)$ 附近", "181")
    claim(CH, np.linalg.norm(half.iterates[40] - star), "离最优点还有 154")
    claim(CH, np.linalg.norm(zig.iterates[40] - star), "锯齿那次是 116")
    claim(CH, half.steps_to_reach(star, 0.01), "得走 1279 步")
    claim(CH, zig.steps_to_reach(star, 0.01), "锯齿那次只要 671 步")


def test_exercise_7_line_through_the_centroid_and_the_angle_bound():
    x, y = house_data()
    w, b = LinearMSE(x, y).minimizer()
    assert b == pytest.approx(y.mean() - w * x.mean())
    star = figure_data("gd_standardized")["star"]
    claim(CH, star[1], "拟合出的截距是 358.73")
    claim(CH, y.mean(), "平均房价就是 358.73 万元")
    for unit, text, kappa_text in (
        (100, "夹角最大约 79.93°", r"$\kappa \approx 129$"),
        (1, "最大约 89.81°", r"$\kappa \approx 35$ 万"),
    ):
        H = LinearMSE(x / unit, y).hessian(ORIGIN)
        lam = np.linalg.eigvalsh(H)
        kappa = lam[1] / lam[0]
        bound = 2 * np.sqrt(kappa) / (kappa + 1)
        t = np.linspace(0, np.pi, 400001)
        e = np.stack([np.cos(t), np.sin(t)], axis=1)
        he = e @ H
        cosines = np.sum(e * he, axis=1) / np.linalg.norm(he, axis=1)
        assert cosines.min() > 0 and cosines.min() == pytest.approx(bound, rel=1e-6)  # the bound is attained
        claim(CH, math.degrees(math.acos(bound)), text)
        claim(CH, kappa / (1e4 if unit == 1 else 1), kappa_text)
    g, to_star = house().grad(ORIGIN), house().minimizer() - ORIGIN
    angle = math.degrees(math.acos(-g @ to_star / (np.linalg.norm(g) * np.linalg.norm(to_star))))
    claim(CH, angle, "$(0, 0)$ 处的 87.1° 就在", value=87.1, abs=0.05)
    assert angle < 89.81


def test_exercise_8_sweep_of_the_learning_rate():
    d = figure_data("gd_zigzag_raw")  # the exercise sweeps figure 2.7's lr_fraction
    star, lam_max = d["star"], d["lam_max"]
    lam_min = np.linalg.eigvalsh(d["model"].hessian(star))[0]
    H, e0 = d["model"].hessian(ORIGIN), d["run"].iterates[0] - star
    shown = {0.5: 1279, 0.92: 693, 0.95: 671, 0.99: 644, 0.995: 689, 0.997: 1130}
    for frac, steps in shown.items():  # closed form agrees with the snippet the page runs
        assert steps_to_tol(H, e0, frac * 2 / lam_max, 0.01) == steps
        assert f"    {frac} {steps}\n" in markdown(CH)
    best = lam_max / (lam_max + lam_min)
    claim(CH, best, "对应 frac ≈ 0.9923")
    assert min(shown, key=shown.get) < best < 0.995


def test_figure_2_6_has_its_own_caption_and_alt_and_they_match_its_curves():
    """The second lr_loss_curves (w and b learnt together) shows the opposite of the default caption:
    its own caption (in the page) and ALT (the script's alt(), from its data) state what its curves do."""
    from gradbook.engine.pages import find_refs
    from gradbook.engine.render import alt

    (m,) = [m for _, m in find_refs(CH, markdown(CH)) if m["query"] == "fix_b=false"]
    assert "合适的迅速降到底" not in m["title"] and "150 左右的平台" in m["title"]
    assert m["alt"] == "", "the ALT of this use is the script's alt(fix_b=False), not typed in the page"
    text = alt("lr_loss_curves", fix_b=False)
    assert "150 左右的平台" in text and text != alt("lr_loss_curves")
    d = figure_data("lr_loss_curves", fix_b=False)
    small, good, big = (run.losses - d["best"] for run in d["runs"])
    plateau = good[3:]
    claim(CH, plateau.min(), "150 左右", abs=10)
    claim(CH, plateau.max(), "150 左右", abs=10)
    assert plateau.max() / plateau.min() < 1.01, "不再下降: flat from step 3 on"
    for value, place, shown, says in (  # each rounded to the place it is printed at
        (small[0], -4, 70000, "从约 7 万缓慢下降"),
        (small[-1], -3, 2000, "40 步后仍在 2000 左右"),
        (good[2], -1, 170, "头两步降到约 170"),
        (good[-1], -1, 150, "停在 150 左右的平台"),
    ):
        assert says in text and round(value, place) == shown, (says, value)
    assert np.all(np.diff(small) < 0) and np.all(np.diff(big) > 0), "缓慢下降 / 一路上升"
