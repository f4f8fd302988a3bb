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
