"""小批量梯度的方差随批大小 $B$ 按 $1/B$ 下降；可是同样的计算量下，小批量能多走很多步，损失反而降得更快。

左图：在固定的参数点上，把 n 个样本随机分成大小为 B 的小批量，测量小批量梯度与全量梯度之差的平方长度的平均值，
与公式 tr Σ / B（有放回抽样）及乘上修正因子 (n − B)/(n − 1)（无放回抽样）比较，对数坐标。
右图：横轴是“算过多少个样本的梯度”（计算量），纵轴是超出最小值的损失：B = 1 的随机梯度下降、B = 32 的小批量、
以及每步用全部样本的批量梯度下降。
"""

import numpy as np
from matplotlib.figure import Figure

from gradbook.engine.style import PALETTE, panels, set_axes
from gradbook.information import minibatch_gradients
from gradbook.models import LinearMSE, house_data, standardize
from gradbook.optimizers import gradient_descent, sgd

ALT = (
    "左图：对数坐标上的散点与两条线，测得的小批量梯度方差落在 tr Σ / B 的直线上，B 较大时略低，贴合带修正因子的曲线。"
    "右图：双对数坐标上三条损失曲线随计算量下降；B = 1 的曲线最先降下来，但停在 10⁻² 附近剧烈抖动；"
    "B = 32 的曲线起步晚一些，最后降到 10⁻⁴ 附近；批量梯度下降每 1000 个样本才走一步，只走了 4 步，损失几乎没降。"
)


def data(n: int = 1000, lr: float = 0.02, budget: int = 4000, shuffles: int = 30, seed: int = 0):
    """At θ0: the per-example gradients, their tr Σ and the measured minibatch variance for each batch size; and
    the runs with batches of 1 and 32 and with all n examples ("full") on the same budget of per-example
    gradients, with their loss gaps L − L*."""
    area, price = house_data(n, 1)
    L = LinearMSE(standardize(area)[0], standardize(price)[0])
    theta0 = np.array([-1.0, 1.5])
    G = L.per_example_grads(theta0)
    full = G.mean(axis=0)
    sizes = np.array([1, 2, 4, 8, 16, 32, 64, 128, 256])
    err = lambda b, s: np.mean(np.sum((minibatch_gradients(G, int(b), s) - full) ** 2, axis=1))  # noqa: E731
    measured = [np.mean([err(b, s) for s in range(shuffles)]) for b in sizes]  # over the shuffles
    best = float(L.value(L.minimizer()))
    runs = {b: sgd(L, theta0, lr, budget // b, batch_size=b, seed=seed) for b in (1, 32)}
    runs["full"] = gradient_descent(L, theta0, lr, budget // n)
    tr_sigma, gaps = float(np.sum(G.var(axis=0))), {b: run.losses - best for b, run in runs.items()}
    return dict(grads=G, tr_sigma=tr_sigma, sizes=sizes, measured=measured, best=best, runs=runs, gaps=gaps)


def make(n: int = 1000, lr: float = 0.02, budget: int = 4000, shuffles: int = 30, seed: int = 0) -> Figure:
    d = data(n, lr, budget, shuffles, seed)
    tr_sigma, sizes, measured, gaps = d["tr_sigma"], d["sizes"], d["measured"], d["gaps"]
    fig, (ax, bx) = panels(2)
    bb = np.geomspace(1, 256, 100)
    ax.loglog(bb, tr_sigma / bb, color=PALETTE["grey"], label=r"$\mathrm{tr}\,\Sigma / B$")
    finite = tr_sigma / bb * (n - bb) / (n - 1)  # batches drawn without replacement from n examples
    ax.loglog(bb, finite, "--", color=PALETTE["blue"], lw=1.5, label=r"$\times\,(n-B)/(n-1)$")
    ax.loglog(sizes, measured, "o", color=PALETTE["orange"], label=f"实测（{shuffles} 次随机分批）")
    set_axes(ax, "批大小 $B$", r"$\mathbb{E}\,\|g_B - \nabla L\|^2$", legend="lower left")
    for b, color in ((1, "orange"), (32, "green")):
        cost = np.arange(len(gaps[b])) * b
        bx.plot(cost[1:], gaps[b][1:], color=PALETTE[color], lw=1.0, alpha=0.9, label=f"B = {b}")
    full = np.arange(1, len(gaps["full"])) * n  # one step per n example gradients
    bx.plot(full, gaps["full"][1:], "o-", ms=3, color=PALETTE["blue"], label=f"全量 B = n = {n}")
    set_axes(bx, "算过的样本梯度个数（计算量）", r"$L(\theta) - L^*$", xscale="log", yscale="log", legend="lower left")
    return fig


if __name__ == "__main__":
    from gradbook.engine.cli import script_main

    script_main(__file__)
