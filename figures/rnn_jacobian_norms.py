r"""梯度往回传 $k$ 步要乘 $k$ 次循环矩阵：谱半径 $\rho < 1$ 时按 $\rho^k$ 缩小，$\rho > 1$ 时放大，$\rho = 1$ 时不变。

实线是线性循环网络 h_t = W h_{t−1}：W 取 ρ 乘一个随机正交矩阵，所以 ‖∂h_T/∂h_{T−k}‖ 恰好等于 ρᵏ。
虚线把激活换成 tanh：它的斜率不超过 1，只会让范数再小一些，所以 ρ = 1.1 的虚线涨得慢得多。
"""

import numpy as np
from matplotlib.figure import Figure

from gradbook.engine.style import PALETTE, figsize, set_axes
from gradbook.networks import hidden_state_jacobian_norms, recurrent_matrix

ALT = (
    "对数纵轴、横轴为回传步数 k（0 到 50）的三条实线：ρ = 1.1 的直线上升到约 117，ρ = 1 的保持为 1，"
    "ρ = 0.9 的直线下降到约 0.005。两条虚线是同样矩阵配 tanh 激活的结果，都低于对应的实线。"
)


def data(size: int = 16, steps: int = 50, low: float = 0.9, high: float = 1.1, seed: int = 0):
    """For spectral radius ρ = high, 1 and low: ‖∂h_T/∂h_t‖₂ for k = T − t = 0 … steps, linear and with tanh."""
    lines = []
    for rho in (high, 1.0, low):
        W = recurrent_matrix(size, rho, seed=seed)
        lines.append(
            dict(
                rho=rho,
                linear=hidden_state_jacobian_norms(W, steps, "linear", seed=seed),
                tanh=hidden_state_jacobian_norms(W, steps, "tanh", seed=seed),
            )
        )
    return dict(k=np.arange(steps + 1), lines=lines)


def make(size: int = 16, steps: int = 50, low: float = 0.9, high: float = 1.1, seed: int = 0) -> Figure:
    d = data(size, steps, low, high, seed)
    fig = Figure(figsize=figsize("one"))
    ax = fig.add_subplot()
    k = d["k"]
    for line, color in zip(d["lines"], ("orange", "grey", "blue")):
        rho = line["rho"]
        ax.plot(k, line["linear"], color=PALETTE[color], label=f"线性，$\\rho = {rho:g}$")
        if rho != 1.0:
            ax.plot(k, line["tanh"], "--", color=PALETTE[color], lw=1.5, label=f"tanh，$\\rho = {rho:g}$")
    set_axes(
        ax,
        "回传的步数 $k = T - t$",
        r"$\|\partial h_T / \partial h_t\|_2$",
        xlim=(0, steps),
        yscale="log",
        legend=dict(loc="upper left", ncol=2),
    )
    return fig


if __name__ == "__main__":
    from gradbook.engine.cli import script_main

    script_main(__file__)
