"""What the browser benches share: build the site, serve it on 127.0.0.1, drive Debian's Chromium."""

from __future__ import annotations

import functools
import http.server
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("GRADBOOK_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]


def build(site: Path) -> None:
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site)],
                   cwd=ROOT, env=dict(os.environ, NO_MKDOCS_2_WARNING="1"), check=True)


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


def load_fully(page) -> None:
    """Lazy figures decoded and the network quiet: the page as a reader sees it after scrolling."""
    page.evaluate("""async () => {
        for (const img of document.images) img.loading = "eager";
        await Promise.all([...document.images].map(i => i.decode().catch(() => null)));
    }""")
    page.wait_for_load_state("networkidle")
