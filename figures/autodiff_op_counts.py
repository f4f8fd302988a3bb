"""对乘积 $f = x_1 x_2 \\cdots x_n$ 求完整梯度：前向模式的运算数按 $n^2$ 增长，反向模式只按 $2n$ 增长。

圆点是用 gradbook 的自动微分实际跑一遍、由运算计数器数出来的基本运算次数；虚线是预测的 $n^2$ 与 $2n$，
并延伸到 $n = 2500$。两轴都取对数，所以两条线的斜率分别是 2 和 1：输入每多十倍，两者的差距就再大十倍。
"""

import numpy as np
from matplotlib.figure import Figure

from gradbook.autodiff import predicted_product_gradient_cost, product_gradient_cost
from gradbook.engine.style import PALETTE, figsize, set_axes

ALT = (
    "双对数坐标图：横轴是输入个数 n，纵轴是求完整梯度所需的基本运算次数。前向模式的实测点落在 n² 的虚线上，"
    "反向模式的实测点落在 2n 的虚线上；在 n = 2500 处，预测值分别是 6,250,000 与 5,000。"
)


def data(n_max: int = 200, n_far: int = 2500):
    """Counted costs for a few n up to n_max, the predicted n² and 2n on a line out to n_far, and at n_far."""
    ns = np.unique(np.geomspace(1, n_max, 9).round().astype(int))
    line = np.unique(np.geomspace(1, n_far, 60).round().astype(int))
    return dict(
        ns=ns,
        measured=[product_gradient_cost(int(n)) for n in ns],
        line=line,
        predicted=[predicted_product_gradient_cost(int(n)) for n in line],
        far=predicted_product_gradient_cost(n_far),
    )


def make(n_max: int = 200, n_far: int = 2500) -> Figure:
    d = data(n_max, n_far)
    ns, measured, line, predicted, far = d["ns"], d["measured"], d["line"], d["predicted"], d["far"]
    fig = Figure(figsize=figsize("one"))
    ax = fig.add_subplot()
    ax.loglog(line, [c.forward for c in predicted], ls="--", lw=1.3, color=PALETTE["orange"], alpha=0.8)
    ax.loglog(line, [c.reverse for c in predicted], ls="--", lw=1.3, color=PALETTE["blue"], alpha=0.8)
    ax.loglog(ns, [c.forward for c in measured], "o", color=PALETTE["orange"], label="前向模式（实测）：每个输入一遍")
    ax.loglog(
        ns, [c.reverse for c in measured], "s", color=PALETTE["blue"], label="反向模式（实测）：前向记录 + 反向回放"
    )
    for value, color in ((far.forward, PALETTE["orange"]), (far.reverse, PALETTE["blue"])):
        ax.plot([n_far], [value], "*", ms=13, color=color)
        ax.annotate(f"{value:,}", (n_far, value), xytext=(-12, 2), textcoords="offset points", ha="right", color=color)
    ax.text(line[len(line) // 2], predicted[len(line) // 2].forward * 4, "$n^2$", color=PALETTE["orange"])
    ax.text(line[len(line) // 2], predicted[len(line) // 2].reverse / 6, "$2n$", color=PALETTE["blue"])
    ax.axvline(n_far, color=PALETTE["grey"], lw=0.8, ls=":")
    set_axes(ax, "输入个数 $n$", "基本运算次数", ylim=(0.8, far.forward * 1000), legend="upper left")
    return fig


if __name__ == "__main__":
    from gradbook.engine.cli import script_main

    script_main(__file__)
