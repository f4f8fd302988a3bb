"""狭长山谷里的牛顿-CG 与梯度下降：前者只用海森-向量积，几步就到谷底；后者沿谷底慢慢爬。

左图是条件数 $\\kappa$ 的非二次山谷的等高线。灰色折线是梯度下降：学习率再大一点就会在陡壁之间发散，
可沿平缓的谷底它仍要走很多步；橙色是牛顿-CG，每一步用共轭梯度法解 $H\\boldsymbol p = -\\nabla f$，
而 $H$ 从未被写出来，只通过前向套反向的海森-向量积 $H\\boldsymbol v$ 出现。右图是两者的函数值随迭代的变化（对数纵轴）。
"""

import numpy as np
from matplotlib.figure import Figure

from gradbook.engine.landscape import landscape
from gradbook.engine.style import PALETTE, panels, set_axes
from gradbook.landscapes import on_grid
from gradbook.newton_cg import gradient_descent_path, narrow_valley, newton_cg

ALT = (
    "两幅图。左图是一个倾斜、狭长的碗形等高线，梯度下降的灰色路径先在两侧陡壁之间来回折返，再沿谷底缓慢前进；"
    "牛顿-CG 的橙色路径只用几步就到达中心。右图纵轴取对数，梯度下降的函数值缓慢下降，"
    "牛顿-CG 的函数值在五步内降到 10⁻²⁰ 以下。"
)


def data(
    condition: float = 50.0,
    angle: float = 0.5,
    lr: float = 0.03,
    gd_steps: int = 100,
    newton_steps: int = 6,
    x0: float = -2.2,
    y0: float = 0.2,
):
    """The valley f on a grid, and from (x0, y0) the gradient descent and Newton-CG runs."""
    f = narrow_valley(condition, angle)
    start = np.array([x0, y0])
    X, Y = np.meshgrid(np.linspace(-2.6, 2.6, 160), np.linspace(-2.2, 2.2, 140))
    Z = on_grid(lambda p: f([p[..., 0], p[..., 1]]), X, Y)
    return dict(
        X=X, Y=Y, Z=Z, gd=gradient_descent_path(f, start, lr, gd_steps), newton=newton_cg(f, start, newton_steps)
    )


def make(
    condition: float = 50.0,
    angle: float = 0.5,
    lr: float = 0.03,
    gd_steps: int = 100,
    newton_steps: int = 6,
    x0: float = -2.2,
    y0: float = 0.2,
) -> Figure:
    d = data(condition, angle, lr, gd_steps, newton_steps, x0, y0)
    gd, newton = d["gd"], d["newton"]

    fig, (left, right) = panels(2, ratios=[1, 1.15])
    runs = [
        (gd.iterates, "grey", f"梯度下降（{gd_steps} 步）", dict(lw=0.9, ms=2)),
        (newton.iterates, "orange", f"牛顿-CG（{newton_steps} 步）", dict(lw=2, ms=5, top=True)),
    ]
    title = f"条件数 $\\kappa = {condition:g}$ 的山谷"
    levels, legend = 14, dict(loc="lower right", reverse=True)
    landscape(left, d["X"], d["Y"], np.log10(d["Z"] + 1e-3), levels=levels, paths=runs, minimum=(0, 0))
    set_axes(left, "$x$", "$y$", title=title, aspect="equal", legend=legend)

    floor = 1e-18
    right.semilogy(np.arange(gd_steps + 1), np.maximum(gd.losses, floor), color=PALETTE["grey"], label="梯度下降")
    label = f"牛顿-CG（共 {newton.hvp_calls} 次 $H\\boldsymbol{{v}}$）"
    right.semilogy(
        np.arange(newton_steps + 1), np.maximum(newton.losses, floor), "o-", color=PALETTE["orange"], label=label
    )
    set_axes(right, "迭代次数", "$f$", ylim=(floor, 1e3), legend="upper right")
    return fig


if __name__ == "__main__":
    from gradbook.engine.cli import script_main

    script_main(__file__)
