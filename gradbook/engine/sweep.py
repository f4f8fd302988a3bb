"""Explorable figures: one parameter swept over a few values, each value a frame (an ordinary
Request, rendered by the pool and kept in the store), with the frame's readout from the script's
``data()``. The page shows the frame at the page's value as its image; a slider swaps the others.

Written on the figure line: ``![](../figures/lr.svg?sweep=lr)`` uses the values the script
declares; ``?sweep=lr:2e-6..1.2e-4:log:24`` (geometric), ``?sweep=x0:-1..2:13`` (evenly spaced)
or ``?sweep=n:2,4,8,16`` (as listed) give them on the page. The page's value of the parameter
(its query value, else the default) is always a frame, the first one shown.

In the script, beside ``make``::

    SWEEPS = {"lr": {"label": r"\\eta", "name": "学习率", "values": "1e-6..1e-4:log:12",
                     "domain": (0, None), "play": True}}

    def readout(d) -> str:  # d = data(**params) of one frame
        return "发散" if d["diverged"] else f"收敛需要 {d['steps']} 步"

``label`` is the slider's name in TeX, ``name`` the same in words for screen readers, ``domain``
the values the script accepts (any figure line is checked against it, swept or not), ``play`` a
play button where watching the sweep run helps. Every key is optional.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gradbook.engine.registry import FORMATS, READOUT, FigureError, FigureSpec, check_domain, coerce
from gradbook.engine.request import Request, resolve
from gradbook.engine.variant import VARIANTS, Variant

MANIFEST_KEYS = {v: "f" + "p" * (v.medium == "phone") + "d" * (v.scheme == "dark") for v in VARIANTS}

MAX_FRAMES = 40  # a sweep's frames are all rendered and, once the reader moves it, loaded
SYNTAX = "sweep=PARAM, or sweep=PARAM:LOW..HIGH:COUNT, PARAM:LOW..HIGH:log:COUNT, PARAM:V1,V2,…"


@dataclass(frozen=True)
class Sweep:
    param: str
    label: str  # TeX
    name: str  # words, for aria-label
    values: tuple[Any, ...]  # ascending, typed like the parameter's default
    start: int  # the frame at the page's value: the image without JavaScript
    frames: tuple[Request, ...]
    readouts: tuple[Request, ...]  # one per frame; empty if the script has no readout()
    play: bool

    def drawn(self, variant: Variant) -> tuple[Request, ...]:
        """The frames drawn in ``variant``: every slider value in each layout (the page's, a
        phone's) and scheme, so the frame the reader moves to is the drawing the <picture> of the
        default frame would choose for the screen and scheme (a phone no longer shrinks the page
        layout's text to half). The reader's browser loads one variant's frames."""
        return self.frames if variant.is_default else tuple(f.variants()[variant] for f in self.frames)

    def requests(self) -> tuple[Request, ...]:
        return tuple(f for v in VARIANTS for f in self.drawn(v)) + self.readouts

    def manifest(self, readouts: list[str]) -> dict[str, Any]:
        """What the page's script needs, all computed here: frame files (relative to the default
        image), the value shown, and the readout, per frame."""
        out = {
            "n": self.name,
            "s": self.start,
            "v": [value_text(v) for v in self.values],
            # Frame files per variant, keyed as explore.js picks them: f, fd (dark), fp (phone), fpd.
            **{MANIFEST_KEYS[v]: [f.filename for f in self.drawn(v)] for v in VARIANTS},
        }
        if readouts:
            out["r"] = readouts
        if self.play:
            out["p"] = 1
        return out


def value_text(v: Any) -> str:
    """A value as the reader sees it: 4e-05 as 4×10⁻⁵, a real minus sign."""
    if isinstance(v, int) or (float(v).is_integer() and abs(v) < 1e7):
        return str(int(v)).replace("-", "−")
    text = f"{v:.4g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        sup = str(int(exponent)).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))
        text = ("" if mantissa == "1" else f"{mantissa}×") + f"10{sup}"
    return text.replace("-", "−")


def _number(text: str, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise FigureError(f"sweep: {what} {text.strip()!r} is not a number ({SYNTAX})") from None
    if not math.isfinite(value):
        raise FigureError(f"sweep: {what} {text.strip()!r} is not a finite number")
    return value


def grid(param: str, text: str, integer: bool) -> list:
    """The values ``text`` asks for, ascending and distinct, typed (int or float)."""
    text = text.replace(" ", "")
    if ".." in text:
        lo_text, _, rest = text.partition("..")
        hi_text, *how = rest.split(":")
        if len(how) not in (1, 2) or (len(how) == 2 and how[0] != "log"):
            raise FigureError(f"sweep '{param}': {text!r} is not a range ({SYNTAX})")
        log = len(how) == 2
        lo, hi = _number(lo_text, "low end"), _number(hi_text, "high end")
        try:
            n = int(how[-1])
        except ValueError:
            raise FigureError(f"sweep '{param}': count {how[-1]!r} is not a whole number ({SYNTAX})") from None
        if not lo < hi:
            raise FigureError(f"sweep '{param}': empty range {lo_text}..{hi_text} (the low end must be below the high)")
        if n < 2:
            raise FigureError(f"sweep '{param}': {n} value(s); a slider needs at least 2")
        if log and lo <= 0:
            raise FigureError(f"sweep '{param}': a log range must start above 0, not at {lo_text}")
        if log:
            raw = [lo * (hi / lo) ** (k / (n - 1)) for k in range(n)]
        else:
            raw = [lo + (hi - lo) * k / (n - 1) for k in range(n)]
        # Round so values read well and are the same on every machine (not last-bit noise).
        values = [round(v) for v in raw] if integer else [float(f"{v:.4g}") for v in raw]
    elif ":" in text:
        raise FigureError(f"sweep '{param}': {text!r} is not a range ({SYNTAX})")
    else:
        raw = [_number(v, "value") for v in text.split(",") if v]
        if len(raw) < 2:
            raise FigureError(f"sweep '{param}': {text!r} gives {len(raw)} value(s); a slider needs at least 2")
        if integer and any(v != int(v) for v in raw):
            raise FigureError(f"sweep '{param}': the parameter is a whole number, {text!r} is not")
        values = [int(v) for v in raw] if integer else raw
        if values != sorted(values):
            raise FigureError(f"sweep '{param}': list the values in ascending order")
    if len(set(values)) != len(values):
        raise FigureError(f"sweep '{param}': {text!r} repeats values (after rounding: {values})")
    if len(values) > MAX_FRAMES:
        raise FigureError(f"sweep '{param}': {len(values)} frames; at most {MAX_FRAMES} (each is rendered and loaded)")
    return values


def parse(spec: FigureSpec, text: str, overrides: dict[str, Any], fmt: str) -> Sweep:
    """The sweep a figure line asks for (``text`` is the query's ``sweep=`` value), checked and
    turned into frames; FigureError names what is wrong."""
    name, _, values_text = text.partition(":")
    name = name.strip()
    if not name:
        raise FigureError(f"sweep names no parameter; write {SYNTAX}", spec.name)
    param = spec.param(name)  # unknown: names the valid ones
    if isinstance(param.default, bool) or not isinstance(param.default, int | float):
        raise FigureError(
            f"cannot sweep '{name}': a slider moves a number, its default is {param.default!r}", spec.name
        )
    declared = spec.sweeps.get(name, {})
    values_text = values_text or declared.get("values", "")
    if not values_text:
        raise FigureError(
            f"sweep '{name}' gives no values and the script's SWEEPS declares none; write {SYNTAX}", spec.name
        )
    try:
        values = grid(name, values_text, isinstance(param.default, int))
        for v in values:
            check_domain(spec, name, v)
    except FigureError as exc:
        raise FigureError(exc.reason, spec.name) from None
    here = coerce(spec, name, overrides.get(name, param.default))
    if here not in values:  # the image without JavaScript is always one of the frames
        values = sorted([*values, here])
    frames = tuple(resolve(spec, {**overrides, name: v}, fmt) for v in values)
    readouts = tuple(dataclasses.replace(f, fmt=READOUT) for f in frames) if spec.has_readout else ()
    return Sweep(
        name,
        declared.get("label", name),
        declared.get("name", name),
        tuple(values),
        values.index(here),
        frames,
        readouts,
        bool(declared.get("play", False)),
    )


def render_frames(
    name: str, out: Path, sets: dict[str, Any], sweep_text: str, figures_dir: Path, cache_dir: Path, dpi=None
) -> list[tuple[Path, str, str]]:
    """``gradbook render NAME --sweep PARAM[=VALUES] -o OUT``: every frame of the sweep through the
    book's engine and store, written as OUT-00.svg, OUT-01.svg … in order of value, or, for an OUT
    ending in .gif, as one animated GIF of the PNG frames (Pillow, which matplotlib brings).
    Returns (path, value, readout) per frame."""
    from gradbook.engine.pool import FigureEngine

    param, sep, values = sweep_text.partition("=")
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in (*FORMATS, "gif"):
        raise FigureError(f"cannot write '{out.name}': a sweep's frames are .svg or .png, or one animated .gif")
    gif = fmt == "gif"
    engine = FigureEngine(figures_dir, cache_dir, workers=2)
    spec = engine.spec(name)
    sweep = parse(spec, f"{param}:{values}" if sep else sweep_text, sets, "png" if gif else fmt)
    frames = [dataclasses.replace(f, dpi=dpi) for f in sweep.frames]
    data = engine.ensure([*frames, *sweep.readouts])
    texts = [data[r].decode("utf-8") for r in sweep.readouts] or [""] * len(frames)
    shown = [value_text(v) for v in sweep.values]
    out.parent.mkdir(parents=True, exist_ok=True)
    if gif:
        import io

        from PIL import Image

        images = [Image.open(io.BytesIO(data[f])).convert("RGB").quantize(256) for f in frames]
        images[0].save(out, save_all=True, append_images=images[1:], duration=700, loop=0, optimize=True)
        return [(out, f"{shown[0]} … {shown[-1]}", f"{len(frames)} frames")]
    width = len(str(len(frames) - 1))
    paths = [out.with_name(f"{out.stem}-{k:0{width}d}{out.suffix}") for k in range(len(frames))]
    for path, frame in zip(paths, frames):
        path.write_bytes(data[frame])
    return list(zip(paths, shown, texts))
