"""Landscapes in the house style: contours in the house map, optimiser paths and the minimum star,
drawn alike in every chapter (issue 15 §5: no grey contours, no black minima, no path hidden under
another)."""

from __future__ import annotations

from typing import Any

import numpy as np

from gradbook.engine.style import CMAP, PALETTE, ink, mark_minimum, mark_start, paper, set_axes

__all__ = ["angle_arc", "contours", "landscape", "path"]


def contours(ax, X, Y, Z, levels=12, *, lw: float = 0.8, **kw):
    """Thin contours of Z in the house colour map, beneath every path and mark."""
    return ax.contour(X, Y, Z, levels=levels, cmap=CMAP, linewidths=lw, zorder=1, **kw)


def path(ax, points, colour: str, label: str | None = None, *, lw: float = 1.6, ms: float = 0, top=False, **kw):
    """An optimiser's iterates (rows of ``points``) as a line in ``PALETTE[colour]``, with dots of size
    ``ms`` on the iterates. ``top=True`` draws it above the other paths inside a paper halo, so a path
    that runs along another one stays visible."""
    pts = np.asarray(points, dtype=float)
    style: dict[str, Any] = dict(color=PALETTE[colour] if colour in PALETTE else colour, lw=lw, label=label)
    style["zorder"] = 4 if top else 3
    if ms:
        style.update(marker="o", ms=ms)
    style |= kw
    if top:  # the halo is a line of its own, so the legend shows the path's plain mark
        halo = style | dict(color=paper(), lw=style["lw"] + 3, label=None, zorder=3.9, alpha=1, ls="-")
        ax.plot(pts[:, 0], pts[:, 1], **(halo | ({"ms": ms + 2} if ms else {})))
    return ax.plot(pts[:, 0], pts[:, 1], **style)


def landscape(ax, X, Y, Z, *, levels=12, lw: float = 0.8, minimum=None, start=None, paths=(), **axes):
    """A landscape in one call: contours of Z, then ``paths`` as ``(points, colour, label)`` or
    ``(points, colour, label, {path options})``, the start as an ink square, the minimum as the house
    star; ``axes`` go to ``set_axes`` (xlabel, ylabel, title, aspect, legend...). Returns the contours."""
    cs = contours(ax, X, Y, Z, levels, lw=lw)
    for points, colour, label, *options in paths:
        path(ax, points, colour, label, **(options[0] if options else {}))
    if start is not None:
        mark_start(ax, *start)
        ax.lines[-1].set_zorder(5)  # above the paths that leave it
    if minimum is not None:
        mark_minimum(ax, *minimum)
    set_axes(ax, **axes)
    return cs


def angle_arc(ax, centre, u, v, radius: float, text: str, *, at: float = 1.6, **text_kw):
    """Mark the angle at ``centre`` between directions ``u`` and ``v`` (equal axes): an ink arc of
    ``radius`` and ``text`` on its bisector ``at`` radii out, on a paper box so no line crosses it."""
    from matplotlib.patches import Arc

    a, b = sorted(np.degrees(np.arctan2(w[1], w[0])) for w in (u, v))
    if b - a > 180:  # the short way round
        a, b = b, a + 360
    if b - a < 1:
        return None
    ax.add_patch(Arc(centre, 2 * radius, 2 * radius, theta1=a, theta2=b, color=ink(), lw=1.2, zorder=5))
    mid = np.radians((a + b) / 2)
    xy = np.asarray(centre) + at * radius * np.array([np.cos(mid), np.sin(mid)])
    box = dict(boxstyle="round,pad=0.15", fc=paper(), ec="none", alpha=0.9)
    return ax.text(*xy, text, ha="center", va="center", color=ink(), bbox=box, zorder=6, **text_kw)
