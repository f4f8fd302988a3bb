"""float16 里小于 $2^{-24}$ 一半的梯度变成 0，梯度下降在半路停住；把损失乘上 1024（损失缩放）能多走十步。

损失 L(θ) = ½ c θ²，c = 2⁻¹⁰，学习率 η = 2⁹，于是 ηc = ½，θ 每步减半，梯度 cθ 也每步减半。
左图：每一步的梯度（float16 里存的值，对数纵轴），水平线是 float16 最小的正规数 2⁻¹⁴ 和最小的次正规数 2⁻²⁴；
float16 的梯度在第 15 步变成 0（画在底边）。右图：|θ_k|，float16 从那一步起原地不动。
"""

import numpy as np
from matplotlib.figure import Figure

from gradbook.engine.style import PALETTE, SMALL, ink, panels, set_axes
from gradbook.landscapes import Quadratic
from gradbook.optimizers import gradient_descent

ALT = (
    "左图：对数纵轴上梯度随步数按直线下降，float32 的一直下降，float16 的在第 15 步跌到底边（等于 0），"
    "两条水平虚线标出 2⁻¹⁴ 和 2⁻²⁴。右图：|θ| 随步数减半，float16 的曲线在 2⁻¹⁵ 处变平，"
    "float16 加损失缩放的曲线一直降到 2⁻²⁵ 处才变平，float32 的一直下降。"
)

SWEEPS = {
    "loss_scale": {
        "label": "S",
        "name": "损失缩放倍数",
        "values": "1,4,16,64,256,1024,4096,16384,65536",
        "domain": (1, 65536),
    }
}


def data(log2_curvature: int = -10, steps: int = 40, loss_scale: float = 1024.0):
    """Gradient descent on ½cθ² (c = 2^log2_curvature, η = 0.5/c) in float32, float16, and float16 with loss scaling."""
    c = 2.0**log2_curvature
    L = Quadratic(np.array([[c]]))
    lr = 0.5 / c
    return dict(
        float32=gradient_descent(L, [1.0], lr, steps, dtype=np.float32),
        float16=gradient_descent(L, [1.0], lr, steps, dtype=np.float16),
        scaled=gradient_descent(L, [1.0], lr, steps, dtype=np.float16, loss_scale=loss_scale),
    )


def stall(run) -> int:
    """The first step after which θ no longer changes (the gradient has become 0 in float16)."""
    theta = run.iterates[:, 0]
    return next(k for k in range(theta.size - 1) if theta[k + 1] == theta[k])


def readout(d) -> str:
    k, plain = stall(d["scaled"]), stall(d["float16"])
    return f"缩放后第 {k} 步才停住（不缩放是第 {plain} 步），多走 {k - plain} 步"


def make(log2_curvature: int = -10, steps: int = 40, loss_scale: float = 1024.0) -> Figure:
    d = data(log2_curvature, steps, loss_scale)
    results = {"float32": d["float32"], "float16": d["float16"], f"float16 + 损失缩放 ×{loss_scale:g}": d["scaled"]}
    floor = 2.0**-60
    fig, (ax, bx) = panels(2)
    colors = dict(zip(results, ("blue", "orange", "green")))
    styles = dict(zip(results, ("-", "-", "--")))
    for name, tr in list(results.items())[:2]:
        k = np.arange(len(tr.grad_norms))
        colour = PALETTE[colors[name]]
        ax.plot(k, np.maximum(tr.grad_norms, floor), styles[name], marker="o", ms=3, color=colour, label=name)
    for value, text in (
        (2.0**-14, r"最小正规数 $2^{-14}\approx 6.1\times10^{-5}$"),
        (2.0**-24, r"最小次正规数 $2^{-24}\approx 6.0\times10^{-8}$"),
    ):
        ax.axhline(value, color=ink(), lw=0.8, ls=":")
        ax.text(steps, value * 2, text, ha="right", va="bottom", fontsize=SMALL)
    ax.set_yscale("log", base=2)
    ax.set_ylim(floor / 2, 1)
    ax.set_yticks([2.0**-e for e in range(0, 61, 10)])
    ax.text(steps, floor * 2, "float16 的梯度 = 0", ha="right", va="bottom", fontsize=SMALL, color=PALETTE["orange"])
    set_axes(ax, "步数 $k$", r"存下来的梯度 $|g_k|$（0 画在底边）", legend="center right")
    for name, tr in results.items():
        th = np.abs(tr.iterates[:, 0].astype(float))
        bx.plot(np.arange(len(th)), np.maximum(th, floor), styles[name], color=PALETTE[colors[name]], label=name)
    bx.set_yscale("log", base=2)
    bx.set_ylim(floor / 2, 2)
    bx.set_yticks([2.0**-e for e in range(0, 61, 10)])
    set_axes(bx, "步数 $k$", r"$|\theta_k|$（最小值在 0）", legend="lower left")
    return fig


if __name__ == "__main__":
    from gradbook.engine.cli import script_main

    script_main(__file__)
