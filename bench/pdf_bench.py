"""PDF benchmark: what the PDF edition costs a cold build (empty store) and a warm one, from a site
that is built already, with the cold print broken into its steps.

Issue 21's budget: the PDF adds at most 60 s to a cold build on 2 cores, and nothing to a warm
one. The cold runs each start from an empty store, so they subset the fonts and print twice (the
first print tells each heading's page); "cold, last page map" is a store that has only the page
map of an earlier print (a CI cache, an author's machine), which needs one print.

Run from the repository root: ``.venv/bin/python bench/pdf_bench.py SITE [--repeat 2]``, where
SITE is a built site (``mkdocs build -d SITE``; the PDF step needs only its pages).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _site import CHROMIUM, ROOT

from gradbook.engine import pdf


def parts() -> tuple[list[pdf.Part], dict]:
    """The PDF plugin's parts for the nav of mkdocs.yml, and the book's metadata."""
    from mkdocs.config import load_config
    from mkdocs.structure.files import get_files
    from mkdocs.structure.nav import get_navigation

    config = load_config(str(ROOT / "mkdocs.yml"))
    plugin = config.plugins["gradbook/pdf"]
    plugin.nav = get_navigation(get_files(config), config)
    meta = dict(title=config.site_name, subtitle=config.site_description or "", site_url=config.site_url or "")
    return plugin.parts(), meta


def run(site: Path, store: Path) -> dict:
    """One PDF build in a child process. Its CPU: the child and what it reaped (the font workers,
    Playwright's driver) once it has exited, plus Chromium's processes, which its zygote forks out
    of that accounting (read from /proc while they ran); the driver, about a second, counts twice."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    out = subprocess.run(
        [sys.executable, __file__, str(site), "--one", str(store)], check=True, capture_output=True, text=True
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    stats = json.loads(out.stdout.strip().splitlines()[-1])
    stats["wall"] = time.perf_counter() - t0
    stats["cpu"] = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime + stats.get("chromium_cpu_s", 0)
    return stats


def one(site: Path, store: Path) -> None:
    book, meta = parts()
    stats = pdf.build(
        book, site, store / "out.pdf", cache=store, chromium=CHROMIUM, when=pdf.edition_time(ROOT), **meta
    )
    print(json.dumps(stats))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="a built site")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each measurement (median)")
    parser.add_argument("--one", metavar="STORE", type=Path, help=argparse.SUPPRESS)  # run() in a child
    args = parser.parse_args()
    if args.one:
        return one(args.site, args.one)
    rows = {"cold (empty store)": [], "cold, last page map": [], "warm (PDF in the store)": []}
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(args.repeat):
            store = Path(tmp) / f"store{n}"
            rows["cold (empty store)"].append(run(args.site, store))
            rows["warm (PDF in the store)"].append(run(args.site, store))
            shutil.rmtree(store / "pdf")
            shutil.rmtree(store / "pdf-font")
            rows["cold, last page map"].append(run(args.site, store))
    print(f"{'measurement':28} {'wall s':>7} {'CPU s':>7} {'prints':>6}  steps (s, wall)")
    for label, runs in rows.items():
        wall = statistics.median(r["wall"] for r in runs)
        cpu = statistics.median(r["cpu"] for r in runs)
        last = runs[-1]
        steps = {
            k: last[k]
            for k in (
                "open_s",
                "flatten_s",
                "chars_s",
                "fonts_s",
                "load_s",
                "pass1_s",
                "pass1_cpu_s",
                "pass2_s",
                "pass2_cpu_s",
                "pass3_s",
            )
            if k in last
        }
        print(f"{label:28} {wall:7.1f} {cpu:7.1f} {last.get('passes', 0):>6}  {json.dumps(steps)}")
    print(f"\nbudget: cold ≤ 60 s on 2 cores, warm ≈ 0; {args.repeat} run(s) per median, {os.cpu_count()} cores")
    print(f"PDF: {last.get('bytes', 0) / 2**20:.1f} MB")


if __name__ == "__main__":
    main()
