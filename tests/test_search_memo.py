"""Search entries kept in the store (gradbook/mkdocs/search_memo.py) are the entries Material's
search plugin makes, and are used only for the page they were made from."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from material.plugins.search import plugin as search
from mkdocs.structure.toc import AnchorLink

from gradbook.engine.store import Store
from gradbook.mkdocs import search_memo

CONFIG = {"lang": ["zh"], "separator": r"[\s\u200b\-]+", "pipeline": [], "fields": {}, "jieba_dict_user": None}


def _page(site_dir, path="chapters/02-linear-model/", **changes):
    html = (site_dir / path / "index.html").read_text(encoding="utf-8")
    article = re.search(r'<article class="md-content__inner md-typeset">(.*?)</article>', html, re.S)
    assert article, f"{path}: no article"
    toc = []
    for level, ident, title in re.findall(r'<h([23]) id="([^"]+)">(.*?)<a', article[1])[:6]:
        toc.append(AnchorLink(re.sub(r"<[^>]+>", "", title), ident, int(level)))
    fields = {"content": article[1], "toc": toc, "url": path, "meta": {}, "title": "第 2 章"} | changes
    return SimpleNamespace(**fields)


def _plugin(store=None):
    plugin = SimpleNamespace(search_index=search.SearchIndex(**CONFIG), config=dict(CONFIG))
    if store is not None:
        search_memo.memoise(plugin, store)
    return plugin


class _Refuse:
    """Material's HTML parser, made to fail: any page parsed is a cache miss."""

    def __init__(self):
        raise AssertionError("parsed the page again")


@pytest.fixture
def no_parsing(monkeypatch):
    monkeypatch.setattr(search, "Parser", _Refuse)


def test_kept_entries_are_the_plugins_own_and_a_second_build_parses_nothing(site_dir, tmp_path, monkeypatch):
    page = _page(site_dir)
    plain = _plugin()
    plain.search_index.add_entry_from_context(page)
    assert len(plain.search_index.entries) > 5 and any("梯度" in e["text"] for e in plain.search_index.entries)

    store = Store(tmp_path)
    first = _plugin(store)
    first.search_index.add_entry_from_context(page)
    assert first.search_index.entries == plain.search_index.entries
    assert len(list((tmp_path / search_memo.KIND).glob("*/*.json"))) == 1

    monkeypatch.setattr(search, "Parser", _Refuse)
    second = _plugin(store)
    second.search_index.entries.append({"location": "earlier/", "title": "x", "text": "y"})
    second.search_index.add_entry_from_context(page)
    assert second.search_index.entries[1:] == plain.search_index.entries, "appended where the plugin appends"
    assert second.search_index.generate_search_index(None) != plain.search_index.generate_search_index(None)


@pytest.mark.parametrize(
    "change",
    [
        {"content": "<h2 id='x'>别的</h2><p>内容</p>"},
        {"url": "chapters/other/"},
        {"title": "另一个标题"},
        {"meta": {"search": {"boost": 2}}},
        {"toc": []},
    ],
    ids=["content", "url", "title", "meta", "toc"],
)
def test_a_page_that_differs_in_anything_the_plugin_reads_is_parsed_again(site_dir, tmp_path, no_parsing, change):
    store = Store(tmp_path)
    page = _page(site_dir)
    shared = search_memo.settings(CONFIG)
    kept = search_memo.page_key(shared, page)
    store.put(search_memo.KIND, kept, "json", b"[]")
    _plugin(store).search_index.add_entry_from_context(page)  # the kept entry: no parse
    with pytest.raises(AssertionError, match="parsed the page again"):
        _plugin(store).search_index.add_entry_from_context(_page(site_dir, **change))


def test_the_books_terms_and_a_torn_entry_are_parsed_again(site_dir, tmp_path, no_parsing):
    terms = tmp_path / "terms.txt"
    terms.write_text("梯度下降 10\n", encoding="utf-8")
    page, store = _page(site_dir), Store(tmp_path / "store")
    with_terms = search_memo.settings(CONFIG | {"jieba_dict_user": str(terms)})
    store.put(search_memo.KIND, search_memo.page_key(with_terms, page), "json", b"[]")
    terms.write_text("梯度下降 10\n学习率 10\n", encoding="utf-8")
    assert search_memo.page_key(search_memo.settings(CONFIG | {"jieba_dict_user": str(terms)}), page) != (
        search_memo.page_key(with_terms, page)
    ), "an edited dictionary segments differently"

    k = search_memo.page_key(search_memo.settings(CONFIG), page)
    store.put(search_memo.KIND, k, "json", b'[{"location": "x", "title": "t", "text": "u"}]')
    path = store.path(search_memo.KIND, k, "json")
    path.write_bytes(path.read_bytes()[:-5])  # a write cut short
    with pytest.raises(AssertionError, match="parsed the page again"):
        _plugin(store).search_index.add_entry_from_context(page)
