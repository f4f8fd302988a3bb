r"""在 (1, 1) 处朝各个方向迈步：方向导数 $D_{\boldsymbol u} f = \nabla f \cdot \boldsymbol u$ 随角度画出余弦曲线。

左图是站点附近的地图：黑色圆弧是过 (1, 1) 的等高线，八支单位箭头是八个可选的方向，旁边的数是沿该方向的坡度
（橙色为上坡，紫色为下坡，灰色为零）。右图横轴是方向与 x 轴的夹角 φ，纵轴是方向导数：
最高点在 φ = 45°，正是梯度的方向，高度等于梯度的长度 2√2 ≈ 2.83；最低点在 225°，是负梯度方向；
在 135° 和 315°，也就是沿等高线走时，坡度为零。
"""

import numpy as np
from matplotlib.figure import Figure

from gradbook.engine.draw import arrow, leader, point
from gradbook.engine.style import PALETTE, SMALL, ink, panels, set_axes
from gradbook.landscapes import bowl

ALT = (
    "左右两个面板。左图：点 (1, 1) 附近的地图，一段过该点的圆形等高线，从该点发出八支单位长度的箭头，"
    "每 45 度一支，并标注沿各方向的方向导数：0 度为 2，45 度为 2.83，90 度为 2，135 度为 0，"
    "180 度为 -2，225 度为 -2.83，270 度为 -2，315 度为 0。右图：方向导数随角度 0 到 360 度变化的余弦曲线，"
    "在 45 度取最大值 2.83，在 225 度取最小值 -2.83，在 135 度和 315 度为零。"
)


def _color(d: float) -> str:
    if abs(d) < 1e-9:
        return PALETTE["grey"]
    return PALETTE["orange"] if d > 0 else PALETTE["purple"]


def data(x0: float = 1.0, y0: float = 1.0, step_deg: int = 45):
    """At p = (x0, y0) on the bowl: the gradient g, the slope g·u along each marked unit u, and the curve over φ."""
    p = np.array([x0, y0])
    g = bowl().grad(p)
    units = [np.array([np.cos(np.radians(deg)), np.sin(np.radians(deg))]) for deg in range(0, 360, step_deg)]
    phis, marks = np.linspace(0, 360, 361), np.arange(0, 360, step_deg)
    on_circle = lambda a: np.stack([np.cos(np.radians(a)), np.sin(np.radians(a))], axis=-1)  # noqa: E731
    return dict(
        p=p,
        g=g,
        norm=float(np.linalg.norm(g)),
        units=units,
        slopes=[float(g @ u) for u in units],
        phis=phis,
        curve=on_circle(phis) @ g,
        marks=marks,
        at_marks=on_circle(marks) @ g,
        best=float(np.degrees(np.arctan2(g[1], g[0]))) % 360,
    )


def make(x0: float = 1.0, y0: float = 1.0, step_deg: int = 45) -> Figure:
    d = data(x0, y0, step_deg)
    p, norm, best = d["p"], d["norm"], d["best"]
    fig, (left, right) = panels(2, ratios=[1, 1.35])

    # 左：地图上的八个方向
    r, t = float(np.linalg.norm(p)), np.linspace(0, 2 * np.pi, 300)
    left.plot(r * np.cos(t), r * np.sin(t), color=ink(), lw=1.2, label=f"等高线 $f={r * r:g}$")
    for u, slope in zip(d["units"], d["slopes"]):
        c = _color(slope)
        arrow(left, p, p + 0.8 * u, c, size=13)
        text = f"{slope:.2f}".replace("-", "−").replace("−0.00", "0").replace("0.00", "0")
        left.text(*(p + 1.08 * u), text, ha="center", va="center", fontsize=SMALL, color=c)
    point(left, *p, zorder=5)
    # the legend above the map: the labels fill it
    box = dict(xlim=(x0 - 1.35, x0 + 1.35), ylim=(y0 - 1.35, y0 + 1.35), aspect="equal")
    set_axes(left, "$x$", "$y$", **box, legend=dict(loc="lower center", bbox_to_anchor=(0.5, 1.0)))

    # 右：方向导数随角度变化
    right.plot(d["phis"], d["curve"], color=PALETTE["blue"])
    right.axhline(0, color=ink(), lw=0.8)
    right.hlines([norm, -norm], 0, 360, color=PALETTE["grey"], lw=0.8, ls=":")
    right.scatter(d["marks"], d["at_marks"], c=[_color(float(v)) for v in d["at_marks"]], zorder=3, s=28)
    peak = rf"梯度方向：最大值 $\|\nabla f\|\approx{norm:.2f}$"
    leader(right, peak, (best, norm), (best + 55, norm - 0.35), "orange", va="center")  # right of the peak
    low = (best + 180) % 360
    leader(right, "负梯度方向：下降最快", (low, -norm), (low - 205, -norm + 0.15), "purple")
    # just past the zero crossing, where the curve is already below the axis
    right.text((best + 98) % 360, 0.2, "沿等高线：0", fontsize=SMALL, color=PALETTE["grey"])
    right.set_xticks(range(0, 361, 45))
    angle, slope = r"方向与 $x$ 轴的夹角 $\varphi$（度）", r"方向导数 $D_{\mathbf{u}}f=\nabla f\cdot\mathbf{u}$"
    set_axes(right, angle, slope, xlim=(0, 360), ylim=(-norm - 0.6, norm + 0.7))
    return fig


if __name__ == "__main__":
    from gradbook.engine.cli import script_main

    script_main(__file__)
