"""What the browser benches share: the tests' own helpers (tests/site.py), a quiet build, and the
site served gzipped as GitHub Pages serves it."""

from __future__ import annotations

import functools
import gzip
import http.server
import io
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # bench scripts run as files
from tests.site import CHROMIUM, ENV, LAUNCH_ARGS, ROOT, load_fully, mkdocs_build, served, site_pages  # noqa: E402

__all__ = [
    "CHROMIUM",
    "ENV",
    "LAUNCH_ARGS",
    "ROOT",
    "build",
    "load_fully",
    "mkdocs_build",
    "served",
    "served_gzip",
    "site_pages",
]

# What GitHub Pages compresses: text, styles, scripts, SVG, JSON (images and fonts go as they are).
GZIP_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml", "application/xml")


def build(site: Path) -> None:
    result = mkdocs_build(ROOT / "mkdocs.yml", site, "-q")
    if result.returncode:
        raise subprocess.CalledProcessError(result.returncode, result.args, result.stdout, result.stderr)


class _Gzip(http.server.SimpleHTTPRequestHandler):
    """Static files, gzipped when the client accepts it and the type is text-like; with the cache
    header GitHub Pages sends (10 minutes)."""

    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".js": "application/javascript"}
    _cache: dict = {}

    def log_message(self, *args):
        pass

    def end_headers(self):
        self.send_header("Cache-Control", "max-age=600")
        super().end_headers()

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?")[0].endswith("/"):
                return super().send_head()  # the redirect to the folder
            path = path / "index.html"
        ctype = self.guess_type(str(path))
        if (
            not path.is_file()
            or "gzip" not in self.headers.get("Accept-Encoding", "")
            or not ctype.startswith(GZIP_TYPES)
        ):
            return super().send_head()
        key = (path, path.stat().st_mtime_ns)
        if key not in self._cache:
            self._cache[key] = gzip.compress(path.read_bytes(), 6, mtime=0)
        body = self._cache[key]
        self.send_response(200)
        self.send_header("Content-Type", ctype + ("; charset=utf-8" if ctype.startswith("text/") else ""))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a browser dropping a request it no longer needs
            super().handle_error(request, client_address)


@contextmanager
def served_gzip(site: Path) -> Iterator[str]:
    """The site on a local port, gzipped as GitHub Pages sends it; yields its base URL."""
    server = _Server(("127.0.0.1", 0), functools.partial(_Gzip, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
