"""sigmoid 的斜率最多只有 $1/4$，而且一旦输入偏离 0 就迅速贴近 0；初始化过大时，大多数单元正落在这片平地上。

左图：sigmoid 函数 σ(z) 与它的导数 σ'(z) = σ(z)(1 − σ(z))，导数在 z = 0 处取到最大值 1/4，
灰色区域里 σ'(z) < 0.01，是“饱和区”。右图：一个 sigmoid 网络第若干隐藏层的预激活值 z 的分布，
Xavier 初始化时大多落在斜率可观的中间段；每个权重的标准差取 4、不随层宽缩小时，方差过大，大多落进饱和区。
"""

import numpy as np
from matplotlib.figure import Figure

from gradbook.engine.draw import leader
from gradbook.engine.style import PALETTE, ink, panels, set_axes
from gradbook.models import sigmoid
from gradbook.networks import MLP, activation

ALT = (
    "左图为 sigmoid 曲线和它的导数曲线，导数是一座高 1/4 的小山，|z| 大于约 4.6 的两侧灰色区域里导数小于 0.01。"
    "右图为两种初始化下隐藏层预激活值的直方图：Xavier 初始化的值集中在 0 附近，"
    "每个权重标准差为 4 的过大初始化的值散布到正负几十，大部分落在饱和区。"
)


def pre_activations(init: str, std: float = 4.0, layer: int = 5, width: int = 64, seed: int = 0) -> np.ndarray:
    """The pre-activations z of hidden layer ``layer`` on 256 standard-normal inputs."""
    X = np.random.default_rng(seed).normal(size=(width, 256))
    net = MLP.create([width] * (layer + 1) + [1], "sigmoid", init, seed=seed, naive_std=std)
    # the first `layer` layers end in a linear layer, so their output is the pre-activation z
    return MLP(net.params[:layer], "sigmoid").forward(X).ravel()


def data(naive_std: float = 4.0, layer: int = 5, width: int = 64, seed: int = 0):
    """σ and σ' on z ∈ [−8, 8], the edge |z| beyond which σ' < 0.01, and for Xavier and for N(0, naive_std²)
    weights the pre-activations of hidden layer ``layer`` and their mean σ'."""
    z = np.linspace(-8, 8, 400)
    _, dsig = activation("sigmoid")
    s = sigmoid(z)
    ds = dsig(z, s)
    pre = {
        "xavier": pre_activations("xavier", 1.0, layer, width, seed),
        "naive": pre_activations("naive", naive_std, layer, width, seed),
    }
    mean_slope = {k: float(np.mean(dsig(v, sigmoid(v)))) for k, v in pre.items()}
    return dict(z=z, sigmoid=s, slope=ds, edge=float(z[ds >= 0.01].max()), pre=pre, mean_slope=mean_slope)


def make(naive_std: float = 4.0, layer: int = 5, width: int = 64, seed: int = 0) -> Figure:
    d = data(naive_std, layer, width, seed)
    z, s, ds, edge = d["z"], d["sigmoid"], d["slope"], d["edge"]

    fig, (ax, bx) = panels(2)
    for lo, hi in ((-8, -edge), (edge, 8)):
        ax.axvspan(lo, hi, color=PALETTE["grey"], alpha=0.15, lw=0)
    ax.plot(z, s, color=PALETTE["blue"], label=r"$\sigma(z)$")
    ax.plot(z, ds, color=PALETTE["orange"], label=r"$\sigma'(z)=\sigma(1-\sigma)$")
    ax.plot([0], [0.25], "o", color=PALETTE["orange"])
    leader(ax, "最大值 1/4", (0, 0.25), (-4.2, 0.36), "orange", style="->", lw=None)
    ax.text(-7.7, 0.62, "饱和区\n$\\sigma'<0.01$", color=ink())
    set_axes(ax, "$z$", title="sigmoid 与它的导数", xlim=(-8, 8), ylim=(-0.03, 1.05), legend="center right")

    bins = np.linspace(-30, 30, 61)
    for init, color, name in (
        ("xavier", PALETTE["blue"], "Xavier"),
        ("naive", PALETTE["orange"], f"过大 N(0, {naive_std:g}²)"),
    ):
        label = f"{name}：平均 $\\sigma'$ = {d['mean_slope'][init]:.3f}"
        bx.hist(np.clip(d["pre"][init], -30, 30), bins=bins, color=color, alpha=0.55, density=True, label=label)
    for lo, hi in ((-30, -edge), (edge, 30)):
        bx.axvspan(lo, hi, color=PALETTE["grey"], alpha=0.15, lw=0)
    set_axes(bx, f"第 {layer} 层的预激活值 $z$（超出 ±30 的计入两端）", "密度（对数刻度）", yscale="log")
    bx.set_ylim(top=8)
    set_axes(bx, title="初始化决定单元落在哪里", legend="upper center")
    return fig


if __name__ == "__main__":
    from gradbook.engine.cli import script_main

    script_main(__file__)
