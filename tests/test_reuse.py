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

import gradbook
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
INSTALLS = ("pip ",)  # run in a reader's clean venv: test_the_documented_installs_work_as_written


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
    commands = [(page, c) for page, c in _documented_commands() if not c.startswith(NOT_RUN + INSTALLS)]
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
        elif argv[1] == "--version":
            assert proc.stdout == f"gradbook {gradbook.__version__}\n", f"{page}: {command}: {proc.stdout}"
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


def test_the_install_instructions_give_the_sites_wheel_and_a_clone_install():
    # one command installs the wheel the site serves (its address filled in at build time, from
    # site_url), and a clone installs itself; no placeholder a reader would have to fill in
    page = markdown("reuse.md")
    assert "git+" not in page and not re.search(r"<[^>]*地址[^>]*>|‹[^›]*›", page)
    commands = [c for p, c in _documented_commands() if p == "docs/reuse.md" and c.startswith(INSTALLS)]
    assert commands == [
        "pip install {{ gradbook_wheel_url }}",
        "pip install .",
        "pip install -e .",
        "pip wheel --no-deps -w dist .",
    ]


def _pip_commands() -> list[tuple[str, str]]:
    return [(page, c) for page, c in _documented_commands() if c.startswith(INSTALLS)]


@pytest.mark.site
def test_the_documented_installs_work_as_written(site_dir, tmp_path):
    """Each pip command README.md and reuse.md show, in a reader's venv (the notebook tools and
    gradbook's dependencies, no gradbook): the site's wheel from the site's own address, and the
    clone installs from a copy of the sources. Each must leave a working ``gradbook`` behind."""
    from gradbook.engine import wheel
    from gradbook.mkdocs.wheel import PLACEHOLDER
    from tests.reader_env import clean_env, over_http, python, reader_venv, site_at_its_address, uninstall_gradbook
    from tests.test_notebook_install import site_url

    commands = _pip_commands()
    assert {page for page, _ in commands} == {"README.md", "docs/reuse.md"}
    clone = tmp_path / "clone"
    for rel, path in wheel.source_files(ROOT):
        (clone / rel).parent.mkdir(parents=True, exist_ok=True)
        (clone / rel).write_bytes(path.read_bytes())
    url = wheel.url(site_url(), ROOT)
    home = tmp_path / "home"
    with reader_venv() as venv, site_at_its_address(site_dir, site_url()) as (proxy, asked):
        shown: dict[str, list[str]] = {}  # a command both pages show (pip install .) runs once: ~7 s each
        for page, command in commands:
            shown.setdefault(command, []).append(page)
        for command, pages in shown.items():
            page = " and ".join(pages)
            argv = shlex.split(command.replace(PLACEHOLDER, over_http(url)), comments=True)
            assert argv[0] == "pip", command
            from_site = any(a.startswith(("http://", "https://")) for a in argv)
            # From the site: only the site is reachable. From a clone: pip may fetch setuptools to build.
            env = (
                clean_env(home, **proxy)
                if from_site
                else clean_env(home, PIP_CACHE_DIR=str(Path.home() / ".cache/pip"))
            )
            asked.clear()
            proc = _run([str(python(venv)), "-m", *argv], clone, env)
            assert proc.returncode == 0, f"{page}: {command}\n{proc.stdout[-1500:]}\n{proc.stderr[-3000:]}"
            if from_site:
                assert asked == [over_http(url)], f"{page}: {command}: asked for {asked}"
            if argv[1] == "wheel":
                built = clone / "dist" / wheel.filename(ROOT)
                assert "gradbook/engine/fonts/NotoSansSC-Subset.otf" in zipfile.ZipFile(built).namelist()
                continue
            version = _run([str(venv / "bin" / "gradbook"), "--version"], tmp_path, clean_env(home))
            assert version.stdout == f"gradbook {gradbook.__version__}\n", f"{page}: {command}: {version.stderr}"
            where = _run(
                [str(python(venv)), "-c", "import gradbook; print(gradbook.__file__)"], tmp_path, clean_env(home)
            )
            inside = clone if "-e" in argv else venv
            assert where.stdout.startswith(str(inside)), f"{page}: {command}: gradbook from {where.stdout}"
            uninstall_gradbook(venv)


