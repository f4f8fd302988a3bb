"""同一个起点、同样的学习率：全量梯度下降的路径光滑，小批量的路径围着它抖动，$B = 1$ 时到了最小值附近也停不下来。

损失是房价数据（标准化）上的均方误差，参数为 (w, b)，星号是最小值。每条路径走同样多的步数。
"""

import numpy as np
from matplotlib.figure import Figure

from gradbook.engine.landscape import landscape
from gradbook.engine.style import figsize, set_axes
from gradbook.landscapes import on_grid
from gradbook.models import LinearMSE, house_data, standardize
from gradbook.optimizers import gradient_descent, sgd

ALT = (
    "均方误差损失的圆形等高线上三条从左上角方块出发、走向中心星号的路径：全量梯度下降是一条光滑的浅蓝宽带，"
    "B = 32 的小批量路径在宽带里轻微抖动，B = 1 的随机梯度下降路径明显曲折，并在星号周围来回游荡。"
)


def data(n: int = 1000, lr: float = 0.05, steps: int = 120, seed: int = 0):
    """The loss on a grid, θ*, and from θ0 the runs with batches of 1 and 32 and with all n examples."""
    area, price = house_data(n, 1)
    L = LinearMSE(standardize(area)[0], standardize(price)[0])
    theta0 = np.array([-1.0, 1.5])
    W, B = np.meshgrid(np.linspace(-1.4, 1.6, 160), np.linspace(-0.6, 1.8, 160))
    return dict(
        W=W,
        B=B,
        Z=on_grid(L.value, W, B),
        theta0=theta0,
        star=L.minimizer(),
        sgd=sgd(L, theta0, lr, steps, batch_size=1, seed=seed),
        minibatch=sgd(L, theta0, lr, steps, batch_size=32, seed=seed),
        full=gradient_descent(L, theta0, lr, steps),
    )


def make(n: int = 1000, lr: float = 0.05, steps: int = 120, seed: int = 0) -> Figure:
    d = data(n, lr, steps, seed)
    fig = Figure(figsize=figsize("tall"))
    ax = fig.add_subplot()
    runs = [
        (d["sgd"].iterates, "orange", "B = 1（随机梯度下降）", {"lw": 1.0}),
        (d["minibatch"].iterates, "green", "B = 32（小批量）", {"lw": 1.4, "zorder": 4}),
        # a wide pale band under B = 32, which runs inside it
        (d["full"].iterates, "blue", f"B = n = {n}（批量梯度下降）", {"lw": 5, "alpha": 0.4}),
    ]
    landscape(ax, d["W"], d["B"], d["Z"], lw=0.7, paths=runs, start=d["theta0"], minimum=d["star"])
    set_axes(ax, "$w$", "$b$", aspect="equal", legend="upper right")
    return fig


if __name__ == "__main__":
    from gradbook.engine.cli import script_main

    script_main(__file__)
