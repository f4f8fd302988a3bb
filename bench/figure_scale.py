"""How large each figure shows against its natural size, per page, viewport and scheme.

    .venv/bin/python bench/figure_scale.py --site /tmp/x-site [pages...]

Scale is the image's drawn content width (padding excluded) over its natural width: 1.0 means
the figure's text shows at its designed size. Also lists which figure files each page fetched.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from _site import CHROMIUM, LAUNCH_ARGS, ROOT, served

sys.path.insert(0, str(ROOT))
from tests.site import figure_scales, site_pages  # noqa: E402

VIEWPORTS = {"desktop": (1280, 900), "phone": (390, 844)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pages", nargs="*")
    ap.add_argument("--site", type=Path, default=ROOT / "bench" / "out" / "site")
    ap.add_argument("--json", type=Path, default=ROOT / "bench" / "out" / "figure-scale.json")
    args = ap.parse_args(argv)
    pages = args.pages or site_pages(args.site)

    from playwright.sync_api import sync_playwright

    report = {}
    with served(args.site) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        for path in pages:
            for scheme in ("light", "dark"):
                for vp, (w, h) in VIEWPORTS.items():
                    ctx = browser.new_context(viewport={"width": w, "height": h}, color_scheme=scheme)
                    page = ctx.new_page()
                    fetched = []
                    page.on("request", lambda r, f=fetched: "/figures/" in r.url and f.append(r.url.rsplit("/", 1)[1]))
                    page.goto(base + path, wait_until="load")
                    scales = figure_scales(page)
                    ctx.close()
                    if not scales:
                        continue
                    worst = min(scales, key=lambda s: s["scale"])
                    report.setdefault(path or "/", {})[f"{vp}-{scheme}"] = {
                        "figures": len(scales),
                        "min_scale": round(worst["scale"], 3),
                        "worst": worst["src"].rsplit("/", 1)[1],
                        "fetched": len(fetched),
                        "dark_fetched": sum("dark" in u for u in fetched),
                    }
                    print(
                        f"{path or '/':40s} {vp:8s} {scheme:5s} n={len(scales):2d} min={worst['scale']:.2f} "
                        f"({worst['src'].rsplit('/', 1)[1]}) fetched={len(fetched)}",
                        flush=True,
                    )
        browser.close()
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
