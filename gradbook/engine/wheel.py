"""The wheel of this checkout, as the book's site serves it to readers (``pip install URL``).

Built with ``pip wheel`` from a clean copy of the package's sources (so nothing left in build/
or an egg-info folder can slip in), with a fixed SOURCE_DATE_EPOCH (so two builds of the same
sources give the same bytes), and kept in the store under the sources' content: a build whose
sources have not changed copies the wheel from the store instead of building it.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path

from gradbook.engine import store

KIND = "wheel"
# 1980-01-01, the earliest time a zip entry can carry: the wheel's bytes do not depend on the day.
SOURCE_DATE_EPOCH = "315532800"
_PACKAGE_SUFFIXES = {".py", ".otf", ".txt"}


def version(root: Path) -> str:
    """gradbook's version as the sources at ``root`` declare it (``gradbook/__init__.py``)."""
    text = (Path(root) / "gradbook" / "__init__.py").read_text(encoding="utf-8")
    m = re.search(r'^__version__ = "([^"]+)"', text, re.M)
    if not m:
        raise RuntimeError(f"{root}/gradbook/__init__.py declares no __version__")
    return m[1]


def filename(root: Path) -> str:
    """The wheel's file name: ``gradbook-<version>-py3-none-any.whl``."""
    return f"gradbook-{version(root)}-py3-none-any.whl"


def url(site_url: str, root: Path) -> str:
    """Where a site at ``site_url`` serves the wheel: ``<site_url>dist/<filename>``."""
    return f"{site_url.rstrip('/')}/dist/{filename(root)}"


def source_files(root: Path) -> list[tuple[str, Path]]:
    """``(path relative to root, file)`` for everything the wheel is built from, sorted."""
    root = Path(root)
    found = [(name, root / name) for name in ("pyproject.toml", "README.md")]
    package = root / "gradbook"
    for path in package.rglob("*"):
        rel = path.relative_to(package)
        # gradbook/figures is a symlink to figures/ in some worktrees: the scripts come from figures/.
        if rel.parts[0] == "figures" or "__pycache__" in rel.parts or ".egg-info" in str(rel):
            continue
        if path.is_file() and path.suffix in _PACKAGE_SUFFIXES:
            found.append((f"gradbook/{rel.as_posix()}", path))
    found += [(f"figures/{p.name}", p) for p in (root / "figures").glob("*.py")]
    return sorted(found)


def key(root: Path) -> str:
    """The store key: the sources' bytes, this builder, the Python and setuptools that build."""
    files = {rel: hashlib.sha256(path.read_bytes()).hexdigest() for rel, path in source_files(root)}
    return store.key(
        KIND,
        files=files,
        builder=hashlib.sha256(Path(__file__).read_bytes()).hexdigest(),
        python=f"{sys.version_info.major}.{sys.version_info.minor}",
        setuptools=metadata.version("setuptools"),
    )


def build(root: Path, cache: store.Store) -> tuple[str, bytes, bool]:
    """``(file name, wheel bytes, built)``: from the store when the sources are unchanged
    (``built`` False), else built now and stored. Raises RuntimeError with pip's output on failure."""
    root = Path(root)
    name, entry = filename(root), key(root)
    if (data := cache.get(KIND, entry, "whl")) is not None:
        return name, data, False
    with tempfile.TemporaryDirectory(prefix="gradbook-wheel-") as tmp:
        src, out = Path(tmp) / "src", Path(tmp) / "out"
        for rel, path in source_files(root):
            (src / rel).parent.mkdir(parents=True, exist_ok=True)
            (src / rel).write_bytes(path.read_bytes())
        proc = subprocess.run(
            # No build isolation: the setuptools of this environment (pinned in the lock), offline.
            [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(out), str(src)],
            capture_output=True,
            text=True,
            env=dict(os.environ, SOURCE_DATE_EPOCH=SOURCE_DATE_EPOCH, PIP_DISABLE_PIP_VERSION_CHECK="1"),
            timeout=600,
        )
        built = out / name
        if proc.returncode != 0 or not built.is_file():
            raise RuntimeError(f"pip wheel failed (exit {proc.returncode}):\n{(proc.stdout + proc.stderr)[-3000:]}")
        data = built.read_bytes()
    cache.put(KIND, entry, "whl", data)
    return name, data, True
