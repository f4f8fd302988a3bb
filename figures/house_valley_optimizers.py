r"""第 2 章的房价山谷（未缩放，$\kappa \approx 3.5\times10^5$）上的五种优化器：走几步，每步花多少。

左图：离最小值的相对距离随步数的变化（双对数，步数从 1 数起）。梯度下降 5000 步几乎没动；
动量和 Adam（学习率按余弦衰减）要上千步；BFGS 用精确线搜索两步到底，牛顿法一步。
右图：参数有 $n$ 个时每一步在梯度之外还要做多少次乘加（数量级）：梯度下降与 Adam 是 $n$ 的几倍，
L-BFGS 是 $4mn$，BFGS 是 $n^2$ 量级，牛顿法解线性方程组要 $n^3/3$。
"""

import numpy as np
from matplotlib.figure import Figure

from gradbook.adaptive import adam
from gradbook.engine.style import PALETTE, panels, set_axes
from gradbook.models import LinearMSE, house_data
from gradbook.optimizers import gradient_descent, momentum, newton
from gradbook.quasi_newton import bfgs
from gradbook.schedules import cosine

ALT = (
    "左图：纵轴是离最小值的相对距离（对数），横轴步数 1 到 5000（对数）。梯度下降的线几乎水平，5000 步后还差 0.97；"
    "动量先冲出去再回来，在 3605 步、余弦调度的 Adam 在 1508 步时降到 0.2%；"
    "BFGS 第 2 步、牛顿法第 1 步就落到 10⁻¹² 以下。"
    "右图：双对数坐标，n 从 10 到 10⁶，每步的乘加次数：梯度下降和 Adam 是斜率 1 的直线，L-BFGS（m = 10）"
    "平行而高一截，BFGS 斜率 2，牛顿法斜率 3，n = 10⁶ 时超过 10¹⁷。"
)


def data(steps: int = 5000, adam_lr: float = 3.0, memory: int = 10, tol: float = 2e-3):
    """Each optimiser from (w, b) = (0, 0): GD and heavy ball at their best rates for this κ, Adam from
    ``adam_lr`` on a cosine schedule, BFGS with exact line search, Newton; the relative distance
    ‖θ_k − θ*‖/‖θ*‖ and the first step below ``tol``.
    And per-step multiply-adds beyond the gradient, by n: GD n, Adam 5n, L-BFGS 4mn, BFGS 3n², Newton n³/3."""
    model = LinearMSE(*house_data())
    best = model.minimizer()
    low, high = np.linalg.eigvalsh(model.hessian(best))
    r = np.sqrt(high / low)
    heavy_lr, heavy_beta = 4 / (np.sqrt(high) + np.sqrt(low)) ** 2, ((r - 1) / (r + 1)) ** 2
    runs = {
        "gd": gradient_descent(model, [0.0, 0.0], 2 / (high + low), steps),
        "momentum": momentum(model, [0.0, 0.0], heavy_lr, steps, heavy_beta),
        "adam": adam(model, [0.0, 0.0], cosine(adam_lr, steps), steps),
        "bfgs": bfgs(model, [0.0, 0.0], 3, line_search="exact"),
        "newton": newton(model, [0.0, 0.0], 2),
    }
    scale = np.linalg.norm(best)
    distance = {k: np.linalg.norm(t.iterates - best, axis=1) / scale for k, t in runs.items()}
    reach = {k: t.steps_to_reach(best, tol * scale) for k, t in runs.items()}
    n = 10.0 ** np.arange(1.0, 6.5, 0.5)
    work = {"gd": n, "adam": 5 * n, "lbfgs": 4 * memory * n, "bfgs": 3 * n**2, "newton": n**3 / 3}
    return dict(tol_percent=100 * tol, kappa=high / low, distance=distance, reach=reach, n=n, work=work)


LABELS = {"gd": "梯度下降", "momentum": "动量", "adam": "Adam", "lbfgs": "L-BFGS", "bfgs": "BFGS", "newton": "牛顿法"}
COLORS = {"gd": "grey", "momentum": "orange", "adam": "green", "lbfgs": "sky", "bfgs": "blue", "newton": "purple"}


def make(steps: int = 5000, adam_lr: float = 3.0, memory: int = 10, tol: float = 2e-3) -> Figure:
    d = data(steps=steps, adam_lr=adam_lr, memory=memory, tol=tol)
    fig, (ax, bx) = panels(2)
    for key, dist in d["distance"].items():
        k = np.arange(1, len(dist) + 1)
        style = "o-" if len(dist) < 10 else "-"  # the few steps of BFGS and Newton as dots
        ax.loglog(k, np.maximum(dist, 1e-13), style, color=PALETTE[COLORS[key]], label=LABELS[key], ms=5)
    set_axes(ax, "步数 + 1", r"$\|\theta_k - \theta^*\| / \|\theta^*\|$", ylim=(1e-13, 100), legend="lower center")
    for key, work in d["work"].items():
        bx.loglog(d["n"], work, color=PALETTE[COLORS[key]], label=LABELS[key], ls="--" if key == "lbfgs" else "-")
    set_axes(bx, "参数个数 $n$", "每步乘加次数（梯度之外）", legend="upper left")
    return fig


if __name__ == "__main__":
    from gradbook.engine.cli import script_main

    script_main(__file__)
