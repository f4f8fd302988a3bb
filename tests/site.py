"""Build the book, serve it on 127.0.0.1, and the Chromium that reads it: written once, for the
tests (tests/conftest.py) and the benches (bench/_site.py). Standard library only."""

from __future__ import annotations

import functools
import http.server
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV = dict(os.environ, NO_MKDOCS_2_WARNING="1")
CHROMIUM = os.environ.get("GRADBOOK_CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def mkdocs_build(
    config: Path, site: Path, *extra: str, env: dict | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess:
    """``mkdocs build --strict`` of ``config`` into ``site``, with this interpreter; output captured."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(site), *extra],
        capture_output=True,
        text=True,
        env=env or ENV,
        cwd=cwd or ROOT,
        timeout=900,
    )


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextmanager
def served(site: Path) -> Iterator[str]:
    """The site on a local port; yields its base URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()


QUIET_S = 0.2  # the network counts as settled when no request has been in flight this long


def track_requests(page) -> None:
    """Keep the requests in flight on ``page`` (``load_fully`` then waits for them, not for a fixed
    500 ms of silence after each load: Playwright's networkidle cost the browser passes ~1 s a page)."""
    inflight: dict = {}
    page.on("request", lambda r: inflight.__setitem__(id(r), r.url))
    page.on("requestfinished", lambda r: inflight.pop(id(r), None))
    page.on("requestfailed", lambda r: inflight.pop(id(r), None))
    page.gb_inflight = inflight


def wait_quiet(page, timeout: float = 30.0) -> None:
    """No request in flight for QUIET_S (pages opened with ``track_requests``), else networkidle."""
    inflight = getattr(page, "gb_inflight", None)
    if inflight is None:
        page.wait_for_load_state("networkidle")
        return
    deadline, quiet_since = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        page.wait_for_timeout(40)  # Playwright delivers the request events while it waits
        if inflight:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since >= QUIET_S:
            return
    raise TimeoutError(f"requests still in flight after {timeout:.0f} s: {sorted(inflight.values())[:5]}")


def load_fully(page) -> None:
    """Lazy figures decoded and the network quiet: the page as a reader sees it after scrolling."""
    # Only images that are shown: a figure's variant for the other colour scheme is hidden and
    # must stay unfetched (eager loading would fetch it).
    page.evaluate("""async () => {
        const shown = [...document.images].filter(i => i.checkVisibility());
        for (const img of shown) img.loading = "eager";
        await Promise.all(shown.map(i => i.decode().catch(() => null)));
    }""")
    wait_quiet(page)


def figure_scales(page) -> list[dict]:
    """Each shown figure image, loaded: its file and the scale it is drawn at (content width, padding
    excluded, over its natural width; 1.0 is the designed size of its text)."""
    load_fully(page)
    return page.evaluate("""() => [...document.querySelectorAll('figure.gb-figure img')]
        .filter(i => i.checkVisibility() && i.naturalWidth > 0)
        .map(i => {
            const s = getComputedStyle(i);
            const inner = i.getBoundingClientRect().width - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight)
                - parseFloat(s.borderLeftWidth) - parseFloat(s.borderRightWidth);
            return {src: i.currentSrc, natural: i.naturalWidth, shown: inner, scale: inner / i.naturalWidth};
        })""")


def site_pages(site: Path) -> list[str]:
    """URL paths of every HTML page in the built site, except the 404 page and the figure sources
    (figures/source/: a fold's contents, fetched into a page, gradbook/mkdocs/source_fold.py)."""
    pages = []
    for html in sorted(site.rglob("*.html")):
        rel = html.relative_to(site).as_posix()
        if rel == "404.html" or rel.startswith(("assets/", "figures/source/")):
            continue
        pages.append(rel.removesuffix("index.html"))
    return pages
