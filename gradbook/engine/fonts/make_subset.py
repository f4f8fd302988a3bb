"""Rebuild NotoSansSC-Subset.otf from the full Noto Sans CJK font (a maintainer's tool).

Nothing runs this at build or test time, and CI does not need the full font: the subset is
committed. Run it only to change the character set, on a machine with Debian's fonts-noto-cjk
(``apt-get install fonts-noto-cjk``; remove it again afterwards, see the test that proves the
figures do not depend on it):

    .venv/bin/python gradbook/engine/fonts/make_subset.py            # rewrite the carried subset
    .venv/bin/python gradbook/engine/fonts/make_subset.py --check    # rebuild and compare, write nothing

Source: NotoSansCJK-Regular.ttc from fonts-noto-cjk 1:20220127+repack1-1 (Debian bookworm),
face "Noto Sans CJK SC", "Version 2.004" (name ID 5). The same options and characters give the
same bytes every time. Characters are added in generations, and each generation's new glyphs go
after the earlier ones, so a glyph keeps its outline, metrics and glyph index when others are
added: SVG figures name glyphs by index, and a figure that uses no new glyph stays byte-identical.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont
from fontTools.ttLib.reorderGlyphs import reorderGlyphs

SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
FACE = "Noto Sans CJK SC"  # name ID 1 of the face to take from the collection
VERSION = "Version 2.004"  # name ID 5 must start with this: other versions move glyphs
OUT = Path(__file__).with_name("NotoSansSC-Subset.otf")

# Beyond GB 2312 and ASCII, in the first subset: superscripts, vulgar fractions, the em dash
# (the codec maps GB 2312's dash to U+2015), math operators and the final sigma.
FIRST_EXTRAS = "²³·¹¼½¾ς—⁴⇒⇔∂∇∉∋∓≅⊂⊃⊆⊇"
# The second generation, each with the reason. Add a new generation rather than editing this one.
SECOND = (
    "\u2212"  # MINUS SIGN: matplotlib's tick labels (axes.unicode_minus), e.g. 10^{−1} on log axes
    "\u2013"  # EN DASH: number ranges in labels (2–3)
)


def gb2312_chars() -> set[int]:
    """GB 2312's symbol rows 1-9 and level-1 hanzi rows 16-55, as Python's codec maps them."""
    chars = set()
    for row in [*range(1, 10), *range(16, 56)]:
        for cell in range(1, 95):
            try:
                chars.add(ord(bytes([0xA0 + row, 0xA0 + cell]).decode("gb2312")))
            except UnicodeDecodeError:  # unassigned code point
                pass
    return chars


def generations() -> list[set[int]]:
    """The character sets in the order they were added to the subset."""
    printable_ascii = set(range(0x20, 0x7F))
    first = gb2312_chars() | printable_ascii | {ord(c) for c in FIRST_EXTRAS}
    return [first, {ord(c) for c in SECOND}]


def face_index(source: Path) -> int:
    fonts = TTCollection(str(source)).fonts
    names = [f["name"].getDebugName(1) for f in fonts]
    if FACE not in names:
        sys.exit(f"{source} has no face named {FACE!r} (faces: {', '.join(names)})")
    version = fonts[names.index(FACE)]["name"].getDebugName(5)
    if not version.startswith(VERSION):
        sys.exit(f"{source}: {FACE} is {version!r}, expected {VERSION!r}; glyph outlines may differ")
    return names.index(FACE)


def subset_face(source: Path, chars: set[int]) -> TTFont:
    # recalcTimestamp=False keeps the source's head.modified, so the output is reproducible.
    font = TTFont(str(source), fontNumber=face_index(source), recalcTimestamp=False)
    options = subset.Options(
        layout_features=["*"],  # keep vertical forms, kerning, locl etc. for every kept glyph
        name_IDs=["*"],  # keep copyright, licence and version strings
        notdef_outline=True,
        glyph_names=True,
    )
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=chars)
    subsetter.subset(font)
    return font


def reorder(font: TTFont, order: list[str]) -> None:
    """Put the glyphs in ``order``. fontTools' reorderGlyphs leaves a CID-keyed CFF's FDSelect
    (which private dict, hence which subroutines, each glyph uses) in the old order, so the
    charstrings are first detached from their index, each remembering its FD."""
    font.ensureDecompiled()
    top = font["CFF "].cff.topDictIndex[0]
    charstrings = top.CharStrings
    detached = {}
    for gid, name in enumerate(font.getGlyphOrder()):
        cs = charstrings[name]  # decoded with the private dict its FDSelect entry names
        cs.fdSelectIndex = top.FDSelect[gid]
        detached[name] = cs
    charstrings.charStringsAreIndexed = 0
    charstrings.charStrings = detached
    del charstrings.charStringsIndex
    reorderGlyphs(font, order)
    top.FDSelect.gidArray = [detached[name].fdSelectIndex for name in order]


def build(source: Path) -> bytes:
    chars: set[int] = set()
    order: list[str] = []
    for generation in generations():
        chars |= generation
        font = subset_face(source, chars)
        known = set(order)
        order += [g for g in font.getGlyphOrder() if g not in known]
    assert sorted(order) == sorted(font.getGlyphOrder())
    if order != font.getGlyphOrder():
        reorder(font, order)
    buf = io.BytesIO()
    font.save(buf)
    return buf.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=SOURCE)
    parser.add_argument("--check", action="store_true", help="compare with the carried subset, write nothing")
    args = parser.parse_args()
    if not args.source.exists():
        sys.exit(f"{args.source} not found: apt-get install fonts-noto-cjk")
    data = build(args.source)
    n_chars = len(TTFont(io.BytesIO(data)).getBestCmap())
    print(f"{n_chars} characters, {len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()[:16]}")
    if args.check:
        same = OUT.exists() and OUT.read_bytes() == data
        print(f"{OUT.name}: {'identical' if same else 'DIFFERS'}")
        return 0 if same else 1
    OUT.write_bytes(data)
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
