"""把 RNN 沿时间展开：前向沿蓝色箭头算出 $h_t$，梯度沿橙色箭头从最后一步往回流，每退一步乘一次 $W^\\top$ 与 $\\tanh'$。

上图是展开后的计算图，损失只接在最后一步 $h_T$ 上；橙色箭头的粗细正比于流到那一步的 $\\|\\nabla_{a_t}L\\|$。
下图是同一组数：循环矩阵的奇异值都是 $\\rho$，每往回走一步，梯度就大约缩小为原来的 $\\rho$ 倍再乘上 $\\tanh'\\le 1$，
所以它在对数坐标里近似一条直线。$W$ 的梯度 $\\sum_t \\nabla_{a_t}L\\, h_{t-1}^\\top$ 里，早期各步的项因此几乎为零。
"""

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch

from gradbook.engine.draw import arrow
from gradbook.engine.style import PALETTE, SMALL, figsize, ink, on_phone, paper, set_axes
from gradbook.networks import recurrent_matrix, rnn_bptt, rnn_forward

ALT = (
    "上半部分是沿时间展开的循环网络：方框 h₀ 到 h₈ 排成一行，蓝色箭头从左到右表示前向计算，"
    "每一步还有输入 x_t 从上方进入；损失 L 接在最后一个方框上。下方的橙色箭头从右往左表示反向传播，"
    "越往左越细。下半部分是每一步梯度范数的柱状图（对数纵轴），从右到左近似按固定比例变小。"
)

SWEEPS = {"steps": {"label": "T", "name": "序列长度 T", "values": "2,3,4,6,8,10,12,16", "domain": (2, 40)}}


def data(steps: int = 8, rho: float = 0.8, hidden: int = 4, seed: int = 0):
    """A tanh RNN with recurrent matrix W (singular values ρ), a loss on its last state only, and
    ‖∇_{a_t} L‖ for t = 1 … T from backpropagation through time, with its mean ratio per step back."""
    rng = np.random.default_rng(seed)
    W = recurrent_matrix(hidden, rho, seed)
    U = rng.normal(0.0, 0.5, (hidden, 2))
    b = np.zeros(hidden)
    xs = rng.normal(size=(steps, 2))
    h0 = np.zeros(hidden)
    hs = rnn_forward(W, U, b, xs, h0)
    targets = hs[1:].copy()
    targets[-1] = hs[-1] - 1.0  # the loss sits on the last step only: earlier errors are zero
    norms = np.linalg.norm(rnn_bptt(W, U, b, xs, h0, targets).grad_a, axis=1)
    return dict(W=W, norms=norms, back_ratio=np.exp(np.mean(np.log(norms[:-1] / norms[1:]))))


def readout(d) -> str:
    share = d["norms"][0] / d["norms"][-1]
    return f"退回第 1 步时，梯度只剩最后一步的 {share:.2%}；平均每退一步乘 {d['back_ratio']:.2f}"


def make(steps: int = 8, rho: float = 0.8, hidden: int = 4, seed: int = 0) -> Figure:
    d = data(steps, rho, hidden, seed)
    norms = d["norms"]  # ‖∇_{a_t} L‖ for t = 1 … T

    fig = Figure(figsize=figsize("one"))
    top, bottom = fig.subplots(2, 1, gridspec_kw={"height_ratios": [1.25, 1]})
    # Past 8 steps on a phone (12 on the page) the middle steps give way to a "⋯" column.
    keep = 4 if on_phone() else 6
    shown = list(range(steps + 1)) if steps <= 2 * keep else [*range(keep), None, *range(steps - keep + 1, steps + 1)]
    last = len(shown) - 1
    set_axes(top, xlim=(-0.7, last + 1.0), ylim=(-1.55, 1.25))
    top.axis("off")
    for x, t in enumerate(shown):  # a subscript of two digits (a slider reaches T = 16) in braces
        if t is None:
            for y in (0, -0.75):
                top.text(x, y, "$\\cdots$", ha="center", va="center", color=PALETTE["grey"])
            continue
        top.add_patch(
            FancyBboxPatch((x - 0.3, -0.25), 0.6, 0.5, boxstyle="round,pad=0.04", fc=paper(), ec=ink(), lw=1.4)
        )
        top.text(x, 0, f"$h_{t if t < 10 else f'{{{t}}}'}$", ha="center", va="center")
        if t:
            arrow(top, (x - 0.66, 0.08), (x - 0.34, 0.08), "blue", lw=1.6, size=12)
            top.text(x - 0.5, 0.2, "$W$", ha="center", fontsize=SMALL, color=PALETTE["blue"])
            arrow(top, (x, 0.72), (x, 0.3), "grey", lw=1.0, size=10)
            top.text(x, 0.78, f"$x_{t if t < 10 else f'{{{t}}}'}$", ha="center", va="bottom", color=PALETTE["grey"])
            width = 0.6 + 5.0 * norms[t - 1] / norms.max()
            tail = x + 0.5 if t < steps else x + 0.55
            arrow(top, (tail, -0.75), (x - 0.5, -0.75), "orange", lw=width, size=10 + width)
    arrow(top, (last + 0.32, 0), (last + 0.85, 0), lw=1.4, size=12)
    top.text(last + 0.92, 0, "$L$", va="center")
    sep = "，\n" if on_phone() else "，"  # one line on the page, two on a phone
    back = (
        "反向：$\\nabla_{h_{t-1}}L = W^\\top\\,(\\tanh'(a_t)\\odot\\nabla_{h_t}L)$" + sep + "每退一步乘一次雅可比矩阵"
    )
    top.text(last / 2, -1.0, back, ha="center", va="top", color=PALETTE["orange"])

    t_axis = np.arange(1, steps + 1)
    bottom.bar(t_axis, norms, color=PALETTE["orange"], width=0.6)
    xlim = (-0.7, steps + 1.0) if last == steps else (0.3, steps + 0.7)  # under the boxes, if all shown
    set_axes(bottom, "$t$", r"$\|\nabla_{a_t}L\|$", xlim=xlim, ylim=(norms.min() / 2, norms.max() * 8), yscale="log")
    bottom.set_xticks(t_axis)
    per_step = f"$\\rho = {rho:g}$：每往回一步，梯度平均乘以 {d['back_ratio']:.2f}"
    bottom.text(0.02, 0.9, per_step, transform=bottom.transAxes, va="top")
    return fig


if __name__ == "__main__":
    from gradbook.engine.cli import script_main

    script_main(__file__)
