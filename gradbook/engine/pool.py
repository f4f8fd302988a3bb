"""Requests to bytes: the store first, then the renderer for what it lacks.

Misses render in fresh spawned worker processes, so a long-lived ``mkdocs serve`` imports an
edited gradbook module anew; a one-shot command (``gradbook render``, ``python figures/x.py``)
renders in its own process instead (``workers=0``), without starting a second Python.
A worker exits as soon as its parent is gone (a build killed, or timed out, mid-render).

An author's quick serve (``ensure(..., fresh=...)``) renders only the misses ``fresh`` names; any
other miss whose script and request were rendered before is served as it was last rendered, though
shared code (the house style, a gradbook module) changed since. A normal build never does this.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gradbook.engine import deps, store
from gradbook.engine.registry import FigureError, FigureSpec, find_figure
from gradbook.engine.request import Request, resolve
from gradbook.engine.store import Store
from gradbook.engine.variant import DEFAULT, Variant

KIND = "figures"
LATEST = "latest"  # the key of the last render of a script's request, whatever the shared code
ALT = "alt"  # a use's ALT, when its script computes one: stored beside the figure, under the same key


class RenderFailed(FigureError):
    def __init__(self, failures: list[tuple[Request, str]]):
        self.failures = failures
        lines = [f"figure {req.label()}: {msg}" for req, msg in failures]
        super().__init__("\n".join(lines))


@dataclass
class RenderStats:
    hits: int = 0
    rendered: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)  # quick serve: served from an earlier render
    stale_figures: set[str] = field(default_factory=set)  # their figures (a figure has 4 drawings)


class FigureEngine:
    """Figures of one folder, resolved to bytes through one store."""

    def __init__(self, figures_dir: Path, cache_dir: Path | Store, workers: int = 2):
        self.figures_dir = Path(figures_dir)
        self.store = cache_dir if isinstance(cache_dir, Store) else Store(cache_dir)
        self.workers = max(0, workers)  # 0: render in this process
        self.stats = RenderStats()
        self._codes: dict = {}  # this build's code digests: per script path, the renderer's at None

    def spec(self, name: str) -> FigureSpec:
        return find_figure(name, self.figures_dir)

    def request(
        self,
        name: str,
        overrides: Mapping[str, Any] | None = None,
        fmt: str = "svg",
        dpi: int | None = None,
        variant: Variant = DEFAULT,
    ) -> Request:
        return resolve(self.spec(name), overrides, fmt, dpi, variant)

    def ensure(
        self, requests: Iterable[Request], fresh: Callable[[Request], bool] | None = None
    ) -> dict[Request, bytes]:
        """Bytes for every request; raises RenderFailed naming each figure that failed.
        ``fresh`` (quick serve only): which misses to render; the others take their last render."""
        out: dict[Request, bytes] = {}
        missing: list[tuple[Request, FigureSpec, str]] = []
        deps.forget_files()
        self._codes.clear()  # files may have changed since the last build
        for req in dict.fromkeys(requests):
            spec = self.spec(req.name)
            key = self._key(spec, req)
            data = self.store.get(KIND, key, req.fmt)
            stale = data is None and fresh is not None and not fresh(req)
            if stale and (data := self._latest(spec, req)) is not None:
                out[req] = data  # its ALT: the script's static one (a full build computes the rest)
                self.stats.stale.append(req.label())
                self.stats.stale_figures.add(req.name)
                continue
            if data is None or (spec.alt_from_data and self.store.get(KIND, key, ALT) is None):
                missing.append((req, spec, key))
            else:
                out[req] = data
                self.stats.hits += 1
        if missing:
            out.update(self._render_all(missing))
        return out

    def _key(self, spec: FigureSpec, req: Request) -> str:
        """The store key; code digests found once per script and build (hundreds of keys, 34 scripts)."""
        if None not in self._codes:
            self._codes[None] = deps.render_code(self.store)
        if spec.path not in self._codes:
            self._codes[spec.path] = deps.script_code(spec, self.store, self._codes[None])
        return deps.figure_key(spec, req, code=self._codes[spec.path])

    def _latest(self, spec: FigureSpec, req: Request) -> bytes | None:
        pointer = self.store.get(LATEST, latest_key(spec, req), "key")
        return None if pointer is None else self.store.get(KIND, pointer.decode(), req.fmt)

    def alt_texts(self, requests: Iterable[Request]) -> dict[Request, str]:
        """Each use's own ALT, for the requests whose script computes one (after ``ensure``)."""
        out = {}
        for req in dict.fromkeys(requests):
            spec = self.spec(req.name)
            key = self._key(spec, req)
            if spec.alt_from_data and (text := self.store.get(KIND, key, ALT)) is not None:
                out[req] = text.decode()
        return out

    def _render_all(self, missing: list[tuple[Request, FigureSpec, str]]) -> dict[Request, bytes]:
        from gradbook.engine.batch import render_batch

        jobs = [(spec, req.arguments(spec), req.fmt, req.dpi, req.variant) for req, spec, _ in missing]
        # One batch per script and parameters: its drawings, readout and ALT share one data() call.
        groups: dict[tuple, list[int]] = {}
        for i, (req, _, _) in enumerate(missing):
            groups.setdefault((req.name, req.params), []).append(i)
        batches = [[jobs[i] for i in group] for group in groups.values()]
        if self.workers == 0:
            done = [render_batch(b) for b in batches]
        else:
            ctx = multiprocessing.get_context("spawn")
            workers = min(self.workers, len(batches))
            with ProcessPoolExecutor(
                workers, mp_context=ctx, initializer=exit_with_parent, initargs=(os.getpid(),)
            ) as pool:
                done = list(pool.map(render_batch, batches))
        results: list = [None] * len(jobs)
        for group, batch_results in zip(groups.values(), done):
            for i, result in zip(group, batch_results):
                results[i] = result
        out: dict[Request, bytes] = {}
        failures: list[tuple[Request, str]] = []
        for (req, spec, key), (ok, value, alt) in zip(missing, results):
            if ok and isinstance(value, bytes):
                if alt is not None:
                    self.store.put(KIND, key, ALT, alt.encode())
                self.store.put(KIND, key, req.fmt, value)
                self.store.put(LATEST, latest_key(spec, req), "key", key.encode())
                out[req] = value
                self.stats.rendered.append(req.label())
            else:
                failures.append((req, str(value)))
        if failures:
            raise RenderFailed(failures)
        return out


def exit_with_parent(parent: int, interval: float = 0.5) -> None:
    """Worker initializer: a watchdog thread ends this worker once ``parent`` is gone. A killed
    parent (SIGKILL, or SIGTERM, which skips the pool's shutdown) leaves its workers to init; they
    would render on, and hold the resource tracker open, for ever."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(interval)
        os._exit(1)

    threading.Thread(target=watch, name="gradbook-exit-with-parent", daemon=True).start()


def latest_key(spec: FigureSpec, req: Request) -> str:
    """A script's request as its author wrote it: the script's own text and the request, no more."""
    return store.key(LATEST, script=store.file_digest(spec.path), request=req.label(), fmt=req.fmt)
