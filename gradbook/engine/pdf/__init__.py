"""The book as one PDF, printed by Chromium from the built site (issue 21).

The pure work, without MkDocs: the adapter ``gradbook/pdf`` (gradbook/mkdocs/pdf.py) hands over
the built site and the nav's pages in order.

- ``assemble``: one print page from the built pages' articles: a cover, a table of contents,
  every part on a new page with its ids prefixed (so links between chapters become links inside
  the PDF), exercise answers gathered at the chapter's end, other folds opened, figure-source
  folds dropped, a text alternative on every formula (from its MathML), notebooks as a pointer.
  Print-only layout lives here and in print.css, not in the chapters.
- ``print_book``: Chromium (Playwright) prints it on A4, twice (once when the last print's
  pages, kept in the store, still hold): the first print tells each
  heading's page (pypdf reads the named destinations), the second carries the page numbers.
- Fonts: the machine has no CJK font, so the print subsets a full OFL font (Debian's
  fonts-noto-cjk, never installed as a system font: see .ci/cjk-fonts) to the characters the
  print page shows, with fontTools, as TrueType (Chromium embeds CFF fonts as Type 3), without
  the radical code points (⾼ U+2F7C shares 高's glyph, and a PDF's text map would pick it).
- ``build``: all of it, cached in the store by the pages' content.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import subprocess
import time
from pathlib import Path

from gradbook.engine import store
from gradbook.engine.pdf.base import FACES, PRINT_CSS, Part, PdfError
from gradbook.engine.pdf.chromium import print_book
from gradbook.engine.pdf.fonts import font_dir
from gradbook.engine.pdf.page import article, assemble, stylesheets

__all__ = ["Part", "PdfError", "build", "check", "describe", "edition_time", "stamp"]
# The print's code: a change to any module of the PDF or its stylesheet prints again.
_CODE = hashlib.sha256(b"".join(p.read_bytes() for p in sorted(Path(__file__).parent.glob("*.[pc][ys]*")))).hexdigest()[
    :16
]


# --- checks ---------------------------------------------------------------------------------


def check(pdf: bytes, parts: list[Part], max_mb: float = 40) -> dict:
    """What the PDF must hold before it ships: every font embedded, every part in the outline."""
    from pypdf import PdfReader

    if len(pdf) > max_mb * 2**20:
        raise PdfError(f"the PDF is {len(pdf) / 2**20:.1f} MB, over the {max_mb} MB budget")
    reader = PdfReader(io.BytesIO(pdf))
    fonts, unembedded = set(), set()
    for page in reader.pages:
        resources = page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            name = str(font.get("/BaseFont", font.get("/Subtype")))
            fonts.add(name)
            if font.get("/Subtype") == "/Type3":
                unembedded.add(f"{name} (Type 3)")
                continue
            desc = font.get("/FontDescriptor")
            if desc is None and "/DescendantFonts" in font:
                desc = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            desc = desc.get_object() if desc is not None else {}
            if not any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                unembedded.add(name)
    if unembedded:
        raise PdfError(f"fonts not embedded (as TrueType/CID) in the PDF: {', '.join(sorted(unembedded))}")

    titles: list[str] = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(re.sub(r"\s+", " ", item.title).strip())

    walk(reader.outline)
    lacking = [p.title for p in parts if p.kind == "page" and not any(_same(p.title, t) for t in titles)]
    if lacking:
        raise PdfError(f"parts missing from the PDF's outline: {', '.join(lacking)}")
    return {"pages": len(reader.pages), "outline": len(titles), "fonts": sorted(fonts), "bytes": len(pdf)}


def _same(title: str, heading: str) -> bool:
    a, b = re.sub(r"\s+", "", title), re.sub(r"\s+", "", heading)
    return a == b or a in b


# --- the whole job --------------------------------------------------------------------------


def build(
    parts: list[Part],
    site_dir: Path,
    out: Path,
    *,
    title: str,
    subtitle: str,
    site_url: str,
    cache: Path,
    chromium: str,
    when: int | None = None,
) -> dict:
    """Make ``out`` from the built site; from the store when no printed page changed. ``when``
    (seconds since 1970) dates the edition: the cover and the PDF's own dates, so that two builds
    of one commit give the same bytes. The print is stored by the cover's day, not the second:
    a later commit that day re-dates the stored print (``stamp``) instead of printing it again
    (~25 s of Chromium each commit, in every site built after it)."""
    when = int(time.time()) if when is None else when
    date = time.strftime("%Y 年 %-m 月 %-d 日", time.gmtime(when))
    site_dir = Path(site_dir)
    t0 = time.perf_counter()
    pages: dict[str, str] = {}
    for part in parts:
        if part.kind == "page":
            file = site_dir / part.url / "index.html" if not part.url.endswith(".html") else site_dir / part.url
            if not file.is_file():
                raise PdfError(f"{part.title}: the built page {file} is missing")
            pages[part.url] = file.read_text(encoding="utf-8")
    head = stylesheets(pages)
    css = {
        href: hashlib.sha256((site_dir / href.lstrip("/")).read_bytes()).hexdigest()
        for href in re.findall(r'href="([^"]+)"', head)
        if (site_dir / href.lstrip("/")).is_file()
    }
    font_source = font_dir()
    key = store.key(
        "pdf",
        parts=[[p.title, p.url, p.kind, p.items, p.section] for p in parts],
        articles={url: hashlib.sha256(article(h, url).encode()).hexdigest() for url, h in pages.items()},
        css=css,
        print_css=store.file_digest(PRINT_CSS),
        code=_CODE,
        fonts=[store.file_digest(font_source / f) for f in sorted({face[2] for face in FACES})],
        meta=[title, subtitle, site_url, date],
        chromium=_chromium_version(chromium),
    )
    cached = store.Store(cache)
    stats: dict = {"key": key[:12]}
    pdf = cached.get("pdf", key, "pdf")
    if pdf is None:
        page = assemble(parts, pages, title=title, subtitle=subtitle, site_url=site_url, date=date, head=head)
        # The pages of the last print of the same parts: usually right, and then one print is enough.
        layout = store.key("pdf-pages", parts=[[p.title, p.url, p.kind] for p in parts])
        last = cached.get("pdf-pages", layout, "json")
        guess = {str(k): int(v) for k, v in json.loads(last).items()} if last else None
        pdf, dests = print_book(page, site_dir, chromium, font_source, cached, stats, guess)
        cached.put("pdf-pages", layout, "json", json.dumps(dests, sort_keys=True).encode())
        if os.environ.get("GRADBOOK_PDF_DEBUG"):
            Path(os.environ["GRADBOOK_PDF_DEBUG"]).write_bytes(pdf)
        stats.update(check(pdf, parts))
        cached.put("pdf", key, "pdf", pdf)
        stats["cached"] = False
    else:
        stats["cached"] = True
        stats["bytes"] = len(pdf)
    pdf = stamp(pdf, when)  # the store holds the day's print; each edition gets its own dates here
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_bytes(pdf)
    os.replace(tmp, out)
    stats["total_s"] = round(time.perf_counter() - t0, 1)
    return stats


_PDF_DATE = re.compile(rb"/(?:CreationDate|ModDate) \(D:(\d{14})")
_NODE_ID = re.compile(rb"\(node(\d+)\)")


def stamp(pdf: bytes, when: int) -> bytes:
    """The PDF with what varies between two prints of the same page made fixed, each replacement
    the same length so no offset in the file moves:

    - Chromium's print time (CreationDate, ModDate) becomes ``when``;
    - the tagged PDF names table-header cells by Blink's DOM node ids (``(node00000493)``), which
      depend on how many nodes the tab made before; they become their rank, which keeps the
      IDTree's sort order."""
    digits = time.strftime("%Y%m%d%H%M%S", time.gmtime(when)).encode()
    out = _PDF_DATE.sub(lambda m: m[0][: m.start(1) - m.start(0)] + digits, pdf)
    ids = sorted({m for m in _NODE_ID.findall(out)}, key=lambda d: (len(d), d))
    rank = {d: str(n).zfill(len(d)).encode() for n, d in enumerate(ids, 1)}
    if any(len(v) != len(k) for k, v in rank.items()):  # more ids than the width holds: leave them
        rank = {d: d for d in ids}
    out = _NODE_ID.sub(lambda m: b"(node" + rank[m[1]] + b")", out)
    assert len(out) == len(pdf)
    return out


def edition_time(root: Path) -> int:
    """When this edition was made: SOURCE_DATE_EPOCH if set (reproducible-builds.org), else the
    time of the checkout's last commit, else now."""
    if os.environ.get("SOURCE_DATE_EPOCH", "").isdigit():
        return int(os.environ["SOURCE_DATE_EPOCH"])
    try:
        out = subprocess.run(
            ["git", "-C", str(root), "log", "-1", "--format=%ct"], capture_output=True, text=True, timeout=10
        )
        return int(out.stdout.strip())
    except (OSError, ValueError, subprocess.SubprocessError):
        return int(time.time())


def _chromium_version(chromium: str) -> str:
    """Which Chromium, by its files' size and time (Debian's /usr/bin/chromium is a wrapper)."""
    out = []
    for path in (Path(chromium).resolve(), Path("/usr/lib/chromium/chromium")):
        if path.is_file():
            st = path.stat()
            out.append(f"{path}:{st.st_size}:{st.st_mtime_ns}")
    return ";".join(out) or "missing"


def describe(stats: dict) -> str:
    return json.dumps(stats, ensure_ascii=False)
