r"""鞍点 $L = \theta_1^2 - \theta_2^2$：从稳定轴出发的梯度下降径直停在原点；一点噪声或偏离就能把它推下去，动量最快。

左图：等高线与四条路径，起点都在 (1, 0) 附近。右图：离鞍点的距离随步数的变化（对数纵轴）。
没有噪声时距离按 0.8ᵏ 缩小——算法“收敛”到了一个不是最小值的点；加了噪声或偏离 10⁻³ 后，
不稳定方向上的分量每步放大 1 + 2η = 1.2 倍，动量把这个倍数提高到 1.5。
"""

import numpy as np
from matplotlib.figure import Figure

from gradbook.engine.landscape import contours, path
from gradbook.engine.style import PALETTE, ink, panels, paper, set_axes
from gradbook.landscapes import on_grid, saddle
from gradbook.optimizers import gradient_descent, momentum

ALT = (
    "左图：马鞍面 θ₁² − θ₂² 的等高线，原点是鞍点。从 (1, 0) 出发的梯度下降沿水平轴直达原点后停住；"
    "带噪声的梯度下降和从 (1, 0.001) 出发的梯度下降先靠近原点，再沿竖直方向离开；动量法离开得最早。"
    "右图：对数纵轴上离原点的距离，无噪声的曲线一路降到约 10⁻⁶，其余三条先降后升，动量的最早升过 2。"
)

SWEEPS = {
    "beta": {"label": r"\beta", "name": "动量系数 β", "values": "0,0.3,0.5,0.7,0.8,0.9,0.95", "domain": (0, 0.99)}
}


def data(lr: float = 0.1, beta: float = 0.9, noise: float = 0.01, offset: float = 1e-3, steps: int = 60, seed: int = 0):
    """The saddle on a grid, and four runs with each step's distance ‖θ_k‖ from the saddle: gradient descent
    from (1, 0), the same with gradient noise, and gradient descent and momentum from (1, offset)."""
    L = saddle()
    X, Y = np.meshgrid(np.linspace(-2.2, 2.2, 200), np.linspace(-2.2, 2.2, 200))
    runs = dict(
        plain=gradient_descent(L, [1.0, 0.0], lr, steps),
        noisy=gradient_descent(L, [1.0, 0.0], lr, steps, noise=noise, seed=seed),
        offset=gradient_descent(L, [1.0, offset], lr, steps),
        momentum=momentum(L, [1.0, offset], lr, steps, beta=beta),
    )
    distance = {k: np.linalg.norm(r.iterates.astype(float), axis=1) for k, r in runs.items()}
    return dict(X=X, Y=Y, Z=on_grid(L.value, X, Y), **runs, distance=distance)


def escape(distance) -> int | None:
    """The first step, after the closest approach, at which the run is farther than 1 from the saddle."""
    k = int(np.argmin(distance))
    return next((j for j in range(k, distance.size) if distance[j] > 1), None)


def readout(d) -> str:
    mom, gd = escape(d["distance"]["momentum"]), escape(d["distance"]["offset"])
    mom_text = f"第 {mom} 步" if mom is not None else f"{len(d['momentum'].iterates) - 1} 步内未能"
    return f"动量法{mom_text}离开鞍点（距离超过 1）；不带动量的要到第 {gd} 步"


def make(
    lr: float = 0.1, beta: float = 0.9, noise: float = 0.01, offset: float = 1e-3, steps: int = 60, seed: int = 0
) -> Figure:
    d = data(lr, beta, noise, offset, steps, seed)
    runs = (
        ("梯度下降，起点 (1, 0)", "plain", "grey", "-"),
        (f"加噪声 N(0, {noise:g}²)", "noisy", "green", "-"),
        (f"梯度下降，起点 (1, {offset:g})", "offset", "blue", "--"),
        (f"动量 β = {beta:g}，起点 (1, {offset:g})", "momentum", "orange", "-"),
    )
    fig, (ax, bx) = panels(2, ratios=[1, 1.25])
    contours(ax, d["X"], d["Y"], d["Z"], np.linspace(-4, 4, 17), lw=0.7)
    ax.plot([0], [0], "x", color=ink(), ms=9, mew=2, zorder=6)
    ax.text(-0.15, -0.35, "鞍点", color=ink(), ha="right", va="top", bbox=dict(fc=paper(), ec="none", pad=1), zorder=6)
    k = np.arange(steps + 1)
    for label, run, color, ls in runs:
        dist = d["distance"][run]
        # the plain run lies on the axis under the other three: on top, with its iterates dotted
        plain = dict(top=True, ms=3.5, lw=2) if run == "plain" else {}
        path(ax, d[run].iterates, color, ls=ls, **plain)
        bx.plot(k[: len(dist)], dist, ls, color=PALETTE[color], label=label)
    title = r"$L = \theta_1^2 - \theta_2^2$"
    set_axes(ax, r"$\theta_1$", r"$\theta_2$", title=title, xlim=(-1.6, 1.6), ylim=(-2.2, 2.2))
    bx.axhline(2.0, color=PALETTE["grey"], lw=0.8, ls=":")
    set_axes(bx, "步数 $k$", r"离鞍点的距离 $\|\theta_k\|$", ylim=(1e-7, 1e3), yscale="log", legend="lower left")
    return fig


if __name__ == "__main__":
    from gradbook.engine.cli import script_main

    script_main(__file__)
