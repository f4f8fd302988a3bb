r"""梯度检查点：在一条 $n$ 层的深链上，用多算一遍前向换来内存从 $n$ 降到约 $2\sqrt{n}$。

链是 $h_k = \tanh(h_{k-1})$，梯度由 gradbook 的磁带实测。左图：$n = 100$ 层切成 $k$ 段，
横轴是段数 $k$，蓝线是反向传播时同时存着的值（检查点加上正在重放的那一段的磁带记录），
橙线是前向一共算了多少层；$k = 1$ 即不设检查点。右图：层数 $n$ 变化时两种做法的内存（双对数坐标），
不设检查点时按 $n$ 增长，取 $\sqrt{n}$ 段时按 $2\sqrt{n}$ 增长。
"""

import numpy as np
from matplotlib.figure import Figure

from gradbook.autodiff import chain_gradient
from gradbook.engine.draw import offset
from gradbook.engine.style import PALETTE, panels, set_axes

ALT = (
    "左图：100 层的链切成 k 段，k 从 1 到 50。不设检查点（k = 1）时反向传播要存 100 个值，前向算 100 层；"
    "切成 10 段时存的值降到最少的 20 个，前向却要算 200 层；段数再多，存的检查点又多起来。"
    "右图：双对数坐标，层数从 16 到 4096，不设检查点的内存从 16 涨到 4096，"
    "取 √n 段的从 8 涨到 128，斜率一个是 1，一个是 ½。"
)


def data(depth: int = 100, k_max: int = 50):
    """For ``depth`` layers: each segment count k's peak stored values and layer evaluations; and, over depth,
    the peak with no checkpoints against √n segments."""
    ks = np.arange(1, k_max + 1)
    runs = [chain_gradient(0.5, depth, int(k)) for k in ks]
    depths = np.array([16, 64, 256, 1024, 4096])
    plain = [chain_gradient(0.5, int(n)) for n in depths]
    root = [chain_gradient(0.5, int(n), int(np.sqrt(n))) for n in depths]
    root_k = int(np.sqrt(depth))  # √n segments (several k near it tie for the least memory)
    stored, evals = np.array([r.peak_stored for r in runs]), np.array([r.layer_evals for r in runs])
    plain, root = (np.array([r.peak_stored for r in rs]) for rs in (plain, root))
    agree = all(r.grad == runs[0].grad for r in runs)
    return dict(
        ks=ks, stored=stored, evals=evals, root_k=root_k, depths=depths, plain=plain, root=root, grads_agree=agree
    )


def make(depth: int = 100, k_max: int = 50) -> Figure:
    d = data(depth=depth, k_max=k_max)
    fig, (ax, bx) = panels(2)
    ks, stored, evals, best = d["ks"], d["stored"], d["evals"], d["root_k"]
    ax.plot(ks, stored, "o-", ms=3, color=PALETTE["blue"], label="反向时存着的值")
    ax.plot(ks, evals, "s-", ms=3, color=PALETTE["orange"], label="前向算的层数")
    ax.plot([best], [stored[best - 1]], "*", ms=13, color=PALETTE["blue"])
    offset(ax, f"$k = {best}$：存 {stored[best - 1]} 个", (best, stored[best - 1]), 4, 12, color=PALETTE["blue"])
    offset(ax, f"不设检查点：存 {stored[0]} 个", (1, stored[0]), 8, 6, color=PALETTE["blue"])
    set_axes(ax, "段数 $k$", "个数", title=f"$n = {depth}$ 层", ylim=(0, max(evals) * 1.6), legend="upper right")
    n = d["depths"]
    bx.loglog(n, d["plain"], "o-", color=PALETTE["grey"], label="不设检查点：$n$")
    bx.loglog(n, d["root"], "s-", color=PALETTE["blue"], label=r"$\sqrt{n}$ 段：$2\sqrt{n}$")
    set_axes(bx, "层数 $n$", "反向时存着的值", legend="upper left")
    return fig


if __name__ == "__main__":
    from gradbook.engine.cli import script_main

    script_main(__file__)
