"""未缩放特征上的梯度下降：每一步都横穿山谷、来回折返，沿谷底却只挪动一点点。

房价模型，面积以“百平方米”为单位，从山谷一侧的 (w, b) = (130, 215) 出发，学习率取稳定上限 2/λ_max 的一个比例。
折线上的点是每一步的位置：前几步几乎都花在山谷两壁之间的反复横跳上。
"""

import numpy as np
from matplotlib.figure import Figure

from gradbook.engine.style import CMAP, PALETTE, figsize, mark_minimum, mark_start, set_axes
from gradbook.landscapes import on_grid
from gradbook.models import LinearMSE, house_data
from gradbook.optimizers import gradient_descent

ALT = (
    "等高线图：狭长斜向的椭圆山谷，五角星为最小值。从 (w, b) = (130, 215) 出发的梯度下降路径是一条锯齿折线："
    "在山谷两侧来回跳，沿着山谷向五角星推进得很慢，画出的步数走完时仍未到达五角星。"
)

SWEEPS = {
    "lr_fraction": {
        "label": r"\eta \,/\, (2/\lambda_{\max})",
        "name": "学习率占上限的比例",
        "values": "0.1..1.05:20",
        "domain": (0.0, 1.5),
        "play": True,
    }
}


def data(
    n: int = 50,
    seed: int = 0,
    unit: float = 100.0,
    lr_fraction: float = 0.95,
    steps: int = 40,
    w0: float = 130.0,
    b0: float = 215.0,
):
    """The run at η = lr_fraction · 2/λ_max from (w0, b0), and the loss (its minimum subtracted) on a grid
    around the run and θ*."""
    x, y = house_data(n, seed)
    model = LinearMSE(x / unit, y)
    star = model.minimizer()
    lam_max = np.linalg.eigvalsh(model.hessian(star)).max()
    lr = lr_fraction * 2 / lam_max
    run = gradient_descent(model, np.array([w0, b0]), lr, steps)
    lo, hi = np.minimum(run.iterates.min(0), star) - 40, np.maximum(run.iterates.max(0), star) + 40
    W, B = np.meshgrid(np.linspace(lo[0], hi[0], 240), np.linspace(lo[1], hi[1], 240))
    Z = on_grid(model.value, W, B) - float(model.value(star))
    return dict(model=model, star=star, lam_max=lam_max, lr=lr, run=run, W=W, B=B, Z=Z)


def readout(d) -> str:
    """The two factors per step along the principal axes, and where 40 steps end."""
    lam_min, lam_max = np.linalg.eigvalsh(d["model"].hessian(d["star"]))
    # Rounded as shown, -0.0 made 0.0: at 0.5 and 1.0 of the bound the last bit must not flip the text.
    steep, flat = round(1 - d["lr"] * lam_max, 2) + 0.0, 1 - d["lr"] * lam_min
    left = np.linalg.norm(d["run"].iterates[-1] - d["star"])
    verdict = "越跳越远，发散" if abs(steep) > 1 else f"{len(d['run'].iterates) - 1} 步后离最优点 {left:.3g}"
    return f"陡方向因子 {steep:.2f}，平方向因子 {flat:.3f}：{verdict}".replace("-", "−")


def make(
    n: int = 50,
    seed: int = 0,
    unit: float = 100.0,
    lr_fraction: float = 0.95,
    steps: int = 40,
    w0: float = 130.0,
    b0: float = 215.0,
) -> Figure:
    d = data(n, seed, unit, lr_fraction, steps, w0, b0)
    path, star, lr, W, B = d["run"].iterates, d["star"], d["lr"], d["W"], d["B"]
    fig = Figure(figsize=figsize("tall"))
    ax = fig.add_subplot()
    ax.contour(W, B, d["Z"], levels=np.geomspace(20, 2e4, 8), cmap=CMAP, linewidths=1.0)
    label = f"梯度下降 {steps} 步，$\\eta = {lr_fraction:g} \\times 2/\\lambda_{{\\max}} = {lr:.3f}$"
    ax.plot(path[:, 0], path[:, 1], "-o", color=PALETTE["orange"], ms=3.5, lw=1.4, label=label)
    mark_start(ax, *path[0], label="起点")
    mark_minimum(ax, *star, ms=18)
    frame = dict(xlim=(W[0, 0], W[0, -1]), ylim=(B[0, 0], B[-1, 0]), aspect="equal", legend="upper right")
    set_axes(ax, f"斜率 $w$（万元 / {unit:g} m²）", "截距 $b$（万元）", **frame)
    return fig


if __name__ == "__main__":
    from gradbook.engine.cli import script_main

    script_main(__file__)