def _python_blocks(page: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", (ROOT / page).read_text(encoding="utf-8"), re.S)


def test_the_reuse_pages_python_writes_the_figures_it_says(tmp_path):
    """reuse.md's Python, run as a reader would (in a fresh folder): the files it saves are the
    figures it describes (test_snippets.py checks what it prints)."""
    from PIL import Image

    from gradbook.engine.render import figure, save

    blocks = _python_blocks("docs/reuse.md")
    assert any('save(fig, "arrow-slide.png", dpi=200)' in b for b in blocks)
    for block in blocks:
        proc = _run([sys.executable, "-c", block], tmp_path)
        assert proc.returncode == 0, proc.stderr
    # the slide: derivative_arrow at x0 = 1.5 with the x range the snippet sets, at 200 dpi, the book's look
    fig = figure("derivative_arrow", x0=1.5)
    fig.axes[0].set_xlim(-1, 4)
    assert (tmp_path / "arrow-slide.png").read_bytes() == save(fig, tmp_path / "expected.png", dpi=200).read_bytes()
    with (
        Image.open(tmp_path / "arrow-slide.png") as slide,
        Image.open(save(figure("derivative_arrow", x0=1.5), tmp_path / "book.png")) as book,
    ):
        assert abs(slide.size[1] / book.size[1] - 200 / 150) < 0.02, "200 dpi, not the book's 150"
    # the reader's own figure, in the house style: the book's blue line and title drawn
    svg = (tmp_path / "mine.svg").read_text(encoding="utf-8")
    assert "#0072b2" in svg.lower() and svg.count("<path") > 10


def test_the_readmes_python_examples_work(tmp_path, monkeypatch):
    """README's figure-script skeleton is a script the engine reads, and the calls it names run."""
    from gradbook.engine import render
    from gradbook.engine.registry import find_figure

    # the skeleton, and what an explorable figure adds to it (SWEEPS, readout)
    skeleton, explorable = _python_blocks("README.md")
    (tmp_path / "example.py").write_text(skeleton + "\n\n" + explorable, encoding="utf-8")
    spec = find_figure("example", tmp_path)
    assert spec.caption.startswith("Caption") and spec.alt.startswith("Alt text") and spec.defaults() == {"x0": 1.0}
    assert render.data("example", tmp_path, x0=1.5) == {"slope": 3.0}
    script = render.script("example", tmp_path)
    assert script.readout(render.data("example", tmp_path, x0=1.5)) == "f′ = 3" and "x0" in script.SWEEPS
    calls = re.findall(r"`(gradbook\.engine\.render\.\w+\(.*?\))`", (ROOT / "README.md").read_text(encoding="utf-8"))
    calls = [c for c in calls if re.search(r'\("derivative_arrow"|\(fig, "', c)]  # examples, not signatures
    assert len(calls) >= 3, calls
    monkeypatch.chdir(tmp_path)
    for call in calls:
        env = {"gradbook": gradbook, "fig": render.figure("derivative_arrow")}
        result = eval(call, env)  # noqa: S307 (the README's own examples)
        name = call.split("(")[0].rsplit(".", 1)[1]
        if name == "figure":
            assert type(result).__name__ == "Figure" and result.axes
        elif name == "data":
            assert repr(result) == repr(render.data("derivative_arrow", x0=1.5))
        elif name == "save":
            assert result.is_file() and result.read_bytes() == render.save(env["fig"], tmp_path / "b.png").read_bytes()
        else:
            raise AssertionError(f"README names {call}: what should it give?")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """Built from a copy of the package's sources, as a fresh clone has them: built in the checkout,
    two workers' builds met in its build/ ("File exists: build/bdist.linux-x86_64/wheel/...")."""
    from gradbook.engine.wheel import source_files

    out, src = tmp_path_factory.mktemp("wheel"), tmp_path_factory.mktemp("wheel-src")
    for rel, path in source_files(ROOT):
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        (src / rel).write_bytes(path.read_bytes())
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(src)],
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


def test_quick_serve_serves_the_last_wheel_while_the_new_one_builds(tmp_path, monkeypatch):
    """dev.py serve --quick: an edit that changes the wheel's sources (any figure script) does not
    wait ~2 s for pip; the site keeps the last wheel, the new one is built beside the loop and
    served from the next rebuild on. Without --quick, or in a build, the wheel is built in line."""
    import threading

    from mkdocs.config import load_config

    from gradbook.engine import store
    from gradbook.engine import wheel as engine_wheel
    from gradbook.mkdocs import wheel as hook

    (tmp_path / "mkdocs.yml").write_text("site_name: t\n", encoding="utf-8")
    (tmp_path / "docs").mkdir()
    config = load_config(str(tmp_path / "mkdocs.yml"))
    config.plugins._current_plugin = None  # set while MkDocs runs plugin events
    monkeypatch.setenv("GRADBOOK_CACHE", str(tmp_path / "store"))
    monkeypatch.setenv("GRADBOOK_QUICK", "1")
    monkeypatch.setattr(hook, "_quick", {"on": False, "last": None, "building": None})
    version, gate, built = ["k1"], threading.Event(), []
    monkeypatch.setattr(engine_wheel, "key", lambda root: version[0])

    def build(root, cache):
        if built:
            assert gate.wait(10)
        built.append(version[0])
        cache.put(engine_wheel.KIND, version[0], "whl", version[0].encode())
        return "g.whl", version[0].encode(), True

    monkeypatch.setattr(engine_wheel, "build", build)
    served = lambda: [f.content_bytes for f in hook.on_files([], config)]  # noqa: E731
    hook.on_startup(command="serve", dirty=True)
    assert served() == [b"k1"] and built == ["k1"]  # nothing to serve yet: built in line
    version[0] = "k2"
    assert served() == [b"k1"]  # the last one, while k2 builds
    gate.set()
    hook._quick["building"].join(10)
    assert built == ["k1", "k2"] and store.Store(tmp_path / "store").get(engine_wheel.KIND, "k2", "whl") == b"k2"
    monkeypatch.setattr(
        engine_wheel, "build", lambda root, cache: ("g.whl", cache.get(engine_wheel.KIND, version[0], "whl"), False)
    )
    assert served() == [b"k2"]
    hook.on_startup(command="build", dirty=False)
    version[0] = "k3"
    monkeypatch.setattr(engine_wheel, "build", lambda root, cache: ("g.whl", b"k3", True))
    assert served() == [b"k3"]
