"""Lighter build-time math: MathJax's SVG for a formula, with fewer elements and bytes, drawn the same.

A chapter carries 400-500 formulas and one shared definition per glyph (gradbook.engine.tex
``share_glyphs``); its math was about half of its HTML. ``slim`` takes what MathJax writes for its
own scripts and redundant groups out of each formula; ``relative_path`` writes a glyph's outline
in relative commands (small numbers: a quarter fewer gzipped bytes for the same outline).
"""

from __future__ import annotations

import re

# What the page needs of MathJax's node annotations: its stylesheet and the tests read these kinds.
_KEPT_NODES = ("merror", "mtable", "maction")
_ANNOTATION = re.compile(r' data-(?:c="[0-9A-F]+"|mjx-texclass="\w+"|mml-node="(\w+)")')
# Attributes an SVG or MathML element inside HTML does not need: the HTML parser sets the
# namespaces itself; focusable="false" was for Internet Explorer.
_NEEDLESS = re.compile(
    r' xmlns="http://www\.w3\.org/(?:2000/svg|1998/Math/MathML)"| xmlns:xlink="http://www\.w3\.org/1999/xlink"'
    r'| focusable="false"'
)
_GROUP_TAG = re.compile(r"(<g>|<g [^>]*>|</g>)")
# A group that only places one glyph: the glyph placed instead (one element, not two).
_LONE_USE = re.compile(r'<g( transform="[^"]*")?><use ((?:(?!transform=)[^>])*)></use></g>')


def slim(svg: str) -> str:
    """A formula's markup with MathJax's annotations for its own scripts (``data-c``, the TeX
    class, the MathML node of each group but those its stylesheet reads) and needless namespace
    attributes dropped, groups left with no attribute unwrapped, and a group holding a single
    glyph replaced by the glyph."""
    svg = _NEEDLESS.sub("", _ANNOTATION.sub(lambda a: a[0] if a[1] in _KEPT_NODES else "", svg))
    out: list[str] = []
    bare: list[bool] = []  # per open group: has it no attribute left? (then it does nothing: unwrapped)
    for part in _GROUP_TAG.split(svg):
        if part == "</g>":
            if bare.pop():
                continue
        elif part == "<g>" or part.startswith("<g "):
            bare.append(part == "<g>")
            if bare[-1]:
                continue
        out.append(part)
    # A <use> keeps its place in a transform, never x/y: the PDF's flattener (pdf/chromium.py) reads transforms.
    return _LONE_USE.sub(lambda g: f"<use{g[1] or ''} {g[2]}></use>", "".join(out))


_PATH_TOKEN = re.compile(r"[MLHVQTCSZmlhvqtcsz]|-?\d*\.?\d+")
_ARGS = {"M": 2, "L": 2, "H": 1, "V": 1, "Q": 4, "T": 2, "C": 6, "S": 4}


def _number(v: float) -> str:
    v = round(v, 3)  # MathJax's outlines are whole units; this only cleans up float noise
    return str(int(v)) if v == int(v) else repr(v)


def relative_path(d: str) -> str:
    """An SVG path in absolute commands (MathJax's glyphs) as the same path in relative ones."""
    tokens = _PATH_TOKEN.findall(d)
    out: list[str] = []
    x = y = start_x = start_y = 0.0
    cmd, i = "", 0
    while i < len(tokens):
        if tokens[i].isalpha():
            cmd, i = tokens[i], i + 1
            if cmd in "Zz":
                out.append("z")
                x, y = start_x, start_y
                continue
        elif cmd == "M":  # a moveto's further pairs are linetos
            cmd = "L"
        if cmd not in _ARGS:  # already relative, or unknown: leave the path as it is
            return d
        values = [float(v) for v in tokens[i : i + _ARGS[cmd]]]
        i += _ARGS[cmd]
        if cmd == "H":
            rel, x = [values[0] - x], values[0]
        elif cmd == "V":
            rel, y = [values[0] - y], values[0]
        else:
            rel = [v - (x if k % 2 == 0 else y) for k, v in enumerate(values)]
            x, y = values[-2], values[-1]
            if cmd == "M":
                start_x, start_y = x, y
        text = cmd.lower()
        for v in map(_number, rel):
            text += v if text[-1].isalpha() or v.startswith("-") else " " + v
        out.append(text)
    return "".join(out)
