r"""动量与条件数：梯度下降的步数随 $\kappa$ 增长，重球动量只随 $\sqrt{\kappa}$ 增长。

损失是 $\tfrac12(\kappa\theta_1^2 + \theta_2^2)$。
左图：$\kappa = 100$ 的窄谷，两种方法各用自己的最佳学习率，灰线是梯度下降，橙线是动量。
右图：把误差缩小到起点的 $10^{-6}$ 所需的步数随 $\kappa$ 的变化（双对数坐标），
梯度下降的点贴着斜率 1 的线，动量的点贴着斜率 ½ 的线。
"""

import numpy as np
from matplotlib.figure import Figure

from gradbook.engine.style import CMAP, PALETTE, mark_minimum, mark_start, panels, set_axes
from gradbook.landscapes import elongated, on_grid
from gradbook.optimizers import gradient_descent, momentum

ALT = (
    "左图：κ = 100 的狭长等高线，从 (0.1, 1) 出发。梯度下降在陡的方向上来回折返，沿谷底缓慢前进，"
    "691 步才把误差缩小到百万分之一；β = 0.67 的动量绕着谷底打几个圈就到了，用 82 步。"
    "右图：双对数坐标，κ 从 10 到 3000，梯度下降的步数从 69 涨到 20,724，动量的从 26 涨到 505，"
    "前者随 κ 成正比，后者随 √κ 增长。"
)

SWEEPS = {
    "beta": {"label": r"\beta", "name": "动量系数 β", "values": "0.67,0.7,0.75,0.8,0.85,0.9,0.95", "domain": (0, 1)}
}


def _runs(kappa: float, beta: float | None, start, steps: int | None = None):
    """GD at its best rate 2/(κ + 1); heavy ball at 4/(√κ + 1)² with β (default its best, ((√κ − 1)/(√κ + 1))²)."""
    q, r = elongated((kappa, 1.0)), np.sqrt(kappa)
    beta = ((r - 1) / (r + 1)) ** 2 if beta is None else beta
    n_gd, n_m = (steps, steps) if steps else (int(8 * kappa) + 50, int(12 * r) + 50)  # enough for 10⁻⁶, no more
    return q, gradient_descent(q, start, 2 / (kappa + 1), n_gd), momentum(q, start, 4 / (r + 1) ** 2, n_m, beta)


def data(beta: float = 0.67, kappa: float = 100.0, tol: float = 1e-6):
    """Paths at κ = ``kappa`` (momentum with ``beta``), and the steps each method needs to bring ‖θ‖ below
    ``tol``·‖θ₀‖ for κ from 10 to 3000, both at their best rates."""
    start = np.array([0.1, 1.0])
    q, gd, heavy = _runs(kappa, beta, start, 2000)
    X, Y = np.meshgrid(np.linspace(-0.16, 0.16, 160), np.linspace(-0.25, 1.1, 160))
    kappas = np.array([10.0, 30.0, 100.0, 300.0, 1000.0, 3000.0])
    counts = {"gd": [], "momentum": []}
    for k in kappas:
        _, g, m = _runs(k, None, start)
        counts["gd"].append(g.steps_to_reach([0, 0], tol * np.linalg.norm(start)))
        counts["momentum"].append(m.steps_to_reach([0, 0], tol * np.linalg.norm(start)))
    reach = {n: t.steps_to_reach([0, 0], tol * np.linalg.norm(start)) for n, t in (("gd", gd), ("momentum", heavy))}
    return dict(X=X, Y=Y, Z=on_grid(q.value, X, Y), gd=gd, momentum=heavy, reach=reach, kappas=kappas, counts=counts)


def readout(d) -> str:
    n = d["reach"]["momentum"]
    return f"动量 {n} 步，梯度下降 {d['reach']['gd']} 步" if n is not None else "动量 2000 步内没有到达"


def make(beta: float = 0.67, kappa: float = 100.0, tol: float = 1e-6) -> Figure:
    d = data(beta=beta, kappa=kappa, tol=tol)
    fig, (ax, bx) = panels(2)
    ax.contour(d["X"], d["Y"], d["Z"], levels=np.geomspace(1e-3, 1.0, 9), cmap=CMAP, linewidths=0.7)
    for key, color, label in (("gd", "grey", "梯度下降"), ("momentum", "orange", rf"动量 $\beta = {beta:g}$")):
        its, n = d[key].iterates, d["reach"][key]
        ax.plot(its[:300, 0], its[:300, 1], ".-", color=PALETTE[color], lw=1.0, ms=2.5, label=f"{label}：{n} 步")
        bx.loglog(d["kappas"], d["counts"][key], "o-", color=PALETTE[color], label=label.split("$")[0].rstrip("，"))
    mark_start(ax, 0.1, 1.0)
    mark_minimum(ax, 0.0, 0.0)
    frame = dict(xlim=(-0.4, 0.4), ylim=(-0.25, 1.45), legend="upper left")
    set_axes(ax, r"$\theta_1$", r"$\theta_2$", title=rf"$\kappa = {kappa:g}$", **frame)
    k = d["kappas"]  # the slopes, labelled beside the lines rather than drawn over them
    bx.text(k[-3], 6.9 * k[-3] * 1.8, r"$\propto\kappa$", color=PALETTE["grey"], ha="right")
    bx.text(k[-3], 9.0 * np.sqrt(k[-3]) / 2.4, r"$\propto\sqrt{\kappa}$", color=PALETTE["orange"])
    set_axes(bx, r"条件数 $\kappa$", "步数（误差降到 $10^{-6}$）", legend="upper left")
    return fig


if __name__ == "__main__":
    from gradbook.engine.cli import script_main

    script_main(__file__)
