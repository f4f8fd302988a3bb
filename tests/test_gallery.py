"""The gallery page is generated from the scripts: every figure, its parameters, where it appears."""

from __future__ import annotations

import html
import re

import pytest

from gradbook.engine.gallery import Appearance, gallery_markdown
from gradbook.engine.pages import find_refs
from gradbook.engine.registry import figure_names, find_figure
from tests.chapters import DOCS, ROOT

SCRIPT = '''"""{caption}"""
from matplotlib.figure import Figure
ALT = "替代文字"
def make({params}) -> Figure:
    return Figure()
'''


def test_gallery_markdown_lists_every_script_with_params_commands_and_places(tmp_path):
    (tmp_path / "alpha.py").write_text(SCRIPT.format(caption="甲图。", params="lr: float = 0.1, steps: int = 20"))
    (tmp_path / "beta.py").write_text(SCRIPT.format(caption="乙图。", params="flag: bool = False"))
    (tmp_path / "gamma.py").write_text(SCRIPT.format(caption="丙图。", params=""))
    md = gallery_markdown(
        tmp_path,
        {"alpha": [Appearance("第 2 章 线性模型", "chapters/02.md#fig-alpha", "2.4")]},
        [("第 2 章 线性模型", ["alpha"])],
    )
    assert md.startswith("共 3 张图。")
    assert md.index("## 第 2 章 线性模型") < md.index("### `alpha`") < md.index("## 其他图") < md.index("### `beta`")
    assert "![](figures/alpha.svg)" in md and "![](figures/gamma.svg)" in md
    assert "[第 2 章 线性模型](chapters/02.md#fig-alpha)（图 2.4）" in md
    assert "| `lr` | `float` | `0.1` |" in md and "| `steps` | `int` | `20` |" in md
    assert "gradbook render alpha -o alpha.png --set lr=0.15" in md
    assert "python figures/beta.py -o beta.svg --set flag=true" in md
    assert "这张图没有参数。" in md and "只在图库中。" in md


@pytest.mark.site
def test_the_built_gallery_shows_every_figure_where_the_book_uses_it(site_dir):
    page = (site_dir / "gallery" / "index.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", "", page)
    # Bold that Markdown left as asterisks (a "**…：**" closed before a CJK letter does not close).
    prose = re.sub(r"<(pre|code)\b.*?</\1>", "", page, flags=re.S)
    assert "**" not in re.sub(r"<[^>]+>", "", prose), "literal ** in the gallery's text"
    names = figure_names(ROOT / "figures")
    assert f"共 {len(names)} 张图。" in page
    uses: dict[str, set[str]] = {}
    for md in DOCS.rglob("*.md"):
        rel = md.relative_to(DOCS).as_posix()
        if rel == "gallery.md":
            continue
        for _, m in find_refs(rel, md.read_text(encoding="utf-8")):
            url = "" if rel == "index.md" else rel.removesuffix(".md") + "/"
            uses.setdefault(m["name"], set()).add(url)
    for name in names:
        spec = find_figure(name, ROOT / "figures")
        assert f'id="fig-{name}"' in page
        # A thumbnail per scheme (not the full drawing: the page stays light), linking to a use.
        for thumb in (f"{name}.webp", f"{name}-dark.webp"):
            img = re.search(
                rf'<a class="gb-(?:light|dark)" href="([^"]+)"><img src="\.\./figures/thumbs/{thumb}"([^>]+)>', page
            )
            assert img and 'loading="lazy"' in img[2] and re.search(r'width="\d+" height="\d+"', img[2]), thumb
            assert (site_dir / "figures" / "thumbs" / thumb).read_bytes()[8:12] == b"WEBP", thumb
            assert img[1].endswith(f"#fig-{name}") if uses.get(name) else img[1] == f"../figures/{name}.svg", img[1]
        assert html.escape(spec.caption, quote=False).split("$")[0][:20] in page, name
        for p in spec.params:
            assert f"<code>{p.name}</code>" in page, f"{name}: parameter {p.name} missing"
        # Code blocks are highlighted: compare the text without the token spans.
        assert f"gradbook render {name} -o {name}.png" in text, name
        assert f"python figures/{name}.py -o {name}.svg" in text, name
        for url in uses.get(name, ()):
            assert f'href="../{url}#fig-{name}"' in page, f"{name}: link to {url!r} missing"


def test_nav_order_flattens_sections_in_reading_order():
    from gradbook.mkdocs.figures import nav_order

    nav = [
        {"导读": "index.md"},
        {"第 1 章": "chapters/01.md"},
        {"附录": [{"附录 A": "appendix/a.md"}, "appendix/b.md"]},
        {"图库": "gallery.md"},
    ]
    assert nav_order(nav) == {
        "index.md": 0,
        "chapters/01.md": 1,
        "appendix/a.md": 2,
        "appendix/b.md": 3,
        "gallery.md": 4,
    }
    assert nav_order(None) == {}


@pytest.mark.site
def test_the_gallery_groups_figures_in_the_navs_reading_order(site_dir):
    import yaml

    from gradbook.mkdocs.figures import nav_order

    class _Loader(yaml.SafeLoader):  # mkdocs.yml carries !ENV and python tags; only the nav matters here
        pass

    _Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    order = nav_order(yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader)["nav"])
    page = (site_dir / "gallery" / "index.html").read_text(encoding="utf-8")
    titles = re.findall(r'<h2 id="[^"]*">(.*?)<a', page)
    pages = {}
    for md in DOCS.rglob("*.md"):
        rel = md.relative_to(DOCS).as_posix()
        title = (re.search(r"^title: (.+)$", md.read_text(encoding="utf-8"), re.M) or [None, None])[1]
        if title and rel in order:
            pages[title.strip()] = order[rel]
    ranks = [pages[t] for t in titles if t in pages]
    assert len(ranks) >= 6 and ranks == sorted(ranks), titles


def test_a_thumbnail_is_a_small_webp_at_twice_its_css_size_and_comes_from_the_store(tmp_path):
    import io

    from PIL import Image

    from gradbook.engine import store, thumbs

    buf = io.BytesIO()
    Image.new("RGB", (700, 300), "white").save(buf, "PNG")
    cache = store.Store(tmp_path)
    data, size = thumbs.thumbnail(buf.getvalue(), cache)
    assert size == (thumbs.WIDTH, round(thumbs.WIDTH * 300 / 700))
    assert Image.open(io.BytesIO(data)).size == (size[0] * thumbs.DENSITY, size[1] * thumbs.DENSITY)
    assert len(list(tmp_path.glob("thumbs/*/*.webp"))) == 1 and thumbs.thumbnail(buf.getvalue(), cache)[0] == data
    assert thumbs.filename("x", "dark") == "x-dark.webp" and thumbs.requests("x")["dark"].variant.scheme == "dark"
