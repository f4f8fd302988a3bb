"""MkDocs hook (mkdocs.yml ``hooks:``): the site serves gradbook's wheel, built from the same
sources as the book, and the pages give its address.

- ``on_files``: adds ``dist/gradbook-<version>-py3-none-any.whl`` (gradbook.engine.wheel: built
  once per content of the sources and kept in the store, so a warm build only hashes them);
- ``{{ gradbook_wheel_url }}`` in a page (reuse.md's install command) or a practice notebook (its
  install cell) becomes the wheel's address, derived from ``site_url``: no host is written into
  the sources. Markdown pages are filled in before conversion; notebook pages (mkdocs-jupyter
  converts them without Markdown) after it; the notebooks' downloads once they are written. A
  placeholder left anywhere in the site stops the build.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

from gradbook.engine import store, wheel
from gradbook.mkdocs import quick, store_root

log = logging.getLogger("mkdocs.plugins.gradbook")
PLACEHOLDER = "{{ gradbook_wheel_url }}"
_FILLED = (".html", ".ipynb", ".py", ".json", ".txt")  # the site's files a placeholder can reach
# Quick serve (module-level: kept across rebuilds): the last wheel served, and its successor's build.
_quick: dict = {"on": False, "last": None, "building": None}


def _root(config) -> Path:
    return Path(config.config_file_path).resolve().parent


def wheel_url(config) -> str:
    if not config.site_url:
        raise PluginError("gradbook: set site_url in mkdocs.yml: the pages give the wheel's address under it")
    return wheel.url(config.site_url, _root(config))


def on_startup(command, dirty, **_):
    _quick["on"] = command == "serve" and dirty and quick()


def on_files(files, config):
    root, cache = _root(config), store.Store(store_root(config))
    if _quick["on"] and _quick["last"] and cache.get(wheel.KIND, wheel.key(root), "whl") is None:
        # dev.py serve --quick: pip takes ~2 s, on every edit of a figure script; serve the last
        # wheel and build the new one beside the loop (the next rebuild takes it from the store).
        if not (_quick["building"] and _quick["building"].is_alive()):
            _quick["building"] = threading.Thread(target=_build_quietly, args=(root, cache), daemon=True)
            _quick["building"].start()
        name, data = _quick["last"]
        log.info("gradbook: quick serve: %s as last built; the new one is being built", name)
    else:
        started = time.perf_counter()
        try:
            name, data, built = wheel.build(root, cache)
        except RuntimeError as exc:
            raise PluginError(f"gradbook: cannot build the wheel the site serves: {exc}") from None
        if built:
            log.info("gradbook: built %s in %.1f s", name, time.perf_counter() - started)
        _quick["last"] = (name, data)
    files.append(File.generated(config, f"dist/{name}", content=data))
    return files


def _build_quietly(root: Path, cache: store.Store) -> None:
    try:
        wheel.build(root, cache)
    except RuntimeError as exc:  # a full build stops on it
        log.warning("gradbook: quick serve: the wheel did not build: %s", exc)


def on_page_markdown(markdown, config, **_):
    return markdown.replace(PLACEHOLDER, wheel_url(config))


def on_page_content(html, config, **_):
    return html.replace(PLACEHOLDER, wheel_url(config))


def on_post_build(config, **_):
    url, site = wheel_url(config), Path(config.site_dir)
    left = []
    for path in sorted(site.rglob("*")):
        if path.suffix not in _FILLED or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if PLACEHOLDER in text:
            if path.suffix in {".ipynb", ".py"}:  # the notebook downloads
                path.write_text(text.replace(PLACEHOLDER, url), encoding="utf-8")
            else:
                left.append(path.relative_to(site).as_posix())
    if left:
        raise PluginError(f"gradbook: {PLACEHOLDER} left unfilled in {', '.join(left)}")
