"""Build benchmark: cold, warm, floor (no figures), explorable frames, one-script edit, serve edit-to-page,
CLI rendering, page weight.

Cold and warm builds include the practice notebooks: the one store (figures, math, notebook
execution) lives in a temporary folder, so "cold" really starts empty.

Serve edit-to-page: a real ``mkdocs serve`` (plain, and the author's quick mode ``--dirty`` with
GRADBOOK_QUICK=1, as ``dev.py serve --quick``) on the same warm store; a chapter gets a new line, or
a figure script a new comment (a plain figure's and an explorable's, whose frames are all drawn
again; shown in the page's source fold: the page links the script's
highlighted source under a new name, which then holds the comment), and the served page is polled
until it shows it; the file is restored and the page polled back before the next edit.

Run from the repository root: ``.venv/bin/python bench/build_bench.py [--repeat 3]``
(``--sweeps-only``: just the two cold builds, with and without the explorable figures' frames;
``--weights SITE``: just explore.js and each explorable's weights, read from a site built already).
Everything is measured in one run, side by side, because these machines are noisy.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

from _site import ENV, ROOT, mkdocs_build
from host import describe

RENDERED = re.compile(r"gradbook: rendered (\d+) figure\(s\), (\d+) from cache: (.*)")
PDF = re.compile(r"gradbook/pdf: \S+ (\{.*\})")


def build(site: Path, cache: Path, render: bool = True, sweeps: bool = True, pdf: bool = True) -> dict:
    env = dict(ENV, GRADBOOK_CACHE=str(cache), GRADBOOK_RENDER_FIGURES="true" if render else "false")
    env["GRADBOOK_SWEEPS"] = "true" if sweeps else "false"  # false: explorable figures without frames
    if not pdf:  # the floor has no figures to print; cold without the PDF shows what the PDF adds
        env.update(GRADBOOK_PDF="0", CI="")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = mkdocs_build(ROOT / "mkdocs.yml", site, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode:
        sys.exit(f"build failed:\n{result.stdout}\n{result.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    m = RENDERED.search(result.stdout + result.stderr)
    rendered = m.group(3).split(", ") if m else []
    frames = sum(label.split(" ")[0].endswith(".readout") for label in rendered)  # every frame has one readout
    printed = PDF.search(result.stdout + result.stderr)
    pdf_stats = json.loads(printed[1]) if printed else {}
    return {"wall": wall, "cpu": cpu, "rendered": rendered, "frames": frames, "pdf": pdf_stats}


SWEEP = re.compile(r'<span class="gb-explore" hidden[^>]*? data-gb-sweep="([^"]+)".*?</span></span></span>', re.S)


def sweep_weights(site: Path) -> list[tuple[str, int, int, int, int, int, int]]:
    """Per explorable figure: (figure, frames, gzipped bytes of the whole sweep in the page layout and
    in the phone layout, each in its heavier scheme (a reader loads one layout in one scheme), gzipped
    bytes the page carries for it before any interaction (the slider's data and label), and the
    frame files in the site, all layouts and schemes: their count and bytes)."""
    import html as html_lib
    import json

    out = []
    for page in sorted(site.glob("chapters/*/index.html")):
        text = page.read_text(encoding="utf-8")
        for m in SWEEP.finditer(text):
            d = json.loads(html_lib.unescape(m[1]))
            gz = lambda files: sum(len(gzip.compress((site / "figures" / f).read_bytes(), 9)) for f in files)  # noqa: E731
            files = {f for key in ("f", "fd", "fp", "fpd") for f in d.get(key, [])}
            on_disk = sum((site / "figures" / f).stat().st_size for f in files)
            page_sweep = max(gz(d["f"]), gz(d.get("fd", [])))
            phone_sweep = max(gz(d.get("fp", [])), gz(d.get("fpd", [])))
            name = d["f"][d["s"]].rsplit(".", 1)[0]
            out.append(
                (name, len(d["f"]), page_sweep, phone_sweep, len(gzip.compress(m[0].encode(), 9)), len(files), on_disk)
            )
    return out


class Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script" and a.get("src"):
            self.urls.append(a["src"])
        elif tag == "link" and a.get("rel") == "stylesheet":
            self.urls.append(a["href"])
        elif tag == "img" and a.get("src"):
            self.urls.append(a["src"])


def page_weights(site: Path) -> list[tuple[str, int]]:
    """Gzipped bytes of each page plus the scripts, styles and images it references."""
    out = []
    for html in sorted(site.rglob("*.html")):
        rel = html.relative_to(site).as_posix()
        if rel == "404.html":
            continue
        parser = Assets()
        text = html.read_text(encoding="utf-8")
        parser.feed(text)
        total = len(gzip.compress(text.encode(), 9))
        for url in dict.fromkeys(parser.urls):
            path = (html.parent / url.split("?")[0].split("#")[0]).resolve()
            if path.is_file():
                total += len(gzip.compress(path.read_bytes(), 9))
        out.append((rel, total))
    return sorted(out, key=lambda x: -x[1])


def touch_script(name: str) -> str:
    path = ROOT / "figures" / f"{name}.py"
    original = path.read_text(encoding="utf-8")
    path.write_text(original + f"\n# bench edit {time.time_ns()}\n", encoding="utf-8")
    return original


def pool_scaling(figure: str, variants: int, tmp: Path) -> list[tuple[int, float, float]]:
    """Cold-render `variants` parameter sets of one figure with 1 and 2 spawned workers."""
    from gradbook.engine.pool import FigureEngine

    rows = []
    for workers in (1, 2):
        engine = FigureEngine(ROOT / "figures", tmp / f"pool-{workers}", workers=workers)
        first = engine.spec(figure).params[0]
        requests = [engine.request(figure, {first.name: first.default + 0.01 * i}) for i in range(variants)]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        engine.ensure(requests)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        rows.append((workers, wall, cpu / wall))
    return rows


def cli_render_all(tmp: Path) -> list[tuple[str, float, int]]:
    """Every figure through the CLI, cold: one `gradbook export` against one `gradbook render` each."""
    from gradbook.engine.registry import figure_names

    names = figure_names(ROOT / "figures")
    gb = str(Path(sys.executable).parent / "gradbook")
    env = dict(os.environ)
    rows = []
    for workers in (1, 2):
        start = time.perf_counter()
        subprocess.run(
            [
                gb,
                "export",
                str(tmp / f"exp{workers}"),
                "--workers",
                str(workers),
                "--cache-dir",
                str(tmp / f"cli-cache-{workers}"),
            ],
            check=True,
            env=env,
            capture_output=True,
        )
        rows.append((f"one `gradbook export` process, {workers} worker(s)", time.perf_counter() - start, 1))
    start = time.perf_counter()
    for name in names:
        subprocess.run(
            [gb, "render", name, "-o", str(tmp / "each" / f"{name}.svg"), "--cache-dir", str(tmp / "cli-cache-each")],
            check=True,
            env=env,
            capture_output=True,
        )
    rows.append(("one `gradbook render` process per figure", time.perf_counter() - start, len(names)))
    return rows


CHAPTER, CHAPTER_URL = "docs/chapters/01-gradient.md", "chapters/01-gradient/"
TARGETS = {"warm": 3.0, "chapter": 2.0, "figure": 3.0}  # seconds, issue 17


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _page(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=120) as r:
            return r.read().decode("utf-8")
    except (urllib.error.URLError, OSError):
        return ""


def _wait_for(url: str, test, limit: float = 900.0) -> float:
    start = time.perf_counter()
    while not test(_page(url)):
        if time.perf_counter() - start > limit:
            sys.exit(f"gave up waiting for {url}")
        time.sleep(0.05)
    return time.perf_counter() - start


def _with_folds(url: str, figure: str | None):
    """The page's HTML, and with ``figure`` the source its fold links (fetched on opening)."""

    def read(html: str) -> str:
        if figure is None or not html:
            return html
        link = re.search(rf'data-gb-source="([^"]*/{re.escape(figure)}-[0-9a-f]+\.html)"', html)
        return html + (_page(urllib.parse.urljoin(url, link[1])) if link else "")

    return read


def _edit_to_page(path: Path, addition: str, url: str, marker: str, figure: str | None = None) -> float:
    """Seconds from appending ``addition`` to ``path`` until ``url`` serves ``marker``; then restored."""
    original, read = path.read_text(encoding="utf-8"), _with_folds(url, figure)
    try:
        path.write_text(original + addition, encoding="utf-8")
        return _wait_for(url, lambda html: marker in read(html))
    finally:
        path.write_text(original, encoding="utf-8")
        _wait_for(url, lambda html: bool(html) and marker not in read(html))


def serve_edits(cache: Path, figures: list[str], quick: bool, repeat: int) -> dict[str, float]:
    """Median edit-to-page seconds under ``mkdocs serve``, for a chapter line and a comment in each
    of ``figures`` (keyed by name)."""
    port = _free_port()
    env = dict(ENV, GRADBOOK_CACHE=str(cache), **({"GRADBOOK_QUICK": "1"} if quick else {}))
    cmd = [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}", *(["--dirty"] if quick else [])]
    serve = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/{CHAPTER_URL}"
    try:
        _wait_for(url, bool)
        times: dict[str, list[float]] = {"chapter": [], **{f: [] for f in figures}}
        for i in range(repeat):
            mark = f"bench-{time.time_ns()}-{i}"
            times["chapter"].append(_edit_to_page(ROOT / CHAPTER, f"\n{mark}\n", url, mark))
            for figure in figures:
                mark = f"bench-{time.time_ns()}-{i}"
                script = ROOT / "figures" / f"{figure}.py"
                times[figure].append(_edit_to_page(script, f"# {mark}\n", url, mark, figure))
        return {k: statistics.median(v) for k, v in times.items()}
    finally:
        serve.terminate()
        serve.wait(timeout=60)


def report_serve(serve: dict, repeat: int) -> None:
    figures = [k for k in serve[False] if k != "chapter"]
    print(f"\nserve, edit to served page ({CHAPTER_URL}; median of {repeat}):")
    print(f"  {'mode':44} {'chapter line':>12}" + "".join(f" {f + '.py':>22}" for f in figures))
    for quick, label in (
        (False, "mkdocs serve (a full rebuild per change)"),
        (True, "dev.py serve --quick (--dirty, quick)"),
    ):
        t = serve[quick]
        print(f"  {label:44} {t['chapter']:10.2f} s" + "".join(f" {t[f]:20.2f} s" for f in figures))
    print(f"  targets: chapter ≤ {TARGETS['chapter']:.0f} s, figure script ≤ {TARGETS['figure']:.0f} s")
    # An explorable's script draws every frame again (4 drawings and a readout each): its edit
    # costs about that many drawings more than a plain figure's.
    for f in figures:
        if _explorable(f):
            print(f"  {f} is an explorable: an edit to it redraws every frame of its slider")


def _explorable(name: str) -> bool:
    from gradbook.engine.registry import find_figure

    return bool(find_figure(name, ROOT / "figures").sweeps)


def _serve_figures(args) -> list[str]:
    """The figures edited under serve: one without a slider, and ``--figure`` (an explorable)."""
    return list(dict.fromkeys([args.plain_figure, args.figure]))


def serve_only(args) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        build(site, args.serve_only)  # fills the store with whatever the sources need now
        warm = [build(site, args.serve_only) for _ in range(args.repeat)]
        floor = [build(site, args.serve_only, render=False, pdf=False) for _ in range(args.repeat)]
    warm_s, floor_s = (statistics.median(r["wall"] for r in runs) for runs in (warm, floor))
    cpu = statistics.median(r["cpu"] for r in warm)
    print(f"warm build {warm_s:.2f} s (CPU {cpu:.2f} s; target ≤ {TARGETS['warm']:.0f} s); floor {floor_s:.2f} s")
    report_serve(
        {quick: serve_edits(args.serve_only, _serve_figures(args), quick, args.repeat) for quick in (False, True)},
        args.repeat,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each warm measurement (median)")
    parser.add_argument("--figure", default="derivative_arrow", help="figure script to touch (an explorable)")
    parser.add_argument(
        "--plain-figure", default="derivative_field_1d", help="a figure without a slider, also edited under serve"
    )
    parser.add_argument("--sweeps-only", action="store_true", help="only the cold builds with and without frames")
    parser.add_argument(
        "--weights",
        metavar="SITE",
        type=Path,
        help="only explore.js and the explorable figures' weights, read from a site built already",
    )
    parser.add_argument(
        "--serve-only",
        metavar="STORE",
        type=Path,
        help="only the warm build and the serve loop, on an existing store (e.g. .cache/gradbook)",
    )
    args = parser.parse_args()
    if args.weights:
        return report_weights(sweep_weights(args.weights))
    print(describe(), flush=True)  # times are this machine's
    if args.serve_only:
        return serve_only(args)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        cache, site = tmp / "cache", tmp / "site"
        plain = build(tmp / "site-plain", tmp / "cache-plain", sweeps=False)  # the book before explorable figures
        cold_no_pdf = build(site, tmp / "cache-no-pdf", pdf=False)
        cold = build(site, cache)
        sweeps = sweep_weights(site)
        report_sweeps(plain, cold, sweeps)
        if args.sweeps_only:
            return
        warm = [build(site, cache) for _ in range(args.repeat)]
        floor = [build(site, cache, render=False, pdf=False) for _ in range(args.repeat)]
        script = ROOT / "figures" / f"{args.figure}.py"
        original = touch_script(args.figure)
        try:
            edit = build(site, cache)
        finally:
            script.write_text(original, encoding="utf-8")
        restore = build(site, cache)  # puts the original figure back in the site
        serve = {quick: serve_edits(cache, _serve_figures(args), quick, args.repeat) for quick in (False, True)}
        weights = page_weights(site)
        pool = pool_scaling(args.figure, 8, tmp)
        cli = cli_render_all(tmp)

    med = lambda runs: statistics.median(r["wall"] for r in runs)  # noqa: E731
    floor_s, warm_s = med(floor), med(warm)
    rows = [
        (
            "cold build (figures + notebooks)",
            cold["wall"],
            f"{len(cold['rendered'])} figures rendered ({cold['frames']} explorable frames + readouts), "
            f"CPU {cold['cpu']:.1f} s = {cold['cpu'] / cold['wall']:.2f} cores busy",
        ),
        ("cold build without the PDF", cold_no_pdf["wall"], f"the PDF adds {cold['wall'] - cold_no_pdf['wall']:.1f} s"),
        (
            "warm build (both caches full)",
            warm_s,
            f"{sum(len(r['rendered']) for r in warm)} figures rendered, "
            f"PDF from the store: {all(r['pdf'].get('cached') for r in warm)}",
        ),
        ("floor (figure rendering skipped)", floor_s, ""),
        (f"after touching figures/{args.figure}.py", edit["wall"], f"re-rendered: {', '.join(edit['rendered'])}"),
        ("after restoring it", restore["wall"], f"re-rendered: {', '.join(restore['rendered']) or 'none'}"),
    ]
    print(f"{'measurement':40} {'seconds':>8} {'÷ floor':>8}  notes")
    for label, seconds, note in rows:
        print(f"{label:40} {seconds:8.2f} {seconds / floor_s:8.2f}  {note}")
    print(f"\nwarm ÷ floor = {warm_s / floor_s:.2f} (target ≤ 1.20); runs per median: {args.repeat}")
    print(f"warm build {warm_s:.2f} s (target ≤ {TARGETS['warm']:.0f} s); MkDocs' full-rebuild floor {floor_s:.2f} s")
    report_serve(serve, args.repeat)
    print(f"\ncold render of 8 parameter variants of {args.figure} (the build's pool, spawn):")
    for workers, wall, cores in pool:
        print(f"  {workers} worker(s): {wall:6.2f} s, {cores:.2f} cores busy, speed-up {pool[0][1] / wall:.2f}×")
    print(f"\nall figures through the CLI, cold cache ({cli[-1][2]} figures):")
    for label, seconds, _procs in cli:
        print(f"  {label:48} {seconds:6.2f} s  ({seconds / cli[0][1]:.2f}× the single process)")
    heaviest = weights[0]
    print(
        f"heaviest page: {heaviest[0]} = {heaviest[1] / 1024:.0f} KiB gzipped "
        "(HTML + referenced scripts, styles, figures; tests/test_reader_gate.py measures what a browser requests)"
    )
    for rel, size in weights[:5]:
        print(f"  {rel:40} {size / 1024:7.0f} KiB")


def report_sweeps(plain: dict, cold: dict, sweeps: list) -> None:
    print(
        f"cold build without explorable frames: {plain['wall']:7.1f} s (CPU {plain['cpu']:.0f} s), "
        f"{len(plain['rendered'])} renders\n"
        f"cold build with all sweeps:           {cold['wall']:7.1f} s (CPU {cold['cpu']:.0f} s), "
        f"{len(cold['rendered'])} renders ({cold['frames']} frames + their readouts) = "
        f"{cold['wall'] / plain['wall']:.2f}× wall, {cold['cpu'] / plain['cpu']:.2f}× CPU (target ≤ 2)"
    )
    report_weights(sweeps)


def report_weights(sweeps: list) -> None:
    js = len(gzip.compress((ROOT / "docs" / "javascripts" / "explore.js").read_bytes(), 9))
    print(f"explore.js {js} B gzipped (target ≤ 5000); per explorable (sweep target ≤ 800 KB, page ≤ 10 KB + script):")
    for name, frames, total, phone, page, files, size in sweeps:
        print(
            f"  {name:28} {frames:3d} frames  sweep {total / 1000:6.1f} kB gz (phone {phone / 1000:6.1f})"
            f"  in the page {page / 1000:4.1f} kB gz  {files:3d} files {size / 1000:6.0f} kB"
        )
    files, size = sum(s[5] for s in sweeps), sum(s[6] for s in sweeps)
    print(f"  all frames, every layout and scheme: {files} files, {size / 1e6:.2f} MB in the site")


if __name__ == "__main__":
    main()
