"""A reader's machine, for the tests of what the book tells readers to run: a virtualenv with
only the notebook tools and gradbook's dependencies (no gradbook), and the built site reachable
at the address its ``site_url`` names.

The venv is made once per lock (``.cache/reader-venv-<hash>``) and shared by runs; whoever uses it
holds its lock and leaves it without gradbook. The site is reached through a small HTTP proxy
that answers for ``site_url``'s host from the built folder (pip honours ``PIP_PROXY``), so the
notebooks' install line runs exactly as a reader's would, without binding the site's own port.
"""

from __future__ import annotations

import hashlib
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
import venv
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

from filelock import FileLock

from tests.site import ROOT

LOCK = ROOT / "requirements" / "lock.txt"
# What a reader installs besides gradbook to run a notebook: the kernel, a runner, and gradbook's
# dependencies (so installing the wheel needs no package index).
READER_PACKAGES = ("nbclient", "ipykernel", "numpy", "matplotlib")


def _pins() -> list[str]:
    return [ln.strip() for ln in LOCK.read_text(encoding="utf-8").splitlines() if ln.strip() and ln[0] != "#"]


def _venv_dir() -> Path:
    key = hashlib.sha256("\n".join([sys.version, *READER_PACKAGES, *_pins()]).encode()).hexdigest()[:12]
    return ROOT / ".cache" / f"reader-venv-{key}"


def python(venv_dir: Path) -> Path:
    return venv_dir / "bin" / "python"


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    """A reader's environment: no PYTHONPATH, no Jupyter or gradbook settings of ours, their own HOME."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "LANG": "C.UTF-8"}
    env.update(PIP_DISABLE_PIP_VERSION_CHECK="1", PYTHONNOUSERSITE="1")
    env.update(extra)
    return env


@contextmanager
def reader_venv() -> Iterator[Path]:
    """The shared reader venv, created if missing, held for the caller, without gradbook."""
    path = _venv_dir()
    path.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(path) + ".lock"):
        if not (path / ".ready").exists():
            shutil.rmtree(path, ignore_errors=True)
            venv.EnvBuilder(with_pip=True).create(path)
            pins = [p for p in _pins() if re.split(r"[=<>\[ ]", p)[0].lower() in READER_PACKAGES]
            subprocess.run(
                [python(path), "-m", "pip", "install", "-q", "-c", LOCK, *pins, "setuptools>=77"],
                check=True,
                env=clean_env(path),
                timeout=900,
            )
            (path / ".ready").write_text("ok\n")
        uninstall_gradbook(path)
        try:
            yield path
        finally:
            uninstall_gradbook(path)


def uninstall_gradbook(venv_dir: Path) -> None:
    subprocess.run(
        [python(venv_dir), "-m", "pip", "uninstall", "-y", "-q", "gradbook"],
        capture_output=True,
        env=clean_env(venv_dir),
        cwd=venv_dir,
        timeout=300,
    )
    probe = subprocess.run(  # from the venv's folder: no gradbook/ of a checkout beside it
        [python(venv_dir), "-c", "import importlib.util as u; print(u.find_spec('gradbook'))"],
        capture_output=True,
        text=True,
        env=clean_env(venv_dir),
        cwd=venv_dir,
    )
    assert probe.stdout.strip() == "None", f"the reader venv still has gradbook: {probe.stdout}{probe.stderr}"


def over_http(url: str) -> str:
    """``url`` with http for https: the proxy cannot answer inside TLS, so a site published over
    https (CI's GitHub Pages address) is fetched over http from the same host and path."""
    return "http://" + url.removeprefix("https://") if url.startswith("https://") else url


@contextmanager
def site_at_its_address(site: Path, site_url: str) -> Iterator[tuple[dict[str, str], list[str]]]:
    """Serve ``site`` as if at ``site_url``: yields (environment for pip, URLs asked for).

    Only ``site_url``'s host is answered; anything else gets 403 and is recorded too, so a test
    sees every request a command made."""
    base = urlsplit(site_url)
    asked: list[str] = []

    class Proxy(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            asked.append(self.path)
            url = urlsplit(self.path)
            rel = unquote(url.path)[len(base.path.rstrip("/")) :].lstrip("/")
            file = (site / rel).resolve()
            if url.netloc != base.netloc or not file.is_file() or site.resolve() not in file.parents:
                self.send_error(403 if url.netloc != base.netloc else 404)
                return
            data = file.read_bytes()
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    proxy = f"http://127.0.0.1:{server.server_address[1]}"
    # No index: every dependency is in the reader venv already; only the site is reachable.
    env = {"PIP_PROXY": proxy, "http_proxy": proxy, "PIP_NO_INDEX": "1", "NO_PROXY": "", "no_proxy": ""}
    try:
        yield env, asked
    finally:
        server.shutdown()
