"""In-browser measurements per page: Largest Contentful Paint and Cumulative Layout Shift.

Math is typeset at build time (SVG in the HTML), so nothing reflows when it appears; the
"CLS, figures blocked" column shows what the figures' reserved boxes leave to shift.

    .venv/bin/python bench/browser_bench.py            # builds the site first
    .venv/bin/python bench/browser_bench.py --site site --no-build

Read from Chromium's PerformanceObserver on a local server (no network latency), so LCP here
is a floor: it shows rendering cost, not a reader's connection. Reported, not asserted.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

from _site import CHROMIUM, LAUNCH_ARGS, ROOT, build, served

OBSERVE = """
window.__perf = {lcp: 0, cls: 0, shifts: []};
new PerformanceObserver(list => { for (const e of list.getEntries()) window.__perf.lcp = e.startTime; })
  .observe({type: 'largest-contentful-paint', buffered: true});
new PerformanceObserver(list => { for (const e of list.getEntries()) if (!e.hadRecentInput) {
  window.__perf.cls += e.value; window.__perf.shifts.push([e.startTime, e.value]); } })
  .observe({type: 'layout-shift', buffered: true});
"""


def measure(browser, url: str, viewport: dict, block_figures: bool) -> dict:
    ctx = browser.new_context(viewport=viewport)
    ctx.add_init_script(OBSERVE)
    if block_figures:  # figures never arrive: any shift left comes from elsewhere
        ctx.route("**/figures/**", lambda route: route.abort())
    page = ctx.new_page()
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)
    perf = page.evaluate("() => window.__perf")
    ctx.close()
    return perf


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--site", type=Path, default=ROOT / "bench" / "out" / "site")
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    if not args.no_build:
        build(args.site)
    pages = [""] + sorted(
        p.parent.relative_to(args.site).as_posix() + "/" for p in (args.site / "chapters").glob("*/index.html")
    )

    from playwright.sync_api import sync_playwright

    print(f"{'page':30} {'viewport':8} {'LCP ms':>7} {'CLS':>7} {'CLS, figures blocked':>21}")
    with served(args.site) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        for path in pages:
            for name, vp in (("desktop", {"width": 1280, "height": 900}), ("phone", {"width": 390, "height": 844})):
                loaded = [measure(browser, base + path, vp, False) for _ in range(args.repeat)]
                without = [measure(browser, base + path, vp, True) for _ in range(args.repeat)]
                lcp = statistics.median(r["lcp"] for r in loaded)
                cls = statistics.median(r["cls"] for r in loaded)
                cls0 = statistics.median(r["cls"] for r in without)
                print(f"{'/' + path:30} {name:8} {lcp:7.0f} {cls:7.3f} {cls0:21.3f}")
        browser.close()
    print("\nCLS above 0.1 is 'needs improvement' (web.dev).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
