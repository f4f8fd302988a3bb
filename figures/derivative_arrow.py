"""y = x² 在 x = 1 处：切线是一条线，梯度是 x 轴上长度为 f'(1) = 2 的箭头。

左边是函数曲线与它在 x₀ 处的切线；箭头画在 x 轴上，从 x₀ 出发、长度等于导数。
它告诉我们：沿 x 轴往哪个方向挪动 x，函数值会上升，以及上升得多快。
"""

import numpy as np
from matplotlib.figure import Figure

from gradbook.style import INK, PALETTE

ALT = (
    "抛物线 y = x² 与它在 x = 1 处的切线；x 轴上从 x = 1 出发、向右长度为 2 的箭头表示梯度，"
    "它躺在 x 轴上，与切线不是同一个东西。"
)


def make(x0: float = 1.0, xmin: float = -1.0, xmax: float = 3.5) -> Figure:
    f = lambda x: x**2  # noqa: E731
    slope = 2 * x0
    xs = np.linspace(xmin, xmax, 200)
    fig = Figure(figsize=(6.4, 4.2))
    ax = fig.add_subplot()
    ax.plot(xs, f(xs), color=PALETTE["blue"], label="$y = x^2$")
    tangent = f(x0) + slope * (xs - x0)
    ax.plot(xs, tangent, color=PALETTE["grey"], ls="--", lw=1.5,
            label=f"切线  $y = {f(x0):g} + {slope:g}(x - {x0:g})$")
    ax.plot([x0], [f(x0)], "o", color=PALETTE["blue"])
    ax.vlines(x0, 0, f(x0), color=PALETTE["grey"], lw=0.8, ls=":")
    ax.axhline(0, color=INK, lw=0.8)
    ax.annotate("", xy=(x0 + slope, 0), xytext=(x0, 0),
                arrowprops=dict(arrowstyle="-|>", color=PALETTE["orange"], lw=3, mutation_scale=20))
    ax.text(x0 + slope / 2, -0.9, f"梯度 $f'({x0:g}) = {slope:g}$：x 轴上的箭头",
            color=PALETTE["orange"], ha="center", va="top")
    ax.set_xlim(xmin, xmax)
    ax.set_ylim(-2.2, f(xmax) * 0.85)
    ax.set_xlabel("$x$")
    ax.set_ylabel("$y$")
    ax.legend(loc="upper left")
    return fig


if __name__ == "__main__":
    from gradbook.cli import script_main

    script_main(__file__)
