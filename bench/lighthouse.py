"""Lighthouse 12 (mobile preset: simulated Slow 4G, 4x CPU) on every page of the built book, served
gzipped as GitHub Pages serves it, in Debian's Chromium. Not part of the test suite.

    .venv/bin/python bench/lighthouse.py --site site --no-build
    .venv/bin/python bench/lighthouse.py --site site --no-build chapters/02-linear-model/ --runs 3
    .venv/bin/python bench/lighthouse.py --site before --site after --no-build   # side by side
    .venv/bin/python bench/lighthouse.py --site site --no-build --cpu 4 --cpu auto --runs 3   # both throttlings

Prints per page the four category scores, TBT, LCP, CLS, DOM size and the audits that fail worst;
writes every report's summary to bench/out/lighthouse.json.

CPU throttling (--cpu): Lighthouse's mobile preset slows the host's CPU 4x, which turns a high-end
desktop (Lighthouse's benchmarkIndex 1500-2000) into a mid-tier phone. On a slower host the same 4x
emulates a slower phone than that, and Lighthouse says so in the report ("the tested device appears
to have a slower CPU than Lighthouse expects") when the index is 1000 or less. ``--cpu auto`` measures
the host's benchmarkIndex first (the median of three runs of the first page) and slows it by
Lighthouse's calibration for a mid-tier phone (docs/throttling.md, "Calibrating the CPU slowdown";
``calibrated_multiplier``). Each row says which throttling it had; --cpu twice prints both side by side.

Lighthouse comes from npm at first use, into bench/out/lighthouse (or $GRADBOOK_LIGHTHOUSE_DIR);
nothing of it is committed. Targets (issue 17): Performance >= 95, the other three 100, TBT <= 200 ms,
LCP <= 2.5 s.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import subprocess
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

from _site import CHROMIUM, ROOT, build, served_gzip, site_pages
from host import describe

LH_DIR = Path(os.environ.get("GRADBOOK_LIGHTHOUSE_DIR", ROOT / "bench" / "out" / "lighthouse"))
LH_CLI = LH_DIR / "node_modules" / "lighthouse" / "cli" / "index.js"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
METRICS = {"TBT": "total-blocking-time", "LCP": "largest-contentful-paint", "CLS": "cumulative-layout-shift"}


def install() -> None:
    if LH_CLI.is_file():
        return
    LH_DIR.mkdir(parents=True, exist_ok=True)
    if not (LH_DIR / "package.json").exists():
        (LH_DIR / "package.json").write_text('{"private": true}\n', encoding="utf-8")
    print(f"installing Lighthouse 12 into {LH_DIR} ...", file=sys.stderr)
    subprocess.run(["npm", "install", "--no-audit", "--no-fund", "lighthouse@12"], cwd=LH_DIR, check=True)


def calibrated_multiplier(benchmark_index: float) -> float:
    """The CPU slowdown that makes a host of this benchmarkIndex a mid-tier phone: Lighthouse's own
    calibration (its CPU throttling calculator): 4x at 1533, 3x at 1300, 2x at 800, 1x at 150."""
    if benchmark_index >= 1300:
        return 3 + (benchmark_index - 1300) / 233
    if benchmark_index >= 800:
        return 2 + (benchmark_index - 800) / 500
    return max(1.0, 1 + (benchmark_index - 150) / 650)


def run(url: str, keep: Path | None = None, cpu: float | None = None) -> dict:
    """One Lighthouse run of ``url`` (CPU slowed ``cpu`` times; None: the preset's 4x): its JSON
    report (lhr), also written to ``keep`` if given."""
    with tempfile.TemporaryDirectory() as tmp:
        out = keep or Path(tmp) / "report.json"
        subprocess.run(
            [
                "node",
                str(LH_CLI),
                url,
                "--quiet",
                "--output=json",
                f"--output-path={out}",
                f"--only-categories={','.join(CATEGORIES)}",
                "--chrome-flags=--headless=new --no-sandbox",
                *([f"--throttling.cpuSlowdownMultiplier={cpu:.2f}"] if cpu else []),
            ],
            env=dict(os.environ, CHROME_PATH=CHROMIUM),
            check=True,
            timeout=600,
        )
        return json.loads(out.read_text(encoding="utf-8"))


def summary(lhr: dict, top: int = 6) -> dict:
    """Scores (0-100), metrics, DOM size, and the failing audits worst first."""
    audits = lhr["audits"]
    failing = sorted(
        (
            (a["score"], a["id"], a.get("displayValue", ""))
            for a in audits.values()
            if a.get("score") is not None
            and a.get("scoreDisplayMode") in ("binary", "numeric", "metricSavings")
            and a["score"] < 0.9
        ),
        key=lambda t: t[0],
    )
    return {
        **{c: round(100 * (lhr["categories"][c]["score"] or 0)) for c in CATEGORIES},
        **{k: audits[v]["numericValue"] for k, v in METRICS.items()},
        "DOM": int(audits["dom-size"]["numericValue"]),
        "benchmarkIndex": lhr["environment"]["benchmarkIndex"],
        "cpu": lhr["configSettings"]["throttling"]["cpuSlowdownMultiplier"],
        "failing": [f"{i} {d}".strip() for _, i, d in failing[:top]],
    }


def throttlings(asked: list[str], probe_url: str) -> list[tuple[str, float | None]]:
    """(name, multiplier) per --cpu value; "auto" is calibrated on ``probe_url`` (median of 3 runs)."""
    out: list[tuple[str, float | None]] = []
    for name in asked:
        if name == "auto":
            indices = sorted(run(probe_url)["environment"]["benchmarkIndex"] for _ in range(3))
            cpu = calibrated_multiplier(indices[1])
            print(f"this host's benchmarkIndex: {indices} -> a mid-tier phone is {cpu:.2f}x slower", flush=True)
            out.append((name, round(cpu, 2)))
        else:
            out.append((name, None if float(name) == 4 else float(name)))  # None: the preset itself
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pages", nargs="*", help="URL paths such as chapters/01-gradient/ (default: all)")
    ap.add_argument(
        "--site", type=Path, action="append", help="a built site; twice or more: side by side, page by page"
    )
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--runs", type=int, default=1, help="runs per page; the median run (by Performance) is shown")
    ap.add_argument("--json", type=Path, default=ROOT / "bench" / "out" / "lighthouse.json")
    ap.add_argument("--reports", type=Path, help="keep each full report here (open in the Lighthouse viewer)")
    ap.add_argument(
        "--cpu",
        action="append",
        help="CPU slowdown: 4 (Lighthouse's mobile preset, the default), a number, or auto (calibrated to "
        "this host's benchmarkIndex); twice: both side by side",
    )
    args = ap.parse_args(argv)
    sites = args.site or [ROOT / "bench" / "out" / "site"]
    print(describe(), flush=True)  # scores are this machine's (and its benchmarkIndex, in each report)
    install()
    if not args.no_build:
        build(sites[0])
    pages = args.pages or site_pages(sites[0])
    results: dict = {}
    label = f" {'site':10}" if len(sites) > 1 else ""
    head = f"{'CPU':>5} {'Perf':>4} {'A11y':>4} {'BP':>4} {'SEO':>4} {'TBT ms':>6} {'LCP ms':>6} {'CLS':>5} {'DOM':>6}"
    with ExitStack() as stack:
        bases = [stack.enter_context(served_gzip(site)) for site in sites]
        cpus = throttlings(args.cpu or ["4"], bases[0] + pages[0])
        print(f"{'page':34}{label} {head}")
        for path in pages:
            for (site, base), (cpu_name, cpu) in itertools.product(zip(sites, bases), cpus):
                keep: list[Path | None] = [None] * args.runs
                if args.reports:
                    folder = args.reports / site.name if len(sites) > 1 else args.reports
                    folder = folder / f"cpu-{cpu_name}" if len(cpus) > 1 else folder
                    folder.mkdir(parents=True, exist_ok=True)
                    name = path.strip("/").replace("/", "__") or "home"
                    keep = [folder / f"{name}-{i}.json" for i in range(args.runs)]
                runs = sorted((summary(run(base + path, k, cpu)) for k in keep), key=lambda r: r["performance"])
                r = runs[len(runs) // 2]
                if args.runs > 1:
                    r["performance runs"] = [x["performance"] for x in runs]
                    r["TBT runs"] = sorted(round(x["TBT"]) for x in runs)
                    r["benchmarkIndex runs"] = sorted(round(x["benchmarkIndex"]) for x in runs)
                results.setdefault(str(site), {}).setdefault(f"cpu {cpu_name}", {})["/" + path] = r
                shown = f" {site.name[:10]:10}" if len(sites) > 1 else ""
                print(
                    f"{'/' + path:34}{shown} {r['cpu']:4.1f}x {r['performance']:4} {r['accessibility']:4}"
                    f" {r['best-practices']:4} {r['seo']:4} {r['TBT']:6.0f} {r['LCP']:6.0f} {r['CLS']:5.3f}"
                    f" {r['DOM']:6}",
                    flush=True,
                )
                for f in r["failing"]:
                    print(f"{'':36}- {f}", flush=True)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
