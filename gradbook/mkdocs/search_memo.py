"""Material's search plugin reads each page by parsing its HTML, and the build-time math makes that
HTML large (a chapter: 15-19k elements): parsing is the largest share of a warm build. A page whose
HTML, address, contents and front matter are unchanged gives the same entries, so they are kept in
the store (kind ``search``), keyed by those, the plugin's settings, jieba's dictionaries (the book's
terms) and the versions of Material and jieba, and a warm build reads them back instead of parsing.

The entries are appended exactly where the plugin would append them, so the index is the same
bytes (tests/test_search_memo.py compares a memoised build with a plain one).
"""

from __future__ import annotations

import json
from importlib.metadata import version
from pathlib import Path

from gradbook.engine.store import Store, file_digest, key

KIND = "search"
MAX_AGE_DAYS = 30  # every edit of a page adds an entry: unused ones go, as executed notebooks do


def _toc(items) -> list:
    return [[item.title, item.id, item.url, item.level, _toc(item.children)] for item in items]


def settings(config) -> dict:
    """What every page's entries depend on besides the page: the search plugin's ``config``."""
    dicts = [config.get(name) for name in ("jieba_dict", "jieba_dict_user")]
    return {
        "config": json.dumps(dict(config), sort_keys=True, default=str),
        "dicts": [file_digest(Path(d)) if d and Path(d).is_file() else None for d in dicts],
        "versions": [version("mkdocs-material"), version("jieba")],
    }


def page_key(shared: dict, page) -> str:
    """The store key of ``page``'s search entries: everything ``add_entry_from_context`` reads."""
    return key(
        KIND,
        content=page.content,
        url=page.url,
        toc=_toc(page.toc),
        meta=json.dumps(page.meta, sort_keys=True, default=str, ensure_ascii=False),
        title=str(page.title),
        **shared,
    )


def memoise(plugin, store: Store) -> None:
    """Serve ``plugin``'s (Material's search) page entries from ``store`` when the page is unchanged."""
    index = getattr(plugin, "search_index", None)
    if index is None or getattr(index, "_gb_memo", False):
        return
    parse, shared = index.add_entry_from_context, settings(plugin.config)

    def add_entry_from_context(page) -> None:
        k = page_key(shared, page)
        kept = store.get(KIND, k, "json")
        if kept is not None:
            store.touch(KIND, k, "json")
            index.entries.extend(json.loads(kept))
            return
        start = len(index.entries)
        parse(page)
        store.put(KIND, k, "json", json.dumps(index.entries[start:], ensure_ascii=False).encode())

    index.add_entry_from_context = add_entry_from_context
    index._gb_memo = True


def prune(store: Store) -> int:
    return store.prune(KIND, MAX_AGE_DAYS)
