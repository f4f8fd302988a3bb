"""What a figure's bytes depend on, found rather than listed: its script, the gradbook modules it
imports (statically, transitively), the render code (the same closure, from the renderer), the
carried font, the library versions, and the request. All of it goes into the figure's store key.

Each file's imports are read with ``ast`` once per content: remembered in this process and, given
a store, kept there too (kind ``imports``), so a build parses only the files edited since the last.
"""

from __future__ import annotations

import ast
import hashlib
import json
import sys
from functools import cache
from importlib import metadata
from pathlib import Path

from gradbook.engine import store, style
from gradbook.engine.registry import FigureSpec
from gradbook.engine.request import Request

PACKAGE_DIR = Path(__file__).resolve().parent.parent  # gradbook/
# Where a request becomes bytes (the pool, which runs render_job): it and every gradbook module
# it imports, the renderer included, can change any figure.
RENDERER = "engine/pool.py"


def _imported_gradbook_modules(path: Path, package: str | None, cache: store.Store | None = None) -> list[str]:
    """Dotted names of gradbook modules that ``path`` imports (absolute or relative), by content."""
    return _imports(path, package, store.file_digest(path), cache)


@cache
def _imports(path: Path, package: str | None, digest: str, cache: store.Store | None) -> list[str]:
    key = store.key("imports", source=digest, package=package, parser=2)
    if cache is not None and (hit := cache.get("imports", key, "json")) is not None:
        return json.loads(hit)
    found = sorted(_parse_imports(path, package))
    if cache is not None:
        cache.put("imports", key, "json", json.dumps(found).encode())
    return found


def _parse_imports(path: Path, package: str | None) -> set[str]:
    tree = ast.parse(path.read_bytes(), filename=str(path))
    # A script's `if __name__ == "__main__":` block (its command line) never runs in a render:
    # its imports (the CLI, and through it the sweeps) would tie every figure to them.
    tree.body = [node for node in tree.body if not _is_main_block(node)]
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


def _is_main_block(node: ast.stmt) -> bool:
    test = node.test if isinstance(node, ast.If) else None
    return (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and test.left.id == "__name__"
        and len(test.comparators) == 1
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value == "__main__"
    )


def forget_files() -> None:
    """Look for module files afresh (a build calls this once: files may have come or gone since)."""
    _module_file.cache_clear()


@cache
def _module_file(dotted: str) -> Path | None:
    parts = dotted.split(".")[1:]
    if not parts:
        return PACKAGE_DIR / "__init__.py"
    rel = Path(*parts)
    for candidate in (PACKAGE_DIR / rel.with_suffix(".py"), PACKAGE_DIR / rel / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def module_deps(script: Path, cache: store.Store | None = None) -> list[Path]:
    """All gradbook source files a script can execute, by static import closure (``cache``: a store
    that keeps each file's imports)."""
    seen: dict[str, Path] = {}
    todo: list[tuple[Path, str | None]] = [(script, None)]
    while todo:
        path, package = todo.pop()
        for dotted in _imported_gradbook_modules(path, package, cache):
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


def render_code(cache: store.Store | None = None) -> list[Path]:
    """The render code: the pool and every gradbook module it imports (computed, not listed)."""
    renderer = PACKAGE_DIR / RENDERER
    return sorted({renderer, *module_deps(renderer, cache)})


@cache
def environment_digest() -> str:
    h = hashlib.sha256()
    h.update(f"python {sys.version_info.major}.{sys.version_info.minor}\n".encode())
    for dist in ("numpy", "matplotlib"):
        h.update(f"{dist} {metadata.version(dist)}\n".encode())
    h.update(hashlib.sha256(style.FONT_PATH.read_bytes()).digest())
    return h.hexdigest()


def code_digests(paths) -> dict[str, str]:
    """``{path relative to gradbook/: sha256}`` for gradbook source files."""
    return {p.relative_to(PACKAGE_DIR).as_posix(): store.file_digest(p) for p in sorted(set(paths))}


def script_code(spec: FigureSpec, cache: store.Store | None, renderer: list[Path]) -> dict[str, str]:
    """The digests of the code a script's figures run: the renderer and the script's imports."""
    return code_digests(renderer + module_deps(spec.path, cache))


def figure_key(
    spec: FigureSpec,
    request: Request,
    cache: store.Store | None = None,
    renderer: list[Path] | None = None,
    code: dict[str, str] | None = None,
) -> str:
    """The store key of ``request``; ``renderer``: ``render_code()``, if already found for this build;
    ``code``: ``script_code()``, likewise (a build asks for hundreds of keys, from 34 scripts)."""
    if code is None:
        if renderer is None:  # a key on its own: look at the files as they are now
            forget_files()
            renderer = render_code(cache)
        code = script_code(spec, cache, renderer)
    return store.key(
        "figures",
        environment=environment_digest(),
        code=code,
        script=store.file_digest(spec.path),
        name=request.name,
        request=request.digest,
        fmt=request.fmt,
        **({"dpi": request.dpi} if request.dpi is not None else {}),  # the book's keys stay as they were
    )
