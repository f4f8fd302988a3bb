"""How fast this machine is, printed beside every bench's numbers: machines of the same size differ
(2026-12-03: the same warm suite took 597 s on one 2-core machine and 285-329 s on another), so a
time means something only next to the speed of the machine that measured it.

    .venv/bin/python bench/host.py

The reference is a fixed pure-Python loop (the suite and the build are mostly Python and Chromium),
best of five on a quiet machine; Lighthouse's own benchmarkIndex, for Chromium, is in every
bench/lighthouse.py report. 2026-12-03's machine (Lighthouse benchmarkIndex ~3,400) is the unit.
"""

from __future__ import annotations

import os
import platform
import time

REFERENCE_MS = 102  # 2026-12-03's machine, best of 5 (three runs: 102, 103, 102 ms)


def loop_ms(repeats: int = 5) -> float:
    """Best of ``repeats`` of a fixed loop of dict and integer work, in ms."""
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        table: dict[int, int] = {}
        for i in range(1_000_000):
            k = i % 997
            table[k] = (table.get(k, 0) + i * i) % 1_000_003
        best = min(best, time.perf_counter() - t0)
    return 1000 * best


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def describe() -> str:
    """One line: the CPU, its cores, and the reference loop's time against 2026-12-03's machine."""
    ms = loop_ms()
    return (
        f"host: {cpu_model()}, {os.cpu_count()} cores; reference loop {ms:.0f} ms"
        f" ({ms / REFERENCE_MS:.2f}x 2026-12-03's machine; higher is slower)"
    )


if __name__ == "__main__":
    print(describe())
