"""The print fonts: faces of a full CJK font cut to the characters the book shows, as TrueType."""

from __future__ import annotations

import hashlib
import io
import multiprocessing
import os
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from gradbook.engine import store
from gradbook.engine.pdf.base import ALWAYS, EXTRA, FACES, FONT_DIRS, FONT_ENV, RADICALS, PdfError

_FONT_CODE = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


# --- fonts ----------------------------------------------------------------------------------


def font_dir() -> Path:
    """The folder holding Debian's NotoSansCJK-*.ttc; a clear error when there is none."""
    candidates = [os.environ[FONT_ENV]] if os.environ.get(FONT_ENV) else list(FONT_DIRS)
    for folder in candidates:
        if all((Path(folder) / f).is_file() for f in {face[2] for face in FACES}):
            return Path(folder)
    raise PdfError(
        "no CJK font to print the book with: NotoSansCJK-Regular.ttc and NotoSansCJK-Bold.ttc "
        f"(Debian's fonts-noto-cjk) are not in {' or '.join(candidates)}. Run `bash .ci/cjk-fonts` "
        f"(unpacks the package to /opt/gradbook-fonts), or set {FONT_ENV}; "
        "GRADBOOK_PDF=0 skips the PDF in a local build"
    )


def subset_font(source: Path, face: str | None, chars: set[int]) -> bytes:
    """``face`` of the collection ``source`` (or the font file itself) cut to ``chars``, radicals
    dropped, as TrueType."""
    from fontTools import subset
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTCollection, TTFont, newTable

    number = -1
    if face is not None:
        names = [f["name"].getDebugName(1) for f in TTCollection(str(source), lazy=True).fonts]
        if face not in names:
            raise PdfError(f"{source} has no face {face!r} (it has {', '.join(names)})")
        number = names.index(face)
    font = TTFont(str(source), fontNumber=number, lazy=True, recalcBBoxes=False, recalcTimestamp=False)
    keep = {c for c in chars if not any(c in r for r in RADICALS)}
    # Kerning only: the other features' closure is slow on a CJK font and the print needs none.
    options = subset.Options(layout_features=["kern"], name_IDs=["*"], notdef_outline=True, recalc_bounds=False)
    options.drop_tables += ["FFTM"]  # FontForge's timestamps: fontTools cannot subset them
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=keep)
    subsetter.subset(font)
    if "glyf" in font:
        buf = io.BytesIO()
        font.save(buf)
        return buf.getvalue()
    # CFF → quadratic TrueType outlines: Skia embeds TrueType as a CID font, CFF as Type 3.
    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = order, {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyf[name] = pen.glyph()
    font["loca"], font["glyf"] = newTable("loca"), glyf
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for attr in (
        "maxZones maxTwilightPoints maxStorage maxFunctionDefs maxInstructionDefs "
        "maxStackElements maxSizeOfInstructions maxComponentElements"
    ).split():
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    post = font["post"]
    post.formatType, post.extraNames, post.mapping = 3.0, [], {}
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"
    font.recalcBBoxes = True
    buf = io.BytesIO()
    font.save(buf)
    return buf.getvalue()


def _cut(source: Path, face: str | None, codes: list[int], font_store, stats, pool=None):
    """The face cut to ``codes``, from the store or made; with ``pool``, made there."""
    key = store.key("pdf-font", face=face, source=store.file_digest(source), chars=codes, code=_FONT_CODE)
    data = font_store.get("pdf-font", key, "ttf") if font_store else None
    if data is not None:
        return _Cut(data=data)
    stats.setdefault("fonts_made", []).append(f"{face or source.name}: {len(codes)} characters")
    args = (source, face, set(codes))
    return _Cut(job=pool.submit(subset_font, *args) if pool else None, args=args, font_store=font_store, key=key)


class _Cut:
    """A face from the store, or being cut (stored once it is)."""

    def __init__(self, data: bytes | None = None, job=None, args=(), font_store=None, key: str = ""):
        self.data, self.job, self.args, self.font_store, self.key = data, job, args, font_store, key

    def result(self) -> bytes:
        if self.data is None:
            try:
                self.data = self.job.result() if self.job else subset_font(*self.args)
            except BrokenProcessPool:  # no worker could start (e.g. a caller with no __main__ file)
                self.data = subset_font(*self.args)
            if self.font_store:
                self.font_store.put("pdf-font", self.key, "ttf", self.data)
        return self.data


def make_fonts(chars: dict[str, str], font_source: Path, font_store, fonts: dict, stats: dict) -> dict:
    """Cut each face to the characters it shows (``chars``: "family|weight" → text); fills
    ``fonts`` (file name → bytes) and returns (family, weight) → file name. The faces are cut
    side by side (each converts its outlines to TrueType, about 5 s for the body face)."""
    from concurrent.futures import ProcessPoolExecutor

    from fontTools.ttLib import TTFont

    from gradbook.engine.pool import exit_with_parent

    names: dict[tuple[str, int], str] = {}
    lacking: dict[int, set[int]] = {400: set(), 700: set()}
    ctx = multiprocessing.get_context("spawn")
    workers = max(1, min(len(FACES), os.cpu_count() or 1))
    with ProcessPoolExecutor(workers, mp_context=ctx, initializer=exit_with_parent, initargs=(os.getpid(),)) as pool:
        jobs = {}
        for family, weight, file, face in FACES:
            wanted = {ord(c) for c in chars.get(f"{family}|{weight}", "") if not c.isspace()}
            jobs[family, weight] = (
                wanted,
                _cut(font_source / file, face, sorted(wanted | ALWAYS), font_store, stats, pool),
            )
        for (family, weight), (wanted, job) in jobs.items():
            data = job.result()
            cmap = TTFont(io.BytesIO(data), lazy=True).getBestCmap()
            lacking[weight] |= {c for c in wanted if c not in cmap and not any(c in r for r in RADICALS)}
            names[(family, weight)] = f"{family.replace(' ', '-')}-{weight}-{hashlib.sha256(data).hexdigest()[:12]}.ttf"
            fonts[names[(family, weight)]] = data
    for weight, source in ((400, Path(EXTRA[1])), (700, Path(EXTRA[2]))):
        if not lacking[weight]:
            continue
        if not source.is_file():
            raise PdfError(
                f"{_chars(lacking[weight])} are not in Noto CJK, and {source} (fonts-dejavu-core) is missing"
            )
        data = _cut(source, None, sorted(lacking[weight]), font_store, stats).result()
        still = lacking[weight] - set(TTFont(io.BytesIO(data), lazy=True).getBestCmap())
        if still:
            raise PdfError(f"no print font has {_chars(still)}: the PDF would show boxes")
        names[(EXTRA[0], weight)] = f"GB-Print-Extra-{weight}-{hashlib.sha256(data).hexdigest()[:12]}.ttf"
        fonts[names[(EXTRA[0], weight)]] = data
    return names


def _chars(codes: set[int]) -> str:
    return ", ".join(f"{chr(c)} U+{c:04X}" for c in sorted(codes))


def _font_css(fonts: dict[tuple[str, int], str]) -> str:
    return "".join(
        f'@font-face {{ font-family: "{family}"; font-weight: {weight}; font-style: normal; '
        f'src: url("/__fonts__/{name}") format("truetype"); }}\n'
        for (family, weight), name in fonts.items()
    )
