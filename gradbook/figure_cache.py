"""Content-addressed figure cache and the parallel renderer that fills it.

The key covers everything that can change a figure's bytes: the script, the gradbook
modules it imports (found statically, transitively), the render code, the font, the
parameters, the format and the library versions. Entries carry a checksum header and
are written atomically, so a truncated or foreign file is detected and re-rendered, and
two builds sharing a cache never see half an entry.
"""

from __future__ import annotations

import ast
import hashlib
import json
import multiprocessing
import os
import sys
import tempfile
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from gradbook import style
from gradbook.figure_registry import FigureError, FigureSpec, find_figure

CACHE_FORMAT = b"GBFIG1"
PACKAGE_DIR = Path(__file__).resolve().parent
# The render path itself: a change here can change any figure.
RENDER_CODE = ("render.py", "style.py", "figure_registry.py", "figure_cache.py")


@dataclass(frozen=True)
class Request:
    name: str
    params: tuple[tuple[str, Any], ...]  # only the overrides, sorted
    fmt: str = "svg"

    @property
    def params_dict(self) -> dict[str, Any]:
        return dict(self.params)

    def label(self) -> str:
        extra = ", ".join(f"{k}={v!r}" for k, v in self.params)
        return f"{self.name}.{self.fmt}" + (f" ({extra})" if extra else "")


def make_request(name: str, params: dict[str, Any] | None = None, fmt: str = "svg") -> Request:
    return Request(name, tuple(sorted((params or {}).items())), fmt)


# --- dependencies ------------------------------------------------------------------------


def _imported_gradbook_modules(path: Path, package: str | None) -> set[str]:
    """Dotted names of gradbook modules that ``path`` imports (absolute or relative)."""
    tree = ast.parse(path.read_bytes(), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "gradbook")
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level and package:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            if base.split(".")[0] != "gradbook":
                continue
            found.add(base)
            found.update(f"{base}.{a.name}" for a in node.names)  # `from gradbook import x`
    return found


