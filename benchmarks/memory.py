"""This process's memory, from /proc (Linux): for the benchmarks' peak-growth figures."""

import contextlib
from pathlib import Path


def status(field: str) -> int:
    """A memory figure of this process (``VmRSS``, ``VmHWM``…) in bytes; 0 where unavailable."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def reset_peak() -> None:
    """Start ``VmHWM`` again from the current resident size (Linux >= 4.0)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")
