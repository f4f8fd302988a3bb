"""Every Python snippet a chapter shows runs, in page order, and prints what the page says it prints."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.chapters import CHAPTERS, ROOT, snippets

RUNNER = r"""
import contextlib, io, json, sys, traceback
import matplotlib
matplotlib.use("Agg")
blocks = json.load(sys.stdin)
namespace = {"__name__": "__snippet__"}
results = []
for code in blocks:
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(code, "<snippet>", "exec"), namespace)
        results.append({"ok": True, "stdout": out.getvalue()})
    except Exception:
        results.append({"ok": False, "stdout": out.getvalue(), "error": traceback.format_exc()})
        break
print("\n@@RESULTS@@" + json.dumps(results))
"""

# Every chapter, plus the other pages that show Python a reader would copy.
PAGES = sorted(p.relative_to(ROOT / "docs").as_posix() for p in CHAPTERS.glob("*.md")) + [
    "reuse.md",
    "appendix/math-prep.md",
]


def _lines(text: str) -> list[str]:
    return [ln.rstrip() for ln in text.strip().splitlines()]


@pytest.mark.parametrize("page", PAGES)
def test_every_snippet_runs_and_prints_what_the_page_shows(page, tmp_path):
    blocks = snippets(page)
    assert blocks, f"{page} shows no runnable Python: every chapter has code the reader can run"
    proc = subprocess.run(
        [sys.executable, "-c", RUNNER],
        input=json.dumps([b.code for b in blocks]),
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=600,
    )
    assert proc.returncode == 0 and "@@RESULTS@@" in proc.stdout, proc.stderr[-3000:]
    results = json.loads(proc.stdout.rsplit("@@RESULTS@@", 1)[1])
    for block, result in zip(blocks, results):
        where = f"{page}, snippet at line {block.line}"
        assert result["ok"], f"{where} raised:\n{result['error']}"
        if block.expected_output is not None:
            assert _lines(result["stdout"]) == _lines(block.expected_output), (
                f"{where} printed\n{result['stdout']}\nbut the page shows\n{block.expected_output}"
            )
    assert len(results) == len(blocks)


def test_the_snippet_reader_sees_tabbed_code_and_its_output():
    from tests import chapters

    text = (
        '=== "gradbook"\n\n    ```python\n    x = 2\n    print(x + 5)\n    ```\n\n    ```text\n    7\n    ```\n\n'
        '```python\nprint("a")\n```\n\n正文。\n\n```text\nnot output\n```\n'
    )
    original = chapters.markdown
    chapters.markdown = lambda page: text
    try:
        found = chapters.snippets("x")
    finally:
        chapters.markdown = original
    assert [b.code.strip() for b in found] == ["x = 2\nprint(x + 5)", 'print("a")']
    assert found[0].expected_output.strip() == "7"
    assert found[1].expected_output is None, "prose between a block and a text block breaks the pairing"
