"""Under ``mkdocs serve``, a rebuild that fails shows its error in the browser.

MkDocs itself keeps the last good site but holds every page request until a build passes, so the
browser just spins. Here the failed build counts as done: every page then answers with an error
page naming what failed (for a figure: page, line, figure and reason, as the terminal says), and
its live-reload script brings the real page back as soon as the source is fixed.

Uses two private parts of MkDocs' live-reload server (``_inject_js_into_html``, ``_visible_epoch``);
MkDocs is pinned below 2, and without them the page still shows, only without reloading itself.
"""

from __future__ import annotations

import html
import logging
import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from gradbook.engine.pool import KIND, FigureEngine, RenderFailed, exit_with_parent

log = logging.getLogger("mkdocs.plugins.gradbook")

PAGE = """<!doctype html>
<html lang="zh"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>构建失败</title>
<style>body{{font:16px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem}}
pre{{white-space:pre-wrap;background:#fff3f3;border-left:4px solid #c62828;padding:1rem}}
@media (prefers-color-scheme:dark){{body{{background:#1e1e1e;color:#eee}}pre{{background:#3a1f1f}}}}</style>
</head><body>
<h1>构建失败（build failed）</h1>
<p>页面 <code>{path}</code> 暂时无法显示：上一次构建出错。改好源文件后，本页会自动刷新。</p>
<pre id="gb-build-error">{error}</pre>
</body></html>
"""


class ErrorPages:
    """The last rebuild's error (None once a build passes), and the server's page for it."""

    def __init__(self) -> None:
        self.error: str | None = None

    def record(self, error: BaseException) -> None:
        """A plugin's ``on_build_error``: keep the reason (a PluginError names page and figure)."""
        self.error = str(error) or type(error).__name__

    def install(self, server: Any) -> None:
        """Wrap the live-reload server's rebuild and its WSGI app."""
        builder, app = server.builder, server.get_app()

        def build(*args: Any, **kwargs: Any) -> None:
            self.error = None
            try:
                builder(*args, **kwargs)
            except Exception as exc:  # e.g. Abort("Aborted with a BuildError!"), after record()
                if self.error is None:
                    self.record(exc)
                    log.exception("gradbook: the build failed")
                log.error("gradbook: the browser shows this error until a build passes again")

        def serve(environ: dict, start_response: Any):
            path = environ.get("PATH_INFO") or "/"
            if self.error is None or path.startswith("/livereload/") or not path.endswith(("/", ".html")):
                return app(environ, start_response)
            page = PAGE.format(path=html.escape(path), error=html.escape(self.error)).encode()
            inject = getattr(server, "_inject_js_into_html", None)
            if inject is not None and hasattr(server, "_visible_epoch"):
                page = inject(page, server._visible_epoch)
            start_response("500 Internal Server Error", [("Content-Type", "text/html; charset=utf-8")])
            return [page]

        server.builder = build
        server.set_app(serve)


# Module-level: MkDocs makes new plugin instances for every rebuild, but serves with the first.
ERRORS = ErrorPages()


_code_seen: dict[str, int] = {}  # gradbook's modules and their mtimes when serving began


def code_changed() -> bool:
    """Has any gradbook module changed (or come or gone) since serving began? Sticky: once edited,
    this process holds an old copy of it for good."""
    import gradbook

    now = {str(p): p.stat().st_mtime_ns for p in Path(gradbook.__file__).parent.rglob("*.py")}
    if not _code_seen:
        _code_seen.update(now)
    elif now != _code_seen:
        _code_seen.clear()
        _code_seen["changed"] = -1
    return "changed" in _code_seen


class QuickEngine(FigureEngine):
    """The engine under ``dev.py serve --quick``: one edited figure (one script and parameters: its
    page and phone drawings in both schemes, and the gallery's two) is drawn by two warm processes at
    once, this one and a helper started with the server (both with numpy and matplotlib imported),
    not by new workers that start Python and import them each time. Edit to served page
    (bench/build_bench.py --serve-only): 5.8 s with new workers, 4.2 s in this process alone, 2.3 s
    in the two. Scripts are read afresh on every render; the gradbook modules are each process's
    own, so once one of them changes (``code_changed``) every render goes back to new worker
    processes. Several figures, or an explorable's frames, use the workers too (in parallel)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.configured = self.workers
        if not code_changed():  # the first build under serve takes the snapshot
            _warm_up()

    def _render_all(self, missing):
        alone = len({(req.name, req.params) for req, _, _ in missing}) == 1 and not code_changed()
        self.workers = 0 if alone else max(self.configured, 1)
        helper = _HELPER.get("pool") if alone and len(missing) > 1 else None
        if helper is None:
            return super()._render_all(missing)
        # Every other drawing to the helper, which stores them as any render does; the rest here.
        theirs, ours = missing[1::2], missing[0::2]
        future = helper.submit(render_into_store, self.figures_dir, self.store.root, [r for r, _, _ in theirs])
        try:
            out, failed = super()._render_all(ours), []
        except RenderFailed as exc:
            out, failed = {}, exc.failures
        try:
            reasons = dict(future.result())
        except Exception:  # the helper died (killed, out of memory): its part is drawn here; the next build starts one
            log.warning("gradbook: quick serve's helper process failed; drawing here", exc_info=True)
            _HELPER.pop("pool", None)
            reasons = {}
        failed += [(req, reasons[req.label()]) for req, _, _ in theirs if req.label() in reasons]
        if failed:
            raise RenderFailed(failed)
        for item in theirs:
            req, _, key = item
            if (data := self.store.get(KIND, key, req.fmt)) is None:  # not drawn there (or edited since)
                out.update(super()._render_all([item]))
            else:
                out[req] = data
                self.stats.rendered.append(req.label())
        return out


_HELPER: dict = {}  # the quick serve's helper process, started once, with the first build


def _warm_up() -> None:
    """Start the helper, and import the drawing code here too, both while the first build runs."""
    if "pool" in _HELPER:
        return
    ctx = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(1, mp_context=ctx, initializer=exit_with_parent, initargs=(os.getpid(),))
    pool.submit(_import_drawing_code)
    _HELPER["pool"] = pool
    threading.Thread(target=_import_drawing_code, name="gradbook-warm-up", daemon=True).start()


def _import_drawing_code() -> None:
    import matplotlib.pyplot  # noqa: F401

    import gradbook.engine.batch  # noqa: F401
    import gradbook.engine.render  # noqa: F401


def render_into_store(figures_dir: Path, root: Path, requests: list) -> list[tuple[str, str]]:
    """In the helper: draw ``requests`` into the store at ``root``; the failures, as (label, reason)."""
    try:
        FigureEngine(figures_dir, root, workers=0).ensure(requests)
    except RenderFailed as exc:
        return [(req.label(), reason) for req, reason in exc.failures]
    return []
