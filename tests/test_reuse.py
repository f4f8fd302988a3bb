"""Reusing the figures: the commands the 复用图表 page documents, the errors it promises, the wheel.

The documented commands are read from docs/reuse.md and run as written (``gradbook`` and
``python`` mapped to this environment), so the page cannot drift from what works.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest

from gradbook.engine.registry import figure_names
from tests.chapters import ROOT, markdown

FIGURES = ROOT / "figures"
BIN = Path(sys.executable).parent


def _run(args: list[str], cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        args,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env=env or dict(os.environ, GRADBOOK_CACHE=str(cwd / ".cache")),
    )


# Pages whose ```bash blocks show commands a reader will paste (README.md is the repository's).
COMMAND_PAGES = ("README.md", "docs/reuse.md", "docs/index.md")
NOT_RUN = ("python3 dev.py",)  # set-up commands: they install, serve or run the whole suite


def _documented_commands() -> list[tuple[str, str]]:
    out = []
    for page in COMMAND_PAGES:
        blocks = re.findall(r"```bash\n(.*?)```", (ROOT / page).read_text(encoding="utf-8"), re.S)
        out += [(page, ln.strip()) for block in blocks for ln in block.splitlines() if ln.strip()]
    return out


def _argv(command: str) -> list[str]:
    argv = shlex.split(command, comments=True)
    if argv[0] == "gradbook":
        return [str(BIN / "gradbook"), *argv[1:]]
    if argv[0] == "python" and argv[1].startswith("figures/"):
        return [sys.executable, *argv[1:]]
    raise AssertionError(f"a page documents a command this test cannot map: {command}")


@pytest.fixture
def workdir(tmp_path) -> Path:
    (tmp_path / "figures").symlink_to(FIGURES)  # `python figures/NAME.py` as in a checkout
    return tmp_path


def _outputs(argv: list[str], workdir: Path) -> list[Path]:
    """The files a documented command promises to write."""
    if "--sweep" in argv and not argv[argv.index("-o") + 1].endswith(".gif"):  # numbered frames: out-0.svg …
        out = Path(argv[argv.index("-o") + 1])
        return sorted(workdir.glob(f"{out.stem}-[0-9]*{out.suffix}"))
    if "-o" in argv:
        return [workdir / argv[argv.index("-o") + 1]]
    if argv[1].startswith("figures/"):
        return [workdir / (Path(argv[1]).stem + ".svg")]  # the script's default output name
    if argv[1] == "export":
        fmt = argv[argv.index("--format") + 1] if "--format" in argv else "svg"
        return [workdir / argv[2] / f"{name}.{fmt}" for name in figure_names(FIGURES)]
    return []


def _assert_real_image(path: Path, command: str) -> None:
    from PIL import Image

    assert path.is_file(), f"{command}: {path.name} not written"
    if path.suffix == ".svg":
        root = ElementTree.fromstring(path.read_bytes())
        assert root.tag.endswith("svg") and len(root.findall(".//{*}path")) > 20, f"{command}: {path.name}"
    elif path.suffix == ".gif":  # a sweep's animation: a frame per value
        with Image.open(path) as img:
            assert img.format == "GIF" and img.n_frames > 2 and min(img.size) > 200, f"{command}: {path.name}"
    else:
        with Image.open(path) as img:
            assert img.format == "PNG" and min(img.size) > 200, f"{command}: {path.name}"
            lo, hi = img.convert("L").getextrema()
            assert hi - lo > 100, f"{command}: {path.name} is blank"


def _assert_arrow_inside(argv: list[str], command: str) -> None:
    """derivative_arrow: the gradient arrow and its label lie inside the axes, read from the
    figure the script makes (matplotlib silently drops an arrow that leaves the axes)."""
    from gradbook.engine.render import figure

    sets = dict(argv[i + 1].split("=", 1) for i, a in enumerate(argv) if a == "--set")
    fig = figure("derivative_arrow", FIGURES, **sets)
    ax = fig.axes[0]
    (arrow,) = [t for t in ax.texts if getattr(t, "arrow_patch", None) is not None]
    (xlo, xhi), (ylo, yhi) = ax.get_xlim(), ax.get_ylim()
    for x, y in (arrow.xy, arrow.xyann):
        assert xlo < x < xhi and ylo <= y <= yhi, f"{command}: arrow point ({x}, {y}) outside the axes"
    fig.draw_without_rendering()
    box = ax.get_window_extent()
    (label,) = [t for t in ax.texts if t.get_text().startswith("梯度")]
    inside = label.get_window_extent()
    assert box.x0 <= inside.x0 and inside.x1 <= box.x1 and box.y0 <= inside.y0, f"{command}: label outside"


def test_the_documented_commands_work_as_written(workdir):
    """Every command README.md, reuse.md and index.md show, run as written in a fresh folder."""
    commands = [(page, c) for page, c in _documented_commands() if not c.startswith(NOT_RUN)]
    assert {page for page, _ in commands} == set(COMMAND_PAGES)
    assert any(c.startswith("gradbook render") for _, c in commands)
    assert any(c.startswith("python figures/") for _, c in commands)
    # The book's own figure cache: the same keys as the build, so a built book makes this quick.
    env = dict(os.environ, GRADBOOK_CACHE=str(ROOT / ".cache" / "gradbook"))
    for page, command in commands:
        argv = _argv(command)
        for stale in _outputs(argv, workdir):  # pages reuse file names: each command must write its own
            stale.unlink(missing_ok=True)
        proc = _run(argv, workdir, env)
        assert proc.returncode == 0, f"{page}: {command}\n{proc.stderr}"
        if argv[1] == "list":
            assert "derivative_arrow" in proc.stdout, f"{page}: {command}"
        else:
            outputs = _outputs(argv, workdir)
            assert outputs, f"{page}: {command}: which file does it write?"
            for out in outputs:
                _assert_real_image(out, f"{page}: {command}")
        if "derivative_arrow" in command:
            _assert_arrow_inside(argv, f"{page}: {command}")


def test_set_changes_the_figure_and_defaults_reproduce_the_book(workdir):
    gb = str(BIN / "gradbook")
    assert _run([gb, "render", "derivative_arrow", "-o", "a.svg"], workdir).returncode == 0
    assert _run([gb, "render", "derivative_arrow", "-o", "b.svg", "--set", "x0=2"], workdir).returncode == 0
    assert _run([sys.executable, "figures/derivative_arrow.py", "-o", "c.svg"], workdir).returncode == 0
    a, b, c = ((workdir / n).read_bytes() for n in ("a.svg", "b.svg", "c.svg"))
    assert a != b, "--set x0=2 must change the figure"
    assert a == c, "the script and the CLI render the same bytes for the same parameters"


def test_list_json_names_every_figure_with_its_parameters(workdir):
    proc = _run([str(BIN / "gradbook"), "list", "--json"], workdir)
    rows = json.loads(proc.stdout)
    assert [r["name"] for r in rows] == figure_names(FIGURES)
    assert all(r["caption"] and r["alt"] for r in rows)
    assert rows[[r["name"] for r in rows].index("derivative_arrow")]["params"] == {"x0": 1.0, "xmin": -1.0, "xmax": 3.5}


@pytest.mark.parametrize(
    "args, says",
    [
        (["render", "arow", "-o", "a.svg"], ["figure 'arow': no such figure", "derivative_arrow"]),
        (
            ["render", "derivative_arrow", "-o", "a.svg", "--set", "lr=0.1"],
            ["no parameter 'lr'", "valid parameters: x0, xmin, xmax"],
        ),
        (["render", "derivative_arrow", "-o", "a.svg", "--set", "x0=abc"], ["'x0' expects float", "'abc'"]),
        (["render", "derivative_arrow", "-o", "a.pdf"], ["unsupported suffix", ".svg, .png"]),
        (["render", "derivative_arrow", "-o", "a.svg", "--set", "x0"], ["--set expects key=value"]),
        (["export", "out", "nope"], ["figure 'nope': no such figure"]),
    ],
)
def test_bad_input_stops_with_a_clear_error_and_exit_code_2(workdir, args, says):
    proc = _run([str(BIN / "gradbook"), *args], workdir)
    assert proc.returncode == 2, proc.stderr
    for fragment in says:
        assert fragment in proc.stderr, f"{args}: {proc.stderr}"
    assert "Traceback" not in proc.stderr
    assert not any(p.suffix in {".svg", ".png", ".pdf"} for p in workdir.iterdir()), "nothing half-written"


def test_the_script_itself_reports_bad_parameters(workdir):
    proc = _run([sys.executable, "figures/derivative_arrow.py", "--set", "x0=abc"], workdir)
    assert proc.returncode == 2 and "'x0' expects float" in proc.stderr


def test_the_reuse_page_documents_every_promised_error():
    page = markdown("reuse.md")
    for fragment in ("图名不存在", "参数不存在", "类型不对", "后缀不支持", "退出码是 2"):
        assert fragment in page


def test_the_install_instructions_name_no_placeholder_address():
    # the source repository has no fixed public address yet: the page says so and installs from a clone
    page = markdown("reuse.md")
    assert "git+" not in page and not re.search(r"<[^>]*地址[^>]*>|‹[^›]*›", page)
    assert "$ pip install .\n" in page and "pip install -e ." in page and "还没有一个固定的公开地址" in page


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    (found,) = out.glob("gradbook-*.whl")
    return found


def test_the_wheel_carries_every_figure_and_the_font(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in figure_names(FIGURES):
        assert f"gradbook/figures/{name}.py" in names, f"{name}.py missing from the wheel"
    assert "gradbook/engine/fonts/NotoSansSC-Subset.otf" in names and "gradbook/engine/fonts/OFL.txt" in names
    assert "gradbook/mkdocs/nbconvert/jupyter_nbconvert_config.py" in names
    assert not any(n.startswith(("docs/", "tests/")) for n in names)


def test_an_installed_wheel_lists_and_renders_every_figure_without_a_checkout(wheel, tmp_path):
    target = tmp_path / "installed"
    zipfile.ZipFile(wheel).extractall(target)
    # -S: no site processing, so the checkout's editable install cannot leak in; the
    # environment's site-packages supply only numpy and matplotlib.
    env = {
        "PYTHONPATH": os.pathsep.join([str(target), sysconfig.get_paths()["purelib"]]),
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
    }
    py = [sys.executable, "-S", "-m", "gradbook.engine.cli"]
    where = subprocess.run(
        [*py[:2], "-c", "import gradbook.figures as f; print(f.__file__)"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert where.stdout.startswith(str(target)), where.stdout + where.stderr
    listed = json.loads(_run([*py, "list", "--json"], tmp_path, env).stdout)
    assert [r["name"] for r in listed] == figure_names(FIGURES)
    proc = _run([*py, "export", "out", "--format", "png", "--cache-dir", "cache"], tmp_path, env)
    assert proc.returncode == 0, proc.stderr
    rendered = sorted(p.stem for p in (tmp_path / "out").glob("*.png"))
    assert rendered == figure_names(FIGURES)
