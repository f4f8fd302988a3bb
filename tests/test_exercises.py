"""Every chapter's 习题 section has one shape: at least six exercises of four kinds, each answer folded.

The numbers in the answers are tested in tests/test_chNN.py; the code in coding answers runs (and its
printed output is compared) in tests/test_snippets.py. Here: the format, and that every
predict-then-check command names a real figure with real parameters and renders.
"""

from __future__ import annotations

import re
import shlex

import pytest

from gradbook.engine.cli import build_parser
from gradbook.engine.registry import find_figure, resolve_params
from tests.chapters import CHAPTERS, ROOT, markdown, snippets

PAGES = sorted(p.relative_to(ROOT / "docs").as_posix() for p in CHAPTERS.glob("*.md"))
KINDS = ("计算", "先猜，再验证", "证明", "编程")
HEADING = re.compile(r"^\*\*习题 (\d+)\*\*（([^）]+)）", re.M)
FOLD = '??? success "答案"'


def section(page: str) -> tuple[int, str]:
    """(line number of the heading, text) of the page's 习题 section."""
    md = markdown(page)
    assert md.count("\n## 习题\n") == 1, f"{page}: one '## 习题' heading"
    start = md.index("\n## 习题\n") + 1
    nxt = md.find("\n## ", start)
    return md[:start].count("\n") + 1, md[start:] if nxt < 0 else md[start : nxt + 1]


def exercises(page: str) -> list[tuple[int, str, str]]:
    """(number, kind, text up to the next exercise) for each exercise."""
    _, text = section(page)
    found = list(HEADING.finditer(text))
    return [
        (int(m[1]), m[2], text[m.start() : found[i + 1].start() if i + 1 < len(found) else len(text)])
        for i, m in enumerate(found)
    ]


@pytest.mark.parametrize("page", PAGES)
def test_one_heading_and_format(page):
    md = markdown(page)
    assert not re.search(r"^## 练习", md, re.M), f"{page}: the section is called 习题"
    _, text = section(page)
    found = exercises(page)
    assert [n for n, _, _ in found] == list(range(1, len(found) + 1)), f"{page}: numbered 1, 2, 3…"
    assert len(found) >= 6, f"{page}: at least six exercises"
    assert not re.search(r"^\d+\. ", text, re.M), f"{page}: no numbered-list exercises left"
    for n, kind, body in found:
        assert kind in KINDS, f"{page} 习题 {n}: kind {kind!r} is not one of {KINDS}"
        assert body.count(FOLD) == 1, f"{page} 习题 {n}: exactly one folded answer"
        assert "???+" not in body and "!!! success" not in body, f"{page} 习题 {n}: the answer stays folded"
    assert {kind for _, kind, _ in found} == set(KINDS), f"{page}: all four kinds"


def _render_commands(body: str) -> list[list[str]]:
    blocks = re.findall(r"```bash\n(.*?)```", body, re.S)
    return [shlex.split(line) for block in blocks for line in block.splitlines() if line.strip()]


@pytest.mark.parametrize("page", PAGES)
def test_predict_then_check_commands_name_real_figures_and_render(page, tmp_path):
    from gradbook.engine.cli import render_to_file

    figures = ROOT / "figures"
    checked = 0
    for n, kind, body in exercises(page):
        commands = _render_commands(body)
        if kind == "先猜，再验证":
            assert commands, f"{page} 习题 {n}: a predict-then-check exercise shows its gradbook render command"
            assert "先猜" in body
        for argv in commands:
            assert argv[:2] == ["gradbook", "render"], f"{page} 习题 {n}: {argv}"
            args = build_parser().parse_args(argv[1:])
            sets = dict(pair.split("=", 1) for pair in args.set)
            assert sets, f"{page} 习题 {n}: the command changes a parameter"
            spec = find_figure(args.name, figures)
            params = resolve_params(spec, sets)
            assert all(params[k] != spec.defaults()[k] for k in sets), f"{page} 习题 {n}: {sets} are the defaults"
            assert f"figures/{args.name}.svg" in markdown(page), f"{page} 习题 {n}: {args.name} is not in this chapter"
            out = render_to_file(
                args.name,
                tmp_path / f"{n}-{checked}.svg",
                sets,
                figures,
                cache_dir=ROOT / ".cache" / "gradbook" / "figures",
            )
            assert out.stat().st_size > 1000
            checked += 1
    assert checked >= 1


@pytest.mark.parametrize("page", PAGES)
def test_coding_answers_are_run_and_their_output_checked(page):
    """A coding answer shows Python and what it prints; test_snippets.py runs it and compares."""
    first, text = section(page)
    runnable = {s.line: s for s in snippets(page)}
    lines = markdown(page).splitlines()
    for n, kind, body in exercises(page):
        if kind != "编程":
            continue
        answer = body.split(FOLD, 1)[1]
        assert "```python" in answer and "```text" in answer, f"{page} 习题 {n}: code and its output"
        start = text.index(body)
        offset = first + text[:start].count("\n") + body[: body.index(FOLD)].count("\n")
        code_line = next(i + 1 for i in range(offset, len(lines)) if lines[i].strip() == "```python")
        snippet = runnable.get(code_line)
        assert snippet is not None and snippet.expected_output, f"{page} 习题 {n}: the snippet runner sees it"
