"""同一个起点、同一个学习率：不裁剪的梯度下降第一步就被悬崖上的巨大梯度弹飞，按范数裁剪后一步步走到最小值。

损失来自只有一个单元的线性循环网络：h_T = w^T h_0，要它在 T = 20 步后等于 0.5。
梯度里有因子 w^(T−1)，w 稍大于 1 就让梯度暴涨——损失曲线在 w = 1 右侧是一堵墙（左图，纵轴取对数）。
右图是两次运行离最小值 w* 的距离：不裁剪时第 2 步就溢出成无穷大；裁剪到范数 1 后每步最多走 η，
过了悬崖便和普通梯度下降一样收敛。
"""

import numpy as np
from matplotlib.figure import Figure

from gradbook.engine.draw import leader
from gradbook.engine.style import PALETTE, ink, panels, set_axes
from gradbook.optimizers import gradient_descent
from gradbook.pitfalls import LinearRecurrence

ALT = (
    "左图：对数纵轴上的损失曲线，w 从 0.8 到 1.15，在 w ≈ 0.966 处有最低点，右侧迅速升高成一堵墙；"
    "橙色的点是裁剪后的迭代，从 w = 1.1 沿墙面一步步下到谷底。"
    "右图：对数纵轴上离最小值的距离随步数变化，不裁剪的运行在第 1 步跳到 7 以上后即发散，"
    "裁剪的运行先线性下降，十几步后快速降到 10⁻¹⁵ 以下。"
)

SWEEPS = {
    "max_norm": {"label": "c", "name": "裁剪阈值", "values": "0.1,0.2,0.5,1,2,5,10,20,50,100", "domain": (0.001, None)}
}


def data(lr: float = 0.01, max_norm: float = 1.0, start: float = 1.1, steps: int = 40, horizon: int = 20):
    """The loss curve L(w) and its minimum w*, and the plain and clipped runs with their distances |w_k − w*|
    (and the clipped run's losses)."""
    loss = LinearRecurrence(steps=horizon, target=0.5)
    w_star = float(loss.minimum[0])
    plain = gradient_descent(loss, [start], lr=lr, steps=steps)
    clipped = gradient_descent(loss, [start], lr=lr, steps=steps, clip_norm=max_norm)
    w = np.linspace(0.8, 1.15, 400)
    curves = dict(w=w, loss=loss.value(w[:, None]), clipped_losses=loss.value(clipped.iterates))
    distances = {
        f"{name}_distance": np.abs(run.iterates[:, 0] - w_star)
        for name, run in (("plain", plain), ("clipped", clipped))
    }
    return dict(w_star=w_star, plain=plain, clipped=clipped, **curves, **distances)


def readout(d) -> str:
    run = d["clipped"]
    k = run.steps_to_reach(np.array([d["w_star"]]), 1e-6)
    if k is not None:
        return f"裁剪后第 {k} 步走到离 w* 不到 10⁻⁶ 处"
    return f"裁剪后 {len(run.iterates) - 1} 步还没到：离 w* 还有 {d['clipped_distance'][-1]:.2g}"


def make(lr: float = 0.01, max_norm: float = 1.0, start: float = 1.1, steps: int = 40, horizon: int = 20) -> Figure:
    d = data(lr, max_norm, start, steps, horizon)
    w_star, plain, clipped = d["w_star"], d["plain"], d["clipped"]

    fig, (ax, bx) = panels(2)
    ax.plot(d["w"], d["loss"] + 1e-12, color=PALETTE["blue"], label="损失 $L(w)$")
    cw = clipped.iterates[:, 0]
    ax.plot(cw, d["clipped_losses"] + 1e-12, "o", ms=3.5, color=PALETTE["orange"], label="裁剪后的迭代")
    ax.axvline(w_star, color=PALETTE["grey"], lw=0.8, ls=":")
    ax.text(w_star - 0.005, 3e1, f"$w^* = {w_star:.3f}$", ha="right", color=ink())
    title = f"$L(w) = \\frac{{1}}{{2}}(w^{{{horizon}}} - 0.5)^2$"
    set_axes(ax, "$w$", "$L(w)$", title=title, ylim=(1e-12, 1e3), yscale="log", legend="lower left")

    k_plain = np.arange(len(plain.iterates))
    bx.plot(k_plain, d["plain_distance"], "o-", color=PALETTE["purple"], label="不裁剪")
    big = plain.iterates[-1, 0]
    exponent = int(np.floor(np.log10(abs(big))))
    overflow = f"$k = {k_plain[-1]}$ 时 $|w| \\approx 10^{{{exponent}}}$，下一步溢出"
    leader(bx, overflow, (k_plain[-1], abs(big - w_star)), (6, 1e9), "purple", style="->", lw=None)
    dist = d["clipped_distance"]
    label = f"按范数裁剪到 {max_norm:g}"
    bx.plot(np.arange(len(dist)), np.maximum(dist, 1e-17), "o-", ms=3, color=PALETTE["orange"], label=label)
    set_axes(bx, "步数 $k$", r"$|w_k - w^*|$", ylim=(1e-17, 1e36), yscale="log", legend="upper right")
    return fig


if __name__ == "__main__":
    from gradbook.engine.cli import script_main

    script_main(__file__)
