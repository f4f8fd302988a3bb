"""Chromium (Playwright) prints the print page, twice: the first print tells the pages."""

from __future__ import annotations

import io
import os
import re
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import unquote, urlsplit

from gradbook.engine import store
from gradbook.engine.pdf.base import HOST, PdfError
from gradbook.engine.pdf.fonts import _font_css, make_fonts

# --- printing -------------------------------------------------------------------------------

# Characters each face shows: every visible text node by its computed weight and family.
_CHARS_JS = """() => {
  const out = {"GB Print|400": "", "GB Print|700": "", "GB Print Mono|400": "", "GB Print Mono|700": ""};
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || !node.data.trim() || !el.checkVisibility()) continue;
    const style = getComputedStyle(el);
    const family = style.fontFamily.includes("GB Print Mono") ? "GB Print Mono" : "GB Print";
    out[family + "|" + (parseInt(style.fontWeight) >= 600 ? 700 : 400)] += node.data;
  }
  return out;
}"""

_LOADED_JS = """async () => {
  await Promise.all([...document.images].map(i => i.decode().catch(() => null)));
  await document.fonts.ready;
  const broken = [...document.images].filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src);
  const fonts = [...document.fonts].filter(f => f.status === "error").map(f => f.family + " " + f.weight);
  return {broken, fonts};
}"""

# MathJax's SVG nests a <g> per MathML node around <use>s of shared glyphs; printing that costs
# Chromium about twice what the same formulas cost as flat paths (chapter 2: 30k <g>, 21k <use>).
# Each formula becomes one <g> of paths, rects and texts placed by their composed transform: the
# same drawing (the pages do not move), and the glyph definitions are no longer needed.
_FLATTEN_MATH_JS = """() => {
  const NS = "http://www.w3.org/2000/svg";
  const round = (v) => +v.toFixed(3);
  let shapes = 0;
  for (const svg of document.querySelectorAll("mjx-container > svg")) {
    const top = svg.firstElementChild;
    if (!top || top.tagName !== "g") continue;
    const inverse = svg.getScreenCTM().inverse();
    const flat = document.createElementNS(NS, "g");
    for (const name of ["stroke", "fill", "stroke-width"]) {
      if (top.hasAttribute(name)) flat.setAttribute(name, top.getAttribute(name));
    }
    for (const el of svg.querySelectorAll("use, path, rect, line, text")) {
      let shape;
      if (el.tagName === "use") {
        const ref = document.getElementById((el.getAttribute("xlink:href") || el.getAttribute("href") || "").slice(1));
        if (!ref || el.hasAttribute("x") || el.hasAttribute("y")) return {error: "a <use> this cannot place"};
        shape = ref.cloneNode(true);
        shape.removeAttribute("id");
      } else {
        shape = el.cloneNode(true);
      }
      const m = inverse.multiply(el.getScreenCTM());
      shape.setAttribute("transform", `matrix(${[m.a, m.b, m.c, m.d, m.e, m.f].map(round).join(",")})`);
      flat.append(shape);
      shapes++;
    }
    svg.replaceChildren(flat);
  }
  document.querySelector("svg.gb-math-glyphs")?.remove();
  return {shapes};
}"""

_FILL_JS = """(pages) => {
  for (const el of document.querySelectorAll(".gb-pageref")) {
    el.textContent = pages[el.dataset.target] ?? "";
  }
}"""