def _module_file(dotted: str) -> Path | None:
    parts = dotted.split(".")[1:]
    if not parts:
        return PACKAGE_DIR / "__init__.py"
    rel = Path(*parts)
    for candidate in (PACKAGE_DIR / rel.with_suffix(".py"), PACKAGE_DIR / rel / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def module_deps(script: Path) -> list[Path]:
    """All gradbook source files a figure script can execute, by static import closure."""
    seen: dict[str, Path] = {}
    todo = [(script, None)]
    while todo:
        path, package = todo.pop()
        for dotted in _imported_gradbook_modules(path, package):
            # Importing gradbook.a.b runs gradbook/__init__ and gradbook/a/__init__ too.
            parts = dotted.split(".")
            for i in range(1, len(parts) + 1):
                name = ".".join(parts[:i])
                file = _module_file(name)
                if file is None or name in seen:
                    continue
                seen[name] = file
                pkg = name if file.name == "__init__.py" else name.rpartition(".")[0]
                todo.append((file, pkg))
    return sorted(set(seen.values()))


# --- keys --------------------------------------------------------------------------------


@cache
def _environment_digest() -> str:
    h = hashlib.sha256()
    h.update(f"python {sys.version_info.major}.{sys.version_info.minor}\n".encode())
    for dist in ("numpy", "matplotlib"):
        h.update(f"{dist} {metadata.version(dist)}\n".encode())
    h.update(hashlib.sha256(style.FONT_PATH.read_bytes()).digest())
    return h.hexdigest()


def _file_digest(path: Path) -> str:
    stat = path.stat()
    return _file_digest_cached(path, stat.st_mtime_ns, stat.st_size)


@cache
def _file_digest_cached(path: Path, _mtime: int, _size: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def cache_key(spec: FigureSpec, request: Request) -> str:
    h = hashlib.sha256(CACHE_FORMAT)
    h.update(_environment_digest().encode())
    h.update(json.dumps([request.fmt, request.params], sort_keys=True, default=repr).encode())
    h.update(b"script " + _file_digest(spec.path).encode())
    code = [PACKAGE_DIR / name for name in RENDER_CODE] + module_deps(spec.path)
    for path in sorted(set(code)):
        h.update(f"{path.relative_to(PACKAGE_DIR)} {_file_digest(path)}\n".encode())
    return h.hexdigest()


# --- storage -----------------------------------------------------------------------------


class FigureCache:
    """Directory of ``<key>.<fmt>`` entries, each a checksummed header line and the payload."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def _path(self, key: str, fmt: str) -> Path:
        return self.root / key[:2] / f"{key}.{fmt}"

    def get(self, key: str, fmt: str) -> bytes | None:
        try:
            blob = self._path(key, fmt).read_bytes()
        except FileNotFoundError:
            return None
        header, sep, payload = blob.partition(b"\n")
        parts = header.split(b" ")
        if not sep or len(parts) != 3 or parts[0] != CACHE_FORMAT:
            return None
        if parts[2] != str(len(payload)).encode():
            return None
        if hashlib.sha256(payload).hexdigest().encode() != parts[1]:
            return None
        return payload

    def put(self, key: str, fmt: str, payload: bytes) -> None:
        path = self._path(key, fmt)
        path.parent.mkdir(parents=True, exist_ok=True)
        header = b"%s %s %d\n" % (CACHE_FORMAT, hashlib.sha256(payload).hexdigest().encode(), len(payload))
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{key[:8]}-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(header + payload)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)  # atomic: readers see the old entry or the whole new one
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


# --- the engine --------------------------------------------------------------------------


class RenderFailed(FigureError):
    def __init__(self, failures: list[tuple[Request, str]]):
        self.failures = failures
        lines = [f"figure {req.label()}: {msg}" for req, msg in failures]
        super().__init__("\n".join(lines))


@dataclass
class RenderStats:
    hits: int = 0
    rendered: list[str] = field(default_factory=list)


class FigureEngine:
    """Resolve requests to bytes: cache hits directly, misses in fresh spawned workers."""

    def __init__(self, figures_dir: Path, cache_dir: Path, workers: int = 2):
        self.figures_dir = Path(figures_dir)
        self.cache = FigureCache(cache_dir)
        self.workers = max(1, workers)
        self.stats = RenderStats()

    def spec(self, name: str) -> FigureSpec:
        return find_figure(name, self.figures_dir)

    def ensure(self, requests: Iterable[Request]) -> dict[Request, bytes]:
        """Bytes for every request; raises RenderFailed naming each figure that failed."""
        out: dict[Request, bytes] = {}
        missing: list[tuple[Request, str]] = []
        for req in dict.fromkeys(requests):
            key = cache_key(self.spec(req.name), req)
            data = self.cache.get(key, req.fmt)
            if data is None:
                missing.append((req, key))
            else:
                out[req] = data
                self.stats.hits += 1
        if missing:
            out.update(self._render_all(missing))
        return out

    def _render_all(self, missing: list[tuple[Request, str]]) -> dict[Request, bytes]:
        from gradbook.figure_registry import resolve_params
        from gradbook.render import render_job

        jobs = []
        for req, _ in missing:
            params = resolve_params(self.spec(req.name), req.params_dict)
            jobs.append((str(self.figures_dir), req.name, params, req.fmt))
        # Fresh spawned processes: an edited gradbook module is imported anew, which a
        # long-lived `mkdocs serve` process would never do.
        ctx = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(min(self.workers, len(jobs)), mp_context=ctx) as pool:
            results = list(pool.map(render_job, jobs))
        out, failures = {}, []
        for (req, key), (ok, value) in zip(missing, results):
            if ok:
                self.cache.put(key, req.fmt, value)
                out[req] = value
                self.stats.rendered.append(req.label())
            else:
                failures.append((req, value))
        if failures:
            raise RenderFailed(failures)
        return out
