"""A reader downloads a practice notebook from the site and runs it in a clean environment: the
notebook's first code cell installs gradbook from the site (the wheel built with the site), at
the site's version, and does nothing where gradbook is installed (the build, these tests)."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

import gradbook
from gradbook.engine import wheel
from gradbook.mkdocs.wheel import PLACEHOLDER
from tests.chapters import DOCS, ROOT
from tests.reader_env import clean_env, over_http, python, reader_venv, site_at_its_address, uninstall_gradbook

NOTEBOOKS = sorted(p.stem for p in (DOCS / "practice").glob("*.py"))
INSTALL_CELL = f"""\
# 在自己的电脑上运行时：没装 gradbook 就从本书网站装上与本页同一版本的 gradbook，已装好则什么也不做。
import importlib.util
import subprocess
import sys

if importlib.util.find_spec("gradbook") is None:
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "{PLACEHOLDER}"], check=True)
    importlib.invalidate_caches()"""

# Runs in the reader's venv: execute one notebook as Jupyter would, top to bottom.
RUNNER = """
import sys, nbformat
from nbclient import NotebookClient
nb = nbformat.read(sys.argv[1], as_version=4)
NotebookClient(nb, timeout=600, kernel_name="python3").execute()
print(sum(1 for c in nb.cells if c.cell_type == "code"), "code cells ran")
"""


def site_url() -> str:
    """``site_url`` as the tests' build reads it from mkdocs.yml (``SITE_URL``, else its default)."""
    import os

    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    default = re.search(r'^site_url: !ENV \[SITE_URL, "([^"]+)"\]$', config, re.M)
    assert default, 'mkdocs.yml: site_url: !ENV [SITE_URL, "..."]'
    return os.environ.get("SITE_URL") or default[1]


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_the_first_code_cell_installs_gradbook_when_it_is_missing(notebook):
    import jupytext

    nb = jupytext.read(DOCS / "practice" / f"{notebook}.py")
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code[0].source == INSTALL_CELL, f"{notebook}: the first code cell installs gradbook"


@pytest.mark.site
def test_the_site_serves_the_wheel_of_this_commit(site_dir):
    served = site_dir / "dist" / wheel.filename(ROOT)
    assert served.name == f"gradbook-{gradbook.__version__}-py3-none-any.whl"
    names = zipfile.ZipFile(served).namelist()
    for rel, path in wheel.source_files(ROOT):
        if rel.startswith(("gradbook/", "figures/")):
            inside = rel.replace("figures/", "gradbook/figures/", 1) if rel.startswith("figures/") else rel
            assert zipfile.ZipFile(served).read(inside) == path.read_bytes(), f"{inside} differs from the sources"
    assert "gradbook/engine/fonts/NotoSansSC-Subset.otf" in names


@pytest.mark.site
def test_the_downloads_and_pages_give_the_sites_wheel_address(site_dir):
    url = wheel.url(site_url(), ROOT)
    assert url.startswith(site_url()) and url.endswith(f"/dist/{wheel.filename(ROOT)}")
    for notebook in NOTEBOOKS:
        folder = site_dir / "practice" / notebook
        for download in (f"{notebook}.ipynb", f"{notebook}.py"):
            text = (folder / download).read_text(encoding="utf-8")
            assert url in text and PLACEHOLDER not in text, download
        assert url in (folder / "index.html").read_text(encoding="utf-8"), f"{notebook}: the page shows the address"


@pytest.mark.site
def test_every_downloaded_notebook_runs_in_a_clean_environment_with_only_its_install_line(site_dir, tmp_path):
    """The venv has the notebook tools and gradbook's dependencies, not gradbook; the site answers
    at its own address. Each notebook installs gradbook itself, from the site, and runs to the end
    (its last cell checks the worked solution)."""
    url = wheel.url(site_url(), ROOT)
    with reader_venv() as venv, site_at_its_address(site_dir, site_url()) as (proxy, asked):
        env = clean_env(tmp_path / "home", MPLCONFIGDIR=str(venv / "matplotlib"), **proxy)
        for notebook in NOTEBOOKS:
            uninstall_gradbook(venv)
            work = tmp_path / notebook
            work.mkdir()
            ipynb = Path(shutil.copy(site_dir / "practice" / notebook / f"{notebook}.ipynb", work))
            ipynb.write_text(ipynb.read_text(encoding="utf-8").replace(url, over_http(url)), encoding="utf-8")
            asked.clear()
            proc = subprocess.run(
                [python(venv), "-c", RUNNER, str(ipynb)], cwd=work, env=env, capture_output=True, text=True, timeout=900
            )
            assert proc.returncode == 0, f"{notebook}:\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}"
            assert asked == [over_http(url)], f"{notebook}: asked the network for {asked}"
            where = subprocess.run(
                [python(venv), "-c", "import gradbook; print(gradbook.__version__, gradbook.__file__)"],
                cwd=work,
                env=env,
                capture_output=True,
                text=True,
            ).stdout.split()
            assert where[0] == gradbook.__version__ and where[1].startswith(str(venv)), where


@pytest.mark.site
def test_the_wheel_is_built_once_per_content_and_the_same_bytes_each_time(site_dir, tmp_path):
    from gradbook.engine.store import Store

    store = Store(tmp_path / "store")
    name, data, built = wheel.build(ROOT, store)  # a store of its own: built here, not copied
    assert built and name == wheel.filename(ROOT)
    assert data == (site_dir / "dist" / name).read_bytes(), "two builds of the same sources, the same bytes"
    assert wheel.build(ROOT, store) == (name, data, False), "unchanged sources: from the store"


def test_a_placeholder_left_in_the_site_stops_the_build(tmp_path):
    from types import SimpleNamespace

    from mkdocs.exceptions import PluginError

    from gradbook.mkdocs import wheel as hook

    config = SimpleNamespace(
        site_url="https://example.org/book/", site_dir=str(tmp_path), config_file_path=str(ROOT / "mkdocs.yml")
    )
    (tmp_path / "nb.ipynb").write_text(f'{{"source": "{PLACEHOLDER}"}}', encoding="utf-8")
    (tmp_path / "page.html").write_text(f"<code>pip install {PLACEHOLDER}</code>", encoding="utf-8")
    with pytest.raises(PluginError, match=r"left unfilled in page\.html"):
        hook.on_post_build(config)
    assert "https://example.org/book/dist/gradbook-" in (tmp_path / "nb.ipynb").read_text(encoding="utf-8")
    assert (
        hook.on_page_markdown(f"pip install {PLACEHOLDER}", config) == f"pip install {wheel.url(config.site_url, ROOT)}"
    )
