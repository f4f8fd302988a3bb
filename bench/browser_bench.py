"""In-browser measurements per page: Largest Contentful Paint and Cumulative Layout Shift.

Math is typeset at build time (SVG in the HTML), so nothing reflows when it appears; the
"CLS, figures blocked" column shows what the figures' reserved boxes leave to shift.

    .venv/bin/python bench/browser_bench.py            # builds the site first
    .venv/bin/python bench/browser_bench.py --site site --no-build

Read from Chromium's PerformanceObserver on a local server (no network latency), so LCP here
is a floor: it shows rendering cost, not a reader's connection. The "slow 4G" columns (phone
width) read the same on a connection like DevTools' Slow 4G preset: the site served gzipped as
GitHub Pages serves it, through Chromium's network emulation (CDP Network.emulateNetworkConditions:
1.6 Mbps down, 750 kbps up, 150 ms per request; no CPU slowdown). Targets there: LCP <= 2.5 s,
CLS <= 0.02. Reported, not asserted.

    .venv/bin/python bench/browser_bench.py --no-build --slow-only   # only the slow 4G columns
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

from _site import CHROMIUM, LAUNCH_ARGS, ROOT, build, served, served_gzip
from host import describe

OBSERVE = """
window.__perf = {lcp: 0, cls: 0, shifts: []};
new PerformanceObserver(list => { for (const e of list.getEntries()) window.__perf.lcp = e.startTime; })
  .observe({type: 'largest-contentful-paint', buffered: true});
new PerformanceObserver(list => { for (const e of list.getEntries()) if (!e.hadRecentInput) {
  window.__perf.cls += e.value; window.__perf.shifts.push([e.startTime, e.value]); } })
  .observe({type: 'layout-shift', buffered: true});
"""


# DevTools' "Slow 4G" (formerly "Fast 3G"), in bytes per second and milliseconds.
SLOW_4G = {"offline": False, "latency": 150, "downloadThroughput": 1.6e6 / 8, "uploadThroughput": 750e3 / 8}
PHONE = {"width": 390, "height": 844}


def measure(browser, url: str, viewport: dict, block_figures: bool, network: dict | None = None) -> dict:
    ctx = browser.new_context(viewport=viewport)
    ctx.add_init_script(OBSERVE)
    if block_figures:  # figures never arrive: any shift left comes from elsewhere
        ctx.route("**/figures/**", lambda route: route.abort())
    page = ctx.new_page()
    if network:
        cdp = ctx.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", network)
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
    ap.add_argument("--slow-only", action="store_true", help="only the slow 4G columns, chapters at phone width")
    args = ap.parse_args(argv)
    print(describe(), flush=True)  # times are this machine's
    if not args.no_build:
        build(args.site)
    pages = [""] + sorted(
        p.parent.relative_to(args.site).as_posix() + "/" for p in (args.site / "chapters").glob("*/index.html")
    )

    from playwright.sync_api import sync_playwright

    viewports = (("desktop", {"width": 1280, "height": 900}), ("phone", PHONE))
    slow_head = f" {'slow 4G LCP ms':>14} {'slow 4G CLS':>11}"
    if args.slow_only:
        pages, viewports = [p for p in pages if p.startswith("chapters/")], (("phone", PHONE),)
        print(f"{'page':30} {'viewport':8}{slow_head}")
    else:
        print(f"{'page':30} {'viewport':8} {'LCP ms':>7} {'CLS':>7} {'CLS, figures blocked':>21}{slow_head}")
    worst = [0.0, 0.0]
    with served(args.site) as base, served_gzip(args.site) as gz, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        for path in pages:
            for name, vp in viewports:
                row = f"{'/' + path:30} {name:8}"
                if not args.slow_only:
                    loaded = [measure(browser, base + path, vp, False) for _ in range(args.repeat)]
                    without = [measure(browser, base + path, vp, True) for _ in range(args.repeat)]
                    lcp = statistics.median(r["lcp"] for r in loaded)
                    cls = statistics.median(r["cls"] for r in loaded)
                    cls0 = statistics.median(r["cls"] for r in without)
                    row += f" {lcp:7.0f} {cls:7.3f} {cls0:21.3f}"
                if name == "phone" and path.startswith("chapters/"):
                    slow = [measure(browser, gz + path, vp, False, SLOW_4G) for _ in range(args.repeat)]
                    lcp, cls = statistics.median(r["lcp"] for r in slow), statistics.median(r["cls"] for r in slow)
                    worst = [max(worst[0], lcp), max(worst[1], cls)]
                    row += f" {lcp:14.0f} {cls:11.3f}"
                print(row, flush=True)
        browser.close()
    print(
        f"\nSlow 4G, chapters at phone width: worst LCP {worst[0]:.0f} ms (target 2500), worst CLS {worst[1]:.3f}"
        " (target 0.02). CLS above 0.1 is 'needs improvement' (web.dev)."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
