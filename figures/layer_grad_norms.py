"""十层网络每层权重梯度的大小：sigmoid 配 Xavier 时越靠近输入越小，缩了六个数量级；ReLU 配 He 时各层相当。

同一批输入、同一个目标，只换激活函数和初始化。纵轴是对数刻度的 ‖∇_{W_l} L‖，横轴从输入层（第 1 层）数到输出层。
虚线是 ReLU 配朴素初始化（每个权重都取标准差 1，不看层宽）：梯度大到 10¹¹ 量级，这是另一个方向的失败：爆炸。
"""

import numpy as np
from matplotlib.figure import Figure

from gradbook.engine.style import PALETTE, figsize, on_phone, set_axes
from gradbook.networks import MLP

ALT = (
    "对数纵轴上四条折线，每条是一种网络各层权重梯度的范数。sigmoid 配 Xavier 的实线从输出层约 3 "
    "一路下降到输入层约 10⁻⁶；tanh 配 Xavier 与 ReLU 配 He 的实线几乎水平，保持在约 0.2 到 2.4 之间；"
    "ReLU 配标准差 1 的朴素初始化是唯一的虚线，整体停在 10¹¹ 附近。"
)

SWEEPS = {"depth": {"label": "L", "name": "层数", "values": "2,3,4,6,8,10,12,16,20", "domain": (2, 40)}}

CONFIGS = (
    ("sigmoid", "xavier", "sigmoid + Xavier", "orange", "-"),
    ("tanh", "xavier", "tanh + Xavier", "green", "-"),
    ("relu", "he", "ReLU + He", "blue", "-"),
    ("relu", "naive", "ReLU + 朴素 N(0, 1)", "purple", "--"),
)


def grad_norms(act: str, init: str, depth: int = 10, width: int = 32, batch: int = 64, seed: int = 0) -> np.ndarray:
    """‖∇_{W_l} L‖ for l = 1 … depth (input side first): one line of the figure."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(width, batch))
    Y = rng.normal(size=(1, batch))
    return MLP.create([width] * depth + [1], act, init, seed=seed).backprop(X, Y).layer_grad_norms


def data(depth: int = 10, width: int = 32, batch: int = 64, seed: int = 0):
    """Each line's ‖∇_{W_l} L‖ (l = 1 … depth), keyed by (activation, initialisation)."""
    return {(act, init): grad_norms(act, init, depth, width, batch, seed) for act, init, *_ in CONFIGS}


def readout(d) -> str:
    sigmoid, relu = (d[k][0] / d[k][-1] for k in (("sigmoid", "xavier"), ("relu", "he")))  # first layer ÷ last
    mantissa, exponent = f"{sigmoid:.1e}".split("e")
    power = str(int(exponent)).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))
    return f"第 1 层的梯度是最后一层的：sigmoid + Xavier {mantissa}×10{power} 倍，ReLU + He {relu:.2f} 倍"


def make(depth: int = 10, width: int = 32, batch: int = 64, seed: int = 0) -> Figure:
    d = data(depth, width, batch, seed)
    fig = Figure(figsize=figsize("one"))
    ax = fig.add_subplot()
    layers = np.arange(1, depth + 1)
    for act, init, label, color, ls in CONFIGS:
        ax.plot(layers, d[act, init], ls, marker="o", ms=4, color=PALETTE[color], label=label)
    ax.set_xticks(layers[:: 1 if depth <= (10 if on_phone() else 20) else 2])  # room for two digits
    legend = dict(loc="center right", bbox_to_anchor=(1.0, 0.62))
    set_axes(ax, "层 $l$（1 = 输入一侧）", r"$\|\nabla_{W_l} L\|$", yscale="log", legend=legend)
    return fig


if __name__ == "__main__":
    from gradbook.engine.cli import script_main

    script_main(__file__)
