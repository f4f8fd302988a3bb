r"""一阶近似 $f(x) + f'(x)\delta$ 近处几乎无误，误差随步长 $\delta$ 按 $\delta^2$ 缩小；加上二阶项后按 $\delta^3$ 缩小。

函数 f(x) = x³，展开点 x = 1。左图：曲线、它在 (1, 1) 处的一阶近似（切线）和二阶近似（抛物线），
竖线标出走一步 δ 后真值与一阶近似之差。右图：双对数坐标上两种近似的误差随 δ 的变化：
步长缩小 10 倍，一阶近似的误差缩小约 100 倍，二阶近似的误差缩小约 1000 倍。
"""

import numpy as np
from matplotlib.figure import Figure

from gradbook.engine.draw import offset, point
from gradbook.engine.style import PALETTE, ink, panels, set_axes

ALT = (
    "左右两个面板。左图：曲线 y = x³ 在 x 从 0.2 到 1.8 之间，点 (1, 1) 处画出一阶近似的直线和二阶近似的抛物线，"
    "离开展开点越远，直线与曲线分得越开，抛物线贴得更久；x = 1.5 处一段竖线标出真值与一阶近似之差。"
    "右图：双对数坐标，横轴是步长 δ，从 0.001 到 1，两条误差线都是直线：一阶近似的斜率为 2，二阶近似的斜率为 3，"
    "δ = 0.1 处误差分别约为 0.031 和 0.001。"
)


def data(x0: float = 1.0, delta: float = 0.5):
    """f = x³ near x0: the two approximations, and their errors over a range of steps δ."""
    f, df, d2f = (lambda x: x**3), 3 * x0**2, 6 * x0
    first = lambda d: f(x0) + df * d  # noqa: E731
    second = lambda d: first(d) + 0.5 * d2f * d**2  # noqa: E731
    deltas = np.geomspace(1e-3, 1, 61)
    err1, err2 = (np.abs(f(x0 + deltas) - approx(deltas)) for approx in (first, second))
    return dict(f=f, first=first, second=second, deltas=deltas, err1=err1, err2=err2, gap=f(x0 + delta) - first(delta))


def make(x0: float = 1.0, delta: float = 0.5) -> Figure:
    d = data(x0, delta)
    fig, (ax, bx) = panels(2)
    x = np.linspace(0.2, 1.8, 200)
    ax.plot(x, d["f"](x), color=ink(), label="$f(x) = x^3$")
    ax.plot(x, d["first"](x - x0), color=PALETTE["orange"], label=r"一阶：$f + f'\delta$")
    ax.plot(x, d["second"](x - x0), "--", color=PALETTE["blue"], label=r"二阶：$+\frac{1}{2}f''\delta^2$")
    top = d["f"](x0 + delta)
    ax.plot([x0 + delta] * 2, [top - d["gap"], top], color=PALETTE["purple"], lw=3)
    gap = f"误差 {d['gap']:.3f}"
    offset(ax, gap, (x0 + delta, top - d["gap"] / 2), 8, 0, va="center", color=PALETTE["purple"])
    point(ax, x0, d["f"](x0), zorder=5)
    set_axes(ax, "$x$", "$y$", ylim=(-0.5, 5.5), legend="upper left")

    for err, c, name in ((d["err1"], "orange", "一阶近似的误差"), (d["err2"], "blue", "二阶近似的误差")):
        bx.loglog(d["deltas"], err, color=PALETTE[c], label=name)
    bx.loglog(d["deltas"], d["deltas"] ** 2, ":", color=PALETTE["grey"], lw=1.2, label=r"参考线 $\delta^2$、$\delta^3$")
    bx.loglog(d["deltas"], d["deltas"] ** 3, ":", color=PALETTE["grey"], lw=1.2)
    set_axes(bx, r"步长 $\delta$", "误差（对数坐标）", legend="lower right")
    return fig


if __name__ == "__main__":
    from gradbook.engine.cli import script_main

    script_main(__file__)
