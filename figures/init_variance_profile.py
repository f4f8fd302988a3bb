r"""二十层网络里信号的大小：ReLU 配 Xavier 每层缩小到 $1/\sqrt{2}$，换成 He 就前向、反向都持平。

同一批输入，层宽都是 256，只换激活函数和初始化。左图是前向传播中第 $l$ 层输出 $\boldsymbol{h}_l$ 的均方根，
右图是反向传播中 $\partial L/\partial \boldsymbol{h}_l$ 的范数，纵轴都取对数。
灰色虚线是推导给出的 ReLU 配 Xavier 的预言：方差每层减半。
"""

import numpy as np
from matplotlib.figure import Figure

from gradbook.engine.style import PALETTE, panels, set_axes
from gradbook.networks import MLP

ALT = (
    "两幅对数纵轴的折线图，横轴都是层号。左图是各层输出的均方根，右图是各层收到的梯度的范数。"
    "ReLU 配 Xavier 的折线在两幅图里都笔直下降，与“方差每层减半”的灰色虚线重合；"
    "ReLU 配 He 与 tanh 配 Xavier 的折线在两幅图里都大体水平。"
)

CONFIGS = (
    ("tanh", "xavier", "tanh + Xavier", "green", "-"),
    ("relu", "xavier", "ReLU + Xavier", "orange", "-"),
    ("relu", "he", "ReLU + He", "blue", "-"),
)


def data(depth: int = 20, width: int = 256, batch: int = 256, seed: int = 0):
    """Per configuration: the forward RMS of h_l and the backward ‖∂L/∂h_l‖ for l = 0 … depth − 1."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(width, batch))
    Y = rng.normal(size=(1, batch))
    lines = {}
    for act, init, *_ in CONFIGS:
        p = MLP.create([width] * depth + [1], act, init, seed=seed).backprop(X, Y)
        lines[act, init] = dict(forward=p.activation_rms, backward=p.activation_grad_norms)
    layers = np.arange(depth)
    halving = dict(  # the derivation's prediction for ReLU + Xavier: the variance halves at every ReLU layer
        forward=lines["relu", "xavier"]["forward"][0] * 0.5 ** (layers / 2),
        backward=lines["relu", "xavier"]["backward"][-1] * 0.5 ** ((depth - 1 - layers) / 2),
    )
    return dict(layers=layers, lines=lines, halving=halving)


def make(depth: int = 20, width: int = 256, batch: int = 256, seed: int = 0) -> Figure:
    d = data(depth, width, batch, seed)
    fig, axes = panels(2)
    for ax, key, ylabel in (
        (axes[0], "forward", r"$\boldsymbol{h}_l$ 的均方根"),
        (axes[1], "backward", r"$\|\partial L / \partial \boldsymbol{h}_l\|$"),
    ):
        for act, init, label, color, ls in CONFIGS:
            ax.plot(d["layers"], d["lines"][act, init][key], ls, marker="o", ms=3, color=PALETTE[color], label=label)
        ax.plot(d["layers"], d["halving"][key], "--", color=PALETTE["grey"], lw=1.2, label="方差每层减半")
        set_axes(ax, "层 $l$（0 = 输入）", ylabel, yscale="log", title="前向" if key == "forward" else "反向")
    axes[0].legend(loc="lower left")
    return fig


if __name__ == "__main__":
    from gradbook.engine.cli import script_main

    script_main(__file__)
