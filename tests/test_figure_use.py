"""One use of a figure (issue 18, part 4): the call a page makes, shown in its source fold as
``make(...)`` and as the ``gradbook render`` command that draws the same figure."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from gradbook.engine.cli import build_parser, parse_sets
from gradbook.engine.registry import FigureSpec, Param
from gradbook.engine.request import cli_command, python_call, resolve

SPEC = FigureSpec(
    "line",
    Path("/figures/line.py"),
    "图注。",
    "",
    "替代文字。",
    (
        Param("lr", 1e-4),
        Param("fix_b", True),
        Param("steps", 40),
        Param("label", "直线"),
        Param("start", (0.0, 1.0)),
    ),
)


@pytest.mark.parametrize(
    "overrides, call, command",
    [
        ({}, "make()", "gradbook render line -o line.svg"),
        ({"fix_b": "false"}, "make(fix_b=False)", "gradbook render line -o line.svg --set fix_b=false"),
        ({"lr": "0.00004", "steps": "3"}, "make(lr=4e-05, steps=3)", "--set lr=4e-05 --set steps=3"),
        ({"label": "两条 线", "start": "(2, 3.5)"}, "make(label='两条 线', start=(2, 3.5))", "--set 'label=两条 线'"),
    ],
)
def test_the_call_and_the_command_give_back_the_same_request(overrides, call, command):
    request = resolve(SPEC, overrides)
    assert python_call(request) == call and command in cli_command(request)
    # The command, parsed by the CLI's own parser, asks for the very same request.
    args = build_parser().parse_args(shlex.split(cli_command(request))[1:])
    assert (args.name, args.output) == ("line", "line.svg")
    assert resolve(SPEC, parse_sets(args.set)) == request
    # The call, evaluated, passes make() the very same values.
    assert resolve(SPEC, eval(call, {"make": lambda **kw: kw})) == request


# --- An ALT per use, from the figure's data ----------------------------------------------------------
SCRIPT = '''\
"""一条直线。"""
from matplotlib.figure import Figure

ALT = "一条直线。"


def data(k: float = 1.0):
    return {"end": 3 * k}


def alt(k: float = 1.0) -> str:
    d = data(k)
    return f"一条直线，终点高 {d['end']:g}。"


def make(k: float = 1.0) -> Figure:
    d = data(k)
    fig = Figure(figsize=(2, 2))
    fig.add_subplot().plot([0, 3], [0, d["end"]])
    return fig
'''


@pytest.fixture
def figures(tmp_path) -> Path:
    folder = tmp_path / "figures"
    folder.mkdir()
    (folder / "line.py").write_text(SCRIPT, encoding="utf-8")
    return folder


def test_a_script_with_alt_gives_each_use_its_own_alt_cached_beside_the_figure(figures, tmp_path):
    from gradbook.engine.pool import ALT, KIND, FigureEngine
    from gradbook.engine.render import alt

    engine = FigureEngine(figures, tmp_path / "cache", workers=0)
    spec = engine.spec("line")
    assert spec.alt_from_data and spec.alt == "一条直线。", "read statically; ALT stays the description"
    default, steep = engine.request("line"), engine.request("line", {"k": "2"})
    engine.ensure([default, steep])
    assert engine.alt_texts([default, steep]) == {default: "一条直线，终点高 3。", steep: "一条直线，终点高 6。"}
    assert alt("line", figures, k=2.0) == "一条直线，终点高 6。"
    # A figure in the store whose ALT is not (an older store): drawn again, never served without it.
    from gradbook.engine.deps import figure_key

    engine.store.path(KIND, figure_key(spec, steep), ALT).unlink()
    engine.stats.rendered = []
    engine.ensure([default, steep])
    assert engine.stats.rendered == ["line.svg (k=2.0)"] and engine.alt_texts([steep])[steep].endswith("6。")


@pytest.mark.parametrize(
    "edit, says",
    [
        (
            ("def alt(k: float = 1.0)", "def alt(k: float = 2.0)"),
            "alt(k: float = 2.0) -> str does not take make()'s parameters",
        ),
        (('return f"一条直线', 'return None and f"一条直线'), "alt() returned None, not the alt text"),
    ],
)
def test_a_bad_alt_function_stops_the_render_naming_the_figure(figures, tmp_path, edit, says):
    from gradbook.engine.pool import FigureEngine, RenderFailed

    (figures / "line.py").write_text(SCRIPT.replace(*edit), encoding="utf-8")
    engine = FigureEngine(figures, tmp_path / "cache", workers=0)
    with pytest.raises(RenderFailed, match="figure line.svg: ") as failed:
        engine.ensure([engine.request("line")])
    assert says in str(failed.value)
