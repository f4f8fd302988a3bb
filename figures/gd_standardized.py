"""标准化之后的同一次梯度下降：等高线变成正圆，负梯度正对圆心，路径沿直线走进最小值。

把面积换成 z = (x − 平均值)/标准差 再拟合 ŷ = w z + b。起点与上一张锯齿图是同一条直线
（换算到新的参数），学习率取 η。圆形的碗里，负梯度就是“直奔最小值”的方向，不再横跳。
"""

import numpy as np
from matplotlib.figure import Figure

from gradbook.engine.style import CMAP, PALETTE, figsize, mark_minimum, mark_start, set_axes
from gradbook.landscapes import on_grid
from gradbook.models import LinearMSE, house_data, standardize
from gradbook.optimizers import gradient_descent

ALT = (
    "等高线图：坐标为标准化后的斜率 w 和截距 b，等高线是一组同心圆，中心的五角星是最小值。"
    "梯度下降从左下方的起点出发，每一步都沿同一条直线指向圆心，步长逐步减半，几步之内就到达五角星。"
)


def data(
    n: int = 50,
    seed: int = 0,
    lr: float = 0.25,
    steps: int = 12,
    w0: float = 130.0,
    b0: float = 215.0,
    unit: float = 100.0,
):
    """The loss in standardized units (its minimum subtracted) around θ*, and the run from the line (w0, b0)."""
    x, y = house_data(n, seed)
    z, mean, std = standardize(x)
    model = LinearMSE(z, y)
    star = model.minimizer()
    # 同一条直线 ŷ = w0·(x/unit) + b0 写成 z 的函数：x = mean + std·z
    start = np.array([w0 * std / unit, b0 + w0 * mean / unit])
    r = 1.35 * float(np.linalg.norm(start - star))
    W, B = np.meshgrid(np.linspace(star[0] - r, star[0] + r, 200), np.linspace(star[1] - r, star[1] + r, 200))
    Z = on_grid(model.value, W, B) - float(model.value(star))
    return dict(model=model, star=star, run=gradient_descent(model, start, lr, steps), r=r, W=W, B=B, Z=Z)


def make(
    n: int = 50,
    seed: int = 0,
    lr: float = 0.25,
    steps: int = 12,
    w0: float = 130.0,
    b0: float = 215.0,
    unit: float = 100.0,
) -> Figure:
    d = data(n, seed, lr, steps, w0, b0, unit)
    path, star, r = d["run"].iterates, d["star"], d["r"]
    fig = Figure(figsize=figsize("tall"))
    ax = fig.add_subplot()
    ax.contour(d["W"], d["B"], d["Z"], levels=np.geomspace(r**2 / 60, r**2 * 1.6, 7), cmap=CMAP, linewidths=1.0)
    label = f"梯度下降 {steps} 步，$\\eta = {lr:g}$"
    ax.plot(path[:, 0], path[:, 1], "-o", color=PALETTE["orange"], ms=3.5, lw=1.4, label=label)
    mark_start(ax, *path[0], label="起点")
    mark_minimum(ax, *star, ms=18)
    set_axes(ax, "斜率 $w$（万元 / 一个标准差）", "截距 $b$（万元）", aspect="equal", legend="upper right")
    return fig


if __name__ == "__main__":
    from gradbook.engine.cli import script_main

    script_main(__file__)