def dest_pages(pdf: bytes) -> dict[str, int]:
    """Each named destination of a PDF (Chromium names them by the element id) → 1-based page."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    out = {}
    for name, dest in reader.named_destinations.items():
        page = reader.get_destination_page_number(dest)
        if page is not None and page >= 0:
            out[str(name).lstrip("/")] = page + 1
    return out


def print_book(
    page: str,
    site_dir: Path,
    chromium: str,
    font_source: Path,
    font_store: store.Store | None = None,
    stats: dict | None = None,
    guess: dict[str, int] | None = None,
) -> tuple[bytes, dict[str, int]]:
    """Print the assembled ``page`` (resources from ``site_dir``) to PDF bytes and each
    named destination's page: two prints, or one when ``guess`` (the last print's pages) holds."""
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise PdfError("the PDF needs Playwright (pip install playwright; it drives Debian's Chromium)") from None
    if not Path(chromium).is_file():
        raise PdfError(
            f"the PDF is printed by Chromium, and {chromium} does not exist: apt-get install chromium "
            "(or set GRADBOOK_CHROMIUM); GRADBOOK_PDF=0 skips the PDF in a local build"
        )
    stats = stats if stats is not None else {}
    fonts: dict[str, bytes] = {}
    site_dir = Path(site_dir).resolve()
    missing: list[str] = []

    def answer(route):
        path = unquote(urlsplit(route.request.url).path)
        if route.request.url.startswith(HOST):
            if path == "/__print__.html":
                return route.fulfill(body=page, content_type="text/html; charset=utf-8")
            if path.startswith("/__fonts__/"):
                name = path.rsplit("/", 1)[1]
                if name in fonts:
                    return route.fulfill(body=fonts[name], content_type="font/ttf")
                return route.fulfill(status=404, body="")
            file = (site_dir / path.lstrip("/")).resolve()
            if file.is_relative_to(site_dir) and file.is_file():
                return route.fulfill(path=str(file))
        missing.append(route.request.url)
        return route.fulfill(status=404, body="")

    t0, cpu0 = time.perf_counter(), _cpu()
    with sync_playwright() as pw:
        try:
            browser = pw.chromium.launch(
                executable_path=chromium, args=["--no-sandbox", "--disable-gpu", "--font-render-hinting=none"]
            )
        except PlaywrightError as exc:
            raise PdfError(f"Chromium ({chromium}) did not start: {str(exc).splitlines()[0]}") from None
        try:
            context = browser.new_context(color_scheme="light", viewport={"width": 794, "height": 1123})
            context.route("**/*", answer)
            tab = context.new_page()
            tab.set_default_timeout(120_000)
            tab.goto(HOST + "__print__.html", wait_until="load")
            stats["open_s"] = round(time.perf_counter() - t0, 1)
            chars = tab.evaluate(_CHARS_JS)  # flattening keeps the math's <text>: the same characters
            chars["GB Print|400"] += page_header_text(page)
            stats["chars_s"] = round(time.perf_counter() - t0 - stats["open_s"], 1)
            # The fonts are cut (in worker processes) while Chromium flattens the math.
            t1 = time.perf_counter()
            with ThreadPoolExecutor(1) as thread:
                cut = thread.submit(make_fonts, chars, font_source, font_store, fonts, stats)
                flat = tab.evaluate(_FLATTEN_MATH_JS)
                stats["flatten_s"] = round(time.perf_counter() - t1, 1)
                names = cut.result()
            if "error" in flat:
                raise PdfError(f"the print page's math: {flat['error']}")
            stats["fonts_s"] = round(time.perf_counter() - t1, 1)
            tab.add_style_tag(content=_font_css(names))
            state = tab.evaluate(_LOADED_JS)
            if state["fonts"]:
                raise PdfError(f"the print fonts did not load: {', '.join(state['fonts'])}")
            if state["broken"]:
                raise PdfError(f"images missing from the print: {', '.join(state['broken'][:10])}")
            if missing:
                raise PdfError(f"the print page asked for files the site lacks: {', '.join(sorted(set(missing))[:10])}")
            stats["load_s"] = round(time.perf_counter() - t0, 1)
            # The last print's pages, if any, fill the numbers in first: when nothing moved, one
            # print is enough. Without a guess, the first print only tells the pages (no
            # structure tree or outline, cheaper) and the second carries them.
            pages = dict(guess or {})
            pdf = b""
            if pages:
                tab.evaluate(_FILL_JS, {k: str(v) for k, v in pages.items()})
            for n in range(1, 4):
                t2, c2 = time.perf_counter(), _tree_cpu(os.getpid())
                final = bool(pages) or n > 1
                pdf = tab.pdf(prefer_css_page_size=True, print_background=True, outline=final, tagged=final)
                found = dest_pages(pdf)
                stats[f"pass{n}_s"] = round(time.perf_counter() - t2, 1)
                stats[f"pass{n}_cpu_s"] = round(_tree_cpu(os.getpid()) - c2, 1)  # Chromium's, less noisy
                if final and found == pages:
                    break
                pages = found
                tab.evaluate(_FILL_JS, {k: str(v) for k, v in pages.items()})
            else:
                raise PdfError("the page numbers in the contents did not settle after three prints")
            stats["passes"] = n
        except PlaywrightError as exc:
            raise PdfError(f"Chromium failed to print the book: {str(exc).splitlines()[0]}") from None
        finally:
            stats["chromium_cpu_s"] = round(_tree_cpu(os.getpid()), 1)
            browser.close()
    stats["print_s"] = round(time.perf_counter() - t0, 1)
    stats["print_cpu_s"] = round(_cpu() - cpu0, 1)  # this process (fonts, pypdf)
    return pdf, pages


def _tree_cpu(root: int) -> float:
    """CPU seconds of the processes under ``root`` (Playwright's driver, Chromium); Linux /proc."""
    try:
        stats = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                stats[int(entry.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
        tree, total, grew = {root}, 0, True
        while grew:
            grew = False
            for pid, (ppid, _) in stats.items():
                if ppid in tree and pid not in tree:
                    tree.add(pid)
                    grew = True
        total = sum(stats[pid][1] for pid in tree - {root} if pid in stats)
        return total / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError):
        return 0.0


def _cpu() -> float:
    import resource

    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def page_header_text(page: str) -> str:
    """The running headers' text (CSS strings in the print page's @page rules)."""
    return "".join(re.findall(r'content: "((?:[^"\\]|\\.)*)"', page))
