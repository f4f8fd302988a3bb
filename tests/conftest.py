"""Shared fixtures: the built site (once per session) and a served copy of it."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from filelock import FileLock

from tests.site import CHROMIUM, LAUNCH_ARGS, ROOT, mkdocs_build, served


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory) -> Path:
    """The real book, built with --strict into a temporary folder.

    GRADBOOK_TEST_SITE=DIR tests a site built already: a quick local loop, and in CI the build the
    workflow then deploys (there it must be newer than every source, so never a stale one).
    """
    if prebuilt := os.environ.get("GRADBOOK_TEST_SITE"):
        site = ROOT / prebuilt  # relative to the checkout; an absolute path stays as it is
        assert (site / "index.html").is_file(), f"GRADBOOK_TEST_SITE={prebuilt}: no built site there"
        if os.environ.get("CI"):
            built = (site / "index.html").stat().st_mtime
            newer = [p for p in _sources() if p.stat().st_mtime > built]
            assert not newer, f"GRADBOOK_TEST_SITE={prebuilt} is older than {newer[:5]}: build it again"
        return site
    # Under pytest-xdist every worker asks for the site: the first builds it, the others wait
    # on the lock and reuse it (the base temp dir's parent is shared by the workers of one run).
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent
    site, done = shared / "gradbook-site", shared / "gradbook-site.ok"
    with FileLock(str(shared / "gradbook-site.lock")):
        if not done.exists():
            if site.exists():
                shutil.rmtree(site)  # a build that failed half-way in this run
            result = mkdocs_build(ROOT / "mkdocs.yml", site)
            assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stdout}\n{result.stderr}"
            done.write_text("built\n")
    return site


def _sources() -> list[Path]:
    """What the built site is made from (tests/ and bench/ are not)."""
    files = [ROOT / "mkdocs.yml", ROOT / "pyproject.toml"]
    for folder in ("docs", "figures", "gradbook"):
        files += [p for p in (ROOT / folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    return files


@pytest.fixture(scope="session")
def site_url(site_dir) -> str:
    with served(site_dir) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium through Playwright, one per worker."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"Debian's Chromium is required at {CHROMIUM} (apt-get install chromium)"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield b
        b.close()


def site_pages(site: Path) -> list[str]:
    """URL paths of every HTML page in the built site, except the 404 page."""
    pages = []
    for html in sorted(site.rglob("*.html")):
        rel = html.relative_to(site).as_posix()
        if rel == "404.html" or rel.startswith("assets/"):
            continue
        pages.append(rel.removesuffix("index.html"))
    return pages
