r"""在激活函数前插入归一化：批归一化治好了 sigmoid 的梯度消失，层归一化只治好一部分；朴素初始化的爆炸被两者都压住。

两幅图都是宽 32、共 10 层的网络，输入和目标与前面各层梯度的那张图相同，
纵轴是对数刻度的 $\|\nabla_{W_l} L\|$。
归一化层的 $\gamma = 1$、$\beta = 0$，正是训练开始时的样子。
"""

import numpy as np
from matplotlib.figure import Figure

from gradbook.engine.style import PALETTE, panels, set_axes
from gradbook.normalization import DeepNet

ALT = (
    "两幅对数纵轴的折线图，横轴是层号，纵轴是各层权重梯度的范数，每幅三条线：不归一化、批归一化、层归一化。"
    "左图是 sigmoid 配 Xavier：不归一化的线从输出层一路降到输入层的 10⁻⁶ 附近，批归一化的线在隐藏层里几乎水平，"
    "层归一化的线也在下降，只是坡度缓一些。右图是 ReLU 配朴素初始化：不归一化的线整体停在 10¹¹ 附近，"
    "两种归一化的线都低了十个数量级以上，落在 10⁰ 附近。"
)

PANELS = (("sigmoid", "xavier", "sigmoid + Xavier"), ("relu", "naive", "ReLU + 朴素 N(0, 1)"))
NORMS = ((None, "不归一化", "grey", "--"), ("batch", "批归一化", "blue", "-"), ("layer", "层归一化", "orange", "-"))


def data(depth: int = 10, width: int = 32, batch: int = 64, seed: int = 0):
    """‖∇_{W_l} L‖ (l = 1 … depth), keyed by (activation, initialisation) and then by normalisation."""
    rng = np.random.default_rng(seed)  # the same draws as figures/layer_grad_norms.py
    X = rng.normal(size=(width, batch))
    Y = rng.normal(size=(1, batch))
    sizes = [width] * depth + [1]
    return {
        (act, init): {
            norm: DeepNet.create(sizes, act, init, seed=seed, norm=norm).backprop(X, Y).layer_grad_norms
            for norm, *_ in NORMS
        }
        for act, init, _ in PANELS
    }


def make(depth: int = 10, width: int = 32, batch: int = 64, seed: int = 0) -> Figure:
    d = data(depth, width, batch, seed)
    fig, axes = panels(2)
    layers = np.arange(1, depth + 1)
    for ax, (act, init, title) in zip(axes, PANELS):
        for norm, label, color, ls in NORMS:
            ax.plot(layers, d[act, init][norm], ls, marker="o", ms=3, color=PALETTE[color], label=label)
        ax.set_xticks(layers[::3])
        set_axes(ax, "层 $l$（1 = 输入一侧）", r"$\|\nabla_{W_l} L\|$", yscale="log", title=title)
    axes[0].legend(loc="lower right")
    return fig


if __name__ == "__main__":
    from gradbook.engine.cli import script_main

    script_main(__file__)
