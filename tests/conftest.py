"""Shared fixtures: the built site and its clean rebuild (once per session), a served copy of the
site, and the browser."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from filelock import FileLock

from tests.site import CHROMIUM, ENV, LAUNCH_ARGS, ROOT, mkdocs_build, served


@pytest.hookimpl(optionalhook=True)  # an xdist hook
def pytest_xdist_node_collection_finished(node, ids):
    """Stop when --dist loadgroup does not group: a browser pass split over two workers runs on
    both (pytest 9.2 with xdist 3.8 drops the groups without a word, pytest-dev/pytest-xdist#1386)."""
    if node.config.getvalue("dist") != "loadgroup":
        return
    lost = [i for i in ids if i.startswith("tests/test_browser.py::test_page_check[") and "@" not in i]
    if lost:
        raise pytest.UsageError(f"--dist loadgroup does not group {lost[0]} ({len(lost)} tests) on this pytest")


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
    return _built_once(tmp_path_factory, "gradbook-site")


@pytest.fixture(scope="session")
def clean_site(tmp_path_factory) -> Path:
    """The book built again from a second, independent store: every figure drawn, every formula
    typeset and every notebook run (allow_errors: false, so a notebook that raises stops it) apart
    from ``site_dir``'s store. The reproducibility test compares the two; the notebook tests read
    its runs.

    The second store (``.cache/gradbook-mirror``, or GRADBOOK_MIRROR_CACHE) persists between runs,
    as a reproducibility check keeps its second cache: the store is keyed by content, so whatever
    is new since the last run (every artefact, on a bare CI machine) is produced twice, once in
    each store, and compared; what both produced before was compared then. An empty temporary
    store here instead cost every run a cold build (~6 min of one core, all sweeps, notebooks, PDF).
    """
    return _built_once(tmp_path_factory, "gradbook-clean-site", _clean_env())


def _clean_env() -> dict:
    mirror = Path(os.environ.get("GRADBOOK_MIRROR_CACHE") or ROOT / ".cache" / "gradbook-mirror")
    return dict(ENV, GRADBOOK_CACHE=str(mirror), GRADBOOK_EXECUTE_NOTEBOOKS="true")


def pytest_sessionstart(session):
    """Under xdist, the whole suite: the controller builds the site and its clean rebuild side by side
    before the workers start, on a machine doing nothing else. Built by the first workers to ask,
    each build shared the two cores with the tests the third worker ran, while the other workers
    waited: 22-24 s of waiting in the slowest warm runs (302 s, 307 s), against ~5 s for either build
    alone. A build that fails is kept as failed, and every test that needs it fails naming it."""
    config = session.config
    if os.environ.get("PYTEST_XDIST_WORKER") or not getattr(config.option, "numprocesses", None):
        return
    if config.args_source == pytest.Config.ArgsSource.ARGS:  # some tests named: build on demand
        return
    from concurrent.futures import ThreadPoolExecutor

    shared = _shared_tmp(config._tmp_path_factory)  # the folder the workers' _built_once looks in
    builds = [("gradbook-clean-site", _clean_env())]
    if not os.environ.get("GRADBOOK_TEST_SITE"):
        builds.append(("gradbook-site", None))
    start = time.perf_counter()
    with ThreadPoolExecutor(len(builds)) as pool:
        list(pool.map(lambda b: _build_shared(shared, *b), builds))
    config.stash[_PREBUILT] = (len(builds), time.perf_counter() - start)


_PREBUILT = pytest.StashKey[tuple[int, float]]()


def pytest_terminal_summary(terminalreporter, config):
    """pytest's clock starts after pytest_sessionstart: say what the builds before it took (~5 s
    warm; minutes on a fresh clone, which draws every figure and runs every notebook twice)."""
    if _PREBUILT in config.stash:
        n, seconds = config.stash[_PREBUILT]
        terminalreporter.write_line(f"built {n} site(s) before the tests, in {seconds:.1f} s (not in the time below)")


def _shared_tmp(tmp_path_factory) -> Path:
    """The base temp dir's parent is shared by the xdist workers of one run."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def _built_once(tmp_path_factory, name: str, env: dict | None = None) -> Path:
    """Under pytest-xdist every worker asks for the site: the first builds it, the others wait on
    the lock and reuse it, or its failure (a failed build is not tried again in the same run)."""
    site, failed = _build_shared(_shared_tmp(tmp_path_factory), name, env)
    assert not failed.exists(), f"mkdocs build --strict failed:\n{failed.read_text(encoding='utf-8')}"
    return site


def _build_shared(shared: Path, name: str, env: dict | None) -> tuple[Path, Path]:
    """Build ``name`` into ``shared`` unless built (or failed) already: the site and the failure file."""
    site, done, failed = shared / name, shared / f"{name}.ok", shared / f"{name}.failed"
    with FileLock(str(shared / f"{name}.lock")):
        if not done.exists() and not failed.exists():
            if site.exists():
                shutil.rmtree(site)  # a build that failed half-way
            result = mkdocs_build(ROOT / "mkdocs.yml", site, env=env)
            if result.returncode:
                failed.write_text(f"{result.stdout}\n{result.stderr}", encoding="utf-8")
            else:
                done.write_text("built\n")
    return site, failed


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
