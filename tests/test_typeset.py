"""gradbook.engine.typeset on small HTML fragments (the built site is checked in tests/test_site.py)."""

from __future__ import annotations

import pytest

from gradbook.engine.typeset import cjk_text_in_math, join_cjk_breaks, keep_punctuation_with_math, typeset

MATH = (
    '<span class="arithmatex"><mjx-container class="MathJax" jax="SVG" style="position: relative;">'
    '<svg><g><use xlink:href="#x"></use></g></svg></mjx-container></span>'
)
DISPLAY = (
    '<div class="arithmatex"><mjx-container class="MathJax" jax="SVG" display="true" style="">'
    "<svg></svg></mjx-container></div>"
)


@pytest.mark.parametrize(
    "html, joined",
    [
        (
            "<p>读者还没弄清梯度是什么，就被拉进了神经网络。\n这一章先把机器学习放到一边</p>",
            "<p>读者还没弄清梯度是什么，就被拉进了神经网络。这一章先把机器学习放到一边</p>",
        ),
        (
            "<p><strong>导数</strong>（derivative）\n回答的问题是</p>",
            "<p><strong>导数</strong>（derivative）回答的问题是</p>",
        ),
        (
            "<p>东西——<strong>函数</strong>\n和\n<strong>导数</strong></p>",
            "<p>东西——<strong>函数</strong>和<strong>导数</strong></p>",
        ),
        ('<p>在<a href="x">第 2 章\n</a>\n会用到</p>', '<p>在<a href="x">第 2 章</a>会用到</p>'),
        ("<p>说“\n梯度”\n很</p>", "<p>说“梯度”很</p>"),
        ("<p><strong>证明。</strong> 对第</p>", "<p><strong>证明。</strong>对第</p>"),  # Markdown needs that space
    ],
)
def test_line_breaks_inside_a_chinese_sentence_are_removed(html, joined):
    assert join_cjk_breaks(html) == joined


@pytest.mark.parametrize(
    "html",
    [
        "<p>网络\nnetwork 这一章</p>",  # Latin next to the break: the space is right
        f"<p>函数\n{MATH}\n的值</p>",  # math keeps its spaces
        "<p>的 <code>x</code>\n的</p>",
        "<p>网络。</p>\n<p>这一章</p>",  # between blocks
        "<li>一\n<ul><li>二</li></ul></li>",
        "<pre>中文\n中文</pre>",
        "<script>var a = '中\n文';</script>",
        '<div class="clipboard-copy-txt"># 中文\n"""中文\n中文"""</div>',  # a notebook cell's copy text is code
        "<p><strong>又称</strong> 微商</p>",  # a label's separator between two characters stays
    ],
)
def test_code_math_blocks_and_latin_keep_their_whitespace(html):
    assert join_cjk_breaks(html) == html


def test_inline_math_keeps_the_punctuation_around_it():
    html = f"<p>取 {MATH}，再取（{MATH}）。最后 {MATH} 的值</p>"
    out = keep_punctuation_with_math(html)
    assert out == (
        f'<p>取 <span class="gb-nowrap">{MATH}，</span>再取<span class="gb-nowrap">（{MATH}）。</span>'
        f"最后 {MATH} 的值</p>"
    )
    assert keep_punctuation_with_math(f"<p>{DISPLAY}，</p>") == f"<p>{DISPLAY}，</p>"
    # a math span not followed by punctuation never swallows the next one
    two = f"<p>{MATH} 与 {MATH}，</p>"
    assert keep_punctuation_with_math(two) == f'<p>{MATH} 与 <span class="gb-nowrap">{MATH}，</span></p>'


def test_chinese_in_math_is_drawn_in_the_page_font_at_full_width():
    text = (
        '<g data-mml-node="mtext"><text data-variant="normal" transform="scale(1,-1)" font-size="884px" '
        'font-family="serif">学</text><text data-variant="normal" transform="translate(1000,0) scale(1,-1)" '
        'font-size="884px" font-family="serif">习</text></g>'
    )
    out = cjk_text_in_math(text)
    assert "serif" not in out and out.count('font-size="1000px" class="gb-math-cjk"') == 2
    latin = '<text data-variant="normal" transform="scale(1,-1)" font-size="884px" font-family="serif">é</text>'
    assert cjk_text_in_math(latin) == latin


def test_typeset_is_idempotent():
    html = f"<p>网络。\n这一章 {MATH}，\n完</p>"
    assert typeset(typeset(html)) == typeset(html)
