"""输入放大 $s$ 倍，权重 $w$ 的梯度跟着放大 $s$ 倍、偏置 $b$ 的不变；损失曲面沿 $w$ 方向变陡 $s^2$ 倍，圆碗压成窄谷。

数据是第 2 章的房屋面积（先标准化为 z，再乘 s 作为输入 x = s z），价格同样标准化，模型 ŷ = w x + b，
均方误差损失。左图：在预测相同的两点 (w/s, b) 上比较两个梯度分量之比，以及 Hessian 的条件数 κ（对数坐标）。
中图与右图：s = 1 和 s 取较大值时的等高线（同样的坐标范围），以及用各自“安全”的学习率 0.9/λ_max 走 30 步的梯度下降路径。
"""

import numpy as np
from matplotlib.figure import Figure

from gradbook.engine.landscape import landscape
from gradbook.engine.style import PALETTE, panels, set_axes
from gradbook.landscapes import on_grid
from gradbook.models import LinearMSE, house_data, standardize
from gradbook.optimizers import gradient_descent

ALT = (
    "左图：对数坐标上两条直线，梯度之比随 s 以斜率 1 增长，条件数随 s 以斜率 2 增长，s = 10 时条件数为 100。"
    "中图：s = 1 时等高线是圆，梯度下降几步就到圆心。右图：s 较大时等高线是沿 b 方向拉长的窄椭圆，"
    "梯度下降在 w 方向一步到位，却沿 b 方向慢慢挪，30 步后离最小值仍有一段距离。"
)


def problem(scale: float, n: int = 50, seed: int = 0) -> LinearMSE:
    """House prices against the standardized area times ``scale``, both standardized."""
    area, price = house_data(n, seed)
    z, _, _ = standardize(area)
    y, _, _ = standardize(price)
    return LinearMSE(scale * z, y + 1.0)


def data(scale: float = 5.0, steps: int = 30, lr_fraction: float = 0.9):
    """Over input scales s: the gradient ratio |∂L/∂w| / |∂L/∂b| at the same line and the condition number κ;
    and for s = 1 and s = scale, the loss, its grid around θ*, and the run at η = lr_fraction/λ_max."""
    s, theta = np.geomspace(1, 100, 30), np.array([0.0, 0.0])
    grads = [problem(v).grad(theta / [v, 1]) for v in s]  # at (w/s, b): the same line for every s
    g1 = problem(1.0).grad(theta)
    maps = []
    for v in (1.0, scale):
        L = problem(v)
        w_star, b_star = star = L.minimizer()
        lam = np.linalg.eigvalsh(L.hessian(theta)).max()
        run = gradient_descent(L, [w_star - 1.6, b_star - 1.6], lr=lr_fraction / lam, steps=steps)
        W, B = np.meshgrid(np.linspace(w_star - 2.2, w_star + 2.2, 200), np.linspace(b_star - 2.2, b_star + 2.2, 200))
        grid = dict(W=W, B=B, Z=on_grid(L.value, W, B))
        kappa, gap = np.linalg.cond(L.hessian(theta)), np.linalg.norm(run.final - star)
        maps.append(dict(grid, scale=v, loss=L, star=star, kappa=kappa, run=run, gap=gap))
    kappa = [np.linalg.cond(problem(v).hessian(theta)) for v in s]
    ratio = [abs(g[0]) / abs(g[1]) for g in grads]
    return dict(s=s, ratio=ratio, ratio_at_1=abs(g1[0] / g1[1]), kappa=kappa, panels=maps)


def make(scale: float = 5.0, steps: int = 30, lr_fraction: float = 0.9) -> Figure:
    d = data(scale, steps, lr_fraction)
    fig, (ax, bx, cx) = panels(3, ratios=[1.25, 1, 1], heights=[1, 1.25, 1.25])
    ax.loglog(
        d["s"], d["ratio"], color=PALETTE["blue"], label=r"$|\partial L/\partial w| \,/\, |\partial L/\partial b|$"
    )
    ax.loglog(d["s"], d["kappa"], color=PALETTE["orange"], label=r"条件数 $\kappa$")
    set_axes(ax, "输入尺度 $s$", title=f"$s=1$ 时梯度比 {d['ratio_at_1']:.2f}", legend="upper left")

    for axis, panel in zip((bx, cx), d["panels"]):
        L, (w_star, b_star), v, gap = panel["loss"], panel["star"], panel["scale"], panel["gap"]
        levels = L.value(L.minimizer()) + np.geomspace(0.05, 8, 8)
        run = (panel["run"].iterates, "orange", None, dict(ms=2.5, lw=1.2))
        landscape(
            axis, panel["W"], panel["B"], panel["Z"], levels=levels, lw=0.7, paths=[run], minimum=(w_star, b_star)
        )
        if gap >= 1e-12:
            gap_text = f" {gap:.2g}"
        else:  # rounding noise, whose digits differ from CPU to CPU: say only how small it is
            gap_text = "不到 $10^{-12}$"
        set_axes(axis, "$w$", "$b$", title=f"$s = {v:g}$：{steps} 步后\n离最小值{gap_text}", aspect="equal")
    return fig


if __name__ == "__main__":
    from gradbook.engine.cli import script_main

    script_main(__file__)
