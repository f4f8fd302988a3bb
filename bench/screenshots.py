"""Screenshots of built pages in Debian's Chromium, to look at before calling a page done.

    .venv/bin/python bench/screenshots.py                      # build, then every page
    .venv/bin/python bench/screenshots.py chapters/02-linear-model/ --figures
    .venv/bin/python bench/screenshots.py --site site --no-build

Writes bench/out/screenshots/<page>/<scheme>-<viewport>-<n>.png: the page cut into
viewport-high tiles (light and dark, 1280 px and 390 px). ``--figures`` also writes one image
per figure (figure-<id>-<scheme>.png at desktop width); ``--sliders`` each explorable figure at
its first, middle and last frame (slider-<id>-<scheme>-<viewport>-<frame>.png). The folder is not
committed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from _site import CHROMIUM, LAUNCH_ARGS, ROOT, build, load_fully, served, site_pages

OUT = ROOT / "bench" / "out" / "screenshots"
VIEWPORTS = {"desktop": (1280, 900), "phone": (390, 844)}
# The picture the reader sees shows the frame for the slider's value (in any of its drawings: the
# page chose the one for the screen and scheme, tests/page_checks.py checks which), loaded.
AT_FRAME = """f => { const b = f.querySelector('.gb-explore'), d = JSON.parse(b.dataset.gbSweep);
    const v = +b.querySelector('input').value;
    const img = [...f.querySelectorAll('img')].find(i => i.getClientRects().length);
    const want = Object.keys(d).filter(k => /^f[pd]*$/.test(k)).map(k => d[k][v]);
    return img.complete && img.naturalWidth > 0 && want.some(w => img.currentSrc.endsWith('/' + w)); }"""
MOVE = "(i, v) => { i.value = v; i.dispatchEvent(new Event('input')); }"


def _sliders(page, folder: Path, scheme: str, vp: str) -> int:
    """Each explorable figure at its first, middle and last frame."""
    written = 0
    for fig in page.query_selector_all("figure:has(.gb-explore)"):
        fid, slider = fig.get_attribute("id") or "figure", fig.query_selector(".gb-explore input")
        fig.scroll_into_view_if_needed()
        last = int(slider.get_attribute("max"))
        for v in sorted({0, last // 2, last}):
            slider.evaluate(MOVE, v)
            page.wait_for_function(AT_FRAME, arg=fig, timeout=10_000)
            fig.screenshot(path=folder / f"slider-{fid}-{scheme}-{vp}-{v:02d}.png")
            written += 1
    return written


# Scrolls to y and waits two frames: blocks that skip rendering off-screen (content-visibility in
# gradbook.css) are drawn as they near the viewport, as for a reader scrolling. Then waits (at most
# 1 s) for the transitions the scroll started to end: Material's header swaps the site name for the
# page title over 250 ms, and a tile taken mid-swap showed the two overlapping.
SCROLL = """y => new Promise(r => { scrollTo(0, y); requestAnimationFrame(() => requestAnimationFrame(() => {
    const finite = document.getAnimations().filter(a => isFinite(a.effect?.getComputedTiming().endTime));
    Promise.race([Promise.all(finite.map(a => a.finished.catch(() => null))),
                  new Promise(t => setTimeout(t, 1000))]).then(r);
})); })"""


def _tiles(page, stem: Path, h: int, most: int) -> int:
    """The page as a reader scrolls it: one viewport per tile, each starting where the one before
    ended below Material's sticky header (the page's length is known only once drawn)."""
    header = page.evaluate("() => document.querySelector('.md-header')?.offsetHeight || 0")
    n, y = 0, 0
    while n < most:
        page.evaluate(SCROLL, y)
        page.screenshot(path=f"{stem}-{n:02d}.png")
        n += 1
        at, total = page.evaluate("() => [scrollY, document.documentElement.scrollHeight]")
        if at + h >= total:
            break
        y = at + h - header
    return n


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pages", nargs="*", help="URL paths such as chapters/01-gradient/ (default: all)")
    ap.add_argument("--site", type=Path, default=ROOT / "bench" / "out" / "site")
    ap.add_argument("--no-build", action="store_true", help="use the site folder as it is")
    ap.add_argument("--figures", action="store_true", help="also one image per figure")
    ap.add_argument("--sliders", action="store_true", help="also each explorable figure at three frames")
    ap.add_argument("--max-tiles", type=int, default=12)
    ap.add_argument("--schemes", default="light,dark")
    ap.add_argument("--viewports", default="desktop,phone")
    args = ap.parse_args(argv)

    if not args.no_build:
        build(args.site)
    pages = args.pages or site_pages(args.site)

    from playwright.sync_api import sync_playwright

    written = 0
    with served(args.site) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        for path in pages:
            folder = OUT / (path.strip("/").replace("/", "__") or "home")
            folder.mkdir(parents=True, exist_ok=True)
            for scheme in args.schemes.split(","):
                for vp in args.viewports.split(","):
                    w, h = VIEWPORTS[vp]
                    ctx = browser.new_context(
                        viewport={"width": w, "height": h}, color_scheme=scheme, device_scale_factor=1
                    )
                    page = ctx.new_page()
                    page.goto(base + path, wait_until="load")
                    load_fully(page)
                    written += _tiles(page, folder / f"{scheme}-{vp}", h, args.max_tiles)
                    if args.figures and vp == "desktop":
                        for fig in page.query_selector_all("figure.gb-figure"):
                            fid = fig.get_attribute("id") or "figure"
                            fig.scroll_into_view_if_needed()
                            fig.screenshot(path=folder / f"{fid}-{scheme}.png")
                            written += 1
                    if args.sliders:
                        written += _sliders(page, folder, scheme, vp)
                    ctx.close()
        browser.close()
    print(f"wrote {written} screenshots under {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
