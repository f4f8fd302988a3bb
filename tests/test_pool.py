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


COUNTED = '''"""数一数 data() 被调用了几次。"""
from pathlib import Path

from matplotlib.figure import Figure

ALT = "一条线。"


def data(k: float = 1.0):
    with open(Path(__file__).with_suffix(".calls"), "a") as f:
        f.write("x")
    return {"ys": [0.0, k]}


def make(k: float = 1.0) -> Figure:
    d = data(k=k)
    d["ys"].append(99.0)  # a make() that edits its numbers must not change another drawing's
    fig = Figure(figsize=(2, 1))
    fig.add_subplot().plot(d["ys"][:2])
    return fig
'''


def test_a_requests_drawings_share_one_data_call_and_match_separate_renders(tmp_path):
    """gradbook/engine/batch.py: the four drawings of one request in one batch call data() once, and
    give the bytes each gives when rendered on its own."""
    from gradbook.engine.batch import render_batch
    from gradbook.engine.pool import FigureEngine
    from gradbook.engine.render import render_job
    from gradbook.engine.variant import VARIANTS

    figures = tmp_path / "figures"
    figures.mkdir()
    (figures / "counted.py").write_text(COUNTED, encoding="utf-8")
    calls = figures / "counted.calls"
    engine = FigureEngine(figures, tmp_path / "cache", workers=0)
    spec = engine.spec("counted")
    jobs = [(spec, {"k": 2.0}, "svg", None, v) for v in VARIANTS]
    alone = [render_job(job) for job in jobs]
    assert calls.read_text() == "x" * len(VARIANTS)
    calls.unlink()
    together = render_batch(jobs)
    assert calls.read_text() == "x", "one data() call for the batch"
    assert together == alone and all(ok for ok, _, _ in together)
    calls.unlink()
    out = engine.ensure([engine.request("counted", {"k": 3.0}, variant=v) for v in VARIANTS])
    assert len(out) == len(VARIANTS) and calls.read_text() == "x", "the pool batches a request"
