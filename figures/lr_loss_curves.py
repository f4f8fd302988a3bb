r"""三种学习率下损失随迭代的变化（纵轴为对数刻度）：太小的下降缓慢，合适的迅速降到底，超过 $2/\lambda$ 的指数上升。

纵轴是损失比最小值多出的部分 L − L*。默认只动斜率 w（截距固定在最优值，与上一张图相同）；
参数 fix_b=false 时 w 和 b 一起学，这时“合适”的那条曲线会先快速下降，然后卡在一个平台上。
"""

import numpy as np
from matplotlib.figure import Figure

from gradbook.engine.draw import sci
from gradbook.engine.style import PALETTE, figsize, set_axes
from gradbook.models import LinearMSE, house_data
from gradbook.optimizers import Objective, gradient_descent

ALT = (
    "折线图：横轴是迭代步数，纵轴是损失超出最小值的部分，对数刻度。三条曲线对应三种学习率："
    "最小的学习率缓慢下降，中等的学习率几步之内下降好几个数量级，最大的学习率一路上升。"
)


def data(
    lr_small: float = 2e-6,
    lr_good: float = 4e-5,
    lr_big: float = 1e-4,
    steps: int = 40,
    w0: float = 1.0,
    fix_b: bool = True,
):
    """The minimum loss L*, and a run from w0 for each learning rate: w alone (b fixed at b*) or (w, b) from (w0, 0)."""
    model = LinearMSE(*house_data())
    w_star, b_star = model.minimizer()
    if fix_b:
        objective = Objective(
            value=lambda t: model.value([t[0], b_star]), grad=lambda t: model.grad(np.array([t[0], b_star]))[:1]
        )
        start = np.array([w0])
    else:
        objective, start = model, np.array([w0, 0.0])
    return dict(
        best=float(model.value([w_star, b_star])),
        runs=[gradient_descent(objective, start, lr, steps) for lr in (lr_small, lr_good, lr_big)],
    )


def alt(
    lr_small: float = 2e-6,
    lr_good: float = 4e-5,
    lr_big: float = 1e-4,
    steps: int = 40,
    w0: float = 1.0,
    fix_b: bool = True,
) -> str:
    """This use's ALT: with b learnt too, where the curves go, in the numbers of data()."""
    if fix_b:
        return ALT
    d = data(lr_small, lr_good, lr_big, steps, w0, fix_b)
    small, good, _ = (run.losses - d["best"] for run in d["runs"])
    return (
        "折线图，斜率 w 与截距 b 一起学：横轴是迭代步数，纵轴是损失超出最小值的部分，对数刻度。"
        f"最小的学习率从约 {small[0] / 1e4:.0f} 万缓慢下降，{steps} 步后仍在 {round(small[-1], -3):.0f} 左右；"
        f"中等的学习率头两步降到约 {round(good[2], -1):.0f}，随后停在 {round(good[-1], -1):.0f} 左右的平台上不再下降；"
        "最大的学习率一路上升。"
    )


def make(
    lr_small: float = 2e-6,
    lr_good: float = 4e-5,
    lr_big: float = 1e-4,
    steps: int = 40,
    w0: float = 1.0,
    fix_b: bool = True,
) -> Figure:
    d = data(lr_small, lr_good, lr_big, steps, w0, fix_b)
    fig = Figure(figsize=figsize("one"))
    ax = fig.add_subplot()
    names = ("太小", "合适", "太大")
    colours = (PALETTE["sky"], PALETTE["green"], PALETTE["orange"])
    for lr, traj, name, colour in zip((lr_small, lr_good, lr_big), d["runs"], names, colours):
        gap = np.maximum(traj.losses - d["best"], 1e-12)
        ax.semilogy(np.arange(gap.size), gap, "-o", ms=3, color=colour, label=f"{name}：$\\eta = {sci(lr)}$")
    title = "只学斜率 $w$" if fix_b else "斜率 $w$ 与截距 $b$ 一起学"
    set_axes(ax, "迭代步数 $k$", "$L(\\theta_k) - L^*$", title=title, ylim=(1e-3, None), legend="best")
    return fig


if __name__ == "__main__":
    from gradbook.engine.cli import script_main

    script_main(__file__)
