"""Small marks the figure scripts share, in the house style: arrows, points, boxed notes, number formats.

Each helper makes one matplotlib call with the house's settings, so a script reads as what it draws.
Colours are names in ``PALETTE`` ("orange"), "ink", or any matplotlib colour.
"""

from __future__ import annotations

from typing import Any

from gradbook.engine.style import PALETTE, ink, paper

__all__ = ["arrow", "colour", "leader", "note", "offset", "point", "sci"]


def colour(name: str) -> str:
    """``PALETTE[name]``, ``ink()`` for "ink", else ``name`` itself (any matplotlib colour)."""
    return ink() if name == "ink" else PALETTE[name] if name in PALETTE else name


def arrow(
    ax, tail, head, hue: str = "ink", *, lw: float = 2.0, size: float | None = None, style="-|>", zorder=None, **props
):
    """An arrow from ``tail`` to ``head`` (an annotation without text); ``size`` is the head's
    ``mutation_scale``, ``props`` go to ``arrowprops`` (``ls``, ``shrinkA``...)."""
    arrowprops: dict[str, Any] = dict(arrowstyle=style, color=colour(hue), lw=lw, **props)
    if size is not None:
        arrowprops["mutation_scale"] = size
    above = {} if zorder is None else {"zorder": zorder}
    return ax.annotate("", xy=head, xytext=tail, arrowprops=arrowprops, **above)


def leader(ax, text: str, xy, xytext, hue: str = "ink", *, style: str = "-", lw: float | None = 0.8, **kw):
    """``text`` at ``xytext`` in ``hue``, with a thin leader line (``style="->"``: an arrow) to the point
    ``xy`` it names; ``lw=None`` leaves the line's width to matplotlib."""
    c = colour(hue)
    line = dict(arrowstyle=style, color=c) | ({} if lw is None else {"lw": lw})
    return ax.annotate(text, xy=xy, xytext=xytext, color=c, arrowprops=line, **kw)


def offset(ax, text: str, xy, dx: float, dy: float, **kw):
    """``text`` beside the data point ``xy``, shifted by (dx, dy) points: it stays clear of the mark at any zoom."""
    return ax.annotate(text, xy, xytext=(dx, dy), textcoords="offset points", **kw)


def point(ax, x: float, y: float, ms: float = 5, **kw):
    """A point of interest (where a gradient is taken, a run starts): an ink dot."""
    return ax.plot(x, y, "o", color=ink(), ms=ms, **kw)


def note(ax, x: float, y: float, text: str, **kw):
    """Text on a paper box without an edge, so lines under it do not cross the words."""
    box = dict(boxstyle="round,pad=0.15", fc=paper(), ec="none")
    return ax.text(x, y, text, **(dict(color=ink(), bbox=box) | kw))


def sci(v: float) -> str:
    """A number in LaTeX scientific notation to two digits: 0.00004 → ``4 \\times 10^{-5}``."""
    mantissa, exponent = f"{v:.1e}".split("e")
    return f"{float(mantissa):g} \\times 10^{{{int(exponent)}}}"
