"""Render workers never outlive the build that started them (a killed or timed-out build)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import psutil
import pytest

PARENT = """
import sys
from pathlib import Path
from gradbook.engine.pool import FigureEngine
engine = FigureEngine(Path(sys.argv[1]), Path(sys.argv[2]), workers=2)
engine.ensure([engine.request("slow_a"), engine.request("slow_b")])
"""

SLOW = '''"""一张画得很慢的图。"""
import time
from pathlib import Path

from matplotlib.figure import Figure

ALT = "空白。"


def make(k: float = 1.0) -> Figure:
    Path(__file__).with_suffix(".started").touch()
    time.sleep(600)
    return Figure()
'''


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_workers_exit_when_the_build_is_killed_mid_render(tmp_path, sig):
    figures = tmp_path / "figures"
    figures.mkdir()
    for name in ("slow_a", "slow_b"):
        (figures / f"{name}.py").write_text(SLOW, encoding="utf-8")
    parent = subprocess.Popen([sys.executable, "-c", PARENT, str(figures), str(tmp_path / "cache")], env=os.environ)
    try:
        deadline = time.monotonic() + 240  # spawn + imports on a loaded machine
        while not all((figures / f"{n}.started").exists() for n in ("slow_a", "slow_b")):
            assert parent.poll() is None, "the parent ended before rendering"
            assert time.monotonic() < deadline, "the workers never started"
            time.sleep(0.2)
        children = psutil.Process(parent.pid).children(recursive=True)  # the two workers, the resource tracker
        assert len(children) >= 2
        parent.send_signal(sig)
        parent.wait(timeout=30)
        _, alive = psutil.wait_procs(children, timeout=60)
        for p in alive:  # what this test started: do not leave it behind when the check fails
            p.kill()
        assert not alive, f"{len(alive)} process(es) still running after the build was killed"
    finally:
        if parent.poll() is None:
            parent.kill()
